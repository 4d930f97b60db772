//! One's own signed-in sessions (ASVS 4.0.3 3.3.4): when each began, when it was last used,
//! from which browser and address; sign one out, or every other one.

use actix_web::HttpResponse;
use askama::Template;

use super::context::{ADMIN_COOKIE, AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::organisers::ActiveSession;
use crate::domain::SecurityEvent;
use crate::web::chrome::html;
use crate::web::errors::AppError;

#[derive(Template)]
#[template(path = "admin/account_sessions.html")]
struct SessionsPage {
    admin: AdminChrome,
    sessions: Vec<ActiveSession>,
    current: String,
}

fn own_token(cx: &AdminContext) -> String {
    cx.req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default()
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let (id, now) = (cx.organiser.id.clone(), cx.state.clock.now());
    let sessions = cx.read(move |conn| db::organisers::active_sessions(conn, &id, now)).await?;
    html(SessionsPage {
        admin: cx.chrome("signed-in"),
        sessions,
        current: db::organisers::session_handle(&own_token(&cx)),
    })
}

/// Signs out one of one's own sessions (another browser, or this one).
pub async fn end_one(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let handle = form.get("session").to_owned();
    let email = cx.organiser.email.clone();
    cx.change(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            let ended = db::organisers::end_own_session(conn, &actor.id, &handle)?;
            if ended {
                db::audit::security(conn, SecurityEvent::SignOut, Some(actor), &email, "one session", now)?;
            }
            Ok(ended)
        })
    })
    .await?;
    Ok(done("/admin/signed-in", "session-ended"))
}

/// Signs out every session of one's account but this one.
pub async fn end_others(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let _ = form;
    let (keep, email) = (own_token(&cx), cx.organiser.email.clone());
    cx.write(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            let ended = db::organisers::end_other_sessions(conn, &actor.id, &keep)?;
            let details = format!("{ended} ended");
            db::audit::security(conn, SecurityEvent::SignOutElsewhere, Some(actor), &email, &details, now)
        })
    })
    .await?;
    Ok(done("/admin/signed-in", "sessions-ended"))
}
