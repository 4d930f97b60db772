//! Organiser area: a session's registrations (counts, search, decisions) and their CSV export.
//! Attendance is in [`super::attendance`].

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::admin_registrations::{Counts, Filters, ListRow, OTHER_ORGANISATION};
use crate::db::decisions::{Decision, DecisionOutcome};
use crate::db::models::Session;
use crate::domain::{RegistrationId, RegistrationStatus, SessionId};
use crate::export::{ExportLabels, registrations as columns, xlsx};
use crate::web::chrome::html;
use crate::web::errors::AppError;
use crate::web::export::{ExportLink, Separator, SeparatorQuery};
use crate::web::forms::FieldErrors;

pub use crate::export::labels::status_label;

#[derive(serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    organisation: Option<String>,
    country: Option<String>,
    mail: Option<String>,
    page: Option<String>,
}

/// Filters from a query string or a form's hidden fields; unknown values are dropped.
pub(crate) fn filters_from(q: &str, status: &str, organisation: &str, country: &str, mail: &str) -> Filters {
    let status = RegistrationStatus::parse(status).map(|s| s.as_str().to_owned()).unwrap_or_default();
    Filters {
        q: q.trim().chars().take(200).collect(),
        status,
        organisation: organisation.trim().chars().take(64).collect(),
        country: country.trim().chars().take(80).collect(),
        mail_failed: mail_failed(mail).unwrap_or(false),
    }
}

/// The `mail` filter's value for "last mail failed".
const MAIL_FAILED: &str = "failed";

/// What a `mail` filter's value asks: only the registrations whose last mail failed (`failed`),
/// or all of them (empty); `None` for a value the filter does not know.
pub(crate) fn mail_failed(value: &str) -> Option<bool> {
    match value {
        "" => Some(false),
        MAIL_FAILED => Some(true),
        _ => None,
    }
}

/// The list's address with its filters (and page), e.g. for links and redirects.
fn list_path(session_id: &str, filters: &Filters, page: i64) -> String {
    let query = filter_query(filters, page);
    if query.is_empty() {
        format!("/admin/sessions/{session_id}/registrations")
    } else {
        format!("/admin/sessions/{session_id}/registrations?{query}")
    }
}

fn filter_query(filters: &Filters, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("q", filters.q.as_str()),
        ("status", filters.status.as_str()),
        ("organisation", filters.organisation.as_str()),
        ("country", filters.country.as_str()),
        ("mail", if filters.mail_failed { MAIL_FAILED } else { "" }),
    ] {
        if !value.is_empty() {
            query.append_pair(key, value);
        }
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    query.finish()
}

/// What the list page shows, loaded in a fixed number of queries.
pub(super) struct ListData {
    session: Session,
    counts: Counts,
    rows: Vec<ListRow>,
    total: i64,
    organisations: Vec<(String, String)>,
    countries: Vec<String>,
    /// Why the last mail failed, for the listed registrations whose last mail failed.
    failures: std::collections::HashMap<String, String>,
    /// Registrations of the session whose last mail failed.
    failed: i64,
    /// The session's newest background tasks (long imports, large workbooks).
    tasks: Vec<db::tasks::Task>,
}

/// How many of a session's background tasks its registrations page lists.
const TASKS_LISTED: i64 = 10;

