//! Organiser area: the interpretation channels booked for a session and, counted at each
//! request, how many confirmed people follow each language (by member organisation), how many
//! need sign language or captions; and the demand per language across a series.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::interpretation::{SeriesLine, SessionDemand};
use crate::db::models::Session;
use crate::domain::SessionId;
use crate::domain::interpretation::ChannelLanguage;
use crate::i18n::I18n;
use crate::web::chrome::html;
use crate::web::errors::AppError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/languages", web::get().to(session_page))
        .route("/sessions/{id}/languages", web::post().to(save_channels))
        .route("/series/{id}/languages", web::get().to(series_page));
}

fn name(i18n: I18n, language: ChannelLanguage) -> String {
    i18n.t(&format!("admin-interpretation-language-{}", language.as_str()))
}

pub struct BookChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct CountRow {
    pub label: String,
    pub counts: Vec<i64>,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "admin/interpretation.html")]
struct SessionLanguagesPage {
    admin: AdminChrome,
    session: Session,
    spoken: String,
    choices: Vec<BookChoice>,
    /// The offered languages' names, the columns of the counts.
    columns: Vec<String>,
    rows: Vec<CountRow>,
    totals: CountRow,
    sign_language: i64,
    captions: i64,
}

fn session_languages_page(
    admin: AdminChrome,
    session: Session,
    demand: SessionDemand,
) -> SessionLanguagesPage {
    let i18n = admin.i18n;
    let offered = demand.offered.all();
    let row =
        |label: String, counts: &std::collections::BTreeMap<ChannelLanguage, i64>, total: i64| CountRow {
            counts: offered.iter().map(|l| counts.get(l).copied().unwrap_or(0)).collect(),
            label,
            total,
        };
    let rows = demand
        .members
        .iter()
        .map(|line| {
            let label = line.member.clone().unwrap_or_else(|| i18n.t("admin-interpretation-others"));
            row(label, &line.by_language, line.total)
        })
        .collect();
    let totals = row(i18n.t("admin-interpretation-total"), &demand.by_language, demand.confirmed);
    SessionLanguagesPage {
        spoken: name(i18n, demand.offered.spoken),
        choices: ChannelLanguage::ALL
            .iter()
            .filter(|l| **l != demand.offered.spoken)
            .map(|l| BookChoice {
                code: l.as_str(),
                label: name(i18n, *l),
                checked: demand.offered.booked.contains(l),
            })
            .collect(),
        columns: offered.iter().map(|l| name(i18n, *l)).collect(),
        rows,
        totals,
        sign_language: demand.sign_language,
        captions: demand.captions,
        session,
        admin,
    }
}

pub async fn session_page(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (session, demand) = cx
        .find(move |conn| {
            let Some(session) = db::catalogue::session_by_id(conn, id.as_str())? else {
                return Ok(None);
            };
            let demand = db::interpretation::session_demand(conn, &session)?;
            Ok(Some((session, demand)))
        })
        .await?;
    html(session_languages_page(cx.chrome("sessions"), session, demand))
}

/// Saves the ticked channels. The boxes come from a closed set: a word outside it is not a
/// language anyone could tick, and is left out.
pub async fn save_channels(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let booked: Vec<ChannelLanguage> =
        form.all("booked").into_iter().filter_map(ChannelLanguage::parse).collect();
    let target = id.clone();
    cx.change(move |conn, actor, now| db::interpretation::set_booked(conn, &target, &booked, actor, now))
        .await?;
    Ok(done(&format!("/admin/sessions/{id}/languages"), "interpretation-saved"))
}

pub struct SeriesRow {
    pub session: Session,
    /// `None`: a language the session does not offer.
    pub counts: Vec<Option<i64>>,
    pub confirmed: i64,
    pub sign_language: i64,
    pub captions: i64,
}

#[derive(Template)]
#[template(path = "admin/interpretation_series.html")]
struct SeriesLanguagesPage {
    admin: AdminChrome,
    title: String,
    columns: Vec<String>,
    rows: Vec<SeriesRow>,
}

fn series_row(line: SeriesLine) -> SeriesRow {
    SeriesRow {
        counts: ChannelLanguage::ALL
            .iter()
            .map(|l| line.offered.offers(*l).then(|| line.by_language.get(l).copied().unwrap_or(0)))
            .collect(),
        confirmed: line.confirmed,
        sign_language: line.sign_language,
        captions: line.captions,
        session: line.session,
    }
}

pub async fn series_page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (title, lines) = cx.find(move |conn| db::interpretation::series_demand(conn, &id)).await?;
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    html(SeriesLanguagesPage {
        columns: ChannelLanguage::ALL.iter().map(|l| name(i18n, *l)).collect(),
        rows: lines.into_iter().map(series_row).collect(),
        title,
        admin,
    })
}
