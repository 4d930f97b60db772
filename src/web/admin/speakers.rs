//! Organiser area: the speaker directory, speaker photos (uploaded here, served publicly), and
//! the panel of each session.

use std::path::{Path, PathBuf};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AdminChrome, CurrentOrganiser, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::models::Speaker;
use crate::db::panels::{PANEL_ROLES, PanelChange, PanelRow};
use crate::db::speakers::{DeleteSpeaker, SessionRef, SpeakerInput, SpeakerRow};
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::multipart::{self, Upload};
use crate::web::{AppState, html, html_with_status, run_db};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/speakers", web::get().to(list))
        .route("/speakers", web::post().to(create))
        .route("/speakers/new", web::get().to(new_form))
        .route("/speakers/{id}", web::get().to(edit_form))
        .route("/speakers/{id}", web::post().to(update))
        .route("/speakers/{id}/delete", web::post().to(delete))
        .route("/speakers/{id}/photo", web::post().to(upload_photo))
        .route("/speakers/{id}/photo/remove", web::post().to(remove_photo))
        .route("/sessions/{id}/panel", web::get().to(panel))
        .route("/sessions/{id}/panel", web::post().to(add_to_panel))
        .route("/sessions/{id}/panel/{entry}/move", web::post().to(move_in_panel))
        .route("/sessions/{id}/panel/{entry}/role", web::post().to(change_panel_role))
        .route("/sessions/{id}/panel/{entry}/remove", web::post().to(remove_from_panel));
}

/// Public routes this module serves (speaker photos).
pub fn public_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/speakers/{id}/photo", web::get().to(photo));
}

// ---------------------------------------------------------------------------------------------
// The directory

pub const NAME_MAX: usize = 120;
pub const HONORIFIC_MAX: usize = 40;
pub const POSITION_MAX: usize = 160;
pub const ORGANISATION_MAX: usize = 160;
pub const BIO_MAX: usize = 2000;
const SEARCH_MAX: usize = 100;

/// A speaker's fields as typed (or as stored), for showing in the form.
#[derive(Debug, Clone, Default)]
struct SpeakerFields {
    name: String,
    honorific: String,
    position: String,
    organisation: String,
    bio: String,
}

impl SpeakerFields {
    fn from_form(form: &SignedForm) -> Self {
        Self {
            name: form.get("name").to_owned(),
            honorific: form.get("honorific").to_owned(),
            position: form.get("position").to_owned(),
            organisation: form.get("organisation").to_owned(),
            bio: form.get("bio").to_owned(),
        }
    }

    fn from_speaker(speaker: &Speaker) -> Self {
        Self {
            name: speaker.name.clone(),
            honorific: speaker.honorific.clone(),
            position: speaker.position.clone(),
            organisation: speaker.organisation.clone(),
            bio: speaker.bio.clone(),
        }
    }

