//! Organiser area, administrators only: the organiser API's tokens (`/admin/api-tokens`):
//! made with a name, scopes and a last day, the secret shown once on the page that made it,
//! revoked with a button; each with its last use. Created and revoked tokens are audited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::api_tokens::{ApiToken, NewToken};
use crate::domain::ApiScope;
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

/// One scope's checkbox.
struct ScopeChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

/// A token's line in the list.
struct TokenRow {
    id: String,
    name: String,
    scopes: Vec<String>,
    state: String,
    live: bool,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    last_used_at: Option<NaiveDateTime>,
}

#[derive(Template)]
#[template(path = "admin/api_tokens.html")]
struct TokensPage {
    admin: AdminChrome,
    rows: Vec<TokenRow>,
    errors: FieldErrors,
    name: String,
    expires: String,
    scopes: Vec<ScopeChoice>,
    /// The secret of the token just made, shown this once.
    secret: Option<(String, String)>,
}

fn scope_label(admin: &AdminChrome, scope: ApiScope) -> String {
    admin.i18n.t(&format!("admin-api-scope-{}", scope.as_str().replace(':', "-")))
}

fn rows(admin: &AdminChrome, tokens: Vec<ApiToken>, now: NaiveDateTime) -> Vec<TokenRow> {
    tokens
        .into_iter()
        .map(|t| {
            let state = if t.revoked_at.is_some() {
                "admin-api-state-revoked"
            } else if t.expires_at <= now {
                "admin-api-state-expired"
            } else {
                "admin-api-state-live"
            };
            TokenRow {
                scopes: t.scopes().into_iter().map(|s| s.as_str().to_owned()).collect(),
                state: admin.i18n.t(state),
                live: t.is_live(now),
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at - chrono::Duration::seconds(1),
                last_used_at: t.last_used_at,
            }
        })
        .collect()
}

async fn page(
    cx: &AdminContext,
    errors: FieldErrors,
    name: String,
    expires: String,
    checked: &[&str],
    secret: Option<(String, String)>,
) -> Result<TokensPage, AppError> {
    let admin = cx.chrome("api-tokens");
    let tokens = cx.read(db::api_tokens::all).await?;
    let now = cx.state.clock.now();
    let scopes = ApiScope::ALL
        .iter()
        .map(|&s| ScopeChoice {
            value: s.as_str(),
            label: scope_label(&admin, s),
            checked: checked.contains(&s.as_str()),
        })
        .collect();
    let rows = rows(&admin, tokens, now);
    Ok(TokensPage { admin, rows, errors, name, expires, scopes, secret })
}

/// The tokens and the form for a new one (by default, a token for 90 days).
pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let expires = (cx.state.clock.now().date() + chrono::Duration::days(90)).format("%Y-%m-%d").to_string();
    html(page(&cx, FieldErrors::default(), String::new(), expires, &[], None).await?)
}

/// Makes a token and shows its secret, this once.
pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let i18n = cx.i18n();
    let chosen = form.all("scopes");
    let now = cx.state.clock.now();
    let parsed = crate::domain::api_token::parse(form.get("name"), &chosen, form.get("expires"), now);
    let request = match parsed {
        Ok(request) => request,
        Err(errors) => {
            let errors = FieldErrors::from_domain(&errors, i18n);
            let page =
                page(&cx, errors, form.get("name").to_owned(), form.get("expires").to_owned(), &chosen, None)
                    .await?;
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let new = NewToken { name: request.name, scopes: request.scopes, expires_at: request.expires_at };
    let (token, secret) =
        cx.write(move |conn, actor, now| db::api_tokens::create(conn, &new, actor, now)).await?;
    let expires = (now.date() + chrono::Duration::days(90)).format("%Y-%m-%d").to_string();
    let mut page =
        page(&cx, FieldErrors::default(), String::new(), expires, &[], Some((token.name, secret))).await?;
    page.admin.flash = Some(i18n.t("admin-flash-api-token-created"));
    html(page)
}

/// Ends a token at once.
pub async fn revoke(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let id = path.into_inner();
    if id.len() > 64 || id.chars().any(char::is_control) {
        return Err(AppError::NotFound);
    }
    cx.change(move |conn, actor, now| db::api_tokens::revoke(conn, &id, actor, now)).await?;
    Ok(done("/admin/api-tokens", "api-token-revoked"))
}
