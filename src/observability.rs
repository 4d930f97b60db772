//! Request ids, request logs without personal data, and the Prometheus registry with every
//! metric's name and help. Knows nothing of the web application's state: the `/metrics`
//! handlers live in `web::metrics`.
//!
//! Every label comes from a closed set (known methods, route patterns, known status codes),
//! so no request, however odd, adds a series.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use metrics::Unit;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

/// The version and git revision the binary was built from (`build.rs`; "unknown" without git).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REVISION: &str = env!("CONVOCA_GIT_REVISION");

/// The name of every metric. Alert rules (docs/prometheus-alerts.yml) use these names.
pub mod names {
    pub const BUILD_INFO: &str = "convoca_build_info";
    pub const HTTP_REQUESTS: &str = "convoca_http_requests_total";
    pub const HTTP_DURATION: &str = "convoca_http_request_duration_seconds";
    pub const READY: &str = "convoca_ready";
    pub const POOL_CONNECTIONS: &str = "convoca_db_pool_connections";
    pub const POOL_IDLE: &str = "convoca_db_pool_idle_connections";
    pub const POOL_MAX: &str = "convoca_db_pool_max_size";
    pub const OUTBOX_MESSAGES: &str = "convoca_outbox_messages";
    pub const OUTBOX_OLDEST_DUE: &str = "convoca_outbox_oldest_due_seconds";
    pub const OUTBOX_FAILED_LAST_HOUR: &str = "convoca_outbox_failed_last_hour";
    pub const EMAILS_SENT: &str = "convoca_emails_sent_total";
    pub const EMAIL_FAILURES: &str = "convoca_email_send_failures_total";
    pub const PAGE_CACHE_VERSION_READS: &str = "convoca_page_cache_version_reads_total";
}

/// How often the recorder's waiting histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The process-wide metrics registry (one per process, shared by every app it runs).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: LazyLock<PrometheusHandle> = LazyLock::new(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0])
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        // Histogram samples wait in the recorder until they are folded into their buckets, which
        // only a scrape or an upkeep does: without this, a process nobody scrapes keeps every
        // request's duration (the benchmark suite's server grew by ~15 MiB per 10 s of load).
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the metrics upkeep thread did not start");
        }
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        describe();
        handle
    });
    &HANDLE
}

/// The help line of every metric, and the series that exist before anything happens (so that
/// an alert on them has something to read from the start).
fn describe() {
    use names::*;
    metrics::describe_gauge!(BUILD_INFO, "The version and git revision of this binary (always 1)");
    metrics::gauge!(BUILD_INFO, "version" => VERSION, "revision" => REVISION).set(1.0);
    metrics::describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route pattern and status (other: not a known method or route)"
    );
    metrics::describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to answer an HTTP request");
    metrics::describe_gauge!(READY, "1 when the database answers (what /readyz checks), else 0");
    metrics::describe_gauge!(POOL_CONNECTIONS, "Database connections open in the pool");
    metrics::describe_gauge!(POOL_IDLE, "Database connections open and idle in the pool");
    metrics::describe_gauge!(POOL_MAX, "Database connections the pool may open");
    metrics::describe_gauge!(OUTBOX_MESSAGES, "Messages in the outbox, by status");
    metrics::describe_gauge!(
        OUTBOX_OLDEST_DUE,
        Unit::Seconds,
        "How long the oldest message that is due and not yet sent has been waiting (0: none)"
    );
    metrics::describe_gauge!(OUTBOX_FAILED_LAST_HOUR, "Messages given up for good in the last hour");
    metrics::describe_counter!(EMAILS_SENT, "Messages handed to the mail server (or written as .eml)");
    metrics::describe_counter!(
        EMAIL_FAILURES,
        "Failed sending attempts (final: given up for good, else to be retried)"
    );
    metrics::counter!(EMAILS_SENT).absolute(0);
    for last in ["true", "false"] {
        metrics::counter!(EMAIL_FAILURES, "final" => last).absolute(0);
    }
    metrics::describe_counter!(
        PAGE_CACHE_VERSION_READS,
        "Public page requests that read the content version from the database because the content \
         watch did not know it (reason: unknown, after a write or a lost listener; lease, the \
         watching thread late)"
    );
    for reason in crate::db::content_watch::Fallback::ALL {
        metrics::counter!(PAGE_CACHE_VERSION_READS, "reason" => reason.label()).absolute(0);
    }
}

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

/// The method as a label: one of the methods the app knows, else "other".
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The status as a label: the codes the app answers with, else its class ("5xx").
pub fn status_label(status: u16) -> &'static str {
    const KNOWN: [&str; 16] = [
        "200", "204", "301", "302", "303", "304", "400", "403", "404", "405", "413", "415", "422", "429",
        "500", "503",
    ];
    let code = status.to_string();
    if let Some(known) = KNOWN.iter().find(|known| **known == code) {
        return known;
    }
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Gives each request an id (kept from `X-Request-Id` when sane), logs one line per request
/// with the route pattern (never the path: paths carry tokens) and counts it.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let method = method_label(req.method());
    // A pattern of the app's own routes, or "other": never the path.
    let route = req.match_pattern().unwrap_or_else(|| "other".into());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    metrics::counter!(names::HTTP_REQUESTS, "route" => route.clone(), "method" => method, "status" => status_label(status))
        .increment(1);
    metrics::histogram!(names::HTTP_DURATION, "route" => route.clone(), "method" => method)
        .record(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(target: "convoca::http", status, ms = elapsed.as_secs_f64() * 1000.0, "{method} {route}");
    });
    let mut res = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_closed_sets() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").expect("method")), "other");
        assert_eq!(status_label(404), "404");
        assert_eq!(status_label(418), "4xx");
        assert_eq!(status_label(599), "5xx");
        assert_eq!(status_label(1000), "5xx");
    }
}
