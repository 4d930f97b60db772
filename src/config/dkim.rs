//! The DKIM settings: the key file, the selector and the signing domain, checked together at
//! start (a bad one names its variable).

use std::path::Path;

use anyhow::bail;
use lettre::message::Mailbox;

use super::{Inputs, Key};
use crate::email::dkim::DkimSigner;

/// The signer the DKIM settings describe, or `None` when none is set.
pub(super) fn load(inputs: &Inputs, mail_from: &Mailbox) -> anyhow::Result<Option<DkimSigner>> {
    let given = |key| inputs.value(key).map(str::trim).filter(|v| !v.is_empty());
    let (file, selector) = match (given(Key::DkimKeyFile), given(Key::DkimSelector)) {
        (None, None) => {
            if given(Key::DkimDomain).is_some() {
                bail!(
                    "CONVOCA_DKIM_DOMAIN is set but CONVOCA_DKIM_KEY_FILE is not: set the key file and CONVOCA_DKIM_SELECTOR to sign messages, or unset CONVOCA_DKIM_DOMAIN"
                );
            }
            return Ok(None);
        }
        (Some(_), None) => bail!(
            "CONVOCA_DKIM_KEY_FILE is set but CONVOCA_DKIM_SELECTOR is not: set the selector whose TXT record (SELECTOR._domainkey.DOMAIN) holds the public key"
        ),
        (None, Some(_)) => bail!(
            "CONVOCA_DKIM_SELECTOR is set but CONVOCA_DKIM_KEY_FILE is not: set the PEM file of the private key"
        ),
        (Some(file), Some(selector)) => (file, selector),
    };
    if !crate::email::dkim::is_dns_name(selector) {
        bail!(
            "CONVOCA_DKIM_SELECTOR {selector:?}: expected a DNS label such as convoca2026 (letters, digits, hyphens)"
        );
    }
    let domain = match given(Key::DkimDomain) {
        Some(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        None => crate::email::dkim::default_domain(mail_from),
    };
    if !crate::email::dkim::is_dns_name(&domain) {
        bail!("CONVOCA_DKIM_DOMAIN {domain:?}: expected a domain name such as example.org");
    }
    let pem = std::fs::read_to_string(file).map_err(|e| {
        anyhow::anyhow!("CONVOCA_DKIM_KEY_FILE {file:?} cannot be read ({e}): expected a PEM private key file readable by this user")
    })?;
    let signer = DkimSigner::new(&pem, selector, &domain)
        .map_err(|e| anyhow::anyhow!("CONVOCA_DKIM_KEY_FILE {file:?} cannot sign: {e}"))?;
    let from_domain = crate::email::dkim::default_domain(mail_from);
    if from_domain != domain && !from_domain.ends_with(&format!(".{domain}")) {
        tracing::warn!(
            dkim_domain = %domain,
            sender_domain = %from_domain,
            "CONVOCA_DKIM_DOMAIN is neither the sender's domain nor a parent of it: DMARC alignment needs the same organisational domain"
        );
    }
    warn_if_readable_by_others(Path::new(file));
    Ok(Some(signer))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
        tracing::warn!(path = %path.display(), "the DKIM key file is readable by other users: chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}