pub(super) async fn load_list(
    cx: &AdminContext,
    session_id: SessionId,
    filters: Filters,
    page: i64,
) -> Result<(ListData, Filters), AppError> {
    cx.find(move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let counts = db::admin_registrations::counts(conn, &session)?;
        let choices = db::admin_registrations::filter_choices(conn, &session.id)?;
        let (rows, total) =
            db::admin_registrations::list(conn, &session.id, &filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let (organisations, countries) = (choices.organisations, choices.countries);
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let failures = db::bounces::reasons_for(conn, &ids)?;
        let failed = db::bounces::failed_by_session(conn)?.get(&session.id).copied().unwrap_or(0);
        let tasks = db::tasks::of_session(conn, &session.id, TASKS_LISTED)?;
        Ok(Some((
            ListData { session, counts, rows, total, organisations, countries, failures, failed, tasks },
            filters,
        )))
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/registrations.html")]
pub(super) struct RegistrationsPage {
    admin: AdminChrome,
    session: Session,
    counts: Counts,
    rows: Vec<ListRow>,
    total: i64,
    filters: Filters,
    other_organisation: &'static str,
    organisations: Vec<(String, String)>,
    countries: Vec<String>,
    failures: std::collections::HashMap<String, String>,
    failed: i64,
    statuses: Vec<(&'static str, String)>,
    page: i64,
    pages: i64,
    pub(super) errors: FieldErrors,
    /// Rows ticked when a bulk form came back with an error.
    selected: Vec<String>,
    pub(super) others_absent: bool,
    /// The downloads, with the list's search and filters.
    export_links: Vec<ExportLink>,
    /// The session's background work, newest first.
    tasks: Vec<super::tasks::TaskLine>,
}

impl RegistrationsPage {
    pub(super) fn new(admin: AdminChrome, data: ListData, filters: Filters, page: i64) -> Self {
        // Erased registrations are not listed, so there is nothing to filter them by.
        let statuses = RegistrationStatus::ALL
            .iter()
            .filter(|s| **s != RegistrationStatus::Erased)
            .map(|&s| (s.as_str(), status_label(admin.i18n, s)))
            .collect();
        let base = format!("/admin/sessions/{}/registrations", data.session.id);
        let export_links = crate::web::export::links(
            admin.i18n,
            &format!("{base}.csv"),
            &format!("{base}.xlsx"),
            &filter_query(&filters, 1),
        );
        let tasks = data.tasks.iter().map(|task| super::tasks::TaskLine::of(admin.i18n, task)).collect();
        Self {
            statuses,
            export_links,
            tasks,
            session: data.session,
            counts: data.counts,
            rows: data.rows,
            total: data.total,
            filters,
            other_organisation: OTHER_ORGANISATION,
            organisations: data.organisations,
            countries: data.countries,
            failures: data.failures,
            failed: data.failed,
            page,
            pages: ((data.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
            errors: FieldErrors::default(),
            selected: Vec::new(),
            others_absent: false,
            admin,
        }
    }

    fn status_label(&self, status: RegistrationStatus) -> String {
        status_label(self.admin.i18n, status)
    }

    fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    fn page_link(&self, page: i64) -> String {
        list_path(&self.session.id, &self.filters, page)
    }

    fn failure(&self, id: &str) -> Option<&str> {
        self.failures.get(id).map(String::as_str)
    }

    fn failed_link(&self) -> String {
        list_path(&self.session.id, &Filters { mail_failed: true, ..Filters::default() }, 1)
    }
}

pub async fn list(
    cx: AdminContext,
    path: web::Path<SessionId>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filters = list_filters(&query);
    let page = page_number(query.page.as_deref());
    let (data, filters) = load_list(&cx, path.into_inner(), filters, page).await?;
    html(RegistrationsPage::new(cx.chrome("sessions"), data, filters, page))
}

/// The filters of the list the organiser came from, from the hidden fields of a form.
pub(super) fn filters_of(form: &SignedForm) -> Filters {
    filters_from(
        form.get("q"),
        form.get("status"),
        form.get("organisation"),
        form.get("country"),
        form.get("mail"),
    )
}

/// The list the organiser came from, from the hidden fields of a row or bulk form.
pub(super) fn back_from(session_id: &str, form: &SignedForm) -> String {
    list_path(session_id, &filters_of(form), page_number(Some(form.get("page"))))
}

/// Approve, decline, promote or cancel one registration; the registrant is emailed.
pub async fn decide(
    cx: AdminContext,
    path: web::Path<(SessionId, RegistrationId)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, registration_id) = path.into_inner();
    let (decision, action) = match form.get("decision") {
        "approve" => (Decision::Approve, "registration.approve"),
        "decline" => (Decision::Decline, "registration.decline"),
        "promote" => (Decision::Promote, "registration.promote"),
        "cancel" => (Decision::Cancel, "registration.cancel"),
        _ => return Err(AppError::BadRequest),
    };
    let back = back_from(&session_id, &form);
    let outcome = cx
        .change(move |conn, actor, now| {
            let Some((_, email)) = db::admin_registrations::registrant(conn, &session_id, &registration_id)?
            else {
                return Ok(None);
            };
            // The decision, its email and the audit entry commit together.
            db::write_tx(conn, |conn| {
                let outcome = db::decisions::decide_in_tx(conn, &registration_id, decision, now)?;
                if outcome != DecisionOutcome::NotApplicable {
                    let details =
                        format!("session={session_id} registration={registration_id} outcome={outcome:?}");
                    db::admin_registrations::record_audit(conn, actor, action, &email, &details, now)?;
                }
                Ok(Some(outcome))
            })
        })
        .await?;
    let flash = match outcome {
        DecisionOutcome::Confirmed => "registration-confirmed",
        DecisionOutcome::Waitlisted => "registration-waitlisted",
        DecisionOutcome::Declined => "registration-declined",
        DecisionOutcome::Cancelled => "registration-cancelled",
        DecisionOutcome::NotApplicable => "registration-unchanged",
    };
    if outcome != DecisionOutcome::NotApplicable {
        cx.state.wake_worker();
    }
    Ok(done(&back, flash))
}

/// The session of an export, with an audit entry: personal data leaving the app, who took it
/// and when (never the search text, which may be a name).
async fn audited_session(
    cx: &AdminContext,
    session_id: SessionId,
    format: &'static str,
    filters: &Filters,
) -> Result<Session, AppError> {
    let filtered = !filter_query(filters, 1).is_empty();
    cx.change(move |conn, actor, now| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let details = format!("session={} format={format} filtered={filtered}", session.id);
        db::admin_registrations::record_audit(
            conn,
            actor,
            "registrations.export",
            &session.title,
            &details,
            now,
        )?;
        Ok(Some(session))
    })
    .await
}

fn export_name(session: &Session, extension: &str) -> String {
    let slug: String = session.slug.chars().take(100).collect();
    format!("registrations-{slug}.{extension}")
}

fn list_filters(query: &ListQuery) -> Filters {
    filters_from(
        query.q.as_deref().unwrap_or(""),
        query.status.as_deref().unwrap_or(""),
        query.organisation.as_deref().unwrap_or(""),
        query.country.as_deref().unwrap_or(""),
        query.mail.as_deref().unwrap_or(""),
    )
}

/// The registrations the list shows (its search and filters) as CSV, streamed, in the
/// organiser's language, separated as their Excel expects unless asked otherwise.
pub async fn export_csv(
    cx: AdminContext,
    path: web::Path<SessionId>,
    query: web::Query<ListQuery>,
    separator: web::Query<SeparatorQuery>,
) -> Result<HttpResponse, AppError> {
    let filters = list_filters(&query);
    let session = audited_session(&cx, path.into_inner(), "csv", &filters).await?;
    let labels = ExportLabels::new(cx.i18n().lang);
    let separator = Separator::chosen(&separator, labels.language());
    let layout = load_layout(&cx, &session, &labels).await?;
    let body = crate::web::export::registrations_csv(
        cx.state.clone(),
        session.id.clone(),
        filters,
        layout,
        labels,
        separator,
    );
    Ok(crate::web::export::csv_response(&export_name(&session, "csv"), body))
}

/// The session's questions and languages, read once for a whole export (shared by the
/// streamed CSV's chunks).
async fn load_layout(
    cx: &AdminContext,
    session: &Session,
    labels: &ExportLabels,
) -> Result<Arc<columns::Layout>, AppError> {
    let (session, labels) = (session.clone(), labels.clone());
    let layout = cx.read(move |conn| columns::Layout::load(conn, &session, &labels)).await?;
    Ok(Arc::new(layout))
}

/// The registrations the list shows as an Excel workbook: typed columns, frozen and filterable
/// header, in the organiser's language.
pub async fn export_xlsx(
    cx: AdminContext,
    path: web::Path<SessionId>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let filters = list_filters(&query);
    let session = audited_session(&cx, path.into_inner(), "xlsx", &filters).await?;
    // longwork: a long list is written by the worker, with a progress page.
    if let Some(queued) = super::tasks::queue_export_if_long(&cx, &session.id, &filters).await? {
        return Ok(queued);
    }
    let labels = ExportLabels::new(cx.i18n().lang);
    let session_row = session.clone();
    let workbook = cx
        .read(move |conn| {
            let layout = columns::Layout::load(conn, &session_row, &labels)?;
            let mut failed = None;
            let rows =
                columns::from_database(conn, &session_row.id, &filters, layout.questions(), &mut failed);
            let workbook = xlsx::registrations_workbook(rows, &layout, &labels, &mut |_| {});
            match failed {
                Some(e) => Err(e),
                None => Ok(workbook),
            }
        })
        .await?
        .map_err(AppError::Unexpected)?;
    Ok(crate::web::export::xlsx_response(&export_name(&session, "xlsx"), workbook))
}
