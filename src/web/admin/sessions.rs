//! Organiser area: the session list, a session's hub page, the session form, status changes,
//! duplication, documents, and series.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AdminChrome, CurrentOrganiser, SignedForm, done};
use crate::db;
use crate::db::models::SessionTranslation;
use crate::db::models::{Series, Session, SessionDocument};
use crate::db::sessions::{SaveOutcome, SessionOverview, StatusChange};
use crate::domain::session::{SessionForm, TranslationForm, format_reminders};
use crate::domain::{Language, clean_line};
use crate::i18n::{I18n, in_zone};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::view::When;
use crate::web::{AppState, html, html_with_status, run_db};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("/", web::get().to(list))
        .route("/sessions/new", web::get().to(new_form))
        .route("/sessions", web::post().to(create))
        .route("/sessions/{id}", web::get().to(hub))
        .route("/sessions/{id}", web::post().to(update))
        .route("/sessions/{id}/edit", web::get().to(edit_form))
        .route("/sessions/{id}/status", web::post().to(change_status))
        .route("/sessions/{id}/duplicate", web::post().to(duplicate))
        .route("/sessions/{id}/documents", web::post().to(add_document))
        .route("/sessions/{id}/documents/{document}/delete", web::post().to(remove_document))
        .route("/series", web::get().to(series_list))
        .route("/series", web::post().to(save_series))
        .route("/series/{id}", web::post().to(save_series_by_id));
}

pub struct SessionRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub series_title: String,
    pub when: String,
    pub language: String,
    pub status: String,
    pub status_label: String,
    pub confirmed: i64,
    pub capacity: i32,
    pub waitlisted: i64,
    pub awaiting: i64,
    pub pending: i64,
}

fn status_label(i18n: I18n, status: &str) -> String {
    i18n.t(&format!("admin-status-{status}"))
}

fn row(i18n: I18n, o: SessionOverview) -> SessionRow {
    let count = |status: &str| o.counts.get(status).copied().unwrap_or(0);
    let when = When::of(i18n, &o.session);
    SessionRow {
        confirmed: count("confirmed"),
        waitlisted: count("waitlisted"),
        awaiting: count("awaiting_approval"),
        pending: count("pending"),
        capacity: o.session.capacity,
        when: format!("{}, {} ({})", when.date, when.start_time, when.zone_name),
        language: i18n.language_name(&o.session.language),
        status_label: status_label(i18n, &o.session.status),
        status: o.session.status,
        series_title: o.series_title.unwrap_or_default(),
        id: o.session.id,
        slug: o.session.slug,
        title: o.session.title,
    }
}

