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
