//! `GET /api/v1/organiser/sessions/{id}/registrations` (a page at a time, by keyset) and its
//! `.csv` twin: the registrations the organiser's list shows with the same search and filters
//! (`db::admin_registrations::Filters`, read as the list page reads them), and the same export
//! file, audited the same way with the token as the actor.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::{OrganiserToken, RegistrationsRead};
use super::{no_store, session_id};
use crate::db;
use crate::db::admin_registrations::Filters;
use crate::db::export_lines::ExportLine;
use crate::domain::questions::{Answer, Question};
use crate::domain::{Language, RegistrationStatus};
use crate::export::ExportLabels;
use crate::export::registrations::Layout;
use crate::web::api::params::{Query, Refused};
use crate::web::api::problem::Problem;
use crate::web::api::{ApiRequest, with_next};
use crate::web::export::Separator;
use crate::web::state::{AppState, run_db};

/// One registration, as the organiser's list and export show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
    pub id: String,
    pub name: String,
    #[schema(format = "email")]
    pub email: String,
    /// The member organisation's name, or the organisation typed in.
    pub organisation: String,
    /// ISO 3166-1 alpha-2, or empty.
    pub country: String,
    pub position: String,
    /// The language the registrant reads: en, fr or es.
    pub language: String,
    #[schema(value_type = String, example = "confirmed")]
    pub status: RegistrationStatus,
    /// UTC.
    pub registered_at: DateTime<Utc>,
    /// UTC, when the address was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Recorded attendance: true, false, or not recorded (null).
    pub attended: Option<bool>,
    pub needs: String,
    pub newsletter: bool,
    /// Agreed to be listed among the participants.
    pub listed: bool,
    /// The language the registrant will follow (ISO 639-1): the interpretation channel they
    /// chose while it is booked, else the language the session is spoken in.
    #[schema(pattern = "^(en|fr|es|pt|ar)$")]
    pub follows: String,
    /// Needs sign-language interpretation.
    pub sign_language: bool,
    /// Needs captions.
    pub captions: bool,
    /// The answers to the session's own questions, keyed by the question's id (a question the
    /// registrant left unanswered is absent).
    pub answers: BTreeMap<String, QuestionAnswer>,
}

/// An answer to one of the organiser's questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionAnswer {
    /// The question's label in the reader's language, else in the session's.
    pub question: String,
    /// What the question asks for.
    #[schema(pattern = "^(short_text|long_text|one_choice|several_choices|yes_no|number)$")]
    pub kind: String,
    pub value: AnswerValue,
}

/// What was answered: text, a whole number, yes (true) or no (false), or the labels of the
/// choices picked (in the reader's language, else the session's), in the question's order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    Text(String),
    Number(i64),
    YesNo(bool),
    Choices(Vec<String>),
}

impl QuestionAnswer {
    fn of(question: &Question, answer: &Answer, reader: Language, session: Language) -> Self {
        let value = match answer {
            Answer::Text(text) => AnswerValue::Text(text.clone()),
            Answer::Number(n) => AnswerValue::Number(*n),
            Answer::YesNo(yes) => AnswerValue::YesNo(*yes),
            Answer::Choices(ids) => AnswerValue::Choices(
                ids.iter()
                    .filter_map(|id| question.choices.iter().find(|c| c.id == *id))
                    .map(|c| c.label.shown(reader, session).0.to_owned())
                    .collect(),
            ),
        };
        QuestionAnswer {
            question: question.label.shown(reader, session).0.to_owned(),
            kind: question.kind.as_str().to_owned(),
            value,
        }
    }
}

impl Registration {
    fn of(line: ExportLine, layout: &Layout, reader: Language) -> Self {
        let answers = layout
            .questions()
            .iter()
            .filter_map(|q| {
                let answer = line.answer(&q.id)?;
                Some((q.id.clone(), QuestionAnswer::of(q, answer, reader, layout.session_language())))
            })
            .collect();
        let ExportLine { row, needs, .. } = line;
        Self {
            follows: layout.followed(needs.follows).as_str().to_owned(),
            sign_language: needs.sign_language,
            captions: needs.captions,
            answers,
            organisation: row
                .organisation_name
                .clone()
                .or_else(|| row.organisation_other.clone())
                .unwrap_or_default(),
            id: row.id,
            name: row.name,
            email: row.email,
            country: row.country,
            position: row.position,
            language: row.language,
            status: row.status,
            registered_at: row.created_at.and_utc(),
            confirmed_at: row.confirmed_at.map(|at| at.and_utc()),
            attended: row.attended,
            needs: row.needs,
            newsletter: row.newsletter,
            listed: row.listed,
        }
    }
}

