//! How the report reads where it lands: GitHub Actions annotations, `--color`, and tables
//! wrapped at `--width` or `COLUMNS` in a CI log. Every case runs the binary on the demo
//! database, whose planted defects fail, error-free, several checks.

use crate::support::{JsonReport, bin, run};

/// The demo database, written once per test into its own folder.
fn demo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    (dir, db.to_string_lossy().into_owned())
}

fn annotations(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("::")).collect()
}

/// In GitHub Actions one `::error` per failing check and one `::warning` per warning one, on
/// stderr with the check's summary, and the report on stdout as it was; `--annotations` forces
/// them on or off, and `--quiet` silences them.
#[test]
fn github_actions_gets_one_annotation_per_check_that_needs_attention() {
    let (_dir, db) = demo();
    let audit = |env: Option<&str>, extra: &[&str]| {
        let mut cmd = bin();
        if let Some(value) = env {
            cmd.env("GITHUB_ACTIONS", value);
        }
        run(cmd
            .args(["check", "--format", "json", "--database-url", &db])
            .args(extra))
    };
    let in_actions = audit(Some("true"), &[]);
    assert_eq!(in_actions.code, 1, "{}", in_actions.stderr);
    let report: JsonReport = in_actions.json();
    let lines = annotations(&in_actions.stderr);
    let expected: Vec<String> = report
        .checks
        .iter()
        .filter_map(|c| {
            let level = match c.status.as_str() {
                "fail" | "error" => "error",
                "warn" => "warning",
                _ => return None,
            };
            Some(format!(
                "::{level} title=session-audit {} ({})::",
                c.id, c.status
            ))
        })
        .collect();
    assert!(expected.len() >= 3, "the demo fails several checks");
    assert_eq!(lines.len(), expected.len(), "{}", in_actions.stderr);
    for (line, start) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(start.as_str()),
            "{line} should start {start}"
        );
    }
    let coverage = report.check("coverage");
    assert!(
        lines.iter().any(|l| l.contains(coverage.summary.as_str())
            && l.ends_with("See docs/checks/coverage.md.")),
        "{lines:?}"
    );

    for (env, extra) in [
        (None, &[][..]),
        (Some("false"), &[][..]),
        (Some("true"), &["--annotations", "none"][..]),
        (Some("true"), &["--quiet", "--output", "/dev/null"][..]),
    ] {
        let out = audit(env, extra);
        assert_eq!(out.code, 1);
        assert!(
            annotations(&out.stderr).is_empty(),
            "{env:?} {extra:?}: {}",
            out.stderr
        );
    }
    let forced = audit(None, &["--annotations", "github"]);
    assert_eq!(annotations(&forced.stderr).len(), expected.len());
}

/// An audit that cannot run is one `::error` naming why, and still exit 2.
#[test]
fn an_audit_that_stops_is_one_error_annotation() {
    let out = run(bin().env("GITHUB_ACTIONS", "true").args([
        "check",
        "--database-url",
        "postgres://u:Sentinel5@127.0.0.1:1/db",
    ]));
    assert_eq!(out.code, 2);
    let lines = annotations(&out.stderr);
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].starts_with(
            "::error title=session-audit%3A the audit could not be evaluated::cannot connect"
        ),
        "{}",
        lines[0]
    );
    assert!(!out.stderr.contains("Sentinel5"));
}

/// `--color always` colours a table written to a pipe, even with NO_COLOR (which rules only
/// `auto`); the default and `never` keep a pipe plain.
#[test]
fn color_is_forced_on_or_off_and_no_color_rules_auto() {
    let (_dir, db) = demo();
    let table = |env_no_color: bool, extra: &[&str]| {
        let mut cmd = bin();
        if env_no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = run(cmd.args(["check", "--database-url", &db]).args(extra));
        assert_eq!(out.code, 1, "{}", out.stderr);
        out.stdout
    };
    let escape = "\u{1b}[";
    assert!(
        !table(false, &[]).contains(escape),
        "a pipe is plain by default"
    );
    assert!(!table(false, &["--color", "never"]).contains(escape));
    let forced = table(true, &["--color", "always"]);
    assert!(forced.contains(escape), "{forced}");
    assert!(forced.contains("FAIL"), "{forced}");
}

/// Piped tables wrap at `--width`, else at `COLUMNS`; without either they are as wide as
/// their longest summary (over 200 characters on the demo).
#[test]
fn piped_tables_wrap_at_width_or_columns() {
    let (_dir, db) = demo();
    let widest = |env_columns: Option<&str>, extra: &[&str]| {
        let mut cmd = bin();
        if let Some(columns) = env_columns {
            cmd.env("COLUMNS", columns);
        }
        let out = run(cmd.args(["check", "--database-url", &db]).args(extra));
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stdout.contains("verdict: FAIL"), "{}", out.stdout);
        out.stdout
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '├', '└', '╞']))
            .map(|l| l.chars().count())
            .max()
            .expect("tables")
    };
    assert!(widest(None, &[]) > 200, "unwrapped by default");
    assert!(widest(None, &["--width", "100"]) <= 100);
    assert!(widest(Some("90"), &[]) <= 90);
    assert!(
        widest(Some("90"), &["--width", "120"]) <= 120
            && widest(Some("90"), &["--width", "120"]) > 90,
        "--width wins over COLUMNS"
    );
    let refused = run(bin().args(["check", "--database-url", &db, "--width", "10"]));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--width"), "{}", refused.stderr);
}