#[derive(Template)]
#[template(path = "admin/sessions.html")]
struct ListPage {
    admin: AdminChrome,
    rows: Vec<SessionRow>,
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let i18n = admin.i18n;
    let rows = run_db(&state, db::sessions::overview).await?.into_iter().map(|o| row(i18n, o)).collect();
    html(ListPage { admin, rows })
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/session_form.html")]
struct FormPage {
    admin: AdminChrome,
    /// `None` for a new session.
    session_id: Option<String>,
    form: SessionForm,
    errors: FieldErrors,
    series: Vec<Choice>,
    languages: Vec<Choice>,
    timezones: Vec<&'static str>,
    translations: Vec<TranslationFields>,
}

/// One language's title, summary and description fields on the session form.
struct TranslationFields {
    code: &'static str,
    heading: String,
    names: [&'static str; 3],
    values: [String; 3],
    errors: [Option<String>; 3],
}

fn form_page(
    admin: AdminChrome,
    session_id: Option<String>,
    form: SessionForm,
    errors: FieldErrors,
    all_series: Vec<Series>,
) -> FormPage {
    let i18n = admin.i18n;
    let translations = form
        .translations
        .iter()
        .filter_map(|t| {
            let language = t.language?;
            let names = TranslationForm::field_names(language);
            let error = |name: &str| errors.get(name).map(str::to_owned);
            Some(TranslationFields {
                code: language.code(),
                heading: i18n.language_name(language.code()),
                names,
                values: [t.title.clone(), t.summary.clone(), t.description.clone()],
                errors: names.map(error),
            })
        })
        .collect();
    FormPage {
        translations,
        series: all_series
            .into_iter()
            .map(|s| Choice { selected: s.id == form.series_id, value: s.id, label: s.title })
            .collect(),
        languages: Language::ALL
            .iter()
            .map(|l| Choice {
                value: l.code().into(),
                label: i18n.language_name(l.code()),
                selected: form.language == l.code(),
            })
            .collect(),
        timezones: chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect(),
        admin,
        session_id,
        form,
        errors,
    }
}

fn local(at: chrono::NaiveDateTime, zone: &str, format: &str) -> String {
    in_zone(at, zone).format(format).to_string()
}

/// The form filled from a stored session, times in the session's own zone.
fn form_from(session: &Session, translations: &[SessionTranslation]) -> SessionForm {
    let zone = session.timezone.as_str();
    let translations = TranslationForm::blank()
        .into_iter()
        .map(|blank| {
            match translations.iter().find(|t| Some(t.language.as_str()) == blank.language.map(|l| l.code()))
            {
                Some(t) => TranslationForm {
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    description: t.description.clone(),
                    ..blank
                },
                None => blank,
            }
        })
        .collect();
    SessionForm {
        translations,
        title: session.title.clone(),
        series_id: session.series_id.clone().unwrap_or_default(),
        summary: session.summary.clone(),
        description: session.description.clone(),
        language: session.language.clone(),
        date: local(session.starts_at, zone, "%Y-%m-%d"),
        time: local(session.starts_at, zone, "%H:%M"),
        timezone: session.timezone.clone(),
        duration: session.duration_minutes.to_string(),
        capacity: session.capacity.to_string(),
        opens: session.registration_opens_at.map(|t| local(t, zone, "%Y-%m-%dT%H:%M")).unwrap_or_default(),
        closes: session.registration_closes_at.map(|t| local(t, zone, "%Y-%m-%dT%H:%M")).unwrap_or_default(),
        approval: session.approval_mode.clone(),
        reminders: format_reminders(&session.reminder_offsets()),
        follow_up_delay: session.follow_up_delay_minutes.to_string(),
        join_url: session.join_url.clone().unwrap_or_default(),
        recording_url: session.recording_url.clone().unwrap_or_default(),
    }
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    series: Option<String>,
}

pub async fn new_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let all_series = run_db(&state, db::sessions::all_series).await?;
    let form = SessionForm {
        series_id: query.series.clone().unwrap_or_default(),
        language: admin.i18n.code().into(),
        timezone: "Europe/Paris".into(),
        time: "15:00".into(),
        duration: "90".into(),
        capacity: "100".into(),
        reminders: "7d, 1d, 1h".into(),
        follow_up_delay: "120".into(),
        translations: TranslationForm::blank(),
        ..Default::default()
    };
    html(form_page(admin, None, form, FieldErrors::default(), all_series))
}

async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    form: SignedForm,
    id: Option<String>,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let i18n = admin.i18n;
    let session_form = SessionForm::from_pairs(|name| form.get(name).to_owned());
    let input = match session_form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let all_series = run_db(&state, db::sessions::all_series).await?;
            let page =
                form_page(admin, id, session_form, FieldErrors::from_domain(&errors, i18n), all_series);
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (now, actor) = (state.clock.now(), organiser.actor());
    let target = id.clone();
    let outcome = run_db(&state, move |conn| match &target {
        Some(id) => db::sessions::update(conn, id, &input, &actor, now),
        None => db::sessions::create(conn, &input, &actor, now),
    })
    .await?;
    match outcome {
        SaveOutcome::Saved(saved) => {
            state.wake_worker();
            let flash = if id.is_some() { "session-saved" } else { "session-created" };
            Ok(done(&format!("/admin/sessions/{saved}"), flash))
        }
        SaveOutcome::NotFound => Err(AppError::NotFound),
        SaveOutcome::UnknownSeries => {
            let all_series = run_db(&state, db::sessions::all_series).await?;
            let mut errors = FieldErrors::default();
            errors.add("series_id", i18n.t("admin-error-series"));
            html_with_status(
                form_page(admin, id, session_form, errors, all_series),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    save(state, req, organiser, form, None).await
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    save(state, req, organiser, form, Some(path.into_inner())).await
}

async fn load_session(state: &AppState, id: String) -> Result<Session, AppError> {
    run_db(state, move |conn| db::catalogue::session_by_id(conn, &id)).await?.ok_or(AppError::NotFound)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = load_session(&state, path.into_inner()).await?;
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let id = session.id.clone();
    let (all_series, translations) = run_db(&state, move |conn| {
        Ok((db::sessions::all_series(conn)?, db::catalogue::translations(conn, &id)?))
    })
    .await?;
    let form = form_from(&session, &translations);
    html(form_page(admin, Some(session.id.clone()), form, FieldErrors::default(), all_series))
}

#[derive(Template)]
#[template(path = "admin/session.html")]
struct HubPage {
    admin: AdminChrome,
    session: Session,
    when: When,
    language: String,
    status_label: String,
    series_title: Option<String>,
    confirmed: i64,
    waitlisted: i64,
    awaiting: i64,
    pending: i64,
    documents: Vec<SessionDocument>,
    reminders: String,
    /// The mistakes of the document form.
    errors: FieldErrors,
    doc_title: String,
    doc_url: String,
}

async fn hub_page(
    state: &AppState,
    req: &HttpRequest,
    organiser: &CurrentOrganiser,
    id: String,
    errors: FieldErrors,
    doc_title: String,
    doc_url: String,
) -> Result<HubPage, AppError> {
    let admin = AdminChrome::new(state, req, organiser, "sessions");
    let i18n = admin.i18n;
    let (overview, documents, all_series) = run_db(state, move |conn| {
        let overview = db::sessions::overview(conn)?.into_iter().find(|o| o.session.id == id);
        let documents = match &overview {
            Some(o) => db::catalogue::documents(conn, &o.session.id)?,
            None => Vec::new(),
        };
        Ok((overview, documents, db::sessions::all_series(conn)?))
    })
    .await?;
    let overview = overview.ok_or(AppError::NotFound)?;
    let count = |status: &str| overview.counts.get(status).copied().unwrap_or(0);
    let session = overview.session.clone();
    Ok(HubPage {
        when: When::of(i18n, &session),
        language: i18n.language_name(&session.language),
        status_label: status_label(i18n, &session.status),
        series_title: session
            .series_id
            .as_ref()
            .and_then(|sid| all_series.iter().find(|s| &s.id == sid))
            .map(|s| s.title.clone()),
        confirmed: count("confirmed"),
        waitlisted: count("waitlisted"),
        awaiting: count("awaiting_approval"),
        pending: count("pending"),
        reminders: format_reminders(&session.reminder_offsets()),
        documents,
        errors,
        doc_title,
        doc_url,
        session,
        admin,
    })
}

pub async fn hub(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    html(
        hub_page(
            &state,
            &req,
            &organiser,
            path.into_inner(),
            FieldErrors::default(),
            String::new(),
            String::new(),
        )
        .await?,
    )
}

pub async fn change_status(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (change, flash) = match form.get("action") {
        "publish" => (StatusChange::Publish, "session-published"),
        "unpublish" => (StatusChange::Unpublish, "session-unpublished"),
        "cancel" => (StatusChange::Cancel, "session-cancelled"),
        _ => return Err(AppError::BadRequest),
    };
    // Cancelling emails every registrant: it takes a ticked box, not one stray click.
    if change == StatusChange::Cancel && form.get("confirm") != "yes" {
        return Ok(done(&format!("/admin/sessions/{id}"), "cancel-unconfirmed"));
    }
    let (now, actor, target) = (state.clock.now(), organiser.actor(), id.clone());
    run_db(&state, move |conn| db::sessions::change_status(conn, &target, change, &actor, now))
        .await?
        .ok_or(AppError::NotFound)?;
    state.wake_worker();
    Ok(done(&format!("/admin/sessions/{id}"), flash))
}

pub async fn duplicate(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (now, actor, id) = (state.clock.now(), organiser.actor(), path.into_inner());
    let copy = run_db(&state, move |conn| db::sessions::duplicate(conn, &id, &actor, now))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(done(&format!("/admin/sessions/{copy}/edit"), "session-duplicated"))
}

pub async fn add_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let i18n = I18n::new(crate::web::chrome::language_of(&req));
    let mut errors = FieldErrors::default();
    let title =
        errors.line(i18n, "doc_title", form.get("doc_title"), 200, Some("admin-error-title-required"));
    let url = form.get("doc_url").trim().to_owned();
    let valid_url = url::Url::parse(&url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        && url.len() <= 500;
    if !valid_url {
        errors.add("doc_url", i18n.t("admin-error-url"));
    }
    if !errors.is_empty() {
        let page = hub_page(&state, &req, &organiser, id, errors, form.get("doc_title").into(), url).await?;
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (now, actor, target) = (state.clock.now(), organiser.actor(), id.clone());
    let found =
        run_db(&state, move |conn| db::sessions::add_document(conn, &target, &title, &url, &actor, now))
            .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done(&format!("/admin/sessions/{id}"), "document-added"))
}

pub async fn remove_document(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<(String, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, document) = path.into_inner();
    let (now, actor, target) = (state.clock.now(), organiser.actor(), id.clone());
    let found =
        run_db(&state, move |conn| db::sessions::remove_document(conn, &target, &document, &actor, now))
            .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done(&format!("/admin/sessions/{id}"), "document-removed"))
}

#[derive(Template)]
#[template(path = "admin/series.html")]
struct SeriesPage {
    admin: AdminChrome,
    series: Vec<Series>,
    errors: FieldErrors,
    title: String,
}

pub async fn series_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let series = run_db(&state, db::sessions::all_series).await?;
    html(SeriesPage { admin, series, errors: FieldErrors::default(), title: String::new() })
}

async fn store_series(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    form: SignedForm,
    id: Option<String>,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let i18n = admin.i18n;
    let title = clean_line("title", form.get("title"), 200).ok().filter(|t| !t.is_empty());
    let description = crate::domain::clean_text("description", form.get("description"), 2000).ok();
    let (Some(title), Some(description)) = (title, description) else {
        let series = run_db(&state, db::sessions::all_series).await?;
        // The summary links to the title field of the form that was sent.
        let field = match &id {
            Some(id) => format!("title-{id}"),
            None => "title".to_owned(),
        };
        let mut errors = FieldErrors::default();
        errors.add(field, i18n.t("admin-error-series-title"));
        let page = SeriesPage { admin, series, errors, title: form.get("title").to_owned() };
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let (now, actor) = (state.clock.now(), organiser.actor());
    let found = run_db(&state, move |conn| {
        db::sessions::save_series(conn, id.as_deref(), &title, &description, &actor, now)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done("/admin/series", "series-saved"))
}

pub async fn save_series(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    store_series(state, req, organiser, form, None).await
}

pub async fn save_series_by_id(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    store_series(state, req, organiser, form, Some(path.into_inner())).await
}
