//! Webhook deliveries, by the worker only (a request just writes rows): due deliveries are
//! claimed under a lease, each endpoint's host is resolved and checked (`guard`), the event is
//! POSTed to the checked address, signed per the Standard Webhooks specification (the same
//! `webhook-id` on every attempt of one event), and each answer is recorded; failures are
//! retried with growing delays (`db::webhooks::retry_delay`).

pub mod guard;

use std::time::Duration as StdDuration;

use base64::Engine as _;
use chrono::NaiveDateTime;
use tokio::task::JoinSet;
use url::Url;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::webhooks::{AttemptResult, Claimed};
use crate::db::{self, DbPool};
use crate::security::SecretKey;

/// Deliveries claimed by one worker step.
const BATCH: i64 = 20;
/// How much of an answer's body is kept in the delivery log.
const EXCERPT_CHARS: usize = 200;
/// Bytes of an answer read at most.
const READ_LIMIT: usize = 2048;
/// What `seal` binds an endpoint's secret to.
const SEAL_LABEL: &str = "webhook-secret";

/// A new signing secret: `whsec_` and 32 random bytes in base64 (the specification's form).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    crate::security::fill_random(&mut bytes);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The secret as stored: sealed with the instance's key, bound to its endpoint.
pub fn seal_secret(key: &SecretKey, endpoint_id: &str, secret: &str) -> anyhow::Result<String> {
    key.seal(SEAL_LABEL, endpoint_id, secret)
}

/// The stored secret in clear; `None` when it cannot be opened (another instance key).
pub fn open_secret(key: &SecretKey, endpoint_id: &str, sealed: &str) -> Option<String> {
    key.open(SEAL_LABEL, endpoint_id, sealed)
}

/// The `webhook-signature` header of one message: `v1,` and the base64 HMAC-SHA256 of
/// `id.timestamp.body` under the secret (the `standardwebhooks` crate).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> anyhow::Result<String> {
    let hook =
        standardwebhooks::Webhook::new(secret).map_err(|e| anyhow::anyhow!("the webhook secret: {e}"))?;
    hook.sign(id, timestamp, body.as_bytes()).map_err(|e| anyhow::anyhow!("signing a webhook: {e}"))
}

/// One worker step: claims due deliveries, sends them at once, records each attempt.
/// Returns how many were handled; errors are logged, never raised (mail goes on).
pub async fn run_step(pool: &DbPool, settings: &Settings, clock: &Clock) -> usize {
    match step(pool, settings, clock).await {
        Ok(count) => count,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "webhook deliveries");
            0
        }
    }
}

async fn step(pool: &DbPool, settings: &Settings, clock: &Clock) -> anyhow::Result<usize> {
    let now = clock.now();
    let claim_pool = pool.clone();
    let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Claimed>> {
        let mut conn = claim_pool.get()?;
        Ok(db::webhooks::claim_due(&mut conn, now, BATCH)?)
    })
    .await??;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    let mut sends = JoinSet::new();
    for delivery in claimed {
        let (key, hooks) = (settings.secret_key.clone(), settings.webhooks.clone());
        sends.spawn(async move {
            let result = attempt(&key, &hooks, &delivery, now).await;
            (delivery.delivery_id, result)
        });
    }
    let mut results = Vec::with_capacity(count);
    while let Some(joined) = sends.join_next().await {
        match joined {
            Ok(result) => results.push(result),
            // The delivery stays "sending"; its lease brings it back.
            Err(e) => tracing::error!(error = %e, "a webhook send task failed"),
        }
    }
    let (record_pool, done_at) = (pool.clone(), clock.now());
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = record_pool.get()?;
        for (delivery_id, result) in &results {
            let status = db::webhooks::record(&mut conn, delivery_id, result, done_at)?;
            tracing::info!(delivery = %delivery_id, outcome = %result.outcome, status = ?status, "webhook attempt");
        }
        Ok(())
    })
    .await??;
    Ok(count)
}

/// One attempt of one delivery. Never follows a redirect or a proxy; connects only to the
/// address the guard checked.
async fn attempt(
    key: &SecretKey,
    hooks: &crate::config::Webhooks,
    delivery: &Claimed,
    now: NaiveDateTime,
) -> AttemptResult {
    let failed = |outcome: String| AttemptResult {
        status_code: None,
        delivered: false,
        outcome,
        excerpt: String::new(),
    };
    let Ok(url) = Url::parse(&delivery.url) else {
        return failed("refused: the address is not a URL".into());
    };
    let target = match guard::resolve(&url, hooks.allow_private, hooks.timeout).await {
        Ok(target) => target,
        Err(refusal) => return failed(refusal.describe()),
    };
    let Some(secret) = open_secret(key, &delivery.endpoint_id, &delivery.secret_sealed) else {
        return failed("not sent: the signing secret cannot be opened with this instance's key".into());
    };
    let timestamp = now.and_utc().timestamp();
    let signature = match sign(&secret, &delivery.event_id, timestamp, &delivery.body) {
        Ok(signature) => signature,
        Err(e) => return failed(format!("not sent: {e}")),
    };
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(hooks.timeout)
        .connect_timeout(hooks.timeout)
        .user_agent(concat!("Convoca-Webhooks/", env!("CARGO_PKG_VERSION")));
    builder = match &target.domain {
        Some(domain) => builder.resolve(domain, target.address),
        None => builder,
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return failed(format!("not sent: {e}")),
    };
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(e) if e.is_timeout() => return failed(format!("no answer within {} s", hooks.timeout.as_secs())),
        Err(e) if e.is_connect() => return failed("could not connect".into()),
        Err(_) => return failed("the request failed".into()),
    };
    let status = response.status();
    let excerpt = read_excerpt(&mut response, hooks.timeout).await;
    let outcome = if status.is_success() {
        format!("delivered ({})", status.as_u16())
    } else if status.is_redirection() {
        format!("answered {} (redirects are not followed)", status.as_u16())
    } else {
        format!("answered {}", status.as_u16())
    };
    AttemptResult {
        status_code: Some(i32::from(status.as_u16())),
        delivered: status.is_success(),
        outcome,
        excerpt,
    }
}

/// The first characters of an answer's body, on one line, without control characters.
async fn read_excerpt(response: &mut reqwest::Response, timeout: StdDuration) -> String {
    let mut bytes = Vec::new();
    let read = async {
        while bytes.len() < READ_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                _ => break,
            }
        }
    };
    // The answer's time is already bounded by the client's timeout; this bounds the reading.
    let _ = tokio::time::timeout(timeout, read).await;
    bytes.truncate(READ_LIMIT);
    scrub_excerpt(&String::from_utf8_lossy(&bytes))
}

/// Keeps printable text only, whitespace folded to single spaces, at most [`EXCERPT_CHARS`].
pub fn scrub_excerpt(text: &str) -> String {
    let printable: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    printable.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(EXCERPT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_standard_form_and_signatures_follow_the_specification() {
        let secret = new_secret();
        let raw = secret.strip_prefix("whsec_").expect("prefix");
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(raw).expect("base64").len(), 32);
        assert_ne!(secret, new_secret());
        // The specification's own example.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .expect("signs");
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn answers_are_kept_short_and_on_one_line() {
        assert_eq!(scrub_excerpt("ok\r\n\tthanks\u{7}"), "ok thanks");
        assert_eq!(scrub_excerpt(&"x".repeat(500)).len(), EXCERPT_CHARS);
    }
}
