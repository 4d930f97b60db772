//! The HTTP server: the app's middleware stack, extractor limits and security headers around
//! the routes it is given (`web::routes`).

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{self, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};

use super::errors::{self, AppError};
use super::state::AppState;
use super::{bench, chrome};

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The policy with another `form-action` source list (the join page posts to Convoca, which
/// answers with the platform's address).
pub(super) fn content_security_policy(form_action: &str) -> String {
    CONTENT_SECURITY_POLICY.replace("form-action 'self'", &format!("form-action {form_action}"))
}

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

/// Builds the server for `routes` on an already bound listener (port 0 works, for tests).
pub fn build(
    listener: TcpListener,
    state: AppState,
    routes: fn(&mut web::ServiceConfig),
) -> std::io::Result<Server> {
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
            // cache: a state-changing request's own writes show on the next page at once.
            .wrap(middleware::from_fn(super::page_cache::after_writes))
            .wrap(middleware::from_fn(errors::refuse_nul))
            .wrap(middleware::from_fn(chrome::csrf_seed))
            .wrap(middleware::from_fn(chrome::vary_on_language))
            .wrap(ErrorHandlers::new().default_handler(chrome::render_error_page))
            .wrap(security_headers(https))
            // feeds: `/embed/*` may be framed by the allowed origins; public responses set no cookie.
            .wrap(middleware::from_fn(super::feeds::embed::framing))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(crate::observability::observe))
    })
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?
    .shutdown_timeout(20)
    .run();
    Ok(server)
}
