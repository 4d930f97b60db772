//! Organiser accounts and the audit log: administrators only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::organisers::{AddOutcome, Organiser};
use crate::domain::{Role, parse_email};
use crate::security::hash_password;
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    admin: AdminChrome,
    accounts: Vec<Organiser>,
    self_id: String,
    errors: FieldErrors,
    name: String,
    email: String,
    admin_role: bool,
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let accounts = cx.read(db::organisers::list).await?;
    html(AccountsPage {
        admin: cx.chrome("accounts"),
        accounts,
        self_id: cx.organiser.id.clone(),
        errors: FieldErrors::default(),
        name: String::new(),
        email: String::new(),
        admin_role: false,
    })
}

/// Creates an account with a first password the administrator passes on; the person changes it.
pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let admin = cx.chrome("accounts");
    let i18n = admin.i18n;
    let mut errors = FieldErrors::default();
    let name = errors.line(i18n, "name", form.get("name"), 120, Some("error-name-required"));
    let email = parse_email("email", form.get("email")).unwrap_or_else(|e| {
        errors.add_domain(&e, i18n);
        String::new()
    });
    let password = form.get("password").to_owned();
    if password.chars().count() < super::auth::MIN_PASSWORD_CHARS || password.chars().count() > 1000 {
        errors.add("password", i18n.t1("admin-password-too-short", "count", super::auth::MIN_PASSWORD_CHARS));
    }
    let role_admin = Role::parse(form.get("role")) == Some(Role::Admin);
    let render = |admin: AdminChrome, accounts: Vec<Organiser>, errors: FieldErrors| {
        html_with_status(
            AccountsPage {
                admin,
                accounts,
                self_id: cx.organiser.id.clone(),
                errors,
                name: form.get("name").to_owned(),
                email: form.get("email").to_owned(),
                admin_role: role_admin,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !errors.is_empty() {
        let accounts = cx.read(db::organisers::list).await?;
        return render(admin, accounts, errors);
    }
    let hash = web::block(move || hash_password(&password)).await?.map_err(AppError::Unexpected)?;
    let (email_db, name_db) = (email.clone(), name.clone());
    let outcome = cx
        .write(move |conn, actor, now| {
            db::write_tx(conn, |conn| {
                let outcome = db::organisers::add(conn, &email_db, &name_db, &hash, role_admin, now)?;
                if let AddOutcome::Added(_) = outcome {
                    let role = if role_admin { Role::Admin } else { Role::Organiser }.as_str();
                    db::audit::record(conn, actor, "account.create", &email_db, role, now)?;
                }
                Ok(outcome)
            })
        })
        .await?;
    match outcome {
        AddOutcome::Added(_) => Ok(done("/admin/accounts", "account-created")),
        AddOutcome::EmailTaken => {
            let accounts = cx.read(db::organisers::list).await?;
            let mut errors = FieldErrors::default();
            errors.add("email", i18n.t("admin-account-email-taken"));
            render(admin, accounts, errors)
        }
    }
}

/// Changes an account's role or turns it off. Administrators cannot lock themselves out.
pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let id = path.into_inner();
    if id == cx.organiser.id {
        return Err(AppError::BadRequest);
    }
    let Some(role) = Role::parse(form.get("role")) else {
        return Err(AppError::BadRequest);
    };
    let active = form.get("active") == "yes";
    cx.change(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            let Some(account) = db::organisers::by_id(conn, &id)? else {
                return Ok(false);
            };
            db::organisers::set_role_and_active(conn, &id, role, active, now)?;
            let details = format!("role={role} active={active}");
            db::audit::record(conn, actor, "account.update", &account.email, &details, now)?;
            Ok(true)
        })
    })
    .await?;
    Ok(done("/admin/accounts", "account-updated"))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    admin: AdminChrome,
    entries: Vec<AuditEntry>,
    page: i64,
    pages: i64,
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

pub async fn audit_log(cx: AdminContext, query: web::Query<PageQuery>) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let page = page_number(query.page.as_deref());
    let (entries, total) =
        cx.read(move |conn| db::audit::page(conn, (page - 1) * PAGE_SIZE, PAGE_SIZE)).await?;
    html(AuditPage {
        admin: cx.chrome("audit"),
        entries,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}
