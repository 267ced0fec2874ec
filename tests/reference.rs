//! The reference the binary carries: the JSON Schema of its report and its man pages.

use crate::support::{bin, run};

/// A change that makes a valid report invalid.
type Spoil = fn(&mut serde_json::Value);

/// `session-audit schema` prints docs/report.schema.json; a demo report validates against it
/// and one with a wrong verdict, a password in its URL or an undocumented field does not.
#[test]
fn the_printed_schema_is_the_documented_one_and_it_can_refuse_a_report() {
    let printed = run(bin().arg("schema"));
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let documented = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report.schema.json"
    ))
    .expect("docs/report.schema.json");
    assert_eq!(printed.stdout, documented);

    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    let demo = run(bin().args(["demo", "--format", "json"]).arg(&db));
    assert_eq!(demo.code, 0, "the demo itself succeeds: {}", demo.stderr);
    demo.json(); // validates
    let good: serde_json::Value = serde_json::from_str(&demo.stdout).expect("JSON");

    let mut compiler = boon::Compiler::new();
    let mut schemas = boon::Schemas::new();
    compiler
        .add_resource(
            "s.json",
            serde_json::from_str(&printed.stdout).expect("the schema is JSON"),
        )
        .expect("add");
    let index = compiler.compile("s.json", &mut schemas).expect("compiles");
    assert!(schemas.validate(&good, index).is_ok());
    let broken: [(&str, Spoil); 4] = [
        ("a verdict outside the contract", |r| {
            r["verdict"] = "maybe".into()
        }),
        ("a password in the URL", |r| {
            r["database"]["url"] = "postgres://u:hunter2@db/prod".into();
        }),
        ("an undocumented field", |r| {
            r["checks"][0]["extra"] = 1.into()
        }),
        ("an error with a passing verdict", |r| {
            r["error"] = "stopped".into();
            r["verdict"] = "pass".into();
        }),
    ];
    for (what, spoil) in broken {
        let mut report = good.clone();
        spoil(&mut report);
        assert!(
            schemas.validate(&report, index).is_err(),
            "{what} validated"
        );
    }
}

/// `man SUBCOMMAND` prints that subcommand's page with its options (check's has
/// --database-url, which the tool's own page does not list); `man --dir` writes every page.
#[test]
fn every_subcommand_has_a_man_page() {
    let check = run(bin().args(["man", "check"]));
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stdout.contains(".TH session-audit-check 1"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains(r"\-\-database\-url"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains(r"\-\-statement\-timeout"));
    let top = run(bin().arg("man"));
    assert!(top.stdout.contains(".TH session-audit 1"), "{}", top.stdout);

    let unknown = run(bin().args(["man", "chek"]));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("there is no subcommand `chek`")
            && unknown.stderr.contains("check, demo"),
        "{}",
        unknown.stderr
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("man1");
    let all = run(bin().args(["man", "--dir"]).arg(&pages));
    assert_eq!(all.code, 0, "{}", all.stderr);
    let help = run(bin().arg("--help")).stdout;
    // Every subcommand `--help` lists (its "Commands:" section) has its page.
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's line starts two spaces in; its description's continuation lines more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(commands.len() >= 10, "{help}");
    for name in commands {
        let page = pages.join(format!("session-audit-{name}.1"));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{page:?}: {e}"));
        assert!(
            text.contains(&format!(".TH session-audit-{name} 1")),
            "{text}"
        );
    }
    assert!(pages.join("session-audit.1").exists());
}
