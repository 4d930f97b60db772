//! Organiser area: participation reports by member government, partner and country, for a
//! session, a series or everything, on screen and as CSV.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::context::{AdminChrome, AdminContext};
use crate::db;
use crate::db::reports::{Report, Scope};
use crate::export::{ExportLabels, reports as columns, xlsx};
use crate::web::chrome::html;
use crate::web::errors::AppError;
use crate::web::export::{self, ExportLink, Separator, SeparatorQuery};

#[derive(serde::Deserialize)]
pub struct ReportQuery {
    session: Option<String>,
    series: Option<String>,
}

impl ReportQuery {
    fn scope(&self) -> Scope {
        let given =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        match (given(&self.session), given(&self.series)) {
            (Some(session), _) => Scope::Session(session),
            (None, Some(series)) => Scope::Series(series),
            (None, None) => Scope::All,
        }
    }
}

struct Loaded {
    report: Report,
    series: Vec<(String, String)>,
    sessions: Vec<(String, String, NaiveDateTime)>,
    /// The chosen series' or session's title (none for everything).
    title: Option<String>,
    /// qforms: a session's own questions, counted.
    questions: Vec<db::question_report::QuestionSummary>,
}

async fn load(cx: &AdminContext, scope: Scope) -> Result<Loaded, AppError> {
    let language = cx.i18n().lang;
    let yes_no = (cx.i18n().t("admin-report-question-yes"), cx.i18n().t("admin-report-question-no"));
    cx.find(move |conn| {
        let db::reports::Scopes { series, sessions } = db::reports::scopes(conn)?;
        let title = match &scope {
            Scope::All => None,
            Scope::Series(id) => match series.iter().find(|(s, _)| s == id) {
                Some((_, title)) => Some(title.clone()),
                None => return Ok(None),
            },
            Scope::Session(id) => match sessions.iter().find(|(s, _, _)| s == id) {
                Some((_, title, starts_at)) => Some(format!("{title} ({})", starts_at.format("%Y-%m-%d"))),
                None => return Ok(None),
            },
        };
        let report = db::reports::report(conn, &scope, language)?;
        let questions = match &scope {
            Scope::Session(id) => db::question_report::summary(conn, id, yes_no.clone())?,
            _ => Vec::new(),
        };
        Ok(Some(Loaded { report, series, sessions, title, questions }))
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ReportPage {
    admin: AdminChrome,
    report: Report,
    series: Vec<(String, String)>,
    sessions: Vec<(String, String, NaiveDateTime)>,
    selected_series: String,
    selected_session: String,
    title: Option<String>,
    questions: Vec<db::question_report::QuestionSummary>,
    /// The downloads of the report in its scope.
    export_links: Vec<ExportLink>,
}

fn scope_query(scope: &Scope) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    match scope {
        Scope::All => {}
        Scope::Series(id) => {
            query.append_pair("series", id);
        }
        Scope::Session(id) => {
            query.append_pair("session", id);
        }
    }
    query.finish()
}

pub async fn report(cx: AdminContext, query: web::Query<ReportQuery>) -> Result<HttpResponse, AppError> {
    let scope = query.scope();
    let loaded = load(&cx, scope.clone()).await?;
    let (selected_series, selected_session) = match &scope {
        Scope::All => (String::new(), String::new()),
        Scope::Series(id) => (id.clone(), String::new()),
        Scope::Session(id) => (String::new(), id.clone()),
    };
    let admin = cx.chrome("reports");
    let export_links =
        export::links(admin.i18n, "/admin/reports.csv", "/admin/reports.xlsx", &scope_query(&scope));
    html(ReportPage {
        admin,
        export_links,
        report: loaded.report,
        series: loaded.series,
        sessions: loaded.sessions,
        selected_series,
        selected_session,
        title: loaded.title,
        questions: loaded.questions,
    })
}

/// The report as CSV: one line per member, partner, "other" and country, then the total, in
/// the organiser's language and with the separator their Excel expects unless asked otherwise.
pub async fn report_csv(
    cx: AdminContext,
    query: web::Query<ReportQuery>,
    separator: web::Query<SeparatorQuery>,
) -> Result<HttpResponse, AppError> {
    let loaded = load(&cx, query.scope()).await?;
    let labels = ExportLabels::new(cx.i18n().lang);
    let separator = Separator::chosen(&separator, labels.language());
    let rows = columns::rows(&loaded.report, &loaded.questions, &labels);
    let body = export::csv_file(columns::COLUMNS, &labels, rows.into_iter(), separator)?;
    Ok(export::csv_response("participation-report.csv", body))
}

/// The report as an Excel workbook (counts as numbers).
pub async fn report_xlsx(cx: AdminContext, query: web::Query<ReportQuery>) -> Result<HttpResponse, AppError> {
    let loaded = load(&cx, query.scope()).await?;
    let labels = ExportLabels::new(cx.i18n().lang);
    let rows = columns::rows(&loaded.report, &loaded.questions, &labels);
    let workbook = xlsx::workbook(columns::SHEET, columns::COLUMNS, &labels, rows.into_iter(), &mut |_| {})
        .map_err(AppError::Unexpected)?;
    Ok(export::xlsx_response("participation-report.xlsx", workbook))
}
