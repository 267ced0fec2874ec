//! What a TLS failure means, whichever driver said it, and the way out. Shared by PostgreSQL
//! (sslmode, sslrootcert) and MySQL/MariaDB (ssl-mode, ssl-ca): `mode` and `ca` are the names
//! of those settings for the backend in question. Also the two helpers both drivers' TLS code
//! shares: an error's causes on one line, and taking TLS parameters out of a URL.

/// The settings' names a message points at.
pub struct Words {
    pub ca: &'static str,
    /// How to check the chain only, where the driver can.
    pub chain_only: Option<&'static str>,
    pub no_verify: &'static str,
    pub fallback: &'static str,
    pub require: &'static str,
}

pub const POSTGRES: Words = Words {
    ca: "sslrootcert=PATH (or sslrootcert=system)",
    chain_only: Some("sslmode=verify-ca"),
    no_verify: "sslmode=require",
    fallback: "sslmode=prefer",
    require: "sslmode=require (or prefer, the default)",
};

#[cfg(feature = "mysql")]
pub const MYSQL: Words = Words {
    ca: "ssl-ca=PATH",
    // mysql_async recognises a name mismatch by rustls's old error name, so with the rustls of
    // this build VERIFY_CA checks the name too (see db/mysql_tls.rs): no way out to offer.
    chain_only: None,
    no_verify: "ssl-mode=REQUIRED",
    fallback: "ssl-mode=PREFERRED",
    require: "ssl-mode=REQUIRED (or PREFERRED, the default)",
};

/// A TLS failure as a sentence with the way out (`text`: the driver's error and its causes).
pub fn describe(text: &str, host: &str, w: &Words) -> Option<String> {
    let lower = text.to_lowercase();
    Some(
        if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
            format!(
                "the server's certificate is not signed by a CA this connection trusts; give the CA with {}, or use {} to encrypt without verifying",
                w.ca, w.no_verify
            )
        } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
            let or = w
                .chain_only
                .map(|m| format!(", or use {m} to check the chain only"))
                .unwrap_or_default();
            format!(
                "the server's certificate does not name the host \"{host}\"; connect by a name the certificate has{or}"
            )
        } else if lower.contains("expired") {
            "the server's certificate has expired; renew it on the server (or check this machine's clock)".into()
        } else if lower.contains("server does not support tls")
            || lower.contains("does not support ssl")
            || lower.contains("server does not have this capability")
            || lower.contains("no client ssl flag")
        {
            format!(
                "TLS is required but the server does not offer it; enable it on the server, or use {} on a trusted network",
                w.fallback
            )
        } else if lower.contains("no encryption") || lower.contains("insecure transport") {
            format!(
                "the server accepts only TLS connections and this one is not encrypted; use {}",
                w.require
            )
        } else {
            return None;
        },
    )
}

/// An error and its causes on one line, where rustls's certificate verdict usually is.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

/// Removes the query parameters `keys` from `url` and returns them (name, value), in order:
/// the TLS settings the drivers would refuse as unknown or read differently.
pub fn take_params(url: &mut url::Url, keys: &[&str]) -> Vec<(String, String)> {
    let mut taken = Vec::new();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| {
            let pair = (k.into_owned(), v.into_owned());
            if keys.contains(&pair.0.as_str()) {
                taken.push(pair);
                None
            } else {
                Some(pair)
            }
        })
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(&kept);
    }
    taken
}
