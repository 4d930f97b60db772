//! Organiser area: a session's registrations (counts, search, decisions), attendance (by hand
//! and from the video platform's list) and the CSV export.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AdminChrome, CurrentOrganiser, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::admin_registrations::{
    AttendanceLine, Counts, ExportRow, Filters, ImportReport, ListRow, OTHER_ORGANISATION,
};
use crate::db::models::Session;
use crate::db::registrations::{Decision, DecisionOutcome};
use crate::domain::RegistrationStatus;
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::multipart::{self, Upload};
use crate::web::{AppState, html, html_with_status, run_db};

/// The largest attendance file accepted.
pub const MAX_ATTENDANCE_FILE: usize = 5 * 1024 * 1024;
/// Registrations per chunk of the CSV export.
const EXPORT_CHUNK: i64 = 1000;
/// The most rows one bulk attendance form may tick.
const MAX_BULK: usize = 1000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/registrations", web::get().to(list))
        .route("/sessions/{id}/registrations.csv", web::get().to(export_csv))
        .route("/sessions/{id}/registrations/{registration}/decision", web::post().to(decide))
        .route("/sessions/{id}/attendance", web::post().to(bulk_attendance))
        .route("/sessions/{id}/attendance/import", web::post().to(import_attendance));
}

/// A status's short name in the organiser's language.
pub fn status_label(i18n: I18n, status: &str) -> String {
    match status {
        "pending" => i18n.t("admin-reg-status-pending"),
        "awaiting_approval" => i18n.t("admin-reg-status-awaiting-approval"),
        "confirmed" => i18n.t("admin-reg-status-confirmed"),
        "waitlisted" => i18n.t("admin-reg-status-waitlisted"),
        "declined" => i18n.t("admin-reg-status-declined"),
        "cancelled" => i18n.t("admin-reg-status-cancelled"),
        other => other.to_owned(),
    }
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    organisation: Option<String>,
    country: Option<String>,
    page: Option<String>,
}

