//! `POST /api/v1/organiser/sessions`, `GET` and `PUT /api/v1/organiser/sessions/{id}`: a
//! session as the organiser's form holds it. The body's fields are the form's, read into the
//! form (`domain::session::SessionForm`) and parsed by its parser, then saved by
//! `db::sessions::create` and `update`: the same validation (422 naming each field), the same
//! messages to registrants, the same audit entries, with the token as the actor.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::auth::{OrganiserToken, SessionsRead, SessionsWrite};
use super::{no_store, read_body, session_id};
use crate::db;
use crate::db::sessions::SaveOutcome;
use crate::domain::session::SessionForm;
use crate::domain::{SessionId, SessionStatus};
use crate::web::api::ApiRequest;
use crate::web::api::problem::{InvalidParam, Problem};
use crate::web::forms::FieldErrors;
use crate::web::state::{AppState, run_db};

/// The largest body a session is sent in.
const MAX_BODY: usize = 256 * 1024;

/// The fields that are whole numbers; every other field is text.
const NUMBERS: [&str; 3] = ["duration", "capacity", "follow_up_delay"];
const TEXTS: [&str; 23] = [
    "title",
    "series_id",
    "summary",
    "description",
    "language",
    "date",
    "time",
    "timezone",
    "opens",
    "closes",
    "approval",
    "reminders",
    "join_url",
    "recording_url",
    "title_en",
    "summary_en",
    "description_en",
    "title_fr",
    "summary_fr",
    "description_fr",
    "title_es",
    "summary_es",
    "description_es",
];

/// A session's fields, named as on the organiser's form. Times are in the session's own time
/// zone. A field left out (or null) is empty, as a field left blank on the form.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SessionFields {
    pub title: Option<String>,
    /// A series' id, or empty for none.
    pub series_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The session's language: en, fr or es.
    #[schema(example = "en")]
    pub language: Option<String>,
    /// The day it starts, in its time zone (YYYY-MM-DD).
    #[schema(example = "2027-03-04")]
    pub date: Option<String>,
    /// The time it starts, in its time zone (HH:MM).
    #[schema(example = "15:00")]
    pub time: Option<String>,
    /// An IANA time zone.
    #[schema(example = "Europe/Paris")]
    pub timezone: Option<String>,
    /// Minutes.
    #[schema(example = 90)]
    pub duration: Option<i64>,
    /// Seats.
    #[schema(example = 100)]
    pub capacity: Option<i64>,
    /// When registration opens, in the session's time zone (YYYY-MM-DDTHH:MM); empty: now.
    pub opens: Option<String>,
    /// When registration closes, in the session's time zone (YYYY-MM-DDTHH:MM); empty: at the start.
    pub closes: Option<String>,
    /// `automatic` or `manual`.
    #[schema(example = "automatic")]
    pub approval: Option<String>,
    /// Reminders before the start, e.g. `7d, 1d, 1h`.
    #[schema(example = "7d, 1d, 1h")]
    pub reminders: Option<String>,
    /// Minutes after the end the follow-up is sent.
    #[schema(example = 120)]
    pub follow_up_delay: Option<i64>,
    pub join_url: Option<String>,
    pub recording_url: Option<String>,
    /// The texts in English, when it is not the session's language.
    pub title_en: Option<String>,
    pub summary_en: Option<String>,
    pub description_en: Option<String>,
    /// The texts in French, when it is not the session's language.
    pub title_fr: Option<String>,
    pub summary_fr: Option<String>,
    pub description_fr: Option<String>,
    /// The texts in Spanish, when it is not the session's language.
    pub title_es: Option<String>,
    pub summary_es: Option<String>,
    pub description_es: Option<String>,
}

/// A saved session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSession {
    pub id: String,
    pub slug: String,
    #[schema(value_type = String, example = "draft")]
    pub status: SessionStatus,
    #[serde(flatten)]
    pub fields: SessionFields,
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

