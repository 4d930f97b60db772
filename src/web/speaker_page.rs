//! The speaker's own page, opened by the private link of their invitation: a GET shows the
//! form (it changes nothing); a POST (multipart, CSRF-checked) saves the profile in three
//! languages, a photo re-encoded on the server, and the answer about recording and
//! publication, in one transaction; a mistake comes back by its field with the rest kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, html_with_status};
use super::errors::AppError;
use super::forms::FieldErrors;
use super::links::{SpeakerLink, private};
use super::multipart::{self, Upload};
use super::photos::{self, PHOTO_MAX_BYTES};
use super::speaker_fields::{BIO_MAX, LanguageTexts, ProfileFields, language_choices};
use super::state::{AppState, run_db};
use crate::db;
use crate::email::speaker_messages::tech_check_words;
use crate::i18n::I18n;
use crate::when::When;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/speaker/{token}", web::get().to(page))
        .route("/speaker/{token}", web::head().to(page))
        .route("/speaker/{token}", web::post().to(save));
}

/// The form: its CSRF token, a dozen text fields (each bio up to 2,000 characters, 4 bytes
/// each at most) and the photo, read on to its end up to four times its limit so the page can
/// say it is too large.
const SPEAKER_FORM: multipart::Limits = multipart::Limits {
    max_parts: 20,
    max_body_bytes: 4 * PHOTO_MAX_BYTES + 64 * 1024,
    max_text_bytes: 4 * BIO_MAX + 64,
    files: &[("photo", PHOTO_MAX_BYTES)],
};

/// An answer of the consent questions as typed: "yes", "no", or none yet.
#[derive(Debug, Clone, Default)]
struct ConsentFields {
    recording: String,
    publication: String,
}

#[derive(Template)]
#[template(path = "pages/speaker.html")]
struct SpeakerPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
    when: String,
    until: String,
    join_url: Option<String>,
    tech_check: Option<String>,
    fields: ProfileFields,
    texts: Vec<LanguageTexts>,
    languages: Vec<(&'static str, String, bool)>,
    consent: ConsentFields,
    consent_recorded: Option<String>,
    has_photo: bool,
    speaker_id: String,
    errors: FieldErrors,
    saved: bool,
    bio_max: usize,
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

/// What the page shows besides the stored profile.
struct Shown<'a> {
    state: &'a AppState,
    i18n: I18n,
    chrome: Chrome,
    seed: &'a CsrfSeed,
}

/// The page with `fields` (as typed, or as stored when `None`).
async fn show(
    shown: Shown<'_>,
    link: SpeakerLink,
    typed: Option<(ProfileFields, ConsentFields)>,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let Shown { state, i18n, chrome, seed } = shown;
    let token = link.token().to_owned();
    let SpeakerLink { speaker, mut session, .. } = link;
    let (speaker_id, session_id, language) = (speaker.id.clone(), session.id.to_string(), i18n.code());
    let (contact, translations, invitation, details, session) = run_db(state, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        Ok((
            db::speaker_profiles::contact(conn, &speaker_id)?,
            db::speaker_profiles::translations(conn, &speaker_id)?,
            db::speaker_invitations::invitation(conn, &session_id, &speaker_id)?,
            db::speaker_invitations::speaker_details(conn, &session_id)?,
            session,
        ))
    })
    .await?;
    let contact = contact.ok_or(AppError::NotFound)?;
    let (fields, consent) = typed.unwrap_or_else(|| {
        let fields = ProfileFields::from_stored(&speaker, &contact.email, contact.language, &translations);
        let consent = ConsentFields {
            recording: yes_no(invitation.as_ref().and_then(|i| i.recording_consent)),
            publication: yes_no(invitation.as_ref().and_then(|i| i.publication_consent)),
        };
        (fields, consent)
    });
    let consent_recorded = invitation.as_ref().and_then(|i| i.consent_at).map(|at| {
        i18n.t1("speaker-consent-recorded", "when", When::new(i18n, at, 0, &session.timezone).date)
    });
    let (join_url, tech_check_at) = details.unwrap_or((None, None));
    let when = When::of(i18n, &session);
    let page = SpeakerPage {
        token,
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: session.title.clone(),
        until: i18n.t1("speaker-link-until", "when", format!("{}, {}", when.date, when.end_time)),
        when: when.line(),
        join_url,
        tech_check: tech_check_at.map(|at| tech_check_words(i18n, &session, at)),
        texts: fields.language_texts(i18n),
        languages: language_choices(i18n, &fields.language),
        fields,
        consent,
        consent_recorded,
        has_photo: speaker.photo_path.is_some(),
        speaker_id: speaker.id,
        errors,
        saved,
        bio_max: BIO_MAX,
        i18n,
        chrome,
    };
    html_with_status(page, status).map(private)
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    link: SpeakerLink,
    query: web::Query<SavedQuery>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let saved = query.saved.is_some();
    let shown = Shown { state: &state, i18n, chrome, seed: &seed };
    show(shown, link, None, FieldErrors::default(), saved, StatusCode::OK).await
}