/// Filters from a query string or a form's hidden fields; unknown values are dropped.
fn filters_from(q: &str, status: &str, organisation: &str, country: &str) -> Filters {
    let status = RegistrationStatus::parse(status).map(|s| s.as_str().to_owned()).unwrap_or_default();
    Filters {
        q: q.trim().chars().take(200).collect(),
        status,
        organisation: organisation.trim().chars().take(64).collect(),
        country: country.trim().chars().take(80).collect(),
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
struct ListData {
    session: Session,
    counts: Counts,
    rows: Vec<ListRow>,
    total: i64,
    organisations: Vec<(String, String)>,
    countries: Vec<String>,
}

async fn load_list(
    state: &AppState,
    session_id: String,
    filters: Filters,
    page: i64,
) -> Result<(ListData, Filters), AppError> {
    run_db(state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let counts = db::admin_registrations::counts(conn, &session)?;
        let choices = db::admin_registrations::filter_choices(conn, &session.id)?;
        let (rows, total) =
            db::admin_registrations::list(conn, &session.id, &filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let (organisations, countries) = (choices.organisations, choices.countries);
        Ok(Some((ListData { session, counts, rows, total, organisations, countries }, filters)))
    })
    .await?
    .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "admin/registrations.html")]
struct RegistrationsPage {
    admin: AdminChrome,
    session: Session,
    counts: Counts,
    rows: Vec<ListRow>,
    total: i64,
    filters: Filters,
    other_organisation: &'static str,
    organisations: Vec<(String, String)>,
    countries: Vec<String>,
    statuses: Vec<(&'static str, String)>,
    page: i64,
    pages: i64,
    errors: FieldErrors,
    /// Rows ticked when a bulk form came back with an error.
    selected: Vec<String>,
    others_absent: bool,
}

impl RegistrationsPage {
    fn new(admin: AdminChrome, data: ListData, filters: Filters, page: i64) -> Self {
        let statuses = RegistrationStatus::ALL
            .iter()
            .map(|s| (s.as_str(), status_label(admin.i18n, s.as_str())))
            .collect();
        Self {
            statuses,
            session: data.session,
            counts: data.counts,
            rows: data.rows,
            total: data.total,
            filters,
            other_organisation: OTHER_ORGANISATION,
            organisations: data.organisations,
            countries: data.countries,
            page,
            pages: ((data.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
            errors: FieldErrors::default(),
            selected: Vec::new(),
            others_absent: false,
            admin,
        }
    }

    fn status_label(&self, status: &str) -> String {
        status_label(self.admin.i18n, status)
    }

    fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    fn page_link(&self, page: i64) -> String {
        list_path(&self.session.id, &self.filters, page)
    }
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filters = filters_from(
        query.q.as_deref().unwrap_or(""),
        query.status.as_deref().unwrap_or(""),
        query.organisation.as_deref().unwrap_or(""),
        query.country.as_deref().unwrap_or(""),
    );
    let page = page_number(query.page.as_deref());
    let (data, filters) = load_list(&state, path.into_inner(), filters, page).await?;
    html(RegistrationsPage::new(AdminChrome::new(&state, &req, &organiser, "sessions"), data, filters, page))
}

/// The list the organiser came from, from the hidden fields of a row or bulk form.
fn back_from(session_id: &str, form: &SignedForm) -> String {
    let filters =
        filters_from(form.get("q"), form.get("status"), form.get("organisation"), form.get("country"));
    list_path(session_id, &filters, page_number(Some(form.get("page"))))
}

/// Approve, decline, promote or cancel one registration; the registrant is emailed.
pub async fn decide(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<(String, String)>,
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
    let (now, actor) = (state.clock.now(), organiser.actor());
    let outcome = run_db(&state, move |conn| {
        let Some((_, email)) = db::admin_registrations::registrant(conn, &session_id, &registration_id)?
        else {
            return Ok(None);
        };
        // The decision, its email and the audit entry commit together.
        db::write_tx(conn, |conn| {
            let outcome = db::registrations::decide_in_tx(conn, &registration_id, decision, now)?;
            if outcome != DecisionOutcome::NotApplicable {
                let details =
                    format!("session={session_id} registration={registration_id} outcome={outcome:?}");
                db::admin_registrations::record_audit(conn, &actor, action, &email, &details, now)?;
            }
            Ok(Some(outcome))
        })
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let flash = match outcome {
        DecisionOutcome::Confirmed => "registration-confirmed",
        DecisionOutcome::Waitlisted => "registration-waitlisted",
        DecisionOutcome::Declined => "registration-declined",
        DecisionOutcome::Cancelled => "registration-cancelled",
        DecisionOutcome::NotApplicable => "registration-unchanged",
    };
    if outcome != DecisionOutcome::NotApplicable {
        state.wake_worker();
    }
    Ok(done(&back, flash))
}

/// Marks the ticked (confirmed) registrations as attended or absent.
pub async fn bulk_attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let attended = match form.get("attended") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest),
    };
    let ids: Vec<String> = form.all("registration").into_iter().map(str::to_owned).take(MAX_BULK).collect();
    let back = back_from(&session_id, &form);
    if ids.is_empty() {
        let filters =
            filters_from(form.get("q"), form.get("status"), form.get("organisation"), form.get("country"));
        let page = page_number(Some(form.get("page")));
        let (data, filters) = load_list(&state, session_id, filters, page).await?;
        let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
        let mut page = RegistrationsPage::new(admin, data, filters, page);
        page.errors.add("attendance-selection", page.admin.i18n.t("admin-reg-error-select"));
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (now, actor) = (state.clock.now(), organiser.actor());
    let found = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(false);
        };
        db::admin_registrations::set_attendance(conn, &session, &ids, attended, &actor, now)?;
        Ok(true)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done(&back, "attendance-saved"))
}

/// The attendance upload: the CSRF token, the file, and whether to mark the others absent.
/// A larger file is still read to its end (up to twice the limit), so that the page can say why.
const ATTENDANCE_FORM: multipart::Limits = multipart::Limits {
    max_parts: 6,
    max_body_bytes: 2 * MAX_ATTENDANCE_FILE,
    max_text_bytes: 4096,
    files: &[("file", MAX_ATTENDANCE_FILE)],
};

#[derive(Template)]
#[template(path = "admin/registrations_import.html")]
struct ImportPage {
    admin: AdminChrome,
    session: Session,
    report: ImportReport,
    others_absent: bool,
}

impl ImportPage {
    fn status_label(&self, status: &str) -> String {
        status_label(self.admin.i18n, status)
    }
}

/// Records attendance from the video platform's CSV, then shows what matched and what did not.
pub async fn import_attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let mut upload = multipart::read_signed(&req, payload.into_inner(), &ATTENDANCE_FORM).await?;
    let others_absent = !upload.text("others_absent").is_empty();
    let session_id = path.into_inner();
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let i18n = admin.i18n;
    let parsed = match upload.take_file("file") {
        Upload::Missing => Err(i18n.t("admin-import-error-no-file")),
        Upload::TooLarge => Err(i18n.t1("admin-import-error-too-large", "max", 5)),
        Upload::File(bytes) => parse_attendance(&bytes).map_err(|problem| match problem {
            CsvProblem::NoEmailColumn => i18n.t("admin-import-error-no-email-column"),
            CsvProblem::Unreadable => i18n.t("admin-import-error-unreadable"),
        }),
    };
    let lines = match parsed {
        Ok(lines) => lines,
        Err(message) => {
            let (data, filters) = load_list(&state, session_id, Filters::default(), 1).await?;
            let mut page = RegistrationsPage::new(admin, data, filters, 1);
            page.errors.add("attendance-file", message);
            page.others_absent = others_absent;
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (now, actor) = (state.clock.now(), organiser.actor());
    let result = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let report =
            db::admin_registrations::import_attendance(conn, &session, &lines, others_absent, &actor, now)?;
        Ok(Some((session, report)))
    })
    .await?;
    let Some((session, report)) = result else {
        return Err(AppError::NotFound);
    };
    html(ImportPage { admin, session, report, others_absent })
}

/// Why an attendance file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvProblem {
    /// No header row names an email column.
    NoEmailColumn,
    Unreadable,
}

