//! TLS to real servers that accept TLS only (PostgreSQL: `hostssl` and scram-sha-256), with a
//! throwaway CA and server certificate made by the test: every sslmode, right and wrong CA,
//! right and wrong host name, the environment's PGSSLMODE, channel binding, and the one-line
//! errors, none of which may show the password.

use crate::support::certs::Certs;
use crate::support::pg::{ClusterTls, PgCluster};
use crate::support::{bin, run};

const PASSWORD: &str = "tls-sentinel-Pw9";

fn audit(url: &str, env: &[(&str, &str)]) -> crate::support::Run {
    let mut cmd = bin();
    cmd.env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .env("HOME", "/nonexistent")
        // In the environment: a password on the command line would add a warning line.
        .env("DATABASE_URL", url)
        .args(["check", "--only", "migration-state"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// The audit got past connecting: the throwaway servers' databases have no migrations table,
/// so the one check ran, was skipped, and the audit says nothing was evaluated.
fn connected(out: &crate::support::Run) -> bool {
    !out.stderr.contains("cannot connect")
        && out
            .stderr
            .contains("nothing was evaluated: every selected check was skipped")
}

fn one_line_without_password(out: &crate::support::Run) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    assert!(!out.stdout.contains(PASSWORD), "{}", out.stdout);
}

#[test]
fn postgres_tls_only_server_every_sslmode() {
    let Some(certs) = Certs::make() else { return };
    let Some(cluster) = PgCluster::start_with(PASSWORD, ClusterTls::Only(&certs)) else {
        return;
    };
    let ca = certs.path("ca.pem");
    let other = certs.path("other-ca.pem");
    let at = |host: &str, query: &str| {
        format!(
            "postgres://postgres:{PASSWORD}@{host}:{}/postgres?{query}",
            cluster.port
        )
    };
    let ca = ca.to_string_lossy();
    let other = other.to_string_lossy();

    // verify-full: the right CA and the name the certificate has.
    let out = audit(
        &at(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
        &[],
    );
    assert!(connected(&out), "{}", out.stderr);
    // ... with channel binding required: SCRAM-SHA-256-PLUS over this TLS connection.
    let out = audit(
        &at(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca}&channel_binding=require"),
        ),
        &[],
    );
    assert!(connected(&out), "{}", out.stderr);
    // verify-full by an address the certificate does not name.
    let out = audit(
        &at(
            "127.0.0.1",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
        &[],
    );
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("does not name the host \"127.0.0.1\""),
        "{}",
        out.stderr
    );
    // verify-ca checks the chain only: the address is fine.
    let out = audit(
        &at("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}")),
        &[],
    );
    assert!(connected(&out), "{}", out.stderr);
    // The wrong CA, in both verifying modes and in require with a root certificate.
    for mode in ["verify-full", "verify-ca", "require"] {
        let out = audit(
            &at("localhost", &format!("sslmode={mode}&sslrootcert={other}")),
            &[],
        );
        one_line_without_password(&out);
        assert!(
            out.stderr
                .contains("not signed by a CA this connection trusts"),
            "{mode}: {}",
            out.stderr
        );
    }
    // verify-full without any CA: say where to give one.
    let out = audit(&at("localhost", "sslmode=verify-full"), &[]);
    one_line_without_password(&out);
    assert!(out.stderr.contains("sslrootcert"), "{}", out.stderr);
    // require and prefer (the default) encrypt without verifying, as libpq does.
    for query in ["sslmode=require", "sslmode=prefer", "", "sslmode=allow"] {
        let out = audit(&at("127.0.0.1", query), &[]);
        assert!(connected(&out), "{query}: {}", out.stderr);
    }
    // disable against a hostssl-only server: the way out is TLS, not the password.
    let out = audit(&at("127.0.0.1", "sslmode=disable"), &[]);
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("accepts only TLS connections"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("password"), "{}", out.stderr);
    // The environment is honoured when the URL says nothing, and the URL wins over it.
    let out = audit(&at("127.0.0.1", ""), &[("PGSSLMODE", "disable")]);
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("accepts only TLS connections"),
        "{}",
        out.stderr
    );
    let out = audit(
        &at("127.0.0.1", "sslmode=require"),
        &[("PGSSLMODE", "disable")],
    );
    assert!(connected(&out), "{}", out.stderr);
    let out = audit(
        &at("localhost", "sslmode=verify-full"),
        &[("PGSSLROOTCERT", &ca)],
    );
    assert!(connected(&out), "{}", out.stderr);
    // At the most verbose logging too, neither the password nor key material shows.
    let mut cmd = bin();
    cmd.env(
        "DATABASE_URL",
        at(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={other}"),
        ),
    )
    .env("HOME", "/nonexistent")
    .args(["-vv", "check"]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 2);
    for secret in [PASSWORD, "PRIVATE KEY", "BEGIN CERTIFICATE"] {
        assert!(
            !out.stderr.contains(secret) && !out.stdout.contains(secret),
            "{secret}: {}",
            out.stderr
        );
    }
    // A mode libpq does not have.
    let out = audit(&at("localhost", "sslmode=strict"), &[]);
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("sslmode=strict is not one of"),
        "{}",
        out.stderr
    );
}

