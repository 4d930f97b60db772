//! What certificates of attendance say: the network's name (`CONVOCA_CERTIFICATE_NETWORK`,
//! else the privacy notice's controller) and the signature line (`CONVOCA_CERTIFICATE_SIGNATORY`,
//! `CONVOCA_CERTIFICATE_SIGNATORY_TITLE`).

use anyhow::bail;

use super::inputs::Inputs;
use super::table::{Key, setting};

/// The network and the signature line of certificates of attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateText {
    pub network: String,
    /// Empty: the signature line names nobody.
    pub signatory: String,
    pub signatory_title: String,
}

impl CertificateText {
    pub(super) fn load(inputs: &Inputs, privacy_controller: &str) -> anyhow::Result<Self> {
        let line = |key: Key| -> anyhow::Result<String> {
            let value = inputs.text(key).trim().to_owned();
            if value.chars().count() > 200 || value.chars().any(char::is_control) {
                bail!("{}: expected a name on one line, at most 200 characters", setting(key).env);
            }
            Ok(value)
        };
        let network = line(Key::CertificateNetwork)?;
        Ok(Self {
            network: if network.is_empty() { privacy_controller.to_owned() } else { network },
            signatory: line(Key::CertificateSignatory)?,
            signatory_title: line(Key::CertificateSignatoryTitle)?,
        })
    }
}