    fn parse(&self, i18n: I18n, errors: &mut FieldErrors) -> SpeakerInput {
        SpeakerInput {
            name: errors.line(i18n, "name", &self.name, NAME_MAX, Some("admin-speaker-name-required")),
            honorific: errors.line(i18n, "honorific", &self.honorific, HONORIFIC_MAX, None),
            position: errors.line(i18n, "position", &self.position, POSITION_MAX, None),
            organisation: errors.line(i18n, "organisation", &self.organisation, ORGANISATION_MAX, None),
            bio: errors.text(i18n, "bio", &self.bio, BIO_MAX, None),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/speakers.html")]
struct SpeakersPage {
    admin: AdminChrome,
    rows: Vec<SpeakerRow>,
    q: String,
    /// `q`, encoded for the pagination links.
    q_param: String,
    page: i64,
    pages: i64,
    total: i64,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q: String = query.q.as_deref().unwrap_or("").trim().chars().take(SEARCH_MAX).collect();
    let page = page_number(query.page.as_deref());
    let needle = q.clone();
    let (rows, total) = run_db(&state, move |conn| {
        db::speakers::speakers_page(conn, &needle, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    })
    .await?;
    html(SpeakersPage {
        admin: AdminChrome::new(&state, &req, &organiser, "speakers"),
        rows,
        q_param: url::form_urlencoded::byte_serialize(q.as_bytes()).collect(),
        q,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        total,
    })
}

#[derive(Template)]
#[template(path = "admin/speaker_form.html")]
struct SpeakerFormPage {
    admin: AdminChrome,
    /// `None` for a new speaker.
    speaker_id: Option<String>,
    heading: String,
    fields: SpeakerFields,
    errors: FieldErrors,
    has_photo: bool,
    panels: Vec<SessionRef>,
}

fn new_speaker_page(admin: AdminChrome, fields: SpeakerFields, errors: FieldErrors) -> SpeakerFormPage {
    SpeakerFormPage {
        heading: admin.i18n.t("admin-speakers-new"),
        admin,
        speaker_id: None,
        fields,
        errors,
        has_photo: false,
        panels: Vec::new(),
    }
}

/// The edit page of a stored speaker, showing `fields` (as typed, or as stored) and `errors`.
async fn edit_page(
    state: &AppState,
    admin: AdminChrome,
    speaker: Speaker,
    fields: Option<SpeakerFields>,
    errors: FieldErrors,
) -> Result<SpeakerFormPage, AppError> {
    let id = speaker.id.clone();
    let panels = run_db(state, move |conn| db::speakers::panels_of(conn, &id)).await?;
    Ok(SpeakerFormPage {
        heading: admin.i18n.t1("admin-speaker-edit-title", "name", &speaker.name),
        admin,
        fields: fields.unwrap_or_else(|| SpeakerFields::from_speaker(&speaker)),
        errors,
        has_photo: speaker.photo_path.is_some(),
        panels,
        speaker_id: Some(speaker.id),
    })
}

async fn load_speaker(state: &AppState, id: String) -> Result<Speaker, AppError> {
    run_db(state, move |conn| db::speakers::speaker(conn, &id)).await?.ok_or(AppError::NotFound)
}

fn unprocessable(page: SpeakerFormPage) -> Result<HttpResponse, AppError> {
    html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
}

pub async fn new_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
    html(new_speaker_page(admin, SpeakerFields::default(), FieldErrors::default()))
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
    let fields = SpeakerFields::from_form(&form);
    let mut errors = FieldErrors::default();
    let input = fields.parse(admin.i18n, &mut errors);
    if !errors.is_empty() {
        return unprocessable(new_speaker_page(admin, fields, errors));
    }
    let (now, actor) = (state.clock.now(), organiser.actor());
    let id = run_db(&state, move |conn| db::speakers::create_speaker(conn, &input, &actor, now)).await?;
    Ok(done(&format!("/admin/speakers/{id}"), "speaker-created"))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let speaker = load_speaker(&state, path.into_inner()).await?;
    let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
    html(edit_page(&state, admin, speaker, None, FieldErrors::default()).await?)
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let speaker = load_speaker(&state, path.into_inner()).await?;
    let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
    let fields = SpeakerFields::from_form(&form);
    let mut errors = FieldErrors::default();
    let input = fields.parse(admin.i18n, &mut errors);
    if !errors.is_empty() {
        return unprocessable(edit_page(&state, admin, speaker, Some(fields), errors).await?);
    }
    let (now, actor, id) = (state.clock.now(), organiser.actor(), speaker.id);
    let found =
        run_db(&state, move |conn| db::speakers::update_speaker(conn, &id, &input, &actor, now)).await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done("/admin/speakers", "speaker-updated"))
}

/// Deletes a speaker who is on no panel; otherwise says which panels to take them off first.
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (now, actor, speaker_id) = (state.clock.now(), organiser.actor(), id.clone());
    let outcome =
        run_db(&state, move |conn| db::speakers::delete_speaker(conn, &speaker_id, &actor, now)).await?;
    match outcome {
        DeleteSpeaker::Deleted { photo_path } => {
            if let Some(stored) = photo_path {
                remove_photo_file(&state.settings.data_dir, &id, stored).await;
            }
            Ok(done("/admin/speakers", "speaker-deleted"))
        }
        DeleteSpeaker::OnPanels(panels) => {
            let speaker = load_speaker(&state, id).await?;
            let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
            let titles = panels.iter().map(|p| p.title.as_str()).collect::<Vec<_>>().join(", ");
            let mut errors = FieldErrors::default();
            errors.add(
                "delete",
                admin.i18n.t2("admin-speaker-on-panels", "count", panels.len(), "title", titles),
            );
            unprocessable(edit_page(&state, admin, speaker, None, errors).await?)
        }
        DeleteSpeaker::NotFound => Err(AppError::NotFound),
    }
}

// ---------------------------------------------------------------------------------------------
// Photos

/// The largest photo accepted.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The photo form: its CSRF token and the file. A larger photo is still read to its end (up to
/// the body limit), so that the page can say it is too large.
const PHOTO_FORM: multipart::Limits = multipart::Limits {
    max_parts: 4,
    max_body_bytes: 32 * 1024 * 1024,
    max_text_bytes: 4096,
    files: &[("photo", PHOTO_MAX_BYTES)],
};

/// The picture formats accepted for photos, recognised by their first bytes (never by the
/// file name or the content type the browser sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    fn from_extension(extension: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp].into_iter().find(|kind| kind.extension() == extension)
    }
}

