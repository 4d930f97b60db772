//! Organiser area: member governments and partner organisations, and the merging of
//! organisation names typed by registrants into them. Every organiser sees the list; only
//! administrators create, change or merge.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::models::Organisation;
use crate::db::organisations::{
    FreeText, MergeOutcome, OrganisationInput, OrganisationRow, SaveOrganisation, fold,
};
use crate::domain::{Language, OrganisationKind, parse_email, parse_language};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

pub const NAME_MAX: usize = 160;
pub const COUNTRY_MAX: usize = 80;
/// The longest free text a merge form may name (the registration form's limit).
const FREE_TEXT_MAX: usize = 160;

// ---------------------------------------------------------------------------------------------
// The list and the merging of free text

/// A name typed by registrants, with its merge form.
#[derive(Debug, Clone)]
struct FreeTextLine {
    /// The id of its select, for labels and error links.
    field: String,
    text: String,
    count: i64,
    /// The organisation chosen when the form failed.
    selected: String,
}

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct OrganisationsPage {
    admin: AdminChrome,
    /// Member governments, then partners.
    groups: Vec<OrganisationGroup>,
    free_texts: Vec<FreeTextLine>,
    errors: FieldErrors,
}

#[derive(Debug, Clone)]
struct OrganisationGroup {
    heading_id: &'static str,
    heading: String,
    rows: Vec<OrganisationRow>,
}

/// The merge form that failed: the text it named, the organisation chosen, the message.
struct FailedMerge {
    text: String,
    organisation_id: String,
    message: String,
}

async fn list_page(
    cx: &AdminContext,
    admin: AdminChrome,
    failed: Option<FailedMerge>,
) -> Result<OrganisationsPage, AppError> {
    let (rows, texts): (Vec<OrganisationRow>, Vec<FreeText>) = cx
        .read(|conn| {
            Ok((db::organisations::organisations(conn)?, db::organisations::free_text_organisations(conn)?))
        })
        .await?;
    let (members, partners) = rows.into_iter().partition(|row| row.organisation.is_member());
    let groups = vec![
        OrganisationGroup {
            heading_id: "members",
            heading: admin.i18n.t("admin-org-members"),
            rows: members,
        },
        OrganisationGroup {
            heading_id: "partners",
            heading: admin.i18n.t("admin-org-partners"),
            rows: partners,
        },
    ];
    let mut free_texts: Vec<FreeTextLine> = texts
        .into_iter()
        .enumerate()
        .map(|(index, t)| FreeTextLine {
            field: format!("merge-{}", index + 1),
            text: t.text,
            count: t.count,
            selected: String::new(),
        })
        .collect();
    let mut errors = FieldErrors::default();
    if let Some(failed) = failed {
        match free_texts.iter_mut().find(|line| fold(&line.text) == fold(&failed.text)) {
            Some(line) => {
                line.selected = failed.organisation_id;
                errors.add(line.field.clone(), failed.message);
            }
            // The name is gone (merged meanwhile): the message points at the section.
            None => errors.add("merge", failed.message),
        }
    }
    Ok(OrganisationsPage { admin, groups, free_texts, errors })
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("organisations");
    html(list_page(&cx, admin, None).await?)
}

/// Points every registration that typed this organisation name (trimmed, whatever the case)
/// at a member or partner.
pub async fn merge(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let admin = cx.chrome("organisations");
    let i18n = admin.i18n;
    let text: String = form.get("text").trim().chars().take(FREE_TEXT_MAX + 1).collect();
    let organisation_id = form.get("organisation").trim().to_owned();
    let fail = |message: String| FailedMerge {
        text: text.clone(),
        organisation_id: organisation_id.clone(),
        message,
    };
    let failed = if text.is_empty() || text.chars().count() > FREE_TEXT_MAX {
        Some(fail(i18n.t("admin-merge-nothing")))
    } else if organisation_id.is_empty() {
        Some(fail(i18n.t("admin-merge-organisation-required")))
    } else {
        let (merged_text, target) = (text.clone(), organisation_id.clone());
        let outcome = cx
            .write(move |conn, actor, now| {
                db::organisations::merge_free_text(conn, &merged_text, &target, actor, now)
            })
            .await?;
        match outcome {
            MergeOutcome::Merged { .. } => return Ok(done("/admin/organisations", "merged")),
            MergeOutcome::NothingToMerge => Some(fail(i18n.t("admin-merge-nothing"))),
            MergeOutcome::UnknownOrganisation => Some(fail(i18n.t("admin-merge-organisation-required"))),
        }
    };
    html_with_status(list_page(&cx, admin, failed).await?, StatusCode::UNPROCESSABLE_ENTITY)
}

// ---------------------------------------------------------------------------------------------
// Creating and changing (administrators)

/// The organisation form as typed (or as stored).
#[derive(Debug, Clone, Default)]
struct OrganisationFields {
    name: String,
    kind: String,
    country: String,
    focal_email: String,
    focal_name: String,
    focal_language: String,
}

impl OrganisationFields {
    fn from_form(form: &SignedForm) -> Self {
        Self {
            name: form.get("name").to_owned(),
            kind: form.get("kind").to_owned(),
            country: form.get("country").to_owned(),
            focal_email: form.get("focal_email").to_owned(),
            focal_name: form.get("focal_name").to_owned(),
            focal_language: form.get("focal_language").to_owned(),
        }
    }