#[test]
fn postgres_server_without_tls() {
    let Some(cluster) = PgCluster::start_with(PASSWORD, ClusterTls::Off) else {
        return;
    };
    let url = |query: &str| {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/postgres?{query}",
            cluster.port
        )
    };
    let out = audit(&url("sslmode=require"), &[]);
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("the server does not offer it"),
        "{}",
        out.stderr
    );
    // prefer falls back to plaintext, as libpq does.
    let out = audit(&url("sslmode=prefer"), &[]);
    assert!(connected(&out), "{}", out.stderr);
}

#[test]
fn mariadb_tls_only_server_every_ssl_mode() {
    let Some(certs) = Certs::make() else { return };
    let Some(server) = crate::support::mysql::TlsOnlyServer::start(&certs, PASSWORD) else {
        return;
    };
    let ca = certs.path("ca.pem");
    let other = certs.path("other-ca.pem");
    let (ca, other) = (ca.to_string_lossy(), other.to_string_lossy());
    let at = |host: &str, query: &str| {
        format!(
            "mysql://audit:{PASSWORD}@{host}:{}/test?{query}",
            server.port
        )
    };
    // Connected: the empty `test` database has no migrations table, so the check is skipped.
    let ok = |url: String| {
        let out = audit(&url, &[]);
        assert!(connected(&out), "{url}: {}", out.stderr);
    };
    let refused = |url: String, words: &str| {
        let out = audit(&url, &[]);
        one_line_without_password(&out);
        assert!(out.stderr.contains(words), "{url}: {}", out.stderr);
    };
    ok(at(
        "localhost",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    ));
    refused(
        at(
            "127.0.0.1",
            &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
        ),
        "does not name the host \"127.0.0.1\"",
    );
    ok(at("localhost", &format!("ssl-mode=VERIFY_CA&ssl-ca={ca}")));
    // mysql_async checks the name in VERIFY_CA too with this rustls (see db/mysql_tls.rs):
    // stricter than the mysql client, never weaker.
    refused(
        at("127.0.0.1", &format!("ssl-mode=VERIFY_CA&ssl-ca={ca}")),
        "does not name the host \"127.0.0.1\"",
    );
    for mode in ["VERIFY_IDENTITY", "VERIFY_CA"] {
        refused(
            at("localhost", &format!("ssl-mode={mode}&ssl-ca={other}")),
            "not signed by a CA this connection trusts",
        );
    }
    for query in [
        "ssl-mode=REQUIRED",
        "ssl-mode=PREFERRED",
        "",
        "ssl_mode=required",
    ] {
        ok(at("127.0.0.1", query));
    }
    // MariaDB says "Access denied" to a plaintext login here: the message names TLS first.
    refused(
        at("127.0.0.1", "ssl-mode=DISABLED"),
        "if the server requires secure transport, use ssl-mode=REQUIRED",
    );
    refused(
        at("127.0.0.1", "ssl-mode=STRICT"),
        "ssl-mode=STRICT is not one of",
    );
}

#[test]
fn postgres_expired_certificate_is_named() {
    let Some(certs) = Certs::make() else { return };
    let Some(cluster) = PgCluster::start_with(PASSWORD, ClusterTls::OnlyExpired(&certs)) else {
        return;
    };
    let ca = certs.path("ca.pem");
    let url = format!(
        "postgres://postgres:{PASSWORD}@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}",
        cluster.port,
        ca.display()
    );
    let out = audit(&url, &[]);
    one_line_without_password(&out);
    assert!(
        out.stderr.contains("certificate has expired"),
        "{}",
        out.stderr
    );
}
