//! Organiser area: the session list and the session form (new, edit). A session's own page is
//! in [`super::session_hub`], series in [`super::series`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::models::{Series, Session, SessionTranslation};
use crate::db::sessions::{SaveOutcome, SessionOverview};
use crate::domain::session::{SessionForm, TranslationForm, format_reminders};
use crate::domain::{ApprovalMode, Language, RegistrationStatus, SessionId, SessionStatus};
use crate::i18n::{I18n, in_zone};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::when::When;

pub struct SessionRow {
    pub id: SessionId,
    pub slug: String,
    pub title: String,
    pub series_title: String,
    pub when: String,
    pub language: String,
    pub status: SessionStatus,
    pub status_label: String,
    pub confirmed: i64,
    pub capacity: i32,
    pub waitlisted: i64,
    pub awaiting: i64,
    pub pending: i64,
    /// Registrations whose last mail failed.
    pub mail_failed: i64,
    pub is_demo: bool,
}

pub(super) fn status_label(i18n: I18n, status: SessionStatus) -> String {
    i18n.t(&format!("admin-status-{status}"))
}

fn row(i18n: I18n, o: SessionOverview, mail_failed: i64) -> SessionRow {
    let count = |status: RegistrationStatus| o.counts.get(&status).copied().unwrap_or(0);
    let when = When::of(i18n, &o.session);
    SessionRow {
        confirmed: count(RegistrationStatus::Confirmed),
        waitlisted: count(RegistrationStatus::Waitlisted),
        awaiting: count(RegistrationStatus::AwaitingApproval),
        pending: count(RegistrationStatus::Pending),
        mail_failed,
        capacity: o.session.capacity,
        is_demo: o.session.is_demo,
        when: format!("{}, {} ({})", when.date, when.start_time, when.zone_name),
        language: i18n.language_name(&o.session.language),
        status_label: status_label(i18n, o.session.status),
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
    /// An administrator sees the way to remove the demo while there is one.
    offer_demo_removal: bool,
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let now = cx.state.clock.now();
    let (overview, failed) = cx
        .read(move |conn| {
            Ok((db::sessions::in_list_order(conn, now)?, db::bounces::failed_by_session(conn)?))
        })
        .await?;
    let rows = overview
        .into_iter()
        .map(|o| {
            let failed = failed.get(&o.session.id).copied().unwrap_or(0);
            row(i18n, o, failed)
        })
        .collect::<Vec<_>>();
    let offer_demo_removal = admin.is_admin && super::demo::any_demo(&rows);
    html(ListPage { admin, rows, offer_demo_removal })
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
    session_id: Option<SessionId>,
    form: SessionForm,
    errors: FieldErrors,
    series: Vec<Choice>,
    languages: Vec<Choice>,
    /// Canonical zones by region.
    timezones: Vec<(&'static str, Vec<crate::domain::time_zone::Zone>)>,
    translations: Vec<TranslationFields>,
}

impl FormPage {
    /// The approval mode as typed is manual (anything else shows automatic).
    fn manual_approval(&self) -> bool {
        ApprovalMode::parse(self.form.approval.trim()) == Some(ApprovalMode::Manual)
    }

    /// The approval mode as typed is the focal point's.
    fn focal_approval(&self) -> bool {
        ApprovalMode::parse(self.form.approval.trim()) == Some(ApprovalMode::FocalPoint)
    }
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
    session_id: Option<SessionId>,
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
            // The session's own language has its texts in the main fields: no second set,
            // unless one was typed (the language was changed after it), to show its error.
            let typed = !(t.title.trim().is_empty()
                && t.summary.trim().is_empty()
                && t.description.trim().is_empty());
            if language.code() == form.language.trim() && !typed {
                return None;
            }
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
        timezones: crate::domain::time_zone::by_region(),
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
pub(crate) fn form_from(session: &Session, translations: &[SessionTranslation]) -> SessionForm {
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
        approval: session.approval_mode.as_str().to_owned(),
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

pub async fn new_form(cx: AdminContext, query: web::Query<NewQuery>) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("sessions");
    let all_series = cx.read(db::sessions::all_series).await?;
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

async fn save(cx: AdminContext, form: SignedForm, id: Option<SessionId>) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let session_form = SessionForm::from_pairs(|name| form.get(name).to_owned());
    let input = match session_form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let all_series = cx.read(db::sessions::all_series).await?;
            let page =
                form_page(admin, id, session_form, FieldErrors::from_domain(&errors, i18n), all_series);
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let target = id.clone();
    let outcome = cx
        .write(move |conn, actor, now| match &target {
            Some(id) => db::sessions::update(conn, id, &input, actor, now),
            None => db::sessions::create(conn, &input, actor, now),
        })
        .await?;
    match outcome {
        SaveOutcome::Saved(saved) => {
            cx.state.wake_worker();
            let flash = if id.is_some() { "session-saved" } else { "session-created" };
            Ok(done(&format!("/admin/sessions/{saved}"), flash))
        }
        SaveOutcome::NotFound => Err(AppError::NotFound),
        SaveOutcome::UnknownSeries => {
            let all_series = cx.read(db::sessions::all_series).await?;
            let mut errors = FieldErrors::default();
            errors.add("series_id", i18n.t("admin-error-series"));
            let page = form_page(admin, id, session_form, errors, all_series);
            html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    save(cx, form, None).await
}

pub async fn update(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    save(cx, form, Some(path.into_inner())).await
}

pub async fn edit_form(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let session = cx.find(move |conn| db::catalogue::session_by_id(conn, &id)).await?;
    let id = session.id.clone();
    let (all_series, translations) = cx
        .read(move |conn| Ok((db::sessions::all_series(conn)?, db::catalogue::translations(conn, &id)?)))
        .await?;
    let form = form_from(&session, &translations);
    html(form_page(cx.chrome("sessions"), Some(session.id.clone()), form, FieldErrors::default(), all_series))
}
