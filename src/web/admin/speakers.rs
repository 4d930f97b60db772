//! Organiser area: the speaker directory, and each speaker's photo (stored and served by
//! [`crate::web::photos`]).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, PAGE_SIZE, SignedForm, done, page_number};
use crate::db;
use crate::db::models::Speaker;
use crate::db::speaker_profiles::Profile;
use crate::db::speakers::{DeleteSpeaker, SessionRef, SpeakerInput, SpeakerRow};
use crate::domain::Language;
use crate::domain::SessionId;
use crate::i18n::I18n;
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::multipart::{self, Upload};
use crate::web::photos::{self, PHOTO_MAX_BYTES};
use crate::web::speaker_fields::{LanguageTexts, ProfileFields, language_choices};

const SEARCH_MAX: usize = 100;

/// The profile of a speaker as typed or stored, with the three languages' texts for the form.
#[derive(Debug, Clone, Default)]
struct SpeakerFields {
    profile: ProfileFields,
    texts: Vec<LanguageTexts>,
    languages: Vec<(&'static str, String, bool)>,
}

impl SpeakerFields {
    fn new(i18n: I18n, mut profile: ProfileFields) -> Self {
        if profile.language.is_empty() {
            profile.language = i18n.code().to_owned();
        }
        Self {
            texts: profile.language_texts(i18n),
            languages: language_choices(i18n, &profile.language),
            profile,
        }
    }

