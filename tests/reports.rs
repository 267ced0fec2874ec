//! `session-audit report`: the reports folder across runs with changing data, comparisons,
//! --fail-on-new, retention, and files that an interrupted or foreign writer left behind.

use std::path::{Path, PathBuf};

use crate::support::{Fixture, JsonReport, SqliteDb, TestDb, bin, run};

fn report(db: &SqliteDb, dir: &Path, extra: &[&str]) -> crate::support::Run {
    run(bin()
        .args(["report", "--database-url"])
        .arg(db.path())
        .arg("--dir")
        .arg(dir)
        .args(["--format", "json", "--sample", "all"])
        .args(extra))
}

/// `check` writing its JSON report to `path`, listing `sample` ids per check.
fn save_json(db: &SqliteDb, path: &Path, sample: &str) -> crate::support::Run {
    run(bin()
        .args(["check", "--format", "json", "--sample", sample, "--output"])
        .arg(path)
        .arg("--database-url")
        .arg(db.path()))
}

fn saved(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("session-audit-"))
                && p.extension().is_some_and(|e| e == extension)
        })
        .collect();
    files.sort();
    if extension == "json" {
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a saved report");
            crate::support::report::parse(&text);
        }
    }
    files
}

fn history(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("history.json")).expect("history");
    serde_json::from_str(&text).expect("history is JSON")
}

/// Three runs while the data changes: each saves JSON, CSV and HTML, the history grows, and
/// each run says what changed since the one before (metrics, new and gone ids, crosstab).
#[test]
fn three_reports_build_a_history_and_each_compares_with_the_last() {
    let db = SqliteDb::new();
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = dir.path().join("reports");

    let first = report(&db, &reports, &[]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first.json().comparison.is_none(),
        "nothing to compare with yet"
    );
    assert!(first.stderr.contains("saved "), "{}", first.stderr);

    db.exec(
        "INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time, end_time)
         VALUES (11, 1, NULL, 'confirmed', '2025-02-02 10:00:00', NULL)",
    );
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new stamp
    let second = report(&db, &reports, &[]).json();
    let comparison = second.comparison.expect("compared with the first");
    let coverage = comparison
        .checks
        .iter()
        .find(|c| c.id == "coverage")
        .expect("coverage");
    assert_eq!(coverage.new_ids, [11]);
    assert!(coverage.gone_ids.is_empty());
    assert!(coverage.ids_complete);
    let without = coverage
        .metrics
        .iter()
        .find(|m| m.name == "without_session")
        .expect("metric");
    assert_eq!(
        (without.before, without.after, without.change),
        (Some(1), 2, Some(1))
    );

    db.exec(
        "UPDATE bookings_booking SET service_session_id = 1 WHERE id = 10;
         INSERT INTO services_servicesession (id, service_id, session_type, visibility, start_time, end_time, max_participants, current_participants)
         VALUES (90, 2, 'workshop', 'unlisted', '2025-03-01 10:00:00', '2025-03-01 11:00:00', 5, 0)",
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let third_run = report(&db, &reports, &[]);
    let third = third_run.json();
    let comparison = third.comparison.expect("compared with the second");
    let coverage = comparison
        .checks
        .iter()
        .find(|c| c.id == "coverage")
        .expect("coverage");
    assert_eq!(coverage.gone_ids, [10]);
    assert!(coverage.new_ids.is_empty());
    assert!(
        comparison
            .crosstab
            .iter()
            .any(|c| c.session_type == "workshop"
                && c.visibility == "unlisted"
                && c.before == 0
                && c.after == 1),
        "{:?}",
        comparison.crosstab
    );

    assert_eq!(saved(&reports, "json").len(), 3);
    assert_eq!(saved(&reports, "csv").len(), 3);
    let pages = saved(&reports, "html");
    assert_eq!(pages.len(), 3);
    let entries = history(&reports);
    assert_eq!(entries.len(), 3);
    let without: Vec<i64> = entries
        .iter()
        .map(|e| {
            e["key"]["bookings_without_session"]
                .as_i64()
                .expect("key metric")
        })
        .collect();
    assert_eq!(without, [1, 2, 1]);

    // The newest page: every section, the chart with a point per report and series, no
    // resource from the network.
    let html = std::fs::read_to_string(pages.last().expect("page")).expect("read");
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("the page parses");
    for id in [
        "verdict", "summary", "crosstab", "changes", "history", "checks",
    ] {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(id)),
            "section {id}"
        );
    }
    let articles = doc
        .descendants()
        .filter(|n| n.has_tag_name("article"))
        .count();
    assert_eq!(articles, 15, "one per check");
    let points = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "circle")
        .count();
    assert_eq!(points, 3 * 4, "three reports, four key metrics");
    for node in doc.descendants() {
        for attribute in ["src", "href"] {
            if let Some(value) = node.attribute(attribute) {
                assert!(
                    !value.contains("://"),
                    "{attribute}={value} reaches the network"
                );
            }
        }
    }
    assert!(
        !doc.descendants()
            .any(|n| n.has_tag_name("script") || n.has_tag_name("link"))
    );
    // The chart's x axis is dated (three reports: three labels, today's date), its y axis has
    // ticks at 0, 1 and 2 (the largest key metric is 2), and failing checks say how to fix.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let svg = doc
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("the chart");
    let texts: Vec<&str> = svg
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        texts.iter().filter(|t| t.starts_with(&today)).count(),
        3,
        "{texts:?}"
    );
    for tick in ["0", "1", "2"] {
        assert!(texts.contains(&tick), "y tick {tick} in {texts:?}");
    }
    let fixes = doc
        .descendants()
        .filter(|n| n.has_tag_name("summary"))
        .filter(|n| n.text().is_some_and(|t| t.starts_with("How to fix")))
        .count();
    let attention = json_checks_needing_attention(&html);
    assert_eq!(
        fixes, attention,
        "one 'how to fix' per check that is not a pass"
    );

    // index.html lists every report newest first, linking to its page; latest.html is the
    // newest page.
    let index = std::fs::read_to_string(reports.join("index.html")).expect("index.html");
    let index_doc = roxmltree::Document::parse_with_options(&index, options).expect("parses");
    let linked: Vec<&str> = index_doc
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .filter_map(|n| n.attribute("href"))
        .filter(|h| h.ends_with(".html") && *h != "latest.html")
        .collect();
    let name = |p: &PathBuf| p.file_name().expect("name").to_string_lossy().into_owned();
    let newest_first: Vec<String> = pages.iter().rev().map(name).collect();
    assert_eq!(linked, newest_first);
    let latest = std::fs::read_to_string(reports.join("latest.html")).expect("latest.html");
    assert_eq!(latest, html);
}