/// Where a speaker's photo is stored, relative to the data folder (the form kept in
/// `speakers.photo_path`).
fn photo_relative_path(speaker_id: &str, kind: ImageKind) -> String {
    format!("photos/{speaker_id}.{}", kind.extension())
}

/// The kind of a stored photo path, when it is one this module wrote for this speaker. Paths
/// are rebuilt from the id rather than trusted, so nothing outside `photos/` is ever read.
fn stored_photo_kind(speaker_id: &str, stored: &str) -> Option<ImageKind> {
    let (stem, extension) = stored.strip_prefix("photos/")?.rsplit_once('.')?;
    (stem == speaker_id).then_some(())?;
    ImageKind::from_extension(extension)
}

/// Ids are UUIDs; anything else is never used in a file name.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Writes the file next to its final name, then renames it, so that a reader never sees half
/// a picture.
fn write_photo(data_dir: &Path, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
    let target = data_dir.join(relative);
    let folder = target.parent().map(Path::to_path_buf).unwrap_or_else(|| data_dir.to_path_buf());
    std::fs::create_dir_all(&folder)?;
    let temporary = folder.join(format!(".upload-{}.tmp", crate::security::new_token()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Removes a photo file that is no longer used. A failure is logged, not shown: the database
/// no longer points at the file.
async fn remove_photo_file(data_dir: &Path, speaker_id: &str, stored: String) {
    let Some(kind) = stored_photo_kind(speaker_id, &stored) else { return };
    let file: PathBuf = data_dir.join(photo_relative_path(speaker_id, kind));
    let result = web::block(move || match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|removed| removed);
    if let Err(e) = result {
        tracing::warn!(speaker = speaker_id, error = %e, "could not remove an old speaker photo");
    }
}

/// Receives a photo (a multipart form: its CSRF token and the file).
pub async fn upload_photo(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let mut form = multipart::read_signed(&req, payload.into_inner(), &PHOTO_FORM).await?;
    let speaker = load_speaker(&state, path.into_inner()).await?;
    if !is_plain_id(&speaker.id) {
        return Err(AppError::NotFound);
    }
    let admin = AdminChrome::new(&state, &req, &organiser, "speakers");
    let i18n = admin.i18n;
    let checked = match form.take_file("photo") {
        Upload::Missing => Err(i18n.t("admin-speaker-photo-missing")),
        Upload::TooLarge => {
            Err(i18n.t1("admin-speaker-photo-too-large", "max", PHOTO_MAX_BYTES / (1024 * 1024)))
        }
        Upload::File(bytes) => match ImageKind::sniff(&bytes) {
            Some(kind) => Ok((kind, bytes)),
            None => Err(i18n.t("admin-speaker-photo-type")),
        },
    };
    let (kind, bytes) = match checked {
        Ok(found) => found,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("photo", message);
            return unprocessable(edit_page(&state, admin, speaker, None, errors).await?);
        }
    };
    let relative = photo_relative_path(&speaker.id, kind);
    let (data_dir, file) = (state.settings.data_dir.clone(), relative.clone());
    web::block(move || write_photo(&data_dir, &file, &bytes))
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("saving a speaker photo")))?;
    let (now, actor, id, stored) =
        (state.clock.now(), organiser.actor(), speaker.id.clone(), relative.clone());
    let previous =
        run_db(&state, move |conn| db::speakers::set_photo(conn, &id, Some(&stored), &actor, now)).await?;
    match previous {
        None => {
            remove_photo_file(&state.settings.data_dir, &speaker.id, relative).await;
            Err(AppError::NotFound)
        }
        Some(previous) => {
            if let Some(old) = previous.filter(|old| *old != relative) {
                remove_photo_file(&state.settings.data_dir, &speaker.id, old).await;
            }
            Ok(done(&format!("/admin/speakers/{}", speaker.id), "photo-saved"))
        }
    }
}

