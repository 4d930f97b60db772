//! Organiser area: a session's seat quotas per member government and per partner organisation
//! (defaults, exceptions per member), with each organisation's seats, waiting list and pending
//! approvals, and the choice to show "N members represented" on the public page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::models::Session;
use crate::db::quotas::{OrganisationSeats, Quotas, SaveQuotas};
use crate::domain::SessionId;
use crate::domain::quota::{QuotaForm, QuotaProblem, exception_field};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

/// quotas: the routes of this page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/quotas", web::get().to(page))
        .route("/sessions/{id}/quotas", web::post().to(save));
}

/// One organisation's row: its seats field (members only) and its counts.
struct Row {
    seats: OrganisationSeats,
    /// The index of its exception field (members only).
    field: Option<String>,
    /// What was typed (or is stored) as its exception.
    typed: String,
}

#[derive(Template)]
#[template(path = "admin/quotas.html")]
struct QuotaPage {
    admin: AdminChrome,
    session: Session,
    form: QuotaForm,
    errors: FieldErrors,
    members: Vec<Row>,
    partners: Vec<Row>,
}

fn stored_form(quotas: &Quotas, rows: &[OrganisationSeats]) -> QuotaForm {
    let text = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    QuotaForm {
        member_seats: text(quotas.member_seats),
        partner_seats: text(quotas.partner_seats),
        show_members_represented: quotas.show_members_represented,
        exceptions: rows
            .iter()
            .filter(|r| r.organisation.is_member())
            .map(|r| (r.organisation.id.clone(), text(r.exception)))
            .collect(),
    }
}

fn build(
    admin: AdminChrome,
    session: Session,
    form: QuotaForm,
    errors: FieldErrors,
    rows: Vec<OrganisationSeats>,
) -> QuotaPage {
    let (mut members, mut partners) = (Vec::new(), Vec::new());
    for seats in rows {
        if seats.organisation.is_member() {
            let index = form.exceptions.iter().position(|(o, _)| *o == seats.organisation.id);
            let typed =
                index.and_then(|i| form.exceptions.get(i)).map(|(_, s)| s.clone()).unwrap_or_default();
            members.push(Row { field: index.map(exception_field), typed, seats });
        } else {
            partners.push(Row { field: None, typed: String::new(), seats });
        }
    }
    QuotaPage { admin, session, form, errors, members, partners }
}

async fn load(
    cx: &AdminContext,
    id: SessionId,
) -> Result<(Session, Quotas, Vec<OrganisationSeats>), AppError> {
    cx.find(move |conn| {
        let Some(session) = db::catalogue::session_by_id(conn, &id)? else { return Ok(None) };
        let (quotas, rows) = db::quotas::overview(conn, &session.id)?;
        Ok(Some((session, quotas, rows)))
    })
    .await
}

pub async fn page(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let (session, quotas, rows) = load(&cx, path.into_inner()).await?;
    let form = stored_form(&quotas, &rows);
    html(build(cx.chrome("sessions"), session, form, FieldErrors::default(), rows))
}

fn posted(form: &SignedForm) -> QuotaForm {
    QuotaForm {
        member_seats: form.get("member_seats").to_owned(),
        partner_seats: form.get("partner_seats").to_owned(),
        show_members_represented: form.has("show_members_represented"),
        exceptions: form
            .all("exception_org")
            .into_iter()
            .zip(form.all("exception_seats"))
            .map(|(o, s)| (o.to_owned(), s.to_owned()))
            .collect(),
    }
}

pub async fn save(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (session, _, rows) = load(&cx, id.clone()).await?;
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let typed = posted(&form);
    let members: Vec<String> =
        rows.iter().filter(|r| r.organisation.is_member()).map(|r| r.organisation.id.clone()).collect();
    let refuse = |problems: Vec<QuotaProblem>,
                  session: Session,
                  rows: Vec<OrganisationSeats>,
                  typed: QuotaForm| {
        let mut errors = FieldErrors::default();
        for p in problems {
            errors.add(p.field, i18n.t(p.message));
        }
        html_with_status(build(admin.clone(), session, typed, errors, rows), StatusCode::UNPROCESSABLE_ENTITY)
    };
    let input = match typed.parse(session.capacity, &members) {
        Ok(input) => input,
        Err(problems) => return refuse(problems, session, rows, typed),
    };
    let target = id.clone();
    let outcome =
        cx.write(move |conn, actor, now| db::quotas::save(conn, &target, &input, actor, now)).await?;
    match outcome {
        SaveQuotas::Saved { promoted } => {
            if promoted > 0 {
                cx.state.wake_worker();
            }
            Ok(done(&format!("/admin/sessions/{id}/quotas"), "quotas-saved"))
        }
        SaveQuotas::NotFound => Err(AppError::NotFound),
        // Changed between the page and the save: said by the defaults' field.
        SaveQuotas::AboveCapacity { .. } => refuse(
            vec![QuotaProblem { field: "member_seats".into(), message: "admin-quota-error-above-capacity" }],
            session,
            rows,
            typed,
        ),
        SaveQuotas::UnknownMember => refuse(
            vec![QuotaProblem { field: String::new(), message: "admin-quota-error-unknown-member" }],
            session,
            rows,
            typed,
        ),
    }
}