    fn from_organisation(organisation: &Organisation) -> Self {
        Self {
            name: organisation.name.clone(),
            kind: organisation.kind.as_str().to_owned(),
            country: organisation.country.clone(),
            focal_email: organisation.focal_email.clone().unwrap_or_default(),
            focal_name: organisation.focal_name.clone(),
            focal_language: organisation.focal_language.clone(),
        }
    }

    fn parse(&self, admin: &AdminChrome, errors: &mut FieldErrors) -> OrganisationInput {
        let i18n = admin.i18n;
        let name = errors.line(i18n, "name", &self.name, NAME_MAX, Some("admin-org-name-required"));
        let kind = OrganisationKind::parse(self.kind.trim()).unwrap_or_else(|| {
            errors.add("kind", i18n.t("admin-org-kind-invalid"));
            OrganisationKind::Member
        });
        let country =
            errors.line(i18n, "country", &self.country, COUNTRY_MAX, Some("admin-org-country-required"));
        let focal_email = if self.focal_email.trim().is_empty() {
            None
        } else {
            match parse_email("focal_email", &self.focal_email) {
                Ok(email) => Some(email),
                Err(e) => {
                    errors.add_domain(&e, i18n);
                    None
                }
            }
        };
        let focal_name = errors.line(i18n, "focal_name", &self.focal_name, NAME_MAX, None);
        // Absent (a form from before the field): English, the default.
        let focal_language = match parse_language("focal_language", &self.focal_language) {
            _ if self.focal_language.trim().is_empty() => Language::En,
            Ok(language) => language,
            Err(e) => {
                errors.add_domain(&e, i18n);
                Language::En
            }
        };
        OrganisationInput { name, kind, country, focal_email, focal_name, focal_language }
    }
}

#[derive(Template)]
#[template(path = "admin/organisations_form.html")]
struct OrganisationFormPage {
    admin: AdminChrome,
    /// `None` for a new organisation.
    organisation_id: Option<String>,
    heading: String,
    fields: OrganisationFields,
    errors: FieldErrors,
}

impl OrganisationFormPage {
    /// The focal point's language as typed, English when none is.
    fn focal_language_is(&self, language: &Language) -> bool {
        Language::parse(&self.fields.focal_language).unwrap_or(Language::En) == *language
    }

    fn languages(&self) -> [Language; 3] {
        Language::ALL
    }

    /// The kind as typed names a partner (anything else shows "member", the first choice).
    fn is_partner(&self) -> bool {
        OrganisationKind::parse(self.fields.kind.trim()) == Some(OrganisationKind::Partner)
    }
}

fn form_page(
    admin: AdminChrome,
    existing: Option<&Organisation>,
    fields: OrganisationFields,
    errors: FieldErrors,
) -> OrganisationFormPage {
    let heading = match existing {
        Some(o) => admin.i18n.t1("admin-org-edit-title", "name", &o.name),
        None => admin.i18n.t("admin-org-new"),
    };
    OrganisationFormPage { admin, organisation_id: existing.map(|o| o.id.clone()), heading, fields, errors }
}

async fn load_organisation(cx: &AdminContext, id: String) -> Result<Organisation, AppError> {
    cx.find(move |conn| db::organisations::organisation(conn, &id)).await
}

pub async fn new_form(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let admin = cx.chrome("organisations");
    let fields = OrganisationFields { kind: OrganisationKind::Member.as_str().into(), ..Default::default() };
    html(form_page(admin, None, fields, FieldErrors::default()))
}

pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let admin = cx.chrome("organisations");
    let fields = OrganisationFields::from_form(&form);
    let mut errors = FieldErrors::default();
    let input = fields.parse(&admin, &mut errors);
    if errors.is_empty() {
        let outcome = cx
            .write(move |conn, actor, now| db::organisations::create_organisation(conn, &input, actor, now))
            .await?;
        match outcome {
            SaveOrganisation::Saved(_) => return Ok(done("/admin/organisations", "organisation-created")),
            SaveOrganisation::NameTaken => errors.add("name", admin.i18n.t("admin-org-name-taken")),
            SaveOrganisation::NotFound => return Err(AppError::NotFound),
        }
    }
    html_with_status(form_page(admin, None, fields, errors), StatusCode::UNPROCESSABLE_ENTITY)
}

pub async fn edit_form(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let organisation = load_organisation(&cx, path.into_inner()).await?;
    let admin = cx.chrome("organisations");
    let fields = OrganisationFields::from_organisation(&organisation);
    html(form_page(admin, Some(&organisation), fields, FieldErrors::default()))
}

pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let organisation = load_organisation(&cx, path.into_inner()).await?;
    let admin = cx.chrome("organisations");
    let fields = OrganisationFields::from_form(&form);
    let mut errors = FieldErrors::default();
    let input = fields.parse(&admin, &mut errors);
    if errors.is_empty() {
        let id = organisation.id.clone();
        let outcome = cx
            .write(move |conn, actor, now| {
                db::organisations::update_organisation(conn, &id, &input, actor, now)
            })
            .await?;
        match outcome {
            SaveOrganisation::Saved(_) => return Ok(done("/admin/organisations", "organisation-updated")),
            SaveOrganisation::NameTaken => errors.add("name", admin.i18n.t("admin-org-name-taken")),
            SaveOrganisation::NotFound => return Err(AppError::NotFound),
        }
    }
    html_with_status(form_page(admin, Some(&organisation), fields, errors), StatusCode::UNPROCESSABLE_ENTITY)
}