pub async fn remove_photo(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (now, actor, speaker_id) = (state.clock.now(), organiser.actor(), id.clone());
    let previous =
        run_db(&state, move |conn| db::speakers::set_photo(conn, &speaker_id, None, &actor, now)).await?;
    let Some(previous) = previous else {
        return Err(AppError::NotFound);
    };
    if let Some(old) = previous {
        remove_photo_file(&state.settings.data_dir, &id, old).await;
    }
    Ok(done(&format!("/admin/speakers/{id}"), "photo-removed"))
}

/// A speaker's photo, for the public pages: cached for a day by browsers and proxies.
pub async fn photo(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !is_plain_id(&id) {
        return Err(AppError::NotFound);
    }
    let speaker_id = id.clone();
    let stored = run_db(&state, move |conn| db::speakers::photo_path(conn, &speaker_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = stored_photo_kind(&id, &stored).ok_or(AppError::NotFound)?;
    let file = state.settings.data_dir.join(photo_relative_path(&id, kind));
    let bytes = match web::block(move || std::fs::read(file)).await? {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Unexpected(anyhow::Error::new(e).context("reading a speaker photo"))),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, kind.content_type()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

// ---------------------------------------------------------------------------------------------
// Panels

/// A choice in a role select.
#[derive(Debug, Clone)]
struct RoleOption {
    value: &'static str,
    label: String,
    selected: bool,
}

fn role_options(i18n: I18n, selected: &str) -> Vec<RoleOption> {
    PANEL_ROLES
        .iter()
        .map(|role| RoleOption {
            value: role,
            label: i18n.t(&format!("role-{role}")),
            selected: *role == selected,
        })
        .collect()
}

/// One person on the panel, as the page shows them.
#[derive(Debug, Clone)]
struct PanelLine {
    entry_id: String,
    name: String,
    role_label: String,
    affiliation: String,
    first: bool,
    last: bool,
    roles: Vec<RoleOption>,
}

#[derive(Debug, Clone)]
struct SpeakerChoice {
    id: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/panel.html")]
struct PanelPage {
    admin: AdminChrome,
    session: SessionRef,
    lines: Vec<PanelLine>,
    choices: Vec<SpeakerChoice>,
    add_roles: Vec<RoleOption>,
    errors: FieldErrors,
}

impl PanelPage {
    fn role_error(&self, entry_id: &str) -> Option<&str> {
        self.errors
            .all()
            .iter()
            .find(|(f, _)| f.strip_prefix("role-") == Some(entry_id))
            .map(|(_, m)| m.as_str())
    }
}

/// What the add form had when it failed, to show it again.
#[derive(Debug, Default)]
struct PanelFormState {
    speaker: String,
    role: String,
    errors: FieldErrors,
}

fn display_name(speaker: &Speaker) -> String {
    if speaker.honorific.is_empty() {
        speaker.name.clone()
    } else {
        format!("{} {}", speaker.honorific, speaker.name)
    }
}

fn affiliation(speaker: &Speaker) -> String {
    [speaker.position.as_str(), speaker.organisation.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn panel_page(
    state: &AppState,
    admin: AdminChrome,
    session_id: String,
    form: PanelFormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (found, speakers) = run_db(state, move |conn| {
        Ok((db::panels::panel(conn, &session_id)?, db::speakers::all_speakers(conn)?))
    })
    .await?;
    let (session, rows): (SessionRef, Vec<PanelRow>) = found.ok_or(AppError::NotFound)?;
    let i18n = admin.i18n;
    let count = rows.len();
    let lines = rows
        .iter()
        .enumerate()
        .map(|(index, row)| PanelLine {
            entry_id: row.entry.id.clone(),
            name: display_name(&row.speaker),
            role_label: i18n.t(&format!("role-{}", row.entry.role)),
            affiliation: affiliation(&row.speaker),
            first: index == 0,
            last: index + 1 == count,
            roles: role_options(i18n, &row.entry.role),
        })
        .collect();
    let on_panel: std::collections::HashSet<&str> = rows.iter().map(|r| r.speaker.id.as_str()).collect();
    let choices = speakers
        .iter()
        .filter(|s| !on_panel.contains(s.id.as_str()) || s.id == form.speaker)
        .map(|s| {
            let details = affiliation(s);
            SpeakerChoice {
                id: s.id.clone(),
                label: if details.is_empty() {
                    display_name(s)
                } else {
                    format!("{} — {details}", display_name(s))
                },
                selected: s.id == form.speaker,
            }
        })
        .collect();
    let role = if form.role.is_empty() { "speaker" } else { form.role.as_str() };
    let page = PanelPage {
        add_roles: role_options(i18n, role),
        admin,
        session,
        lines,
        choices,
        errors: form.errors,
    };
    html_with_status(page, status)
}

fn panel_url(session_id: &str) -> String {
    format!("/admin/sessions/{session_id}/panel")
}

pub async fn panel(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    panel_page(&state, admin, path.into_inner(), PanelFormState::default(), StatusCode::OK).await
}

pub async fn add_to_panel(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
    let i18n = admin.i18n;
    let speaker_id = form.get("speaker").trim().to_owned();
    let role = form.get("role").trim().to_owned();
    let mut errors = FieldErrors::default();
    if speaker_id.is_empty() {
        errors.add("speaker", i18n.t("admin-panel-speaker-required"));
    }
    if !PANEL_ROLES.contains(&role.as_str()) {
        errors.add("role", i18n.t("admin-panel-role-invalid"));
    }
    let mut failed = PanelFormState { speaker: speaker_id.clone(), role: role.clone(), errors };
    if !failed.errors.is_empty() {
        return panel_page(&state, admin, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (now, actor, session) = (state.clock.now(), organiser.actor(), session_id.clone());
    let outcome =
        run_db(&state, move |conn| db::panels::add_to_panel(conn, &session, &speaker_id, &role, &actor, now))
            .await?;
    let message = match outcome {
        PanelChange::Done => return Ok(done(&panel_url(&session_id), "panel-added")),
        PanelChange::NotFound => return Err(AppError::NotFound),
        PanelChange::AlreadyOnPanel => "admin-panel-already",
        PanelChange::UnknownSpeaker => "admin-panel-unknown-speaker",
    };
    failed.errors.add("speaker", i18n.t(message));
    panel_page(&state, admin, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await
}

fn changed(outcome: PanelChange, session_id: &str, flash: &str) -> Result<HttpResponse, AppError> {
    match outcome {
        PanelChange::Done => Ok(done(&panel_url(session_id), flash)),
        _ => Err(AppError::NotFound),
    }
}

pub async fn move_in_panel(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let up = match form.get("direction") {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest),
    };
    let (now, actor, session) = (state.clock.now(), organiser.actor(), session_id.clone());
    let outcome =
        run_db(&state, move |conn| db::panels::move_entry(conn, &session, &entry_id, up, &actor, now))
            .await?;
    changed(outcome, &session_id, "panel-moved")
}

pub async fn change_panel_role(
    state: web::Data<AppState>,
    req: HttpRequest,
    organiser: CurrentOrganiser,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let role = form.get("role").trim().to_owned();
    if !PANEL_ROLES.contains(&role.as_str()) {
        let admin = AdminChrome::new(&state, &req, &organiser, "sessions");
        let mut failed = PanelFormState::default();
        failed.errors.add(format!("role-{entry_id}"), admin.i18n.t("admin-panel-role-invalid"));
        return panel_page(&state, admin, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (now, actor, session) = (state.clock.now(), organiser.actor(), session_id.clone());
    let outcome =
        run_db(&state, move |conn| db::panels::set_panel_role(conn, &session, &entry_id, &role, &actor, now))
            .await?;
    changed(outcome, &session_id, "panel-role")
}

pub async fn remove_from_panel(
    state: web::Data<AppState>,
    organiser: CurrentOrganiser,
    path: web::Path<(String, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let (now, actor, session) = (state.clock.now(), organiser.actor(), session_id.clone());
    let outcome =
        run_db(&state, move |conn| db::panels::remove_from_panel(conn, &session, &entry_id, &actor, now))
            .await?;
    changed(outcome, &session_id, "panel-removed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_recognised_by_their_first_bytes_only() {
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None, "a RIFF that is not WebP");
        assert_eq!(ImageKind::sniff(b"GIF89a"), None);
        assert_eq!(ImageKind::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(ImageKind::sniff(b"\x89PN"), None, "a truncated signature");
        assert_eq!(ImageKind::sniff(b""), None);
    }

    #[test]
    fn only_photo_paths_written_for_that_speaker_are_read_back() {
        let id = "0191d7a8-0000-7000-8000-000000000001";
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.png")), Some(ImageKind::Png));
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.webp")), Some(ImageKind::Webp));
        assert_eq!(stored_photo_kind(id, "photos/someone-else.png"), None);
        assert_eq!(stored_photo_kind(id, &format!("../photos/{id}.png")), None);
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.svg")), None);
        assert_eq!(stored_photo_kind(id, "/etc/passwd"), None);
        assert!(is_plain_id(id));
        assert!(!is_plain_id("../x"));
        assert!(!is_plain_id(""));
    }
}