/// How many checks of the page warned, failed or erred (their status cell in the summary).
fn json_checks_needing_attention(html: &str) -> usize {
    ["warn", "fail", "error"]
        .iter()
        .map(|s| html.matches(&format!("<td class=\"{s}\">{s}</td>")).count())
        .sum()
}

/// --keep N removes the oldest reports beyond N, and the history follows.
#[test]
fn keep_removes_the_oldest_reports() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    for _ in 0..3 {
        assert_eq!(report(&db, dir.path(), &["--keep", "2"]).code, 0);
    }
    assert_eq!(saved(dir.path(), "json").len(), 2);
    assert_eq!(saved(dir.path(), "html").len(), 2);
    assert_eq!(saved(dir.path(), "csv").len(), 2);
    assert_eq!(history(dir.path()).len(), 2);
}

/// --fail-on-new: a known backlog only warns; a new defect fails. The baseline must list every
/// id, or the check keeps failing and says why.
#[test]
fn fail_on_new_lets_a_known_backlog_pass_and_fails_on_a_new_defect() {
    let db = SqliteDb::new();
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let baseline = dir.path().join("baseline.json");
    assert_eq!(save_json(&db, &baseline, "all").code, 1);
    let compare = |extra: &[&str]| {
        run(bin()
            .args(["check", "--format", "json", "--fail-on-new", "--compare"])
            .arg(&baseline)
            .arg("--database-url")
            .arg(db.path())
            .args(extra))
    };
    let known = compare(&[]);
    assert_eq!(known.code, 0, "{}", known.stdout);
    let coverage = known.json().check("coverage").status.clone();
    assert_eq!(coverage, "warn");

    db.exec(
        "INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time, end_time)
         VALUES (11, 1, NULL, 'confirmed', '2025-02-02 10:00:00', NULL)",
    );
    let new = compare(&[]);
    assert_eq!(new.code, 1);
    let report: JsonReport = new.json();
    assert!(
        report
            .check("coverage")
            .summary
            .contains("1 offending rows are new"),
        "{}",
        report.check("coverage").summary
    );

    // A baseline with only a sample of the ids cannot tell new from known: fail, and say why.
    let sampled = dir.path().join("sampled.json");
    assert_eq!(save_json(&db, &sampled, "1").code, 1);
    let partial = run(bin()
        .args(["check", "--format", "json", "--fail-on-new", "--compare"])
        .arg(&sampled)
        .arg("--database-url")
        .arg(db.path()));
    assert_eq!(partial.code, 1);
    assert!(
        partial
            .json()
            .check("coverage")
            .summary
            .contains("make the baseline with --sample all")
    );

    let alone = run(bin()
        .args(["check", "--fail-on-new", "--database-url"])
        .arg(db.path()));
    assert_eq!(alone.code, 2);
    assert!(
        alone.stderr.contains("add --compare REPORT.json"),
        "{}",
        alone.stderr
    );
    let missing = run(bin()
        .args([
            "check",
            "--compare",
            "/nonexistent/report.json",
            "--database-url",
        ])
        .arg(db.path()));
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot compare with /nonexistent/report.json"),
        "{}",
        missing.stderr
    );
}

