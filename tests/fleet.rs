//! `check --targets` and `report --targets`: a fleet of databases in one run, one combined
//! report in every format, one exit code (the worst), and a history folder per target.

use std::path::{Path, PathBuf};

use crate::support::{Fixture, JsonReport, Run, SqliteDb, TestDb, bin, run};

/// A port nothing listens on: the target that cannot be reached.
const UNREACHABLE: &str = "postgres://audit@127.0.0.1:1/app";

/// A clean SQLite database (every check passes).
fn clean() -> SqliteDb {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    db
}

/// A SQLite database where coverage fails: a scheduled booking without a session.
fn failing() -> SqliteDb {
    let db = SqliteDb::new();
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    db
}

/// A targets file in its own folder naming `(name, url)` pairs, in order.
struct Targets {
    dir: tempfile::TempDir,
}

impl Targets {
    fn new(targets: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let text: String = targets
            .iter()
            .map(|(name, url)| format!("[[target]]\nname = \"{name}\"\nurl = \"{url}\"\n\n"))
            .collect();
        std::fs::write(dir.path().join("targets.toml"), text).expect("write targets");
        Targets { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("targets.toml")
    }

    fn check(&self, args: &[&str]) -> Run {
        run(bin()
            .arg("check")
            .arg("--targets")
            .arg(self.path())
            .args(args))
    }
}

fn names(report: &JsonReport) -> Vec<&str> {
    report.targets.iter().map(|t| t.name.as_str()).collect()
}

fn verdicts(report: &JsonReport) -> Vec<&str> {
    report
        .targets
        .iter()
        .map(|t| t.report.verdict.as_str())
        .collect()
}

/// Two reachable databases and one that is not: the two are audited and reported in full,
/// the third is an error of its own, and the run is exit 2 because one target was not audited.
#[test]
fn an_unreachable_target_is_exit_2_and_the_others_are_still_audited() {
    let (good, bad) = (clean(), failing());
    let targets = Targets::new(&[
        ("good", &good.url()),
        ("down", UNREACHABLE),
        ("bad", &bad.url()),
    ]);
    let out = targets.check(&["--format", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report.verdict, "error");
    assert_eq!(names(&report), ["good", "down", "bad"], "the file's order");
    assert_eq!(verdicts(&report), ["pass", "error", "fail"]);
    let down = &report.targets[1].report;
    assert!(
        down.error
            .as_deref()
            .is_some_and(|e| e.contains("127.0.0.1:1")),
        "{down:?}"
    );
    assert_eq!(report.targets[2].report.check("coverage").status, "fail");
    assert_eq!(
        report.targets[2].report.check("coverage").sample_ids,
        [10],
        "the failing target's offending ids are in its own report"
    );
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "error", "the worst over the targets");
    assert_eq!(coverage.metric("targets"), 3);
    assert_eq!(coverage.metric("targets_pass"), 1);
    assert_eq!(coverage.metric("targets_fail"), 1);
    assert_eq!(coverage.metric("targets_error"), 1);
    assert!(coverage.summary.contains("(down)"), "{}", coverage.summary);
    assert_eq!(
        out.stderr.matches("target down:").count(),
        1,
        "one line names the unreachable target: {}",
        out.stderr
    );
}

/// The exit code is the worst target's: all pass is 0, one failing is 1.
#[test]
fn the_exit_code_is_the_worst_targets() {
    let (a, b, bad) = (clean(), clean(), failing());
    let passing = Targets::new(&[("a", &a.url()), ("b", &b.url())]);
    let out = passing.check(&["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(verdicts(&out.json()), ["pass", "pass"]);

    let one_failing = Targets::new(&[("a", &a.url()), ("bad", &bad.url()), ("b", &b.url())]);
    let out = one_failing.check(&["--format", "json", "--parallel", "1"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report.verdict, "fail");
    assert_eq!(verdicts(&report), ["pass", "fail", "pass"]);
    assert_eq!(report.check("coverage").status, "fail");
    assert_eq!(report.check("capacity").status, "pass");
}

/// PostgreSQL and SQLite targets in one run, each read on its own snapshot: the PostgreSQL
/// target's report is the one `check` gives for it alone.
#[test]
fn postgres_and_sqlite_targets_in_one_run_answer_as_alone() {
    let Some(pg) = crate::support::pg::PgDb::new() else {
        return;
    };
    Fixture::clean()
        .booking(20, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&pg);
    let lite = clean();
    let targets = Targets::new(&[("pg", &TestDb::url(&pg)), ("lite", &lite.url())]);
    let out = targets.check(&["--format", "json", "--jobs", "2"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let fleet = out.json();
    assert_eq!(verdicts(&fleet), ["fail", "pass"]);
    let alone = crate::support::check(&TestDb::url(&pg), &["--format", "json", "--jobs", "2"]);
    let alone = alone.json();
    let in_fleet = &fleet.targets[0].report;
    for check in &alone.checks {
        let other = in_fleet.check(&check.id);
        assert_eq!(
            (
                &other.status,
                &other.summary,
                &other.metrics,
                &other.sample_ids
            ),
            (
                &check.status,
                &check.summary,
                &check.metrics,
                &check.sample_ids
            ),
            "{}",
            check.id
        );
    }
    assert_eq!(in_fleet.database.backend.as_deref(), Some("postgres"));
}

/// Every format holds each target's part, and the machine-read ones parse.
#[test]
fn every_format_has_a_part_per_target() {
    let (good, bad) = (clean(), failing());
    let targets = Targets::new(&[
        ("good", &good.url()),
        ("bad", &bad.url()),
        ("down", UNREACHABLE),
    ]);
    let out = targets.check(&["--format", "table"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for name in ["good", "bad", "down"] {
        assert!(
            out.stdout.contains(&format!("══ target {name} ══")),
            "{name}: {}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("fleet verdict: ERROR"),
        "{}",
        out.stdout
    );

    let out = targets.check(&["--format", "markdown"]);
    assert!(
        out.stdout.starts_with("## session-audit fleet: "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("| check | good | bad | down |"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("## target bad: ❌ FAIL"),
        "{}",
        out.stdout
    );

    let out = targets.check(&["--format", "csv"]);
    let mut csv = ::csv::Reader::from_reader(out.stdout.as_bytes());
    let header = csv.headers().expect("header").clone();
    assert_eq!(
        &header.iter().take(4).collect::<Vec<_>>(),
        &["target", "check", "check_status", "check_summary"]
    );
    let records: Vec<::csv::StringRecord> = csv.records().map(|r| r.expect("row")).collect();
    let of = |target: &str, check: &str| {
        records
            .iter()
            .filter(|r| &r[0] == target && &r[1] == check)
            .map(|r| r[2].to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("good", "coverage"),
        ["pass"],
        "a check without findings has one row"
    );
    assert!(of("bad", "coverage").iter().all(|s| s == "fail") && !of("bad", "coverage").is_empty());
    assert_eq!(of("down", ""), ["error"], "the unreachable target's row");

    let dir = tempfile::tempdir().expect("temp dir");
    let junit = dir.path().join("fleet.xml");
    let out = targets.check(&["--format", "junit", "-o", junit.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let xml = std::fs::read_to_string(&junit).expect("JUnit written");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(
        suites,
        [
            "session-audit good",
            "session-audit bad",
            "session-audit down"
        ]
    );
    crate::cli::xmllint_validate(&junit);

    let out = targets.check(&["--format", "openmetrics"]);
    if let Some(samples) = crate::terminal_and_ci::parse_openmetrics(&out.stdout) {
        let verdict_of = |target: &str| {
            samples
                .iter()
                .find(|s| s["name"] == "session_audit_verdict" && s["labels"]["target"] == target)
                .map(|s| s["value"].as_f64().expect("a number"))
        };
        assert_eq!(
            (verdict_of("good"), verdict_of("bad"), verdict_of("down")),
            (Some(0.0), Some(1.0), Some(2.0))
        );
    }

    let out = targets.check(&["--format", "html"]);
    let doc = html(&out.stdout);
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "every anchor once: {ids:?}");
    for id in [
        "matrix",
        "targets",
        "target-good",
        "target-bad-check-coverage",
        "target-down",
    ] {
        assert!(ids.contains(&id), "{id}: {ids:?}");
    }
}

/// The HTML page read as the polyglot XML it is (its `<!DOCTYPE html>` allowed).
fn html(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).expect("the page parses as XML")
}

fn saved_json(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("session-audit-"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// `report --targets`: each target's reports in `DIR/<name>/` with their own history and
/// comparison, and the combined report as `DIR/fleet.json` and `DIR/fleet.html`.
#[test]
fn report_keeps_each_targets_history_in_its_own_folder() {
    let (good, bad) = (clean(), failing());
    let targets = Targets::new(&[("good", &good.url()), ("bad", &bad.url())]);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = |extra: &[&str]| {
        run(bin()
            .args(["report", "--targets"])
            .arg(targets.path())
            .arg("--dir")
            .arg(dir.path())
            .args(["--format", "json"])
            .args(extra))
    };
    let first = report(&[]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first
            .json()
            .targets
            .iter()
            .all(|t| t.report.comparison.is_none())
    );
    // The second report of a folder is named by its own second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    bad.exec("INSERT INTO bookings_booking (id, service_id, service_session_id, status) VALUES (11, 1, NULL, 'confirmed');");
    let second = report(&[]);
    assert_eq!(second.code, 1, "{}", second.stderr);
    for name in ["good", "bad"] {
        assert_eq!(saved_json(&dir.path().join(name)).len(), 2, "{name}");
        assert!(
            dir.path().join(name).join("history.json").is_file(),
            "{name}"
        );
    }
    let second = second.json();
    let bad_now = &second.targets[1].report;
    let comparison = bad_now
        .comparison
        .as_ref()
        .expect("compared with bad's first report");
    assert!(
        comparison.previous_file.contains("bad"),
        "{}",
        comparison.previous_file
    );
    let fleet_json = std::fs::read_to_string(dir.path().join("fleet.json")).expect("fleet.json");
    let saved = crate::support::report::parse(&fleet_json);
    assert_eq!(names(&saved), ["good", "bad"]);
    assert_eq!(saved.generated_at, second.generated_at, "the latest run's");
    let page = std::fs::read_to_string(dir.path().join("fleet.html")).expect("fleet.html");
    assert!(
        html(&page)
            .descendants()
            .any(|n| n.attribute("id") == Some("target-bad"))
    );
}

/// A bad targets file, and flags that name one database, are exit 2 with one line that says
/// what to change.
#[test]
fn bad_targets_files_and_one_database_flags_are_exit_2() {
    let db = clean();
    let url = db.url();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "names no database"),
        (
            format!(
                "[[target]]\nname = \"a\"\nurl = \"{url}\"\n[[target]]\nname = \"a\"\nurl = \"{url}\"\n"
            ),
            "two targets are named `a`",
        ),
        (
            format!("[[target]]\nname = \"a/b\"\nurl = \"{url}\"\n"),
            "may hold only",
        ),
        (
            "[[target]]\nname = \"a\"\n".to_owned(),
            "has no url or url_file",
        ),
        (
            format!("[[target]]\nname = \"a\"\nurl = \"{url}\"\nurl_file = \"u\"\n"),
            "has both url and url_file",
        ),
        (
            format!("[[target]]\nname = \"a\"\nurl = \"{url}\"\nport = 1\n"),
            "port",
        ),
        // A broken line that holds a password: where and what is wrong, never the line.
        (
            "[[target]]\nname = \"a\"\nurl = \"postgres://audit:hunter2@db/app\n".to_owned(),
            "line 3, column 39: invalid basic string",
        ),
        (
            "[[target]]\nname = \"a\"\nurl = postgres://audit:hunter2@db/app\n".to_owned(),
            "line 3, column 7: string values must be quoted",
        ),
    ];
    for (text, expected) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("targets.toml");
        std::fs::write(&path, &text).expect("write");
        let out = run(bin().arg("check").arg("--targets").arg(&path));
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{text}: {}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{text}: {}", out.stderr);
        assert!(
            out.stderr.contains("targets.toml"),
            "names the file: {}",
            out.stderr
        );
    }
    let missing = run(bin().args(["check", "--targets", "/nonexistent/targets.toml"]));
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("/nonexistent/targets.toml"),
        "{}",
        missing.stderr
    );

    let targets = Targets::new(&[("a", &url)]);
    let refused = targets.check(&["--database-url", &url]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("--database-url cannot be used with --targets"),
        "{}",
        refused.stderr
    );
    let zero = targets.check(&["--parallel", "0"]);
    assert_eq!(zero.code, 2, "{}", zero.stderr);
    assert!(zero.stderr.contains("--parallel"), "{}", zero.stderr);
    let without = run(bin().args(["check", "--parallel", "2", "--database-url", &url]));
    assert_eq!(
        without.code, 2,
        "--parallel needs --targets: {}",
        without.stderr
    );
}

/// A target's `url_file` and `config` are read relative to the targets file, and the URL's
/// password is in no report.
#[test]
fn url_files_and_configs_are_relative_to_the_targets_file() {
    let db = failing();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("secrets")).expect("mkdir");
    std::fs::write(dir.path().join("secrets/eu.url"), format!("{}\n", db.url())).expect("url file");
    std::fs::write(
        dir.path().join("eu.toml"),
        "[checks.coverage]\nenabled = false\n",
    )
    .expect("config");
    std::fs::write(
        dir.path().join("targets.toml"),
        "[[target]]\nname = \"eu\"\nurl_file = \"secrets/eu.url\"\nconfig = \"eu.toml\"\n\n\
         [[target]]\nname = \"us\"\nurl_file = \"secrets/eu.url\"\n\n\
         [[target]]\nname = \"secret\"\nurl = \"postgres://audit:hunter2@127.0.0.1:1/app\"\n",
    )
    .expect("targets");
    let out = run(bin()
        .current_dir(std::env::temp_dir())
        .args(["check", "--format", "json", "--targets"])
        .arg(dir.path().join("targets.toml")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stdout.contains("hunter2") && !out.stderr.contains("hunter2"));
    let report = out.json();
    assert_eq!(
        verdicts(&report),
        ["fail", "fail", "error"],
        "{}",
        out.stderr
    );
    let eu = &report.targets[0].report;
    assert!(
        eu.checks.iter().all(|c| c.id != "coverage"),
        "eu's config disables coverage"
    );
    assert!(
        report.targets[1]
            .report
            .checks
            .iter()
            .any(|c| c.id == "coverage")
    );
}