/// Header names of the email column in the exports of common video platforms.
const EMAIL_HEADERS: [&str; 10] = [
    "email",
    "e-mail",
    "user email",
    "correo",
    "courriel",
    "attendee email",
    "email address",
    "e-mail address",
    "correo electrónico",
    "adresse e-mail",
];

/// Reads the addresses out of an attendance CSV: UTF-8 with or without BOM, separated by commas
/// or semicolons (or tabs), the email column found by its header, which may follow a few lines
/// of meeting summary (as in Zoom's reports). Each data line keeps its line number.
pub fn parse_attendance(bytes: &[u8]) -> Result<Vec<AttendanceLine>, CsvProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(CsvProblem::Unreadable);
    }
    for delimiter in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut column: Option<usize> = None;
        let mut lines = Vec::new();
        // The reader's own line numbers lag behind after CRLF endings, so lines are counted
        // here from each record's byte offset (past the line breaks that precede it).
        let (mut counted_to, mut line) = (0usize, 1u64);
        for record in reader.byte_records() {
            let Ok(record) = record else { return Err(CsvProblem::Unreadable) };
            let mut start =
                record.position().map(|p| p.byte()).and_then(|b| usize::try_from(b).ok()).unwrap_or(0);
            while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                start += 1;
            }
            if start > counted_to {
                line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u64;
                counted_to = start;
            }
            let cells: Vec<String> =
                record.iter().map(|cell| String::from_utf8_lossy(cell).trim().to_owned()).collect();
            match column {
                None => {
                    column = cells.iter().position(|cell| {
                        let header = cell.trim_matches('"').trim().to_lowercase();
                        EMAIL_HEADERS.contains(&header.as_str())
                    });
                }
                Some(c) => {
                    if cells.iter().all(String::is_empty) {
                        continue;
                    }
                    let email = cells.get(c).cloned().unwrap_or_default();
                    lines.push(AttendanceLine { line, email });
                }
            }
        }
        if column.is_some() {
            return Ok(lines);
        }
    }
    Err(CsvProblem::NoEmailColumn)
}

/// A cell a spreadsheet would run as a formula starts with a quote instead.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// Writes CSV rows (each cell neutralised) into bytes.
pub fn csv_bytes<I, R>(rows: I) -> Result<Vec<u8>, AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| neutralise(c.as_ref())).collect();
        writer.write_record(&cells).map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
    }
    writer.into_inner().map_err(|e| AppError::Unexpected(anyhow::anyhow!("writing CSV: {e}")))
}

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

const EXPORT_HEADER: [&str; 13] = [
    "name",
    "email",
    "organisation",
    "country",
    "position",
    "language",
    "status",
    "registered_at",
    "confirmed_at",
    "attended",
    "needs",
    "newsletter",
    "listed",
];