/// A page of registrations.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationList {
    pub items: Vec<Registration>,
    /// The next page's address, when there is one.
    #[schema(format = "uri")]
    pub next: Option<String>,
}

/// The organiser list's search and filters.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// Part of a name, email address or organisation, any case.
    pub q: Option<String>,
    /// Only registrations in this state.
    #[param(inline, value_type = Option<String>, pattern = "^(pending|awaiting_approval|confirmed|waitlisted|cancelled|declined)$")]
    pub status: Option<String>,
    /// A member organisation's id, or `other` for organisations typed in.
    pub organisation: Option<String>,
    /// An ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// `failed`: only registrations whose last mail failed.
    #[param(pattern = "^failed$")]
    pub mail: Option<String>,
}

/// Paging of the list.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a previous page's `next` link.
    pub cursor: Option<String>,
}

/// The export's options.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The cells' separator; by default the one Excel expects in the file's language.
    #[param(pattern = "^(comma|semicolon)$")]
    pub separator: Option<String>,
    /// The language of the headers and values (en, fr, es); by default Accept-Language's.
    #[param(pattern = "^(en|fr|es)$")]
    pub lang: Option<String>,
}

/// Reads the search and filters, refusing what the list's choices cannot hold.
fn read_filters(query: &mut Query) -> Filters {
    let text = |query: &mut Query, name: &str, max: usize| {
        let value = query.text(name).unwrap_or_default();
        if value.chars().count() > max || value.chars().any(char::is_control) {
            query.errors.push(Refused { name: name.into(), reason_key: "api-param-filter-text" });
        }
        value
    };
    let q = text(query, "q", 200);
    let status = query.text("status").unwrap_or_default();
    if !status.is_empty()
        && RegistrationStatus::parse(&status).is_none_or(|s| s == RegistrationStatus::Erased)
    {
        query.errors.push(Refused { name: "status".into(), reason_key: "api-param-status" });
    }
    let organisation = text(query, "organisation", 64);
    let country = text(query, "country", 80);
    let mail = query.text("mail").unwrap_or_default();
    if crate::web::admin::registrations::mail_failed(&mail).is_none() {
        query.errors.push(Refused { name: "mail".into(), reason_key: "api-param-mail" });
    }
    crate::web::admin::registrations::filters_from(&q, &status, &organisation, &country, &mail)
}

const CURSOR: &str = "g1";

fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR}|{id}"))
}

fn decode_cursor(value: &str) -> Option<String> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(value).ok()?).ok()?;
    let id = text.strip_prefix(CURSOR)?.strip_prefix('|')?;
    crate::domain::RegistrationId::parse(id).map(|id| id.as_str().to_owned())
}

/// A session's registrations, with the organiser list's search and filters, in registration
/// order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/organiser/sessions/{id}/registrations",
    tag = "organiser",
    security(("organiser_token" = ["registrations:read"])),
    params(("id" = String, Path, description = "The session's id"), FilterQuery, PageQuery),
    responses(
        (status = 200, description = "A page of registrations", body = RegistrationList,
            headers(("Link" = String, description = "The next page, rel=\"next\", when there is one"))),
        (status = 400, description = "A query parameter was refused", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold registrations:read", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 404, description = "No session has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    _token: OrganiserToken<RegistrationsRead>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let mut query = Query::parse(req.query_string());
    let filters = read_filters(&mut query);
    let limit = query.limit();
    let after = query.cursor(decode_cursor);
    if !query.errors.is_empty() {
        return Err(Problem::invalid(api.i18n(), &api.base, &query.errors));
    }
    let id =
        session_id(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let reader = api.i18n().lang;
    let labels = ExportLabels::new(reader);
    let (layout, mut rows) = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &id)? else {
            return Ok(None);
        };
        let layout = Layout::load(conn, &session, &labels)?;
        let rows = db::export_lines::chunk(
            conn,
            &session.id,
            &filters,
            after.as_deref(),
            limit + 1,
            layout.questions(),
        )?;
        Ok(Some((layout, rows)))
    })
    .await
    .map_err(|e| Problem::from_app(api.i18n(), e))?
    .ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|r| api.next_page(&req, &cursor(&r.row.id)));
    let items = rows.into_iter().map(|line| Registration::of(line, &layout, reader)).collect();
    let body = RegistrationList { items, next: next.clone() };
    Ok(with_next(no_store(HttpResponse::Ok()).json(body), next.as_deref()))
}