/// A report cut short by another writer (or a full disk) and a temporary file left by a killed
/// run: the next run goes on, names the unreadable report, and the history stays valid JSON.
#[test]
fn a_half_written_report_or_stray_temporary_file_never_corrupts_the_history() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("session-audit-20000101T000000Z.json"),
        "{\"schema_version\": 1, \"checks\": [",
    )
    .expect("write");
    std::fs::write(dir.path().join(".tmpAbC123"), "half a report").expect("write");
    let out = report(&db, dir.path(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("session-audit-20000101T000000Z.json is not a readable report"),
        "{}",
        out.stderr
    );
    let entries = history(dir.path());
    assert_eq!(entries.len(), 1, "only the readable report");
    assert!(
        out.json().comparison.is_none(),
        "the broken report is not compared with"
    );
    assert!(
        dir.path().join(".tmpAbC123").exists(),
        "other files are left alone"
    );
}

/// A reports folder that cannot be written: exit 2, one line naming it.
#[test]
fn an_unwritable_reports_folder_is_exit_2() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let out = report(&db, &file.join("reports"), &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("check that the directory exists and is writable"),
        "{}",
        out.stderr
    );
}

/// `--compare` shows the changes in every format: the table and Markdown list them, JUnit puts
/// them in the suite's output, CSV marks new and gone findings rows.
#[test]
fn every_format_shows_what_changed() {
    let db = SqliteDb::new();
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let baseline = dir.path().join("baseline.json");
    assert_eq!(save_json(&db, &baseline, "all").code, 1);
    db.exec("UPDATE bookings_booking SET status = 'pending_payment' WHERE id = 10");
    let shown = |format: &str| {
        let out = run(bin()
            .args(["check", "--format", format, "--compare"])
            .arg(&baseline)
            .arg("--database-url")
            .arg(db.path()));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        out.stdout
    };
    let table = shown("table");
    assert!(table.contains("Changes since"), "{table}");
    assert!(
        table.contains("coverage: findings rows 1 new, 1 gone"),
        "{table}"
    );
    let markdown = shown("markdown");
    assert!(markdown.contains("### Changes since"), "{markdown}");
    let junit = shown("junit");
    assert!(junit.contains("<system-out>Changes since"), "{junit}");
    let csv = shown("csv");
    assert!(csv.starts_with("check,change,"), "{csv}");
    let marked = |mark: &str, status: &str| {
        csv.lines().any(|l| {
            l.starts_with(&format!("coverage,{mark},")) && l.contains(&format!(",{status},"))
        })
    };
    assert!(marked("new", "pending_payment"), "{csv}");
    assert!(marked("gone", "confirmed"), "{csv}");
    let json: JsonReport = crate::support::report::parse(&shown("json"));
    assert!(json.comparison.is_some());
}