fn iso(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn export_cells(row: &ExportRow) -> [String; 13] {
    let organisation = row.organisation_name.clone().or_else(|| row.organisation_other.clone());
    [
        row.name.clone(),
        row.email.clone(),
        organisation.unwrap_or_default(),
        row.country.clone(),
        row.position.clone(),
        row.language.clone(),
        row.status.clone(),
        iso(row.created_at),
        row.confirmed_at.map(iso).unwrap_or_default(),
        match row.attended {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        row.needs.clone(),
        if row.newsletter { "yes".into() } else { "no".into() },
        if row.listed { "yes".into() } else { "no".into() },
    ]
}

type Fetch = Pin<Box<dyn Future<Output = Result<Vec<ExportRow>, AppError>>>>;

/// The export as a streamed body: chunks of [`EXPORT_CHUNK`] registrations, each read with a
/// keyset query when the previous one has been sent, so memory stays flat however long the list.
struct ExportBody {
    state: web::Data<AppState>,
    session_id: String,
    after: Option<String>,
    started: bool,
    finished: bool,
    fetch: Option<Fetch>,
}

impl MessageBody for ExportBody {
    type Error = AppError;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, AppError>>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        let fetch = this.fetch.get_or_insert_with(|| {
            let (state, session_id, after) =
                (this.state.clone(), this.session_id.clone(), this.after.clone());
            Box::pin(async move {
                run_db(&state, move |conn| {
                    db::admin_registrations::export_chunk(conn, &session_id, after.as_deref(), EXPORT_CHUNK)
                })
                .await
            })
        });
        let rows = match fetch.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => {
                this.finished = true;
                return Poll::Ready(Some(Err(e)));
            }
            Poll::Ready(Ok(rows)) => rows,
        };
        this.fetch = None;
        this.finished = i64::try_from(rows.len()).unwrap_or(0) < EXPORT_CHUNK;
        this.after = rows.last().map(|r| r.id.clone()).or(this.after.take());
        let mut chunk = Vec::new();
        if !this.started {
            this.started = true;
            chunk.extend_from_slice(UTF8_BOM);
            match csv_bytes([EXPORT_HEADER]) {
                Ok(header) => chunk.extend(header),
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
        match csv_bytes(rows.iter().map(export_cells)) {
            Ok(body) => chunk.extend(body),
            Err(e) => {
                this.finished = true;
                return Poll::Ready(Some(Err(e)));
            }
        }
        if chunk.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Bytes::from(chunk))))
    }
}

/// Every registration of the session as CSV (streamed), for a spreadsheet.
pub async fn export_csv(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let (now, actor) = (state.clock.now(), organiser.actor());
    let session = run_db(&state, move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        // Personal data leaving the app: who took it, and when.
        let details = format!("session={}", session.id);
        db::admin_registrations::record_audit(
            conn,
            &actor,
            "registrations.export",
            &session.title,
            &details,
            now,
        )?;
        Ok(Some(session))
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let body = ExportBody {
        state: state.clone(),
        session_id: session.id.clone(),
        after: None,
        started: false,
        finished: false,
        fetch: None,
    };
    // The header carries only characters that need no quoting rules.
    let name: String =
        session.slug.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(100).collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"registrations-{name}.csv\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for risky in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(neutralise("Ciudad de México"), "Ciudad de México");
    }

    #[test]
    fn the_email_column_is_found_by_its_header_with_any_separator() {
        let comma = "\u{feff}Name,User Email,Duration\r\nAna,ana@cdmx.gob.mx,30\r\n\r\nTom,TOM@x.org,5\r\n";
        let lines = parse_attendance(comma.as_bytes()).expect("parsed");
        assert_eq!(
            lines,
            vec![
                AttendanceLine { line: 2, email: "ana@cdmx.gob.mx".into() },
                AttendanceLine { line: 4, email: "TOM@x.org".into() },
            ]
        );
        let semicolon = "Nom;Courriel\nClaire;claire@grandparis.fr\n";
        assert_eq!(parse_attendance(semicolon.as_bytes()).expect("parsed")[0].email, "claire@grandparis.fr");
        let zoom =
            "Meeting ID,Topic\n123,Webinar\n\nName (Original Name),Attendee Email\nSeo,seo@seoul.go.kr\n";
        let lines = parse_attendance(zoom.as_bytes()).expect("parsed");
        assert_eq!(lines, vec![AttendanceLine { line: 5, email: "seo@seoul.go.kr".into() }]);
    }

    #[test]
    fn a_file_without_an_email_column_is_refused() {
        assert_eq!(parse_attendance(b"Name,Duration\nAna,30\n"), Err(CsvProblem::NoEmailColumn));
        assert_eq!(parse_attendance(b"\x00\x01"), Err(CsvProblem::Unreadable));
    }
}