fn consent_answer(raw: &str) -> Result<Option<bool>, ()> {
    match raw.trim() {
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        "" => Ok(None),
        _ => Err(()),
    }
}

pub async fn save(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    link: SpeakerLink,
    payload: web::Payload,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let mut form = multipart::read_signed(&req, payload.into_inner(), &SPEAKER_FORM).await?;
    let fields = ProfileFields::from_fields(|name| form.text(name));
    let consent_fields = ConsentFields {
        recording: form.text("recording").to_owned(),
        publication: form.text("publication").to_owned(),
    };
    let mut errors = FieldErrors::default();
    let mut profile = fields.parse(i18n, &mut errors, false, "speaker-name-required");
    let stored_email = {
        let id = link.speaker.id.clone();
        run_db(&state, move |conn| db::speaker_profiles::contact(conn, &id)).await?.map(|c| c.email)
    };
    profile.email = stored_email.unwrap_or_default();
    let recording = consent_answer(&consent_fields.recording).unwrap_or_else(|()| {
        errors.add("recording", i18n.t("speaker-consent-invalid"));
        None
    });
    let publication = consent_answer(&consent_fields.publication).unwrap_or_else(|()| {
        errors.add("publication", i18n.t("speaker-consent-invalid"));
        None
    });
    let consent = match (recording, publication) {
        (Some(true), Some(publication)) => Some((true, publication)),
        (Some(false), Some(true)) => {
            errors.add("publication", i18n.t("speaker-publication-needs-recording"));
            None
        }
        (Some(false), _) => Some((false, false)),
        (None, Some(_)) => {
            errors.add("recording", i18n.t("speaker-consent-recording-first"));
            None
        }
        (_, None) => {
            if recording.is_some() {
                errors.add("publication", i18n.t("speaker-consent-publication-missing"));
            }
            None
        }
    };
    let photo = match form.take_file("photo") {
        Upload::Missing => None,
        Upload::TooLarge => {
            errors.add("photo", i18n.t1("speaker-photo-too-large", "max", PHOTO_MAX_BYTES / (1024 * 1024)));
            None
        }
        Upload::File(bytes) => {
            let encoded = web::block(move || super::photo_encode::reencode(&bytes)).await?;
            if encoded.is_none() {
                errors.add("photo", i18n.t("speaker-photo-type"));
            }
            encoded
        }
    };
    if !errors.is_empty() {
        let typed = Some((fields, consent_fields));
        let shown = Shown { state: &state, i18n, chrome, seed: &seed };
        return show(shown, link, typed, errors, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let speaker_id = link.speaker.id.clone();
    if !photos::is_plain_id(&speaker_id) {
        return Err(AppError::NotFound);
    }
    let data_dir = state.settings.data_dir.clone();
    let relative = photos::photo_relative_path(&speaker_id, super::photo_encode::STORED_KIND);
    if let Some(bytes) = photo.as_ref() {
        let (folder, file, bytes) = (data_dir.clone(), relative.clone(), bytes.clone());
        web::block(move || photos::write_photo(&folder, &file, &bytes))
            .await?
            .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("saving a speaker photo")))?;
    }
    let (session_id, id, now) = (link.session.id.to_string(), speaker_id.clone(), state.clock.now());
    let new_path = photo.as_ref().map(|_| relative.clone());
    let previous = run_db(&state, move |conn| {
        db::speaker_profiles::save_by_speaker(
            conn,
            &session_id,
            &id,
            &profile,
            new_path.as_deref(),
            consent,
            now,
        )
    })
    .await?;
    match previous {
        None => Err(AppError::NotFound),
        Some(previous) => {
            if photo.is_some()
                && let Some(old) = previous.filter(|old| *old != relative)
            {
                photos::remove_photo_file(&data_dir, &speaker_id, old).await;
            }
            let location = format!("/speaker/{}?saved=1", link.token());
            Ok(private(HttpResponse::SeeOther().insert_header(("Location", location)).finish()))
        }
    }
}
