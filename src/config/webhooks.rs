//! Where webhook deliveries may go (`CONVOCA_WEBHOOK_ALLOW_PRIVATE`: private and loopback
//! addresses, and plain http, refused unless it is on) and how long the worker waits for an
//! endpoint's answer (`CONVOCA_WEBHOOK_TIMEOUT_SECONDS`).

use std::time::Duration;

use anyhow::bail;

use super::inputs::Inputs;
use super::table::Key;

/// The webhook settings as loaded.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// Endpoints may resolve to private, loopback, link-local or unique-local addresses, and
    /// may use http://.
    pub allow_private: bool,
    /// How long one attempt may take, from connecting to the end of the answer.
    pub timeout: Duration,
}

impl Webhooks {
    pub fn load(inputs: &Inputs) -> anyhow::Result<Self> {
        let allow_private =
            match inputs.nonblank(Key::WebhookAllowPrivate).trim().to_ascii_lowercase().as_str() {
                "0" | "false" | "no" | "off" => false,
                "1" | "true" | "yes" | "on" => true,
                v => bail!("CONVOCA_WEBHOOK_ALLOW_PRIVATE {v:?}: expected 1 or 0"),
            };
        let raw = inputs.nonblank(Key::WebhookTimeoutSeconds).trim();
        let seconds = raw.parse::<u64>().ok().filter(|s| (1..=30).contains(s)).ok_or_else(|| {
            anyhow::anyhow!(
                "CONVOCA_WEBHOOK_TIMEOUT_SECONDS {raw:?}: expected a whole number of seconds from 1 to 30"
            )
        })?;
        Ok(Self { allow_private, timeout: Duration::from_secs(seconds) })
    }
}
