//! Public pages: the catalogue, a session, the privacy notice, the language switch, health.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::chrome::{Chrome, LANGUAGE_COOKIE, html};
use super::errors::AppError;
use super::feeds::FeedLinks;
use super::feeds::preview::LinkPreview;
use super::page_cache::{Rendered, next_change, page_response};
use super::precompressed::Coding;
use super::state::{AppState, run_db};
use super::view::{
    SeriesGroup, SeriesTexts, SessionTexts, availability, catalogue_groups, closed_reason, paragraphs,
};
use crate::db;
use crate::db::catalogue::ListedParticipant;
use crate::domain::{CONSENT_VERSION, Language};
use crate::i18n::I18n;
use crate::observability::names::PAGE_CACHE_VERSION_READS;
use crate::when::When;

#[derive(Template)]
#[template(path = "pages/catalogue.html")]
struct CataloguePage {
    i18n: I18n,
    chrome: Chrome,
    live: Vec<SeriesGroup>,
    upcoming: Vec<SeriesGroup>,
    past: Vec<SeriesGroup>,
    feeds: FeedLinks,
}

/// Answers from the page cache when the page was rendered at the current content version,
/// else renders it (and keeps it, compressed, when the request has no query string).
async fn cached<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    i18n: I18n,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(NaiveDateTime) -> Fut,
    Fut: Future<Output = Result<Rendered, AppError>>,
{
    let now = state.clock.now();
    if !req.query_string().is_empty() {
        return Ok(page_response(render(now).await?.body.into()));
    }
    let coding = Coding::negotiate(req);
    // The version is taken before the data: a page is never kept under a newer version than
    // the data it shows. The watch knows it without a round trip, else it is asked.
    let watch = &state.content_watch;
    let version = match watch.current() {
        Some(version) => version,
        None => {
            metrics::counter!(PAGE_CACHE_VERSION_READS, "reason" => watch.fallback().label()).increment(1);
            let ticket = watch.ticket();
            let version = run_db(state, db::catalogue::content_version).await?;
            watch.confirm(ticket, version);
            version
        }
    };
    if let Some(hit) = state.page_cache.get(req.path(), i18n.lang, version, now, coding) {
        return Ok(hit);
    }
    let rendered = render(now).await?;
    let compressed = web::block(move || rendered.compress())
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("compressing a page")))?;
    Ok(state.page_cache.put(req.path(), i18n.lang, version, now, compressed, coding))
}

fn render<T: Template>(page: T, valid_until: Option<NaiveDateTime>) -> Result<Rendered, AppError> {
    let body =
        page.render().map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("rendering a page")))?;
    Ok(Rendered { body, valid_until })
}

pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let db_state = state.clone();
    cached(&state, &req, i18n, |now| async move {
        let language = i18n.code();
        let entries = run_db(&db_state, move |conn| db::catalogue::catalogue(conn, language)).await?;
        let valid_until = entries.iter().filter_map(|e| next_change(&e.session, now)).min();
        let groups = catalogue_groups(i18n, entries, now);
        let feeds = FeedLinks::new(&db_state.settings, i18n);
        let (live, upcoming, past) = (groups.live, groups.upcoming, groups.past);
        render(CataloguePage { i18n, chrome, live, upcoming, past, feeds }, valid_until)
    })
    .await
}

pub struct PanelMember {
    pub name: String,
    pub honorific: String,
    pub role_label: String,
    pub affiliation: String,
    pub bio: String,
    pub photo_url: Option<String>,
    /// speakers: the language the position and bio are shown in, and the note when it is not
    /// the visitor's (their own texts, as a fallback).
    pub texts_lang: String,
    pub fallback_note: Option<String>,
}

pub struct DocumentLink {
    pub title: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "pages/session.html")]
struct SessionPage {
    i18n: I18n,
    chrome: Chrome,
    slug: String,
    texts: SessionTexts,
    series_title: Option<String>,
    series_title_lang: String,
    paragraphs: Vec<String>,
    language_label: String,
    when: When,
    duration_minutes: i32,
    availability: String,
    registration_open: bool,
    closed_reason: String,
    past: bool,
    /// join: started and not ended (and not cancelled).
    live: bool,
    cancelled: bool,
    panel: Vec<PanelMember>,
    documents: Vec<DocumentLink>,
    recording_url: Option<String>,
    is_demo: bool,
    participants: Vec<ListedParticipant>,
    preview: LinkPreview,
    /// quotas: "N members represented", when the organiser shows it.
    members_represented: Option<i64>,
}

pub async fn session_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    cached(&state, &req, i18n, |now| render_session_page(&state, slug, i18n, chrome, now)).await
}

