//! TLS for PostgreSQL as libpq does it: `sslmode` (disable, allow, prefer, require, verify-ca,
//! verify-full), `sslrootcert` (a PEM file, or `system` for the platform's roots), `sslcert` and
//! `sslkey` for a client certificate, from the URL or else from `PGSSLMODE`, `PGSSLROOTCERT`,
//! `PGSSLCERT` and `PGSSLKEY`; the default mode is `prefer`, TLS whenever the server offers it.
//!
//! Over rustls with the ring provider: pure Rust plus one C file set that the toolchain's C
//! compiler builds, so the fresh-machine build still needs nothing else (aws-lc-rs would need
//! cmake). As in libpq, `prefer` and `require` encrypt without verifying the server, unless a
//! root certificate is given (or `~/.postgresql/root.crt` exists), which makes `require` check
//! the chain like `verify-ca`; `verify-full` also checks the host name. tokio-postgres-rustls
//! offers the certificate's hash for SCRAM-SHA-256-PLUS channel binding, used when the server
//! offers it (tokio-postgres' default `channel_binding=prefer`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// libpq's sslmode values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }
}

/// The TLS settings of one connection, and the URL without them (tokio-postgres knows only
/// disable, prefer and require, and no certificate parameters).
#[derive(Debug, Clone)]
pub struct TlsSettings {
    pub mode: SslMode,
    pub root_cert: Option<RootCert>,
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    File(PathBuf),
    System,
}

/// Takes the TLS parameters out of a `postgres://` URL; the environment fills what the URL does
/// not say. Returns the settings and the URL left for tokio-postgres.
pub fn split(raw: &str) -> Result<(TlsSettings, String), String> {
    let Ok(mut url) = url::Url::parse(raw) else {
        return Ok((defaults_from_env()?, raw.to_owned()));
    };
    let taken =
        super::tls_errors::take_params(&mut url, &["sslmode", "sslrootcert", "sslcert", "sslkey"]);
    let get = |key: &str, env: &str| {
        taken
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| (v.clone(), "the URL"))
            .or_else(|| std::env::var(env).ok().map(|v| (v, env_name(env))))
    };
    let mode = match get("sslmode", "PGSSLMODE") {
        Some((text, source)) => {
            SslMode::parse(&text).map_err(|e| format!("{e} (from {source})"))?
        }
        None => SslMode::Prefer,
    };
    let root_cert = get("sslrootcert", "PGSSLROOTCERT")
        .map(|(v, _)| root_cert(&v))
        .or_else(|| default_root_cert().map(RootCert::File));
    let client_cert = match (get("sslcert", "PGSSLCERT"), get("sslkey", "PGSSLKEY")) {
        (Some((cert, _)), Some((key, _))) => Some((PathBuf::from(cert), PathBuf::from(key))),
        (Some(_), None) | (None, Some(_)) => {
            return Err("sslcert and sslkey go together: give both, or neither".into());
        }
        (None, None) => None,
    };
    Ok((
        TlsSettings {
            mode,
            root_cert,
            client_cert,
        },
        url.to_string(),
    ))
}

fn env_name(env: &str) -> &'static str {
    match env {
        "PGSSLMODE" => "PGSSLMODE",
        "PGSSLROOTCERT" => "PGSSLROOTCERT",
        "PGSSLCERT" => "PGSSLCERT",
        _ => "PGSSLKEY",
    }
}

fn defaults_from_env() -> Result<TlsSettings, String> {
    split("postgres://localhost").map(|(settings, _)| settings)
}

fn root_cert(value: &str) -> RootCert {
    if value == "system" {
        RootCert::System
    } else {
        RootCert::File(PathBuf::from(value))
    }
}

/// libpq's default root certificate, when it exists.
fn default_root_cert() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home).join(".postgresql").join("root.crt");
    path.exists().then_some(path)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls client configuration for `settings` (the mode decides what is verified).