    fn from_form(i18n: I18n, form: &SignedForm) -> Self {
        Self::new(i18n, ProfileFields::from_fields(|name| form.get(name)))
    }
}

/// The directory's row for a new speaker, from a parsed profile (texts in their language).
fn input_of(profile: &Profile) -> SpeakerInput {
    let own = profile.language.unwrap_or(Language::En);
    let (position, bio) = profile
        .texts
        .iter()
        .find(|(l, _, _)| *l == own)
        .map(|(_, p, b)| (p.clone(), b.clone()))
        .unwrap_or_default();
    SpeakerInput {
        name: profile.name.clone(),
        honorific: profile.honorific.clone(),
        position,
        organisation: profile.organisation.clone(),
        bio,
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

pub async fn list(cx: AdminContext, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let q: String = query.q.as_deref().unwrap_or("").trim().chars().take(SEARCH_MAX).collect();
    let page = page_number(query.page.as_deref());
    let needle = q.clone();
    let (rows, total) = cx
        .read(move |conn| db::speakers::speakers_page(conn, &needle, (page - 1) * PAGE_SIZE, PAGE_SIZE))
        .await?;
    html(SpeakersPage {
        admin: cx.chrome("speakers"),
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
    /// The session whose panel "New speaker" was opened from: the new speaker goes back there.
    from_panel: Option<SessionId>,
}

fn new_speaker_page(
    admin: AdminChrome,
    fields: SpeakerFields,
    errors: FieldErrors,
    from_panel: Option<SessionId>,
) -> SpeakerFormPage {
    SpeakerFormPage {
        from_panel,
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
    cx: &AdminContext,
    speaker: Speaker,
    fields: Option<SpeakerFields>,
    errors: FieldErrors,
) -> Result<SpeakerFormPage, AppError> {
    let id = speaker.id.clone();
    let (panels, contact, translations) = cx
        .read(move |conn| {
            Ok((
                db::speakers::panels_of(conn, &id)?,
                db::speaker_profiles::contact(conn, &id)?,
                db::speaker_profiles::translations(conn, &id)?,
            ))
        })
        .await?;
    let admin = cx.chrome("speakers");
    let i18n = admin.i18n;
    let fields = fields.unwrap_or_else(|| {
        let (email, language) = contact.map_or((String::new(), Language::En), |c| (c.email, c.language));
        SpeakerFields::new(i18n, ProfileFields::from_stored(&speaker, &email, language, &translations))
    });
    Ok(SpeakerFormPage {
        heading: admin.i18n.t1("admin-speaker-edit-title", "name", &speaker.name),
        admin,
        fields,
        errors,
        has_photo: speaker.photo_path.is_some(),
        panels,
        from_panel: None,
        speaker_id: Some(speaker.id),
    })
}

async fn load_speaker(cx: &AdminContext, id: String) -> Result<Speaker, AppError> {
    cx.find(move |conn| db::speakers::speaker(conn, &id)).await
}

fn unprocessable(page: SpeakerFormPage) -> Result<HttpResponse, AppError> {
    html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    panel: Option<String>,
}

/// The session whose panel to return to: only a well-formed session id, so the redirect after
/// saving can only lead to a panel page of this site.
fn panel_to_return_to(value: &str) -> Option<SessionId> {
    SessionId::parse(value.trim())
}

pub async fn new_form(cx: AdminContext, query: web::Query<NewQuery>) -> Result<HttpResponse, AppError> {
    let from_panel = query.panel.as_deref().and_then(panel_to_return_to);
    let admin = cx.chrome("speakers");
    let fields = SpeakerFields::new(admin.i18n, ProfileFields::default());
    html(new_speaker_page(admin, fields, FieldErrors::default(), from_panel))
}

pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("speakers");
    let fields = SpeakerFields::from_form(admin.i18n, &form);
    let mut errors = FieldErrors::default();
    let profile = fields.profile.parse(admin.i18n, &mut errors, false, "admin-speaker-name-required");
    let from_panel = panel_to_return_to(form.get("panel"));
    if !errors.is_empty() {
        return unprocessable(new_speaker_page(admin, fields, errors, from_panel));
    }
    let id = cx
        .write(move |conn, actor, now| {
            db::write_tx(conn, |conn| {
                let id = db::speakers::create_speaker(conn, &input_of(&profile), actor, now)?;
                db::speaker_profiles::write_profile(conn, &id, &profile)?;
                Ok(id)
            })
        })
        .await?;
    match from_panel {
        // Back to the panel, with the new speaker chosen in its "add" form.
        Some(session) => Ok(done(&format!("/admin/sessions/{session}/panel?speaker={id}"), "speaker-ready")),
        None => Ok(done(&format!("/admin/speakers/{id}"), "speaker-created")),
    }
}

pub async fn edit_form(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let speaker = load_speaker(&cx, path.into_inner()).await?;
    html(edit_page(&cx, speaker, None, FieldErrors::default()).await?)
}

pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let speaker = load_speaker(&cx, path.into_inner()).await?;
    let fields = SpeakerFields::from_form(cx.i18n(), &form);
    let mut errors = FieldErrors::default();
    let profile = fields.profile.parse(cx.i18n(), &mut errors, false, "admin-speaker-name-required");
    if !errors.is_empty() {
        return unprocessable(edit_page(&cx, speaker, Some(fields), errors).await?);
    }
    let id = speaker.id;
    cx.change(move |conn, actor, now| {
        db::speaker_profiles::save_by_organiser(conn, &id, &profile, actor, now)
    })
    .await?;
    Ok(done("/admin/speakers", "speaker-updated"))
}

/// Deletes a speaker who is on no panel; otherwise says which panels to take them off first.
pub async fn delete(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let speaker_id = id.clone();
    let outcome =
        cx.write(move |conn, actor, now| db::speakers::delete_speaker(conn, &speaker_id, actor, now)).await?;
    match outcome {
        DeleteSpeaker::Deleted { photo_path } => {
            if let Some(stored) = photo_path {
                photos::remove_photo_file(&cx.state.settings.data_dir, &id, stored).await;
            }
            Ok(done("/admin/speakers", "speaker-deleted"))
        }
        DeleteSpeaker::OnPanels(panels) => {
            let speaker = load_speaker(&cx, id).await?;
            let i18n = cx.i18n();
            let titles = panels.iter().map(|p| p.title.as_str()).collect::<Vec<_>>().join(", ");
            let mut errors = FieldErrors::default();
            errors.add("delete", i18n.t2("admin-speaker-on-panels", "count", panels.len(), "title", titles));
            unprocessable(edit_page(&cx, speaker, None, errors).await?)
        }
        DeleteSpeaker::NotFound => Err(AppError::NotFound),
    }
}

/// The photo form: its CSRF token and the file. A photo up to four times too large is still
/// read to its end, so that the page can say it is too large; a larger body is cut off there
/// (413), whatever its length says.
const PHOTO_FORM: multipart::Limits = multipart::Limits {
    max_parts: 4,
    max_body_bytes: 4 * PHOTO_MAX_BYTES,
    max_text_bytes: 4096,
    files: &[("photo", PHOTO_MAX_BYTES)],
};

/// The photo as it will be stored (decoded, resized, re-encoded without any metadata), or
/// what the form should say about it.
async fn checked_photo(i18n: I18n, upload: Upload) -> Result<Result<Vec<u8>, String>, AppError> {
    Ok(match upload {
        Upload::Missing => Err(i18n.t("admin-speaker-photo-missing")),
        Upload::TooLarge => {
            Err(i18n.t1("admin-speaker-photo-too-large", "max", PHOTO_MAX_BYTES / (1024 * 1024)))
        }
        Upload::File(bytes) => web::block(move || crate::web::photo_encode::reencode(&bytes))
            .await?
            .ok_or_else(|| i18n.t("admin-speaker-photo-type")),
    })
}

/// Receives a photo (a multipart form: its CSRF token and the file).
pub async fn upload_photo(
    cx: AdminContext,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let mut form = multipart::read_signed(&cx.req, payload.into_inner(), &PHOTO_FORM).await?;
    let speaker = load_speaker(&cx, path.into_inner()).await?;
    if !photos::is_plain_id(&speaker.id) {
        return Err(AppError::NotFound);
    }
    let kind = crate::web::photo_encode::STORED_KIND;
    let bytes = match checked_photo(cx.i18n(), form.take_file("photo")).await? {
        Ok(photo) => photo,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("photo", message);
            return unprocessable(edit_page(&cx, speaker, None, errors).await?);
        }
    };
    let data_dir = &cx.state.settings.data_dir;
    let relative = photos::photo_relative_path(&speaker.id, kind);
    let (folder, file) = (data_dir.clone(), relative.clone());
    web::block(move || photos::write_photo(&folder, &file, &bytes))
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("saving a speaker photo")))?;
    let (id, stored) = (speaker.id.clone(), relative.clone());
    let previous = cx
        .write(move |conn, actor, now| db::speakers::set_photo(conn, &id, Some(&stored), actor, now))
        .await?;
    match previous {
        None => {
            photos::remove_photo_file(data_dir, &speaker.id, relative).await;
            Err(AppError::NotFound)
        }
        Some(previous) => {
            if let Some(old) = previous.filter(|old| *old != relative) {
                photos::remove_photo_file(data_dir, &speaker.id, old).await;
            }
            Ok(done(&format!("/admin/speakers/{}", speaker.id), "photo-saved"))
        }
    }
}

pub async fn remove_photo(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let speaker_id = id.clone();
    let previous = cx
        .change(move |conn, actor, now| db::speakers::set_photo(conn, &speaker_id, None, actor, now))
        .await?;
    if let Some(old) = previous {
        photos::remove_photo_file(&cx.state.settings.data_dir, &id, old).await;
    }
    Ok(done(&format!("/admin/speakers/{id}"), "photo-removed"))
}
