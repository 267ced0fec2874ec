//! TLS for MySQL and MariaDB as their clients name it: `ssl-mode` (DISABLED, PREFERRED,
//! REQUIRED, VERIFY_CA, VERIFY_IDENTITY; `ssl_mode` also accepted) and `ssl-ca` (a PEM file) in
//! the URL's query. The default is PREFERRED, as the `mysql` client's: TLS when the server
//! offers it. REQUIRED encrypts without verifying the server, VERIFY_CA checks the chain,
//! VERIFY_IDENTITY also the host name; with `ssl-ca` the given CA is the only root, else the
//! platform's (webpki) roots. Over mysql_async's rustls support with the ring provider, as for
//! PostgreSQL. mysql_async's own `require_ssl`, `verify_ca` and `verify_identity` still work
//! when no `ssl-mode` is given.
//!
//! Limit: mysql_async 0.36 skips the host-name check by looking for rustls's old error name
//! (`NotValidForName`); the rustls of this build reports `NotValidForNameContext`, so
//! VERIFY_CA checks the host name as VERIFY_IDENTITY does (stricter, never weaker). Connect by
//! a name the certificate has.

use std::path::PathBuf;

/// The MySQL clients' ssl-mode values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// None: the URL uses mysql_async's own parameters (require_ssl…), left as they are.
    pub mode: Option<SslMode>,
    pub ca: Option<PathBuf>,
}

/// Takes `ssl-mode` and `ssl-ca` out of a `mysql://` URL; returns them and the URL left for
/// mysql_async, which would refuse them as unknown parameters.
pub fn split(raw: &str) -> Result<(TlsSettings, String), String> {
    let Ok(mut url) = url::Url::parse(raw) else {
        return Ok((
            TlsSettings {
                mode: Some(SslMode::Preferred),
                ca: None,
            },
            raw.to_owned(),
        ));
    };
    let native = url
        .query_pairs()
        .any(|(k, _)| ["require_ssl", "verify_ca", "verify_identity"].contains(&k.as_ref()));
    let taken = super::tls_errors::take_params(
        &mut url,
        &["ssl-mode", "ssl_mode", "sslmode", "ssl-ca", "ssl_ca"],
    );
    let value = |keys: &[&str]| {
        taken
            .iter()
            .rev()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    };
    let mode = value(&["ssl-mode", "ssl_mode", "sslmode"]);
    let ca = value(&["ssl-ca", "ssl_ca"]).map(PathBuf::from);
    let mode = match mode {
        Some(text) => Some(match text.to_ascii_uppercase().as_str() {
            "DISABLED" => SslMode::Disabled,
            "PREFERRED" => SslMode::Preferred,
            "REQUIRED" => SslMode::Required,
            "VERIFY_CA" => SslMode::VerifyCa,
            "VERIFY_IDENTITY" => SslMode::VerifyIdentity,
            _ => {
                return Err(format!(
                    "ssl-mode={text} is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
                ));
            }
        }),
        None if native => None,
        None => Some(SslMode::Preferred),
    };
    if ca.is_some() && mode.is_some_and(|m| m == SslMode::Disabled) {
        return Err("ssl-ca is given with ssl-mode=DISABLED; drop one of them".into());
    }
    Ok((TlsSettings { mode, ca }, url.to_string()))
}

/// mysql_async's TLS options for `mode` (None: no TLS).
pub fn ssl_opts(mode: SslMode, ca: Option<&PathBuf>) -> Option<mysql_async::SslOpts> {
    if mode == SslMode::Disabled {
        return None;
    }
    let mut opts = mysql_async::SslOpts::default()
        .with_danger_accept_invalid_certs(matches!(mode, SslMode::Preferred | SslMode::Required))
        .with_danger_skip_domain_validation(mode != SslMode::VerifyIdentity);
    if let Some(ca) = ca {
        opts = opts
            .with_root_certs(vec![ca.clone().into()])
            .with_disable_built_in_roots(true);
    }
    Some(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_parameters_leave_the_url() {
        let (s, url) = split(
            "mysql://u:p@db:3306/prod?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem&prefer_socket=false",
        )
        .unwrap();
        assert_eq!(s.mode, Some(SslMode::VerifyIdentity));
        assert_eq!(s.ca, Some(PathBuf::from("/ca.pem")));
        assert_eq!(url, "mysql://u:p@db:3306/prod?prefer_socket=false");
        let (s, _) = split("mysql://db/prod").unwrap();
        assert_eq!(
            s.mode,
            Some(SslMode::Preferred),
            "the mysql client's default"
        );
        let (s, url) = split("mysql://db/prod?require_ssl=true").unwrap();
        assert_eq!(s.mode, None, "mysql_async's own parameters are left to it");
        assert_eq!(url, "mysql://db/prod?require_ssl=true");
        assert!(split("mysql://db/prod?ssl-mode=on").is_err());
    }
}
