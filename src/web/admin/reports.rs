//! Organiser area: participation reports by member government, partner and country, for a
//! session, a series or everything, on screen and as CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::context::{AdminChrome, AdminContext};
use crate::db;
use crate::db::reports::{Line, Report, Scope};
use crate::web::chrome::html;
use crate::web::csv::{UTF8_BOM, csv_bytes};
use crate::web::errors::AppError;

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
}

async fn load(cx: &AdminContext, scope: Scope) -> Result<Loaded, AppError> {
    let language = cx.i18n().lang;
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
        Ok(Some(Loaded { report, series, sessions, title }))
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
    /// The scope as a query string, for the CSV link.
    query: String,
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
    html(ReportPage {
        admin: cx.chrome("reports"),
        report: loaded.report,
        series: loaded.series,
        sessions: loaded.sessions,
        selected_series,
        selected_session,
        title: loaded.title,
        query: scope_query(&scope),
    })
}

fn csv_line(section: &str, line: &Line) -> Vec<String> {
    vec![
        section.to_owned(),
        line.label.clone(),
        line.country.clone(),
        line.registered.to_string(),
        line.confirmed.to_string(),
        line.attended.to_string(),
        line.never_confirmed.to_string(),
    ]
}

/// The report as CSV: one line per member, partner, "other" and country, then the total.
pub async fn report_csv(cx: AdminContext, query: web::Query<ReportQuery>) -> Result<HttpResponse, AppError> {
    let scope = query.scope();
    let loaded = load(&cx, scope).await?;
    let report = &loaded.report;
    let mut rows: Vec<Vec<String>> = vec![
        ["section", "name", "country", "registered", "confirmed", "attended", "never_confirmed"]
            .map(str::to_owned)
            .to_vec(),
    ];
    rows.extend(report.members.iter().map(|l| csv_line("member", l)));
    rows.extend(report.partners.iter().map(|l| csv_line("partner", l)));
    if report.other.registered > 0 {
        rows.push(csv_line("other", &report.other));
    }
    rows.extend(report.countries.iter().map(|l| csv_line("country", l)));
    rows.extend(report.unmatched_countries.iter().map(|l| csv_line("country (unrecognised text)", l)));
    rows.push(csv_line("total", &report.total));
    let mut body = UTF8_BOM.to_vec();
    body.extend(csv_bytes(rows)?);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"participation-report.csv\""))
        .body(body))
}
