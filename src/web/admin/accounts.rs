//! Organiser accounts and the audit log: administrators only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::db::organisers::{AddOutcome, Organiser};
use crate::domain::password::check_new_password;
use crate::domain::{Role, SecurityEvent, parse_email};
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
    /// Whether administrators require a second factor of every organiser.
    second_factor_required: bool,
    /// Whether the administrator's own re-authentication asks for a code too.
    asks_code: bool,
    /// The account whose change was refused (its row shows the messages).
    failed_row: String,
}

/// What the accounts page shows besides the form: the accounts, the policy, whether the
/// signed-in administrator has a second factor.
async fn accounts_state(cx: &AdminContext) -> Result<(Vec<Organiser>, bool, bool), AppError> {
    let id = cx.organiser.id.clone();
    cx.read(move |conn| {
        let me = db::organisers::by_id(conn, &id)?;
        Ok((
            db::organisers::list(conn)?,
            db::two_factor::second_factor_required(conn)?,
            me.is_some_and(|m| m.has_second_factor()),
        ))
    })
    .await
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let (accounts, second_factor_required, asks_code) = accounts_state(&cx).await?;
    html(AccountsPage {
        admin: cx.chrome("accounts"),
        accounts,
        self_id: cx.organiser.id.clone(),
        errors: FieldErrors::default(),
        name: String::new(),
        email: String::new(),
        admin_role: false,
        second_factor_required,
        asks_code,
        failed_row: String::new(),
    })
}

/// Creates an account with a first password the administrator passes on; the person changes it.
pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let admin = cx.chrome("accounts");
    let i18n = admin.i18n;
    let mut errors = FieldErrors::default();
    let name = errors.line(i18n, "name", form.get("name"), 120, Some("admin-error-account-name-required"));
    let email = parse_email("email", form.get("email")).unwrap_or_else(|e| {
        errors.add_domain(&e, i18n);
        String::new()
    });
    let password = form.get("password").to_owned();
    if let Err(e) = check_new_password("password", &password) {
        errors.add_domain(&e, i18n);
    }
    let role_admin = Role::parse(form.get("role")) == Some(Role::Admin);
    let render = |admin: AdminChrome,
                  (accounts, required, asks_code): (Vec<Organiser>, bool, bool),
                  errors: FieldErrors| {
        html_with_status(
            AccountsPage {
                admin,
                accounts,
                self_id: cx.organiser.id.clone(),
                errors,
                name: form.get("name").to_owned(),
                email: form.get("email").to_owned(),
                admin_role: role_admin,
                second_factor_required: required,
                asks_code,
                failed_row: String::new(),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !errors.is_empty() {
        return render(admin, accounts_state(&cx).await?, errors);
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
            let mut errors = FieldErrors::default();
            errors.add("email", i18n.t("admin-account-email-taken"));
            render(admin, accounts_state(&cx).await?, errors)
        }
    }
}

/// Changes an account's role or turns it off, once the administrator has given their password
/// (and code) again. Administrators cannot lock themselves out.
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
    let me = cx.organiser.id.clone();
    let admin_account = cx.find(move |conn| db::organisers::by_id(conn, &me)).await?;
    let admin = cx.chrome("accounts");
    let mut errors = FieldErrors::default();
    super::auth::reauthenticate(&cx.state, &admin_account, &form, &mut errors, admin.i18n).await?;
    if !errors.is_empty() {
        let (accounts, second_factor_required, asks_code) = accounts_state(&cx).await?;
        return html_with_status(
            AccountsPage {
                admin,
                accounts,
                self_id: cx.organiser.id.clone(),
                errors,
                name: String::new(),
                email: String::new(),
                admin_role: false,
                second_factor_required,
                asks_code,
                failed_row: id,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
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

/// Requires (or stops requiring) a second factor of every organiser; audited.
pub async fn set_policy(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let required = form.get("require_second_factor") == "yes";
    cx.write(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            db::two_factor::set_second_factor_required(conn, required, now)?;
            let details = format!("required={required}");
            db::audit::security(conn, SecurityEvent::SecondFactorRequired, Some(actor), "", &details, now)
        })
    })
    .await?;
    Ok(done("/admin/accounts", "policy-updated"))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    admin: AdminChrome,
    entries: Vec<AuditEntry>,
    page: i64,
    pages: i64,
    events: &'static [SecurityEvent],
    accounts: Vec<Organiser>,
    event: String,
    account: String,
    /// The filter as a query string, for the page links.
    filter_query: String,
}

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    page: Option<String>,
    event: Option<String>,
    account: Option<String>,
}

/// The audit log, security events included, filterable by event kind and by account.
pub async fn audit_log(cx: AdminContext, query: web::Query<AuditQuery>) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let query = query.into_inner();
    let page = page_number(query.page.as_deref());
    let event = query.event.as_deref().and_then(SecurityEvent::parse);
    let account = query.account.filter(|a| !a.is_empty() && a.len() <= 40);
    let filter = AuditFilter { event, organiser_id: account.clone() };
    let ((entries, total), accounts) = cx
        .read(move |conn| {
            Ok((
                db::audit::page(conn, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?,
                db::organisers::list(conn)?,
            ))
        })
        .await?;
    let event = event.map(SecurityEvent::as_str).unwrap_or_default().to_owned();
    let account = account.unwrap_or_default();
    let filter_query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("event", &event)
        .append_pair("account", &account)
        .finish();
    html(AuditPage {
        admin: cx.chrome("audit"),
        entries,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        events: SecurityEvent::ALL,
        accounts,
        event,
        account,
        filter_query,
    })
}
