//! Throwaway certificates for the TLS tests, made with the openssl command line in a
//! temporary directory: a CA, a server certificate it signs for the name `localhost` only, the
//! same certificate expired (valid for one day in 2020), and a second CA that signed nothing
//! the servers use.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Certs {
    pub dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Certs {
    /// None (with a printed reason, or a failure in CI) when openssl is missing.
    pub fn make() -> Option<Self> {
        if Command::new("openssl").arg("version").output().is_err() {
            super::pg::unavailable("openssl", "not on PATH");
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("sa-certs-")
            .tempdir()
            .expect("temp dir");
        let d = dir.path();
        for ca in ["ca", "other-ca"] {
            openssl(
                d,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    &format!("/CN=session-audit test {ca}"),
                    "-keyout",
                    &format!("{ca}.key"),
                    "-out",
                    &format!("{ca}.pem"),
                ],
            );
        }
        openssl(
            d,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        );
        std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost\n").expect("ext");
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
                "-out",
                "server.pem",
            ],
        );
        // The same key and name, signed by the CA for one day in 2020: long expired.
        std::fs::write(d.join("index.txt"), "").expect("index");
        std::fs::write(d.join("serial"), "1000\n").expect("serial");
        std::fs::write(
            d.join("ca.cnf"),
            "[ca]\ndefault_ca=c\n[c]\ndir=.\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n",
        )
        .expect("ca.cnf");
        openssl(
            d,
            &[
                "ca",
                "-batch",
                "-notext",
                "-config",
                "ca.cnf",
                "-cert",
                "ca.pem",
                "-keyfile",
                "ca.key",
                "-in",
                "server.csr",
                "-out",
                "expired.pem",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200102000000Z",
                "-extfile",
                "ext.cnf",
            ],
        );
        Some(Certs { dir })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}
