//! The Prometheus scrape endpoint: the process's metrics plus the pool and outbox gauges.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::state::AppState;
use crate::domain::OutboxStatus;
use crate::observability::prometheus;

/// Prometheus metrics. Open to loopback clients; others need `Authorization: Bearer` with
/// `CONVOCA_METRICS_TOKEN`.
pub async fn metrics_endpoint(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let token_ok = match (&state.settings.metrics_token, bearer) {
        (Some(expected), Some(given)) => {
            state.settings.secret_key.sign("metrics", expected.expose())
                == state.settings.secret_key.sign("metrics", &given)
        }
        _ => false,
    };
    if !loopback && !token_ok {
        return HttpResponse::Forbidden().finish();
    }
    let pool_state = state.pool.state();
    metrics::gauge!("db_pool_connections").set(f64::from(pool_state.connections));
    metrics::gauge!("db_pool_idle_connections").set(f64::from(pool_state.idle_connections));
    metrics::gauge!("db_pool_max_size").set(f64::from(state.pool.max_size()));
    let pool = state.pool.clone();
    let depth = web::block(move || -> anyhow::Result<Vec<(OutboxStatus, i64)>> {
        let mut conn = pool.get()?;
        Ok(crate::db::outbox::depth(&mut conn)?)
    })
    .await;
    if let Ok(Ok(depth)) = depth {
        for &status in OutboxStatus::ALL {
            let n = depth.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
            metrics::gauge!("outbox_messages", "status" => status.as_str()).set(n as f64);
        }
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(prometheus().render())
}
