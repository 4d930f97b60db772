//! The Prometheus scrape endpoint, closed by default: on the public listener `/metrics` needs
//! `Authorization: Bearer CONVOCA_METRICS_TOKEN` from whatever address (behind a proxy on the
//! same host every request comes from loopback, so the address proves nothing), and without a
//! token set it is not there (404). Scrapers without the token use the metrics listener
//! (`CONVOCA_METRICS_BIND`, loopback by default), which serves `/metrics` and nothing else.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::Duration;

use super::errors::AppError;
use super::state::AppState;
use crate::domain::OutboxStatus;
use crate::observability::{names, prometheus};

/// `/metrics` on the public listener: only with the bearer token.
pub async fn metrics_endpoint(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(expected) = &state.settings.metrics_token else {
        return Err(AppError::NotFound);
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    // Compared as HMACs, whose check takes the same time wherever the two tokens differ.
    let key = &state.settings.secret_key;
    let valid =
        given.is_some_and(|given| key.verify("metrics", given, &key.sign("metrics", expected.expose())));
    if !valid {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish());
    }
    Ok(scrape(&state).await)
}

/// `/metrics` on the metrics listener: no token (the listener is the protection).
async fn open_endpoint(state: web::Data<AppState>) -> HttpResponse {
    scrape(&state).await
}

/// The metrics listener: `/metrics` and nothing else (port 0 works, for tests).
pub fn server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(open_endpoint))
            .default_service(web::to(HttpResponse::NotFound))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

/// What the database says at scrape time: readiness, the pool, the outbox.
struct Figures {
    depth: Vec<(OutboxStatus, i64)>,
    oldest_due_seconds: f64,
    failed_last_hour: i64,
}

/// One scrape at a time sets the database gauges and renders them. The registry is the
/// process's: without this, a second app in the process (the tests run many) could set them to
/// its own figures between this scrape's update and its rendering.
static SCRAPE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Updates the gauges read from the database, then renders every metric.
async fn scrape(state: &AppState) -> HttpResponse {
    let _one_at_a_time = SCRAPE.lock().await;
    let pool_state = state.pool.state();
    metrics::gauge!(names::POOL_CONNECTIONS).set(f64::from(pool_state.connections));
    metrics::gauge!(names::POOL_IDLE).set(f64::from(pool_state.idle_connections));
    metrics::gauge!(names::POOL_MAX).set(f64::from(state.pool.max_size()));
    let (pool, now) = (state.pool.clone(), state.clock.now());
    let figures = web::block(move || -> anyhow::Result<Figures> {
        let mut conn = pool.get()?;
        let oldest = crate::db::outbox::oldest_due(&mut conn, now)?;
        Ok(Figures {
            depth: crate::db::outbox::depth(&mut conn)?,
            oldest_due_seconds: oldest.map_or(0.0, |due| (now - due).as_seconds_f64().max(0.0)),
            failed_last_hour: crate::db::outbox::failed_since(&mut conn, now - Duration::hours(1))?,
        })
    })
    .await;
    match figures {
        Ok(Ok(figures)) => {
            metrics::gauge!(names::READY).set(1.0);
            for &status in OutboxStatus::ALL {
                let n = figures.depth.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
                metrics::gauge!(names::OUTBOX_MESSAGES, "status" => status.as_str()).set(n as f64);
            }
            metrics::gauge!(names::OUTBOX_OLDEST_DUE).set(figures.oldest_due_seconds);
            metrics::gauge!(names::OUTBOX_FAILED_LAST_HOUR).set(figures.failed_last_hour as f64);
        }
        // The database does not answer: the outbox gauges keep their last values.
        _ => metrics::gauge!(names::READY).set(0.0),
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(prometheus().render())
}
