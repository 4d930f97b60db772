//! The web application: state, middleware and routes. Handlers are thin: extract, parse, one
//! call into `db::` off the async executor, then render or redirect.

pub mod admin;
pub mod announcements_opt_out;
pub mod assets;
pub mod bench;
pub mod chrome;
pub mod errors;
pub mod page_cache;
pub mod public;
pub mod registration;
pub mod view;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{self, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use askama::Template;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{AnyConnection, DbPool};
use errors::AppError;

/// Shared by every request.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// Wakes the in-process worker when a request has queued mail, so it goes out at once.
    pub outbox_signal: Arc<Notify>,
    /// Rendered public pages, checked against the database's content version.
    pub page_cache: Arc<page_cache::PageCache>,
    /// On SQLite, registration requests are committed in groups by one writer thread.
    pub registration_queue: Option<Arc<crate::db::group_commit::RegistrationQueue>>,
}

impl AppState {
    pub fn wake_worker(&self) {
        self.outbox_signal.notify_one();
    }
}

/// Runs a database function on the blocking pool, with a connection from the pool.
pub async fn run_db<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> diesel::QueryResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || -> Result<T, AppError> {
        let mut conn = pool.get()?;
        Ok(f(&mut conn)?)
    })
    .await?
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address
/// in `X-Forwarded-For` that is not itself a trusted proxy. From anyone else the header is
/// ignored, so a client cannot choose its own address.
pub fn client_address(req: &actix_web::HttpRequest, settings: &Settings) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    if !settings.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|ip| !settings.trusted_proxies.contains(ip)).unwrap_or(peer).to_string()
}

/// Failed token lookups allowed per client address in ten minutes.
pub const TOKEN_FAILURES_PER_10_MINUTES: i64 = 30;

pub fn html<T: Template>(page: T) -> Result<HttpResponse, AppError> {
    html_with_status(page, StatusCode::OK)
}

pub fn html_with_status<T: Template>(page: T, status: StatusCode) -> Result<HttpResponse, AppError> {
    let body =
        page.render().map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("rendering a page")))?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn security_headers(https: bool) -> middleware::DefaultHeaders {
    let headers = middleware::DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"))
    } else {
        headers
    }
}

/// Routes, shared by the server and anything that builds the app in-process.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(admin::routes).configure(admin::speakers::public_routes);
    cfg.route("/", web::get().to(public::catalogue))
        .route("/healthz", web::get().to(public::healthz))
        .route("/readyz", web::get().to(public::healthz))
        .route("/livez", web::get().to(public::live))
        .route("/metrics", web::get().to(crate::observability::metrics_endpoint))
        .route("/privacy", web::get().to(public::privacy))
        .route("/language/{code}", web::get().to(public::set_language))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/sessions/{slug}", web::get().to(public::session_page))
        .route("/sessions/{slug}/register", web::get().to(registration::registration_form))
        .route("/sessions/{slug}/register", web::post().to(registration::register))
        .route("/sessions/{slug}/registered", web::get().to(registration::registration_received))
        .route("/confirm/{token}", web::get().to(registration::confirm))
        .route("/manage/{token}", web::get().to(registration::manage))
        .route("/manage/{token}/cancel", web::post().to(registration::cancel))
        .route("/manage/{token}/calendar.ics", web::get().to(registration::calendar))
        .route("/manage/{token}/reminders/off", web::get().to(registration::reminders_off_page))
        .route("/manage/{token}/reminders/off", web::post().to(registration::reminders_off))
        .route("/manage/{token}/reminders/on", web::post().to(registration::reminders_on))
        .route(
            "/manage/{token}/announcements/off",
            web::get().to(announcements_opt_out::announcements_off_page),
        )
        .route("/manage/{token}/announcements/off", web::post().to(announcements_opt_out::announcements_off))
        .route("/manage/{token}/announcements/on", web::post().to(announcements_opt_out::announcements_on))
        .route("/manage/{token}/choices", web::post().to(registration::set_choices))
        .route("/manage/{token}/data.json", web::get().to(registration::download_data))
        .route("/manage/{token}/erase", web::post().to(registration::erase_data));
}

/// Builds the server on an already bound listener (port 0 works, for tests).
pub fn server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let https = state.settings.is_https();
    // Database calls run on blocking threads and wait for a pooled connection anyway: more
    // threads than connections only cost memory (a stack and a malloc arena each).
    let blocking_threads = (state.pool.max_size() as usize).max(4);
    let bench_reference = state.settings.bench_reference;
    crate::observability::prometheus();
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(64 * 1024).error_handler(|err, _| {
                match err {
                    actix_web::error::UrlencodedError::Overflow { .. } => AppError::TooLarge,
                    _ => AppError::BadRequest,
                }
                .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|_, _| AppError::BadRequest.into()))
            .configure(routes)
            .configure(move |cfg| {
                if bench_reference {
                    bench::routes(cfg)
                }
            })
            .default_service(web::to(|| async { Err::<HttpResponse, _>(AppError::NotFound) }))
            .wrap(middleware::from_fn(errors::refuse_nul))
            .wrap(middleware::from_fn(chrome::csrf_seed))
            .wrap(ErrorHandlers::new().default_handler(errors::render_error_page))
            .wrap(security_headers(https))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(crate::observability::observe))
    })
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?
    .shutdown_timeout(20)
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use crate::config::{RawSettings, Settings};
    use actix_web::test::TestRequest;

    fn settings(proxies: Option<&str>) -> Settings {
        let dir = std::env::temp_dir();
        Settings::from_raw(RawSettings {
            data_dir: Some(dir.to_string_lossy().into_owned()),
            secret_key: Some("x".repeat(40)),
            trusted_proxies: proxies.map(str::to_owned),
            ..Default::default()
        })
        .expect("settings")
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let peer = "10.0.0.5:4000".parse().expect("addr");
        let forged = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_address(&forged, &settings(None)), "10.0.0.5", "ignored from anyone");
        let proxied = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.4"))
            .to_http_request();
        let trusted = settings(Some("10.0.0.5, 10.0.0.4"));
        assert_eq!(
            client_address(&proxied, &trusted),
            "203.0.113.7",
            "the nearest untrusted hop, not the spoofable first"
        );
        let garbage = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "nonsense"))
            .to_http_request();
        assert_eq!(client_address(&garbage, &trusted), "10.0.0.5");
    }
}
