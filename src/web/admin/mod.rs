//! The organiser area under `/admin`. Every route needs a signed-in organiser (else: the
//! sign-in page), admin-only routes refuse organisers (403), every state change needs a valid
//! CSRF token (403), and nothing here is cacheable. What the handlers share is in [`context`].

pub mod account_sessions;
pub mod accounts;
pub mod announcements;
pub mod api_tokens;
pub mod attendance;
// join: joins through personal links.
pub mod auth;
pub mod bounces;
pub mod context;
pub mod demo;
pub mod feedback;
pub mod interpretation;
pub mod joins;
pub mod messages;
pub mod organisations;
pub mod panels;
pub mod password_reset;
pub mod privacy;
pub mod questions;
pub mod quotas;
pub mod registrations;
pub mod reports;
pub mod security_log;
pub mod series;
pub mod session_hub;
pub mod sessions;
pub mod speaker_invites;
pub mod speakers;
pub mod tasks;
pub mod two_factor;
mod two_factor_codes;
pub mod webhook_form;
pub mod webhooks;
pub mod widget;

use actix_web::{HttpResponse, web};

use crate::web::errors::AppError;

/// Every route of the organiser area.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(actix_web::middleware::from_fn(context::no_store))
            // Signing in and accounts
            .route("/login", web::get().to(auth::login_form))
            .route("/login", web::post().to(auth::login))
            .route("/login/code", web::get().to(two_factor::code_form))
            .route("/login/code", web::post().to(two_factor::submit_code))
            .route("/logout", web::post().to(auth::logout))
            .route("/reset", web::get().to(password_reset::request_form))
            .route("/reset", web::post().to(password_reset::request_reset))
            .route("/reset/{token}", web::get().to(password_reset::reset_form))
            .route("/reset/{token}", web::post().to(password_reset::reset))
            .route("/two-factor", web::get().to(two_factor::page))
            .route("/two-factor", web::post().to(two_factor::enrol))
            .route("/two-factor/disable", web::post().to(two_factor::disable))
            .route("/signed-in", web::get().to(account_sessions::list))
            .route("/signed-in/end", web::post().to(account_sessions::end_one))
            .route("/signed-in/elsewhere", web::post().to(account_sessions::end_others))
            .route("/accounts/policy", web::post().to(accounts::set_policy))
            .route("/password", web::get().to(auth::password_form))
            .route("/password", web::post().to(auth::change_password))
            .route("/accounts", web::get().to(accounts::list))
            .route("/accounts", web::post().to(accounts::create))
            .route("/accounts/{id}", web::post().to(accounts::update))
            .route("/audit", web::get().to(accounts::audit_log))
            // Requests about a person's data, the newsletter list (administrators)
            .route("/data-requests", web::get().to(privacy::form))
            .route("/data-requests", web::post().to(privacy::find))
            .route("/data-requests/download", web::post().to(privacy::download))
            .route("/data-requests/erase", web::post().to(privacy::erase))
            .route("/newsletter.csv", web::get().to(privacy::newsletter_csv))
            // Sessions and series
            .route("", web::get().to(sessions::list))
            .route("/", web::get().to(sessions::list))
            .route("/sessions/new", web::get().to(sessions::new_form))
            .route("/sessions", web::post().to(sessions::create))
            .route("/sessions/{id}", web::get().to(session_hub::hub))
            .route("/sessions/{id}", web::post().to(sessions::update))
            .route("/sessions/{id}/edit", web::get().to(sessions::edit_form))
            .route("/sessions/{id}/status", web::post().to(session_hub::change_status))
            .route("/sessions/{id}/duplicate", web::post().to(session_hub::duplicate))
            .route("/sessions/{id}/documents", web::post().to(session_hub::add_document))
            .route("/sessions/{id}/documents/{document}/delete", web::post().to(session_hub::remove_document))
            .route("/series", web::get().to(series::list))
            .route("/series", web::post().to(series::create))
            .route("/series/{id}", web::post().to(series::update))
            // Speakers and panels
            .route("/speakers", web::get().to(speakers::list))
            .route("/speakers", web::post().to(speakers::create))
            .route("/speakers/new", web::get().to(speakers::new_form))
            .route("/speakers/{id}", web::get().to(speakers::edit_form))
            .route("/speakers/{id}", web::post().to(speakers::update))
            .route("/speakers/{id}/delete", web::post().to(speakers::delete))
            .route("/speakers/{id}/photo", web::post().to(speakers::upload_photo))
            .route("/speakers/{id}/photo/remove", web::post().to(speakers::remove_photo))
            .route("/sessions/{id}/panel", web::get().to(panels::panel))
            .route("/sessions/{id}/panel", web::post().to(panels::add_to_panel))
            .route("/sessions/{id}/panel/{entry}/move", web::post().to(panels::move_in_panel))
            .route("/sessions/{id}/panel/{entry}/role", web::post().to(panels::change_panel_role))
            .route("/sessions/{id}/panel/{entry}/remove", web::post().to(panels::remove_from_panel))
            // Organisations
            .route("/organisations", web::get().to(organisations::list))
            .route("/organisations", web::post().to(organisations::create))
            .route("/organisations/new", web::get().to(organisations::new_form))
            .route("/organisations/merge", web::post().to(organisations::merge))
            .route("/organisations/{id}", web::get().to(organisations::edit_form))
            .route("/organisations/{id}", web::post().to(organisations::update))
            // Registrations, attendance, messages
            .route("/sessions/{id}/registrations", web::get().to(registrations::list))
            .route("/sessions/{id}/registrations.csv", web::get().to(registrations::export_csv))
            .route("/sessions/{id}/registrations/{registration}", web::get().to(messages::registration_page))
            .route(
                "/sessions/{id}/registrations/{registration}/decision",
                web::post().to(registrations::decide),
            )
            .route("/sessions/{id}/attendance", web::post().to(attendance::bulk_attendance))
            .route("/sessions/{id}/attendance/import", web::post().to(attendance::import_attendance))
            // Reports and announcements
            .route("/reports", web::get().to(reports::report))
            .route("/reports.csv", web::get().to(reports::report_csv))
            .route("/sessions/{id}/announcements", web::get().to(announcements::page))
            .route("/sessions/{id}/announcements", web::post().to(announcements::submit))
            .route("/sessions/{id}/announcements/{announcement}/retry", web::post().to(announcements::retry))
            // feeds:
            .route("/widget", web::get().to(widget::page))
            // bounces:
            .route(
                "/sessions/{id}/registrations/{registration}/email",
                web::post().to(bounces::correct_address),
            )
            .route("/suppressions", web::get().to(bounces::suppressions))
            .route("/suppressions/clear", web::post().to(bounces::clear))
            // words: removing the demo data (administrators)
            .route("/demo", web::get().to(demo::form))
            .route("/demo", web::post().to(demo::remove))
            // exports: the Excel workbooks beside each list's CSV
            .route("/sessions/{id}/registrations.xlsx", web::get().to(registrations::export_xlsx))
            .route("/reports.xlsx", web::get().to(reports::report_xlsx))
            .route("/newsletter.xlsx", web::get().to(privacy::newsletter_xlsx))
            // longwork: background tasks' progress pages and results.
            .route("/tasks/{id}.json", web::get().to(tasks::progress_json))
            .route("/tasks/{id}", web::get().to(tasks::page))
            .route("/tasks/{id}/refused.csv", web::get().to(tasks::refused_csv))
            .route("/tasks/{id}/download", web::get().to(tasks::download))
            // feedback: a session's survey settings, a session's and a series' results.
            .configure(feedback::routes)
            // api: organiser API tokens (administrators)
            .route("/api-tokens", web::get().to(api_tokens::list))
            .route("/api-tokens", web::post().to(api_tokens::create))
            .route("/api-tokens/{id}/revoke", web::post().to(api_tokens::revoke))
            // join: mark the registrants who joined through their personal link as attended
            .route("/sessions/{id}/joins/attended", web::post().to(joins::mark_joined_attended))
            // speakers: invitations from the panel page, reminders, consent, erasure.
            .configure(speaker_invites::routes)
            // webhooks: endpoints, their deliveries and re-sends (administrators)
            .configure(webhooks::routes)
            // questions: interpretation channels, demand per language (session and series)
            .configure(interpretation::routes)
            // quotas: seat quotas per member government of a session
            .configure(quotas::routes)
            // qforms: questions per session and the series default
            .configure(questions::routes)
            .default_service(web::to(|| async { Err::<HttpResponse, _>(AppError::NotFound) })),
    );
}
