//! The web application: its modules and its routes. Handlers are thin: extract, parse, one
//! call into `db::` off the async executor, then render or redirect. The shared pieces live
//! beside them: `state` (the app state, `run_db`), `client` (who is asking), `chrome` (what
//! every page shares), `errors`, `links` (emailed-link tokens), `server` (the middleware).

pub mod admin;
pub mod announcements_opt_out;
pub mod api;
pub mod assets;
pub mod bench;
pub mod chrome;
pub mod client;
pub mod csv;
pub mod errors;
pub mod export;
pub mod feedback;
pub mod feeds;
pub mod focal;
pub mod form_facts;
pub mod forms;
pub mod interpretation;
pub mod links;
pub mod manage;
pub mod manage_details;
pub mod metrics;
pub mod multipart;
pub mod one_click;
pub mod page_cache;
pub mod photo_encode;
pub mod photos;
pub mod pickers;
pub mod precompressed;
pub mod public;
pub mod question_fields;
pub mod registration;
pub mod server;
pub mod speaker_fields;
pub mod speaker_page;
pub mod state;
pub mod view;
// join: the personal join page.
pub mod join;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::web;

use state::AppState;

/// Routes, shared by the server and anything that builds the app in-process.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(admin::routes).configure(photos::public_routes);
    // feeds: before `/sessions/{slug}`, which would take `x.ics` for a slug.
    cfg.configure(feeds::routes);
    cfg.route("/", web::get().to(public::catalogue))
        .route("/healthz", web::get().to(public::healthz))
        .route("/readyz", web::get().to(public::healthz))
        .route("/livez", web::get().to(public::live))
        .route("/metrics", web::get().to(metrics::metrics_endpoint))
        .route("/privacy", web::get().to(public::privacy))
        .route("/language/{code}", web::get().to(public::set_language))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .route("/robots.txt", web::get().to(assets::robots))
        .route("/sessions/{slug}", web::get().to(public::session_page))
        .route("/sessions/{slug}/register", web::get().to(registration::registration_form))
        .route("/sessions/{slug}/register", web::post().to(registration::register))
        .route("/sessions/{slug}/registered", web::get().to(registration::registration_received))
        .route("/confirm/{token}", web::get().to(manage::confirm_page))
        .route("/confirm/{token}", web::head().to(manage::confirm_page))
        .route("/confirm/{token}", web::post().to(manage::confirm))
        .route("/manage/{token}", web::get().to(manage::manage))
        .route("/manage/{token}/cancel", web::post().to(manage::cancel))
        .route("/manage/{token}/calendar.ics", web::get().to(manage::calendar))
        .route("/manage/{token}/reminders/off", web::get().to(manage::reminders_off_page))
        .route("/manage/{token}/reminders/off", web::post().to(manage::reminders_off))
        .route("/manage/{token}/reminders/on", web::post().to(manage::reminders_on))
        .route(
            "/manage/{token}/announcements/off",
            web::get().to(announcements_opt_out::announcements_off_page),
        )
        .route("/manage/{token}/announcements/off", web::post().to(announcements_opt_out::announcements_off))
        .route("/manage/{token}/announcements/on", web::post().to(announcements_opt_out::announcements_on))
        .route("/manage/{token}/choices", web::post().to(manage::set_choices))
        .route("/manage/{token}/data.json", web::get().to(manage::download_data))
        .route("/manage/{token}/erase", web::post().to(manage::erase_data))
        .route("/manage/{token}/details", web::get().to(manage_details::details_form))
        .route("/manage/{token}/details", web::post().to(manage_details::save_details))
        .route("/email-change/{token}", web::get().to(manage_details::email_change_page))
        .route("/email-change/{token}", web::head().to(manage_details::email_change_page))
        .route("/email-change/{token}", web::post().to(manage_details::confirm_email_change));
    // api: the public JSON API and its OpenAPI document, under /api/v1.
    cfg.configure(api::routes);
    // feedback: the survey and the certificate of attendance under the manage link.
    cfg.configure(feedback::routes);
    // join: the personal join page and its "Join now".
    cfg.configure(join::routes);
    // speakers: the speaker's own page, opened by their private link.
    cfg.configure(speaker_page::routes);
    // focal: a focal point's page from their digest (issue #23).
    cfg.configure(focal::routes);
}

/// The server for these routes on an already bound listener (port 0 works, for tests).
pub fn server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    server::build(listener, state, routes)
}