async fn render_session_page(
    state: &AppState,
    slug: String,
    i18n: I18n,
    chrome: Chrome,
    now: NaiveDateTime,
) -> Result<Rendered, AppError> {
    let language = i18n.code();
    let (detail, participants, speaker_texts, members_represented) = run_db(state, move |conn| {
        let Some(detail) = db::catalogue::session_by_slug(conn, &slug, language)? else {
            return Ok(None);
        };
        let participants = db::catalogue::listed_participants(conn, &detail.session.id)?;
        let ids: Vec<&str> = detail.panel.iter().map(|(_, s)| s.id.as_str()).collect();
        let speaker_texts = crate::web::speaker_fields::PanelTexts::load(conn, &ids, language)?;
        let represented = db::quotas::members_represented(conn, &detail.session.id)?;
        Ok(Some((detail, participants, speaker_texts, represented)))
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let session = &detail.session;
    let past = now >= session.ends_at();
    let panel = detail
        .panel
        .iter()
        .map(|(entry, speaker)| {
            let texts = speaker_texts.of(i18n, speaker);
            PanelMember {
                name: speaker.name.clone(),
                honorific: speaker.honorific.clone(),
                role_label: i18n.t(&format!("role-{}", entry.role)),
                affiliation: [texts.position.as_str(), speaker.organisation.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                bio: texts.bio,
                photo_url: speaker.photo_path.as_ref().map(|_| format!("/speakers/{}/photo", speaker.id)),
                texts_lang: texts.lang,
                fallback_note: texts.fallback_note,
            }
        })
        .collect();
    let texts = SessionTexts::of(i18n, session, detail.translation.as_ref());
    let series_texts =
        detail.series.as_ref().map(|s| SeriesTexts::of(i18n, s, detail.series_translation.as_ref()));
    let when = When::of(i18n, session);
    let speakers: Vec<String> = detail.panel.iter().map(|(_, speaker)| speaker.name.clone()).collect();
    let preview = LinkPreview::new(&state.settings, i18n, &session.slug, &texts, &when, &speakers);
    let page = SessionPage {
        preview,
        slug: session.slug.clone(),
        series_title: series_texts.as_ref().map(|t| t.title.clone()),
        series_title_lang: series_texts.map(|t| t.title_lang).unwrap_or_default(),
        paragraphs: paragraphs(&texts.description),
        texts,
        participants,
        language_label: i18n.t(&format!("in-language-{}", session.language)),
        when,
        duration_minutes: session.duration_minutes,
        availability: availability(i18n, session, detail.confirmed, now),
        registration_open: session.registration_open(now),
        closed_reason: closed_reason(i18n, session, now),
        past,
        live: !past && now >= session.starts_at && !session.is_cancelled(),
        cancelled: session.is_cancelled(),
        panel,
        documents: detail
            .documents
            .iter()
            .map(|d| DocumentLink { title: d.title.clone(), url: d.url.clone() })
            .collect(),
        // The recording is published once the session is over.
        recording_url: session.recording_url.clone().filter(|_| past),
        is_demo: session.is_demo,
        members_represented,
        i18n,
        chrome,
    };
    render(page, next_change(session, now))
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct PrivacyPage {
    i18n: I18n,
    chrome: Chrome,
    version: &'static str,
    controller: String,
    contact: String,
    /// `None`: kept (retention is off), and the notice says so.
    registration_days: Option<i64>,
    /// Whether `.eml` copies are written at all (no SMTP server).
    mail_copies: bool,
    mail_copy_days: Option<i64>,
}

/// The privacy notice, from the settings in force: the controller and contact, and each
/// retention period as configured.
pub async fn privacy(
    state: web::Data<AppState>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let settings = &state.settings;
    html(PrivacyPage {
        i18n,
        chrome,
        version: CONSENT_VERSION,
        controller: settings.privacy_controller.clone(),
        contact: settings.privacy_contact.to_string(),
        registration_days: settings.retention_days,
        mail_copies: settings.smtp.is_none(),
        mail_copy_days: settings.mail_copy_retention_days,
    })
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Remembers the chosen language and goes back to the page the visitor was on. Only a local
/// path is followed, never another site.
pub async fn set_language(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Language::parse(&code).ok_or(AppError::NotFound)?;
    let next = query.next.as_deref().filter(|n| is_local_path(n)).unwrap_or("/");
    let cookie = Cookie::build(LANGUAGE_COOKIE, lang.code())
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(365))
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Lax)
        .finish();
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, next.to_owned())).cookie(cookie).finish())
}

/// A path on this site: starts with one `/`, not `//` or `/\` (which browsers treat as
/// another host), and has no scheme or control characters.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// Liveness: the process answers (no database check).
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "status": "ok" }))
}

/// 200 when the app and its database answer, 503 otherwise (also serves readiness).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let result = web::block(move || -> anyhow::Result<&'static str> {
        let mut conn = pool.get()?;
        db::ping(&mut conn)?;
        Ok(db::backend_name(&conn))
    })
    .await;
    match result {
        Ok(Ok(backend)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({ "status": "ok", "database": backend })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(serde_json::json!({ "status": "unavailable" }))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" })),
    }
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/sessions/x?lang=fr"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\r\nLocation: x",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
