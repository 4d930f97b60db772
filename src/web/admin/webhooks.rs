//! Organiser area: webhook endpoints (administrators only). Registering one (its signing
//! secret shown once, then on demand, and rotatable), its settings, the deliveries to it with
//! each attempt's answer, and sending one again. Every change is CSRF-checked and audited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use super::webhook_form::{EndpointForm, EventChoice, event_label};
use crate::db;
use crate::db::models::new_id;
use crate::db::webhooks::{DeliveryRow, Endpoint, Resent};
use crate::web::chrome::html_with_status;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

/// Deliveries listed on an endpoint's page, the newest first.
const DELIVERIES_SHOWN: i64 = 50;

/// The routes, inside the `/admin` scope.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks", web::get().to(list))
        .route("/webhooks", web::post().to(create))
        .route("/webhooks/{id}", web::get().to(page))
        .route("/webhooks/{id}", web::post().to(update))
        .route("/webhooks/{id}/secret", web::post().to(show_secret))
        .route("/webhooks/{id}/rotate", web::post().to(rotate))
        .route("/webhooks/{id}/deliveries/{delivery}/resend", web::post().to(resend));
}

/// One endpoint in the list.
struct EndpointRow {
    endpoint: Endpoint,
    events: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage {
    admin: AdminChrome,
    rows: Vec<EndpointRow>,
    form: EndpointForm,
    choices: Vec<EventChoice>,
    errors: FieldErrors,
}

/// One delivery with the words the page shows.
struct DeliveryView {
    row: DeliveryRow,
    event: String,
    status: String,
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct EndpointPage {
    admin: AdminChrome,
    endpoint: Endpoint,
    form: EndpointForm,
    choices: Vec<EventChoice>,
    errors: FieldErrors,
    /// The signing secret, when this answer shows it (just created, rotated or asked for).
    secret: Option<String>,
    deliveries: Vec<DeliveryView>,
}

async fn list_page(
    cx: &AdminContext,
    form: EndpointForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let i18n = cx.i18n();
    let endpoints = cx.read(db::webhooks::endpoints).await?;
    let rows = endpoints
        .into_iter()
        .map(|endpoint| EndpointRow {
            events: endpoint.event_list().into_iter().map(|e| event_label(e, i18n)).collect(),
            endpoint,
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let choices = form.choices(i18n);
    html_with_status(ListPage { admin: cx.chrome("webhooks"), rows, form, choices, errors }, status)
}

async fn endpoint_page(
    cx: &AdminContext,
    endpoint: Endpoint,
    form: Option<EndpointForm>,
    errors: FieldErrors,
    secret: Option<String>,
) -> Result<HttpResponse, AppError> {
    let i18n = cx.i18n();
    let id = endpoint.id.clone();
    let rows = cx.read(move |conn| db::webhooks::deliveries(conn, &id, DELIVERIES_SHOWN)).await?;
    let deliveries = rows
        .into_iter()
        .map(|row| DeliveryView {
            event: event_label(row.kind, i18n),
            status: i18n.t(&format!("admin-webhooks-status-{}", row.status.as_str())),
            row,
        })
        .collect();
    let form = form.unwrap_or_else(|| EndpointForm::of(&endpoint));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let choices = form.choices(i18n);
    let page =
        EndpointPage { admin: cx.chrome("webhooks"), endpoint, form, choices, errors, secret, deliveries };
    html_with_status(page, status)
}

async fn find(cx: &AdminContext, id: String) -> Result<Endpoint, AppError> {
    cx.find(move |conn| db::webhooks::endpoint(conn, &id)).await
}

/// Every endpoint, and the form to register one.
pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    list_page(&cx, EndpointForm::default(), FieldErrors::default()).await
}

/// Registers an endpoint; the answer shows its new secret (this once, without asking).
pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let typed = EndpointForm::from_posted(&form);
    let input = match typed.check(&cx.state.settings.webhooks, cx.i18n()).await {
        Ok(input) => input,
        Err(errors) => return list_page(&cx, typed, errors).await,
    };
    let id = new_id();
    let secret = crate::webhooks::new_secret();
    let sealed = crate::webhooks::seal_secret(&cx.state.settings.secret_key, &id, &secret)?;
    let new = id.clone();
    cx.write(move |conn, actor, now| db::webhooks::create(conn, &new, &input, &sealed, actor, now)).await?;
    let endpoint = find(&cx, id).await?;
    endpoint_page(&cx, endpoint, None, FieldErrors::default(), Some(secret)).await
}

/// One endpoint: its settings and the deliveries to it.
pub async fn page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let endpoint = find(&cx, path.into_inner()).await?;
    endpoint_page(&cx, endpoint, None, FieldErrors::default(), None).await
}

/// Saves an endpoint's address, events, personal data and whether it is enabled.
pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let endpoint = find(&cx, path.into_inner()).await?;
    let typed = EndpointForm::from_posted(&form);
    let input = match typed.check(&cx.state.settings.webhooks, cx.i18n()).await {
        Ok(input) => input,
        Err(errors) => return endpoint_page(&cx, endpoint, Some(typed), errors, None).await,
    };
    let id = endpoint.id.clone();
    cx.change(move |conn, actor, now| db::webhooks::update(conn, &id, &input, actor, now)).await?;
    Ok(done(&format!("/admin/webhooks/{}", endpoint.id), "webhooks-saved"))
}

/// Shows the signing secret (a POST: it is audited, and never in a page a GET opens).
pub async fn show_secret(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let endpoint = find(&cx, path.into_inner()).await?;
    let secret =
        crate::webhooks::open_secret(&cx.state.settings.secret_key, &endpoint.id, &endpoint.secret_sealed);
    let Some(secret) = secret else {
        let mut errors = FieldErrors::default();
        errors.add_general(cx.i18n().t("admin-webhooks-secret-unreadable"));
        return endpoint_page(&cx, endpoint, None, errors, None).await;
    };
    let id = endpoint.id.clone();
    cx.write(move |conn, actor, now| db::webhooks::note_secret_shown(conn, &id, actor, now)).await?;
    endpoint_page(&cx, endpoint, None, FieldErrors::default(), Some(secret)).await
}

/// Replaces the signing secret; the answer shows the new one. Deliveries not yet sent are
/// signed with it.
pub async fn rotate(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let endpoint = find(&cx, path.into_inner()).await?;
    let secret = crate::webhooks::new_secret();
    let sealed = crate::webhooks::seal_secret(&cx.state.settings.secret_key, &endpoint.id, &secret)?;
    let id = endpoint.id.clone();
    cx.change(move |conn, actor, now| db::webhooks::rotate(conn, &id, &sealed, actor, now)).await?;
    let endpoint = find(&cx, endpoint.id).await?;
    endpoint_page(&cx, endpoint, None, FieldErrors::default(), Some(secret)).await
}

/// Queues one delivery's event again (or, for a registration erased since, its erasure).
pub async fn resend(
    cx: AdminContext,
    path: web::Path<(String, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let (endpoint_id, delivery_id) = path.into_inner();
    let (endpoint, delivery) = (endpoint_id.clone(), delivery_id);
    let resent = cx
        .change(move |conn, actor, now| db::webhooks::resend(conn, &endpoint, &delivery, actor, now))
        .await?;
    cx.state.wake_worker();
    let flash = match resent {
        Resent::Same => "webhooks-resent",
        Resent::Erasure => "webhooks-resent-erasure",
    };
    Ok(done(&format!("/admin/webhooks/{endpoint_id}"), flash))
}
