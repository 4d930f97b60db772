//! A focal point's page (`/focal/{token}`, from their digest): their government's
//! registrations for the session, with approve / decline and the order of the waiting
//! officials (move up / down, plain forms), and the network's upcoming sessions with their
//! government's registrations in each. Opening it changes nothing; every post is CSRF-checked
//! and audited ("focal point of X"). After the session started, or for a registration of
//! another member, a clear page and nothing changed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, Link, MessagePage, html, html_with_status, see_other};
use super::errors::AppError;
use super::links::{FocalLink, private};
use super::state::{AppState, run_db};
use crate::db;
use crate::db::decisions::{Decision, DecisionOutcome};
use crate::db::focal_approval::Refusal;
use crate::domain::{RegistrationId, RegistrationStatus};
use crate::i18n::I18n;
use crate::when::When;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/focal/{token}", web::get().to(page))
        .route("/focal/{token}", web::head().to(page))
        .route("/focal/{token}/decide", web::post().to(decide))
        .route("/focal/{token}/move", web::post().to(reorder));
}

struct OfficialRow {
    id: String,
    name: String,
    position: String,
    status: String,
    awaiting: bool,
    waiting: bool,
    first: bool,
    last: bool,
}

struct UpcomingRow {
    title: String,
    when: String,
    register: String,
    counts: String,
}

#[derive(Template)]
#[template(path = "pages/focal.html")]
struct FocalPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    token: String,
    organisation: String,
    title: String,
    when: String,
    flash: Option<String>,
    officials: Vec<OfficialRow>,
    upcoming: Vec<UpcomingRow>,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn status_text(i18n: I18n, status: RegistrationStatus) -> String {
    i18n.t(&format!("focal-status-{status}"))
}

/// The page. A GET reads only.
pub async fn page(
    state: web::Data<AppState>,
    link: FocalLink,
    seed: CsrfSeed,
    query: web::Query<Done>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    if link.scope.expired {
        return refused(i18n, chrome, Refusal::SessionStarted);
    }
    let scope = link.scope.clone();
    let (now, language) = (state.clock.now(), i18n.code());
    let (session, officials, upcoming) = run_db(&state, move |conn| {
        let mut session = db::focal_approval::session(conn, &scope)?;
        db::catalogue::localize(conn, &mut session, language)?;
        let officials = db::focal_approval::officials(conn, &scope.session_id, &scope.organisation_id)?;
        let upcoming = db::focal_approval::upcoming(conn, &scope.organisation_id, language, now)?;
        Ok((session, officials, upcoming))
    })
    .await?;
    if now >= session.starts_at {
        return refused(i18n, chrome, Refusal::SessionStarted);
    }
    let waiting = officials
        .iter()
        .filter(|o| matches!(o.status, RegistrationStatus::AwaitingApproval | RegistrationStatus::Waitlisted))
        .count();
    let officials = officials
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let is_waiting = i < waiting;
            OfficialRow {
                id: o.id.to_string(),
                name: o.name,
                position: o.position,
                status: status_text(i18n, o.status),
                awaiting: o.status == RegistrationStatus::AwaitingApproval,
                waiting: is_waiting,
                first: i == 0,
                last: i + 1 == waiting,
            }
        })
        .collect();
    let upcoming = upcoming
        .into_iter()
        .map(|u| UpcomingRow {
            when: When::of(i18n, &u.session).line(),
            register: format!("/sessions/{}/register", u.session.slug),
            counts: if u.counts.is_empty() {
                i18n.t("focal-upcoming-none")
            } else {
                u.counts
                    .iter()
                    .map(|(status, n)| format!("{}: {n}", i18n.t(&format!("focal-count-{status}"))))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            title: u.session.title,
        })
        .collect();
    let flash = match query.done.as_str() {
        "approved" => Some(i18n.t("focal-done-approved")),
        "waitlisted" => Some(i18n.t("focal-done-waitlisted")),
        "declined" => Some(i18n.t("focal-done-declined")),
        "moved" => Some(i18n.t("focal-done-moved")),
        "unchanged" => Some(i18n.t("focal-done-unchanged")),
        _ => None,
    };
    let page = FocalPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        token: link.token().to_owned(),
        organisation: link.scope.organisation.clone(),
        when: When::of(i18n, &session).line(),
        title: session.title,
        flash,
        officials,
        upcoming,
        i18n,
        chrome,
    };
    Ok(private(html(page)?))
}

/// Approve or decline one official.
pub async fn decide(
    state: web::Data<AppState>,
    link: FocalLink,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    seed.check(&state, field("csrf_token"))?;
    let decision = match field("decision") {
        "approve" => Decision::Approve,
        "decline" => Decision::Decline,
        _ => return Err(AppError::BadRequest),
    };
    let Some(registration) = RegistrationId::parse(field("registration")) else {
        return refused(i18n, chrome, Refusal::NotYours);
    };
    let (scope, now) = (link.scope.clone(), state.clock.now());
    let outcome =
        run_db(&state, move |conn| db::focal_approval::decide(conn, &scope, &registration, decision, now))
            .await?;
    let done = match outcome {
        Err(refusal) => return refused(i18n, chrome, refusal),
        Ok(DecisionOutcome::Confirmed) => "approved",
        Ok(DecisionOutcome::Waitlisted) => "waitlisted",
        Ok(DecisionOutcome::Declined) => "declined",
        Ok(_) => "unchanged",
    };
    state.wake_worker();
    Ok(see_other(&format!("/focal/{}?done={done}", link.token())))
}

/// Move one waiting official up or down the focal point's order.
pub async fn reorder(
    state: web::Data<AppState>,
    link: FocalLink,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    seed.check(&state, field("csrf_token"))?;
    let up = match field("direction") {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest),
    };
    let Some(registration) = RegistrationId::parse(field("registration")) else {
        return refused(i18n, chrome, Refusal::NotYours);
    };
    let (scope, now) = (link.scope.clone(), state.clock.now());
    let outcome =
        run_db(&state, move |conn| db::focal_approval::reorder(conn, &scope, &registration, up, now)).await?;
    if let Err(refusal) = outcome {
        return refused(i18n, chrome, refusal);
    }
    Ok(see_other(&format!("/focal/{}?done=moved#officials", link.token())))
}

/// The clear page of a post or a link that can change nothing.
fn refused(i18n: I18n, chrome: Chrome, refusal: Refusal) -> Result<HttpResponse, AppError> {
    let (heading, body, status) = match refusal {
        Refusal::SessionStarted => ("focal-started-heading", "focal-started-body", StatusCode::GONE),
        Refusal::NotYours => ("focal-not-yours-heading", "focal-not-yours-body", StatusCode::FORBIDDEN),
    };
    let page = MessagePage {
        heading: i18n.t(heading),
        paragraphs: vec![i18n.t(body), i18n.t("focal-nothing-changed")],
        back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
        i18n,
        chrome,
    };
    Ok(private(html_with_status(page, status)?))
}