impl SessionFields {
    fn of(form: &SessionForm) -> Self {
        let text = |language: &str, i: usize| {
            form.translations
                .iter()
                .find(|t| t.language.map(|l| l.code()) == Some(language))
                .map(|t| [&t.title, &t.summary, &t.description][i].clone())
        };
        Self {
            title: some(&form.title),
            series_id: some(&form.series_id),
            summary: some(&form.summary),
            description: some(&form.description),
            language: some(&form.language),
            date: some(&form.date),
            time: some(&form.time),
            timezone: some(&form.timezone),
            duration: number(&form.duration),
            capacity: number(&form.capacity),
            opens: some(&form.opens),
            closes: some(&form.closes),
            approval: some(&form.approval),
            reminders: some(&form.reminders),
            follow_up_delay: number(&form.follow_up_delay),
            join_url: some(&form.join_url),
            recording_url: some(&form.recording_url),
            title_en: text("en", 0),
            summary_en: text("en", 1),
            description_en: text("en", 2),
            title_fr: text("fr", 0),
            summary_fr: text("fr", 1),
            description_fr: text("fr", 2),
            title_es: text("es", 0),
            summary_es: text("es", 1),
            description_es: text("es", 2),
        }
    }
}

/// Why a body fills no form.
#[derive(Debug, PartialEq)]
enum BodyRefusal {
    /// Not JSON, or not an object.
    NotAnObject,
    /// These fields, each with its reason's message key.
    Fields(Vec<(String, &'static str)>),
}

/// The body read into the form's fields, or every field refused with its reason key.
fn read_fields(body: &[u8]) -> Result<Vec<(String, String)>, BodyRefusal> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(BodyRefusal::NotAnObject);
    };
    let mut fields = Vec::new();
    let mut refused = Vec::new();
    for (name, value) in map {
        let number = NUMBERS.contains(&name.as_str());
        if !number && !TEXTS.contains(&name.as_str()) {
            refused.push((name, "api-field-unknown"));
            continue;
        }
        let text = match (&value, number) {
            (Value::Null, _) => String::new(),
            (Value::Number(n), true) => match n.as_i64() {
                Some(n) => n.to_string(),
                None => {
                    refused.push((name, "api-field-integer"));
                    continue;
                }
            },
            (Value::String(s), false) => s.clone(),
            (_, true) => {
                refused.push((name, "api-field-integer"));
                continue;
            }
            (_, false) => {
                refused.push((name, "api-field-text"));
                continue;
            }
        };
        // PostgreSQL refuses NUL in text.
        if text.contains('\0') {
            refused.push((name, "api-param-nul"));
            continue;
        }
        fields.push((name, text));
    }
    if refused.is_empty() { Ok(fields) } else { Err(BodyRefusal::Fields(refused)) }
}

/// The form the body fills, or the problem that refuses it.
async fn form_of(api: &ApiRequest, payload: web::Payload) -> Result<SessionForm, Problem> {
    let i18n = api.i18n();
    let body = read_body(payload, MAX_BODY).await.map_err(|_| {
        Problem::status(
            i18n,
            StatusCode::PAYLOAD_TOO_LARGE,
            "api-organiser-too-large-title",
            "api-organiser-too-large",
        )
    })?;
    match read_fields(&body) {
        Ok(fields) => Ok(SessionForm::from_pairs(|name| {
            fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
        })),
        Err(BodyRefusal::NotAnObject) => Err(Problem::status(
            i18n,
            StatusCode::BAD_REQUEST,
            "api-organiser-body-title",
            "api-organiser-body",
        )),
        Err(BodyRefusal::Fields(refused)) => Err(Problem::invalid_fields(
            i18n,
            &api.base,
            refused.into_iter().map(|(name, key)| InvalidParam { name, reason: i18n.t(key) }).collect(),
        )),
    }
}

/// Parses the form and saves it: a new session (`id` none) or the session `id`.
async fn save(
    api: &ApiRequest,
    state: &web::Data<AppState>,
    token: &db::api_tokens::ApiToken,
    form: SessionForm,
    id: Option<SessionId>,
) -> Result<SessionId, Problem> {
    let i18n = api.i18n();
    let invalid = |errors: FieldErrors| {
        let fields = errors
            .all()
            .iter()
            .map(|(name, reason)| InvalidParam { name: name.clone(), reason: reason.clone() })
            .collect();
        Problem::invalid_fields(i18n, &api.base, fields)
    };
    let input = form.parse().map_err(|errors| invalid(FieldErrors::from_domain(&errors, i18n)))?;
    let (actor, now) = (token.actor(), state.clock.now());
    let outcome = run_db(state, move |conn| match &id {
        Some(id) => db::sessions::update(conn, id, &input, &actor, now),
        None => db::sessions::create(conn, &input, &actor, now),
    })
    .await
    .map_err(|e| Problem::from_app(i18n, e))?;
    match outcome {
        SaveOutcome::Saved(saved) => {
            state.wake_worker();
            Ok(saved)
        }
        SaveOutcome::NotFound => Err(Problem::not_found(i18n, "api-organiser-session-not-found")),
        SaveOutcome::UnknownSeries => {
            let mut errors = FieldErrors::default();
            errors.add("series_id", i18n.t("admin-error-series"));
            Err(invalid(errors))
        }
    }
}