/// The samples of an OpenMetrics text as the reference parser (Python's prometheus_client,
/// strict about the format: `# EOF`, types, escaping) reads them, as JSON; None where it is
/// not installed outside CI (CI installs it: .ci/run).
pub(crate) fn parse_openmetrics(text: &str) -> Option<Vec<serde_json::Value>> {
    const PARSER: &str = "import sys, json\n\
from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
print(json.dumps([{'family': f.name, 'type': f.type, 'name': s.name, 'labels': s.labels, 'value': s.value}\n\
    for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]))\n";
    use std::io::Write as _;
    let child = std::process::Command::new("python3")
        .args(["-c", PARSER])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "python3 is required in CI: {e}"
            );
            eprintln!("SKIPPED: OpenMetrics parsing, no python3 ({e})");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("the parser ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'prometheus_client'") {
        assert!(
            std::env::var_os("CI").is_none(),
            "prometheus_client is required in CI: {stderr}"
        );
        eprintln!(
            "SKIPPED: OpenMetrics parsing, prometheus_client is not installed (pip install prometheus_client)"
        );
        return None;
    }
    assert!(
        out.status.success(),
        "the OpenMetrics parser refused the text: {stderr}\n{text}"
    );
    Some(serde_json::from_slice(&out.stdout).expect("the parser's JSON"))
}

/// `--openmetrics FILE` writes what the JSON says as gauges a reference parser accepts: each
/// check's status code, every metric, the offending rows, the verdict and the duration, with
/// the database's labels and no credentials.
#[test]
fn openmetrics_is_parsed_back_and_agrees_with_the_json() {
    let (dir, db) = demo();
    let file = dir.path().join("session_audit.prom");
    let out = run(bin()
        .args([
            "check",
            "--format",
            "json",
            "--database-url",
            &db,
            "--openmetrics",
        ])
        .arg(&file));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let text = std::fs::read_to_string(&file).expect("the OpenMetrics file");
    let Some(samples) = parse_openmetrics(&text) else {
        return;
    };
    let value = |name: &str, check: Option<&str>, metric: Option<&str>| -> f64 {
        let found: Vec<&serde_json::Value> = samples
            .iter()
            .filter(|s| {
                s["name"] == name
                    && check.is_none_or(|c| s["labels"]["check"] == c)
                    && metric.is_none_or(|m| s["labels"]["metric"] == m)
            })
            .collect();
        assert_eq!(found.len(), 1, "{name} {check:?} {metric:?}: {found:?}");
        assert_eq!(found[0]["type"], "gauge");
        assert_eq!(found[0]["labels"]["backend"], "sqlite");
        assert_eq!(found[0]["labels"]["database"], db.as_str());
        found[0]["value"].as_f64().expect("a number")
    };
    for check in &report.checks {
        let code = ["pass", "warn", "fail", "error", "skipped"]
            .iter()
            .position(|s| *s == check.status)
            .expect("a known status");
        let id = Some(check.id.as_str());
        assert_eq!(value("session_audit_check_status", id, None), code as f64);
        assert_eq!(
            value("session_audit_offending_rows", id, None),
            check.sample_total as f64
        );
        for (metric, n) in &check.metrics {
            assert_eq!(
                value("session_audit_metric", id, Some(metric)),
                *n as f64,
                "{} {metric}",
                check.id
            );
        }
    }
    assert_eq!(value("session_audit_verdict", None, None), 1.0);
    let seconds = value("session_audit_duration_seconds", None, None);
    assert!((seconds * 1000.0 - report.duration_ms as f64).abs() <= 1.0);
    assert!(value("session_audit_last_run_timestamp_seconds", None, None) > 1.7e9);

    // An audit that cannot run still writes a parseable file that says so.
    let stopped = dir.path().join("stopped.prom");
    let out = run(bin()
        .args([
            "check",
            "--database-url",
            "postgres://u:Sentinel5@127.0.0.1:1/db",
            "--openmetrics",
        ])
        .arg(&stopped));
    assert_eq!(out.code, 2);
    let text = std::fs::read_to_string(&stopped).expect("written");
    assert!(!text.contains("Sentinel5"));
    let samples = parse_openmetrics(&text).expect("parsed");
    let verdict: Vec<_> = samples
        .iter()
        .filter(|s| s["name"] == "session_audit_verdict")
        .collect();
    assert_eq!(verdict.len(), 1);
    assert_eq!(verdict[0]["value"], 2.0);
}
