//! Organiser area: joins through personal join links. The session hub shows how many
//! confirmed registrants joined; marking them as attended is an explicit action.

use actix_web::{HttpResponse, web};

use super::context::{AdminContext, SignedForm, done};
use crate::db;
use crate::domain::SessionId;
use crate::web::errors::AppError;

/// "Mark those who joined as attended": every confirmed registration that joined is marked
/// attended (nobody is marked absent); audited.
pub async fn mark_joined_attended(
    cx: AdminContext,
    path: web::Path<SessionId>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let target = id.clone();
    cx.change(move |conn, actor, now| db::joins::mark_joined_attended(conn, &target, actor, now)).await?;
    Ok(done(&format!("/admin/sessions/{id}"), "joined-attended"))
}
