//! `POST /api/v1/organiser/sessions/{id}/attendance`: the video platform's attendance file, read
//! and recorded as the organiser's upload does (`web::csv::parse_attendance`,
//! `db::admin_registrations::import_attendance`): the same refusals (no address column, an
//! unreadable file, a session that has not started), the same marks, the same audit entry,
//! with the token as the actor.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::{AttendanceWrite, OrganiserToken};
use super::{no_store, read_body, session_id};
use crate::db;
use crate::db::admin_registrations::ImportReport;
use crate::domain::RegistrationStatus;
use crate::web::admin::attendance::MAX_ATTENDANCE_FILE;
use crate::web::admin::tasks::SYNC_IMPORT_ROWS;
use crate::web::api::ApiRequest;
use crate::web::api::params::Query;
use crate::web::api::problem::{InvalidParam, Problem};
use crate::web::csv::{CsvProblem, parse_attendance};
use crate::web::state::{AppState, run_db};

/// The options of an upload.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    /// `true`: every other confirmed registration is marked absent.
    #[param(default = false)]
    pub others_absent: Option<bool>,
}

/// A line of the file that matched no confirmed registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unmatched {
    /// Its line number in the file.
    pub line: u64,
    pub email: String,
    /// The state of the session's registration with that address, when it is not confirmed.
    pub status: Option<String>,
}

/// What the file recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceReport {
    /// Data lines read.
    pub lines: usize,
    /// Confirmed registrations found in the file (each once), now marked as attended.
    pub matched: usize,
    /// Other confirmed registrations marked absent (with `others_absent`).
    pub marked_absent: usize,
    pub unmatched: Vec<Unmatched>,
}

impl AttendanceReport {
    fn of(report: ImportReport) -> Self {
        Self {
            lines: report.lines,
            matched: report.matched,
            marked_absent: report.marked_absent,
            unmatched: report
                .unmatched
                .into_iter()
                .map(|u| Unmatched {
                    line: u.line,
                    email: u.email,
                    status: u.status.map(RegistrationStatus::as_str).map(str::to_owned),
                })
                .collect(),
        }
    }
}

fn refused_file(api: &ApiRequest, status: StatusCode, reason: String) -> Problem {
    let i18n = api.i18n();
    let mut problem =
        Problem::invalid_fields(i18n, &api.base, vec![InvalidParam { name: "file".into(), reason }]);
    problem.status = status.as_u16();
    problem
}

/// Records who attended from the video platform's CSV (the request's body): every confirmed
/// registration whose address is in the file attended.
#[utoipa::path(
    post,
    path = "/api/v1/organiser/sessions/{id}/attendance",
    tag = "organiser",
    security(("organiser_token" = ["attendance:write"])),
    params(("id" = String, Path, description = "The session's id"), AttendanceQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The platform's attendance export: a header line with an email column, then one line per attendee (at most 2,000 lines and 5 MB)"),
    responses(
        (status = 200, description = "What the file recorded", body = AttendanceReport),
        (status = 400, description = "A query parameter was refused", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold attendance:write", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 404, description = "No session has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session has not started: nobody has attended it yet", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is too long for one request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file has no email column, or cannot be read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload(
    token: OrganiserToken<AttendanceWrite>,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let i18n = api.i18n();
    let mut query = Query::parse(req.query_string());
    let others_absent = query.boolean("others_absent").unwrap_or(false);
    if !query.errors.is_empty() {
        return Err(Problem::invalid(i18n, &api.base, &query.errors));
    }
    let id = session_id(&req).ok_or_else(|| Problem::not_found(i18n, "api-organiser-session-not-found"))?;
    let body = read_body(payload, MAX_ATTENDANCE_FILE).await.map_err(|_| {
        refused_file(&api, StatusCode::PAYLOAD_TOO_LARGE, i18n.t1("admin-import-error-too-large", "max", 5))
    })?;
    if body.is_empty() {
        return Err(refused_file(
            &api,
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n.t("admin-import-error-no-file"),
        ));
    }
    let lines = parse_attendance(&body).map_err(|problem| {
        let reason = match problem {
            CsvProblem::NoEmailColumn => i18n.t("admin-import-error-no-email-column"),
            CsvProblem::Unreadable => i18n.t("admin-import-error-unreadable"),
        };
        refused_file(&api, StatusCode::UNPROCESSABLE_ENTITY, reason)
    })?;
    if lines.len() > SYNC_IMPORT_ROWS {
        return Err(refused_file(
            &api,
            StatusCode::PAYLOAD_TOO_LARGE,
            i18n.t1("api-organiser-attendance-too-long", "max", SYNC_IMPORT_ROWS as i64),
        ));
    }
    let (actor, now) = (token.token.actor(), state.clock.now());
    let imported = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &id)? else {
            return Ok(None);
        };
        // Nobody has attended a session that has not started: a file now is the wrong one.
        if now < session.starts_at {
            return Ok(Some(None));
        }
        let report =
            db::admin_registrations::import_attendance(conn, &session, &lines, others_absent, &actor, now)?;
        Ok(Some(Some(report)))
    })
    .await
    .map_err(|e| Problem::from_app(i18n, e))?
    .ok_or_else(|| Problem::not_found(i18n, "api-organiser-session-not-found"))?;
    let Some(report) = imported else {
        let mut problem = refused_file(&api, StatusCode::CONFLICT, i18n.t("admin-import-error-not-started"));
        problem.title = i18n.t("api-organiser-conflict-title");
        problem.detail = i18n.t("admin-import-error-not-started");
        return Err(problem);
    };
    Ok(no_store(HttpResponse::Ok()).json(AttendanceReport::of(report)))
}