/// The same registrations as a CSV file, as the organiser's export writes it (byte-order mark,
/// translated headers, formulas neutralised); audited as an export.
#[utoipa::path(
    get,
    path = "/api/v1/organiser/sessions/{id}/registrations.csv",
    tag = "organiser",
    security(("organiser_token" = ["registrations:read"])),
    params(("id" = String, Path, description = "The session's id"), FilterQuery, ExportQuery),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 400, description = "A query parameter was refused", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge (RFC 6750)"))),
        (status = 403, description = "The token does not hold registrations:read", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "The Bearer challenge, error=\"insufficient_scope\""))),
        (status = 404, description = "No session has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export_csv(
    token: OrganiserToken<RegistrationsRead>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let mut query = Query::parse(req.query_string());
    let filters = read_filters(&mut query);
    let separator = query.text("separator").map(|s| {
        Separator::parse(&s).ok_or(Refused { name: "separator".into(), reason_key: "api-param-separator" })
    });
    let lang = query.language("lang");
    let separator = match separator {
        Some(Err(refused)) => {
            query.errors.push(refused);
            None
        }
        Some(Ok(s)) => Some(s),
        None => None,
    };
    if !query.errors.is_empty() {
        return Err(Problem::invalid(api.i18n(), &api.base, &query.errors));
    }
    let id =
        session_id(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let filtered = !(filters.q.is_empty()
        && filters.status.is_empty()
        && filters.organisation.is_empty()
        && filters.country.is_empty()
        && !filters.mail_failed);
    let (actor, now) = (token.token.actor(), state.clock.now());
    let labels = ExportLabels::new(lang.unwrap_or_else(|| api.i18n().lang));
    let for_layout = labels.clone();
    let (session, layout) = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &id)? else {
            return Ok(None);
        };
        let details = format!("session={} format=csv filtered={filtered}", session.id);
        db::admin_registrations::record_audit(
            conn,
            &actor,
            "registrations.export",
            &session.title,
            &details,
            now,
        )?;
        let layout = Layout::load(conn, &session, &for_layout)?;
        Ok(Some((session, Arc::new(layout))))
    })
    .await
    .map_err(|e| Problem::from_app(api.i18n(), e))?
    .ok_or_else(|| Problem::not_found(api.i18n(), "api-organiser-session-not-found"))?;
    let separator = separator.unwrap_or_else(|| Separator::default_for(labels.language()));
    let body = crate::web::export::registrations_csv(
        state.clone(),
        session.id.clone(),
        filters,
        layout,
        labels,
        separator,
    );
    let slug: String = session.slug.chars().take(100).collect();
    let mut res = crate::web::export::csv_response(&format!("registrations-{slug}.csv"), body);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_a_registration_id_only() {
        let id = crate::domain::RegistrationId::new();
        assert_eq!(decode_cursor(&cursor(id.as_str())).as_deref(), Some(id.as_str()));
        assert_eq!(decode_cursor(&cursor("not-an-id")), None);
        assert_eq!(decode_cursor("!!"), None);
    }

    #[test]
    fn filters_are_refused_by_name() {
        let mut q = Query::parse("status=erased&mail=yes&q=ana&country=ES");
        let filters = read_filters(&mut q);
        let names: Vec<&str> = q.errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["status", "mail"]);
        assert_eq!(filters.q, "ana");
        assert_eq!(filters.country, "ES");
    }
}
