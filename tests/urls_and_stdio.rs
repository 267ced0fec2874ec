//! The database URLs a Django project already has in `DATABASE_URL` (dj-database-url's forms)
//! and `-` for standard input and output wherever a path is taken, run as a user types them.

use std::path::Path;

use crate::support::{Run, TestDb, bin, run};

/// A demo database (planted defects: the audit exits 1) in a fresh folder.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let made = run(bin()
        .arg("-q")
        .arg("demo")
        .arg(dir.path().join("db.sqlite3")));
    assert_eq!(made.code, 0, "{}", made.stderr);
    dir
}

fn check_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = bin();
    cmd.current_dir(dir).arg("check").args(args);
    if let Some(text) = stdin {
        cmd.write_stdin(text);
    }
    run(&mut cmd)
}

fn no_file_named_dash(dir: &Path) {
    assert!(!dir.join("-").exists(), "a file named - was written");
}

#[test]
fn dj_database_url_sqlite_forms_name_the_files_django_opens() {
    let dir = demo();
    let absolute = dir.path().join("db.sqlite3");
    let relative = check_in(
        dir.path(),
        &["--database-url", "sqlite:///db.sqlite3"],
        None,
    );
    assert_eq!(relative.code, 1, "{}", relative.stderr);
    assert!(relative.stdout.contains("coverage"), "{}", relative.stdout);

    let four = format!(
        "sqlite:////{}",
        absolute.display().to_string().trim_start_matches('/')
    );
    let from_elsewhere =
        run(bin()
            .current_dir(std::env::temp_dir())
            .args(["check", "-q", "--database-url", &four]));
    assert_eq!(from_elsewhere.code, 1, "{four}: {}", from_elsewhere.stderr);

    // Three slashes before an absolute path: an earlier reading of ours; refused, never guessed.
    let old = format!("sqlite://{}", absolute.display());
    let refused =
        run(bin()
            .current_dir(std::env::temp_dir())
            .args(["check", "--database-url", &old]));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains(&format!("write sqlite:///{}", absolute.display()))
            && refused.stderr.lines().count() == 1,
        "{}",
        refused.stderr
    );
}

#[test]
fn pgsql_is_postgres() {
    let Some(db) = crate::support::pg::PgDb::new() else {
        return;
    };
    let url = db.url().replacen("postgres://", "pgsql://", 1);
    assert!(url.starts_with("pgsql://"), "{url}");
    // An empty database: the audit runs (no connection error) and finds the tables missing.
    let out = run(bin().args(["check", "--format", "json", "--database-url", &url]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("table \"bookings_booking\" does not exist"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("scheme"), "{}", out.stderr);
}

#[test]
fn dash_is_standard_output_for_every_report() {
    let dir = demo();
    let url = ["--database-url", "db.sqlite3"];
    let main = check_in(
        dir.path(),
        &[&url[..], &["--format", "json", "-o", "-"]].concat(),
        None,
    );
    assert_eq!(main.code, 1, "{}", main.stderr);
    assert_eq!(main.json().verdict, "fail");

    let side = check_in(
        dir.path(),
        &[&url[..], &["--output", "report.txt", "--json", "-"]].concat(),
        None,
    );
    assert_eq!(side.code, 1, "{}", side.stderr);
    assert_eq!(side.json().verdict, "fail");
    let table = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(table.contains("coverage"), "{table}");

    let quiet = check_in(
        dir.path(),
        &[&url[..], &["-q", "--junit", "-", "-o", "t.txt"]].concat(),
        None,
    );
    assert_eq!(quiet.code, 1, "{}", quiet.stderr);
    assert!(
        quiet.stdout.starts_with("<?xml"),
        "asked for on stdout, so written: {}",
        quiet.stdout
    );

    let both = check_in(dir.path(), &[&url[..], &["--json", "-"]].concat(), None);
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(
        both.stderr
            .contains("--json - and another report both write to standard output"),
        "{}",
        both.stderr
    );

    let fix = run(bin().current_dir(dir.path()).args([
        "fix-sql",
        "--database-url",
        "db.sqlite3",
        "-o",
        "-",
    ]));
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    assert!(fix.stdout.contains("BEGIN"), "{}", fix.stdout);
    no_file_named_dash(dir.path());
}

#[test]
fn dash_is_standard_input_for_one_input() {
    let dir = demo();
    let absolute = dir.path().join("db.sqlite3");
    let from_stdin = check_in(
        dir.path(),
        &["-q", "--database-url-file", "-"],
        Some(&format!("{}\n", absolute.display())),
    );
    assert_eq!(from_stdin.code, 1, "{}", from_stdin.stderr);

    let earlier = check_in(
        dir.path(),
        &["--database-url", "db.sqlite3", "--format", "json"],
        None,
    );
    assert_eq!(earlier.code, 1, "{}", earlier.stderr);
    let compared = check_in(
        dir.path(),
        &[
            "--database-url",
            "db.sqlite3",
            "--compare",
            "-",
            "--format",
            "json",
        ],
        Some(&earlier.stdout),
    );
    assert_eq!(compared.code, 1, "{}", compared.stderr);
    let report: serde_json::Value = serde_json::from_str(&compared.stdout).unwrap();
    crate::support::report::validate(&report);
    assert_eq!(
        report["comparison"]["previous_file"], "-",
        "the comparison names its input: {}",
        compared.stdout
    );

    let config = check_in(
        dir.path(),
        &[
            "--database-url",
            "db.sqlite3",
            "--config",
            "-",
            "--format",
            "json",
        ],
        Some("[checks.coverage]\nenabled = false\n"),
    );
    assert_eq!(config.code, 1, "{}", config.stderr);
    let ids: Vec<String> = config.json().checks.iter().map(|c| c.id.clone()).collect();
    assert!(
        !ids.contains(&"coverage".to_owned()) && ids.contains(&"capacity".to_owned()),
        "the config from stdin disabled coverage: {ids:?}"
    );

    let two = check_in(
        dir.path(),
        &["--database-url-file", "-", "--config", "-"],
        Some("db.sqlite3\n"),
    );
    assert_eq!(two.code, 2, "{}", two.stderr);
    assert!(
        two.stderr
            .contains("standard input (-) is given to --config and --database-url-file"),
        "{}",
        two.stderr
    );
    no_file_named_dash(dir.path());
}