/// With --keep, the newest page's chart shows the reports the index keeps, not the removed.
#[test]
fn the_page_charts_only_the_kept_reports() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    for _ in 0..3 {
        assert_eq!(report(&db, dir.path(), &["--keep", "2"]).code, 0);
    }
    let pages = saved(dir.path(), "html");
    let html = std::fs::read_to_string(pages.last().expect("page")).expect("read");
    assert_eq!(
        html.matches("<circle ").count(),
        2 * 4,
        "two kept reports, four metrics"
    );
}

/// One folder, two databases: each run compares with the latest report of its own database,
/// says that it passed over the other's, and the history (index and chart) is its own.
#[test]
fn a_folder_shared_by_two_databases_compares_and_charts_each_with_itself() {
    let (a, b) = (SqliteDb::new(), SqliteDb::new());
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&a);
    Fixture::clean().create(&b);
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = dir.path().join("reports");

    assert_eq!(report(&a, &reports, &[]).code, 1);
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new stamp
    let of_b = report(&b, &reports, &[]);
    assert_eq!(of_b.code, 0, "{}", of_b.stderr);
    assert!(
        of_b.json().comparison.is_none(),
        "b has no earlier report of its own: {}",
        of_b.stderr
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = report(&a, &reports, &[]);
    let json = again.json();
    let comparison = json.comparison.as_ref().expect("compared with a's first");
    let jsons = saved(&reports, "json");
    assert_eq!(
        comparison.previous_file,
        jsons[0].display().to_string(),
        "not with b's report, which is newer"
    );
    assert!(
        again.stderr.contains("1 newer report(s)")
            && again.stderr.contains("are of another database"),
        "{}",
        again.stderr
    );
    let database = &json.database;
    assert_eq!(database.host.as_deref(), Some("localhost"));
    assert_eq!(
        database.name.as_deref(),
        Some(a.path().to_string_lossy().as_ref())
    );
    let tables = database.tables.as_ref().expect("tables");
    assert_eq!(
        (tables.bookings.as_str(), tables.sessions.as_str()),
        ("bookings_booking", "services_servicesession")
    );
    let stamps: Vec<String> = history(&reports)
        .iter()
        .map(|e| e["json"].as_str().expect("json").to_owned())
        .collect();
    let name = |p: &PathBuf| p.file_name().expect("name").to_string_lossy().into_owned();
    assert_eq!(
        stamps,
        [name(&jsons[0]), name(&jsons[2])],
        "a's history leaves b's report out"
    );
    let index = std::fs::read_to_string(reports.join("index.html")).expect("index.html");
    assert_eq!(
        index.matches("<tr><td><a href=").count(),
        3,
        "the index lists both: {index}"
    );
    for db in [&a, &b] {
        assert!(
            index.contains(&format!("sqlite localhost/{}", db.path().display())),
            "{index}"
        );
    }
}

/// `--compare` with a report of another database warns and compares nothing, rather than
/// calling every offending row of one database new in the other.
#[test]
fn compare_with_another_databases_report_warns_and_compares_nothing() {
    let (a, b) = (SqliteDb::new(), SqliteDb::new());
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&a);
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&b);
    let dir = tempfile::tempdir().expect("temp dir");
    let baseline = dir.path().join("b.json");
    assert_eq!(save_json(&b, &baseline, "all").code, 1);
    let compared = run(bin()
        .args(["check", "--format", "json", "--compare"])
        .arg(&baseline)
        .arg("--database-url")
        .arg(a.path()));
    assert_eq!(compared.code, 1, "{}", compared.stderr);
    assert!(compared.json().comparison.is_none(), "{}", compared.stdout);
    assert!(
        compared
            .stderr
            .contains("is a report of another database (sqlite localhost/")
            && compared.stderr.contains("nothing is compared"),
        "{}",
        compared.stderr
    );
    // The same database's report still compares.
    let own = dir.path().join("a.json");
    assert_eq!(save_json(&a, &own, "all").code, 1);
    let compared = run(bin()
        .args(["check", "--format", "json", "--compare"])
        .arg(&own)
        .arg("--database-url")
        .arg(a.path()));
    assert!(compared.json().comparison.is_some(), "{}", compared.stderr);
    assert!(
        !compared.stderr.contains("another database"),
        "{}",
        compared.stderr
    );
}