/// The session as the form holds it, or 404.
async fn saved(
    api: &ApiRequest,
    state: &web::Data<AppState>,
    id: SessionId,
) -> Result<SavedSession, Problem> {
    let i18n = api.i18n();
    let found = run_db(state, move |conn| {
        let Some(session) = db::catalogue::session_by_id(conn, &id)? else {
            return Ok(None);
        };
        let translations = db::catalogue::translations(conn, &session.id)?;
        Ok(Some((session, translations)))
    })
    .await
    .map_err(|e| Problem::from_app(i18n, e))?;
    let (session, translations) =
        found.ok_or_else(|| Problem::not_found(i18n, "api-organiser-session-not-found"))?;
    let form = crate::web::admin::sessions::form_from(&session, &translations);
    Ok(SavedSession {
        id: session.id.as_str().to_owned(),
        slug: session.slug.clone(),
        status: session.status,
        fields: SessionFields::of(&form),
    })
}

/// Creates a draft session (published from the organiser area).
#[utoipa::path(
    post,
    path = "/api/v1/organiser/sessions",
    tag = "organiser",
    security(("organiser_token" = ["sessions:write"])),
    request_body(content = SessionFields, content_type = "application/json"),
    responses(
        (status = 201, description = "The session, created as a draft", body = SavedSession,
            headers(("Location" = String, description = "The session's address in this API"))),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold sessions:write", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields were refused, each named with why", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    token: OrganiserToken<SessionsWrite>,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let form = form_of(&api, payload).await?;
    let id = save(&api, &state, &token.token, form, None).await?;
    let location = format!("{}/api/v1/organiser/sessions/{}", api.base, id.as_str());
    let body = saved(&api, &state, id).await?;
    Ok(no_store(HttpResponse::Created()).insert_header((header::LOCATION, location)).json(body))
}

/// Replaces a session's fields (every field: one left out is emptied, as on the form).
/// Registrants hear of what concerns them, as when the form is saved.
#[utoipa::path(
    put,
    path = "/api/v1/organiser/sessions/{id}",
    tag = "organiser",
    security(("organiser_token" = ["sessions:write"])),
    params(("id" = String, Path, description = "The session's id")),
    request_body(content = SessionFields, content_type = "application/json"),
    responses(
        (status = 200, description = "The session, saved", body = SavedSession),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold sessions:write", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 404, description = "No session has this id", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields were refused, each named with why", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    token: OrganiserToken<SessionsWrite>,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let id =
        session_id(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let form = form_of(&api, payload).await?;
    let id = save(&api, &state, &token.token, form, Some(id)).await?;
    let body = saved(&api, &state, id).await?;
    Ok(no_store(HttpResponse::Ok()).json(body))
}

/// A session as the organiser's form holds it (drafts too).
#[utoipa::path(
    get,
    path = "/api/v1/organiser/sessions/{id}",
    tag = "organiser",
    security(("organiser_token" = ["sessions:read"])),
    params(("id" = String, Path, description = "The session's id")),
    responses(
        (status = 200, description = "The session", body = SavedSession),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold sessions:read", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 404, description = "No session has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn one(
    _token: OrganiserToken<SessionsRead>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let id =
        session_id(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let body = saved(&api, &state, id).await?;
    Ok(no_store(HttpResponse::Ok()).json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_wrong_type_or_unknown_is_named() {
        let refused =
            read_fields(br#"{"title": 3, "duration": "90", "capacity": 1.5, "titel": "x", "summary": null}"#);
        let Err(BodyRefusal::Fields(refused)) = refused else { panic!("refused: {refused:?}") };
        let mut names: Vec<&str> = refused.iter().map(|(n, _)| n.as_str()).collect();
        names.sort();
        assert_eq!(names, ["capacity", "duration", "titel", "title"]);
        assert_eq!(read_fields(b"[1]"), Err(BodyRefusal::NotAnObject));
        assert_eq!(read_fields(b"{"), Err(BodyRefusal::NotAnObject));
        let fields = read_fields(br#"{"title": "T", "capacity": 20}"#).expect("fine");
        assert_eq!(fields, [("capacity".to_owned(), "20".to_owned()), ("title".to_owned(), "T".to_owned())]);
    }
}