pub fn client_config(settings: &TlsSettings) -> Result<ClientConfig, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?;
    let roots = match &settings.root_cert {
        Some(root) => Some(load_roots(root)?),
        None => None,
    };
    let verify = match (settings.mode, &roots) {
        (SslMode::VerifyFull, _) => Verify::Full,
        (SslMode::VerifyCa, _) => Verify::Chain,
        // libpq: with a root certificate, require checks the chain as verify-ca does.
        (SslMode::Require, Some(_)) => Verify::Chain,
        _ => Verify::Nothing,
    };
    let webpki = match verify {
        Verify::Nothing => None,
        Verify::Chain | Verify::Full => {
            let Some(roots) = roots else {
                return Err(format!(
                    "sslmode={} needs the CA that signed the server's certificate: give sslrootcert=PATH (a PEM file) or sslrootcert=system, or put it in ~/.postgresql/root.crt",
                    if verify == Verify::Full {
                        "verify-full"
                    } else {
                        "verify-ca"
                    }
                ));
            };
            Some(
                rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider.clone(),
                )
                .build()
                .map_err(|e| format!("cannot use the root certificates: {e}"))?,
            )
        }
    };
    let verifier = Arc::new(Verifier {
        webpki,
        verify,
        provider,
    });
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match &settings.client_cert {
        None => Ok(builder.with_no_client_auth()),
        Some((cert, key)) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<_, _>>())
                .map_err(|e| format!("cannot read sslcert {}: {e}", cert.display()))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("cannot read sslkey {}: {e}", key.display()))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| format!("cannot use the client certificate: {e}"))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
    Nothing,
    Chain,
    Full,
}

fn load_roots(root: &RootCert) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match root {
        RootCert::File(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "sslrootcert {} holds no PEM certificate",
                    path.display()
                ));
            }
            for cert in certs {
                store
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            }
        }
        RootCert::System => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // The platform store may hold a certificate rustls cannot use: skip it.
                let _ = store.add(cert);
            }
            if store.is_empty() {
                return Err("sslrootcert=system found no root certificates on this machine; give a PEM file".into());
            }
        }
    }
    Ok(store)
}

/// What libpq's mode verifies of the server: nothing (`prefer`, `require` without a root
/// certificate: encrypted, unverified, as libpq does), the chain (`verify-ca`: a trusted root,
/// valid now, any name) or the chain and the name (`verify-full`). The handshake's signatures
/// are always checked.
#[derive(Debug)]
struct Verifier {
    webpki: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    verify: Verify,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(webpki) = &self.webpki else {
            return Ok(ServerCertVerified::assertion());
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if self.verify == Verify::Chain => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_leave_the_url_and_keep_the_others() {
        let (s, url) = split(
            "postgres://u:p@db:5432/prod?sslmode=verify-full&application_name=x&sslrootcert=/ca.pem",
        )
        .unwrap();
        assert_eq!(s.mode, SslMode::VerifyFull);
        assert_eq!(s.root_cert, Some(RootCert::File("/ca.pem".into())));
        assert_eq!(url, "postgres://u:p@db:5432/prod?application_name=x");
        let (s, url) = split("postgres://db/prod?sslrootcert=system").unwrap();
        assert_eq!(s.root_cert, Some(RootCert::System));
        assert_eq!(url, "postgres://db/prod");
        assert!(split("postgres://db/prod?sslmode=maybe").is_err());
        assert!(split("postgres://db/prod?sslcert=/c.pem").is_err());
    }

    #[test]
    fn verifying_modes_need_a_root_certificate() {
        let settings = TlsSettings {
            mode: SslMode::VerifyFull,
            root_cert: None,
            client_cert: None,
        };
        let err = client_config(&settings).unwrap_err();
        assert!(err.contains("sslmode=verify-full needs the CA"), "{err}");
        let prefer = TlsSettings {
            mode: SslMode::Prefer,
            ..settings
        };
        assert!(client_config(&prefer).is_ok());
    }
}
