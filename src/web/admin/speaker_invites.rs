//! Organiser area, from the panel page: inviting a speaker (new or from the directory) in one
//! step, each speaker's state and consent, a reminder for those who have not answered, consent
//! obtained offline (audited), the speakers' join link and technical check time; and, for
//! administrators, erasing a speaker.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;

use super::context::{AdminContext, SignedForm, done};
use super::panels::{PanelFormState, RoleOption, panel_page, panel_url};
use crate::db;
use crate::db::models::Speaker;
use crate::db::speaker_invitations::{InviteOutcome, Invitee, RemindOutcome, SpeakerInvitation};
use crate::domain::{ConsentSource, Language, PanelRole, SessionId};
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::photos;
use crate::web::speaker_fields::{NAME_MAX, language_choices, parse_email_field};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/panel/invite", web::post().to(invite))
        .route("/sessions/{id}/panel/speaker-details", web::post().to(speaker_details))
        .route("/sessions/{id}/panel/speakers/{speaker}/remind", web::post().to(remind))
        .route("/sessions/{id}/panel/speakers/{speaker}/consent-offline", web::post().to(consent_offline))
        .route("/speakers/{id}/erase", web::post().to(erase));
}

/// The invitation form as typed.
#[derive(Debug, Clone, Default)]
pub struct InviteFields {
    pub speaker: String,
    pub name: String,
    pub email: String,
    pub language: String,
}

/// The invitation form as the page shows it.
#[derive(Debug, Clone)]
pub struct InviteForm {
    pub fields: InviteFields,
    pub languages: Vec<(&'static str, String, bool)>,
    pub(super) roles: Vec<RoleOption>,
}

impl InviteForm {
    pub(super) fn new(i18n: I18n, fields: &InviteFields, roles: Vec<RoleOption>) -> Self {
        let language = if fields.language.is_empty() { i18n.code() } else { fields.language.as_str() };
        Self { languages: language_choices(i18n, language), fields: fields.clone(), roles }
    }
}

/// The speakers' join details form as typed (a local date and time in the session's zone).
#[derive(Debug, Clone, Default)]
pub struct DetailsFields {
    pub join_url: String,
    pub tech_check: String,
}

/// One speaker's line on the panel page, besides their name and role.
#[derive(Debug, Clone)]
pub struct SpeakerState {
    pub label: String,
    pub consent: String,
    pub can_remind: bool,
    pub can_record_offline: bool,
}

/// What the panel page shows about its speakers' invitations.
#[derive(Debug, Clone)]
pub struct PanelSpeakers {
    invitations: HashMap<String, SpeakerInvitation>,
    pub details: DetailsFields,
    /// The session's zone, in which the check time is typed.
    pub timezone: String,
    /// Speakers whose consent to publication is missing, while the session has a recording.
    pub withheld: Vec<String>,
}

impl PanelSpeakers {
    pub fn state_of(&self, i18n: I18n, speaker: &Speaker) -> SpeakerState {
        let invitation = self.invitations.get(&speaker.id);
        let invited = invitation.is_some_and(|i| i.invited_at.is_some());
        let answered = invitation.is_some_and(|i| i.answered_at.is_some());
        let complete = answered
            && !speaker.bio.is_empty()
            && !speaker.position.is_empty()
            && speaker.photo_path.is_some();
        let key = match (invited, answered, complete) {
            (_, true, true) => "admin-speaker-state-complete",
            (_, true, false) => "admin-speaker-state-answered",
            (true, false, _) => "admin-speaker-state-invited",
            (false, false, _) => "admin-speaker-state-not-invited",
        };
        let consent = match invitation
            .and_then(|i| i.publication_consent.map(|p| (i.recording_consent, p, i.consent_source)))
        {
            Some((_, true, Some(ConsentSource::ObtainedOffline))) => "admin-speaker-consent-offline",
            Some((_, true, _)) => "admin-speaker-consent-given",
            Some((Some(true), false, _)) => "admin-speaker-consent-recording-only",
            Some((_, false, _)) => "admin-speaker-consent-refused",
            None => "admin-speaker-consent-none",
        };
        SpeakerState {
            label: i18n.t(key),
            consent: i18n.t(consent),
            can_remind: invited && !answered,
            can_record_offline: invitation.and_then(|i| i.publication_consent) != Some(true),
        }
    }
}

/// The panel page's speaker part: invitations, join details (as typed when `typed`), and who
/// withholds the recording.
pub async fn panel_speakers(
    cx: &AdminContext,
    session_id: &SessionId,
    typed: Option<DetailsFields>,
) -> Result<PanelSpeakers, AppError> {
    let id = session_id.to_string();
    let (invitations, details, session, withheld) = cx
        .read(move |conn| {
            Ok((
                db::speaker_invitations::of_session(conn, &id)?,
                db::speaker_invitations::speaker_details(conn, &id)?,
                db::catalogue::session_by_id(conn, &id)?,
                db::speaker_consent::without_publication_consent(conn, &id)?,
            ))
        })
        .await?;
    let session = session.ok_or(AppError::NotFound)?;
    let (join_url, tech_check_at) = details.unwrap_or((None, None));
    let zone: Option<chrono_tz::Tz> = session.timezone.parse().ok();
    let details = typed.unwrap_or_else(|| DetailsFields {
        join_url: join_url.unwrap_or_default(),
        tech_check: match (tech_check_at, zone) {
            (Some(at), Some(zone)) => {
                at.and_utc().with_timezone(&zone).naive_local().format("%Y-%m-%dT%H:%M").to_string()
            }
            _ => String::new(),
        },
    });
    Ok(PanelSpeakers {
        invitations,
        details,
        timezone: session.timezone.clone(),
        withheld: if session.recording_url.is_some() { withheld } else { Vec::new() },
    })
}

fn unprocessable_state(form: &SignedForm, errors: FieldErrors) -> PanelFormState {
    PanelFormState {
        speaker: form.get("speaker").trim().to_owned(),
        role: form.get("role").trim().to_owned(),
        errors,
        invite: InviteFields {
            speaker: form.get("speaker").trim().to_owned(),
            name: form.get("name").to_owned(),
            email: form.get("email").to_owned(),
            language: form.get("language").trim().to_owned(),
        },
        details: None,
    }
}

/// Invites a speaker from the panel page: one chosen from the directory, or a new one (name,
/// address, language) created in the same step; put on the panel with their role and mailed.
pub async fn invite(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let i18n = cx.i18n();
    let mut errors = FieldErrors::default();
    let role = PanelRole::parse(form.get("role").trim());
    if role.is_none() {
        errors.add("invite-role", i18n.t("admin-panel-role-invalid"));
    }
    let chosen = form.get("speaker").trim().to_owned();
    let typed_email = form.get("email").trim().to_owned();
    let invitee = if chosen.is_empty() {
        let name = errors.line(i18n, "name", form.get("name"), NAME_MAX, Some("admin-invite-name-required"));
        let email = parse_email_field(i18n, &mut errors, &typed_email);
        let language = Language::parse(form.get("language").trim());
        if language.is_none() {
            errors.add("language", i18n.t("speaker-language-invalid"));
        }
        Invitee::New { name, email, language: language.unwrap_or(Language::En) }
    } else {
        let email = if typed_email.is_empty() {
            None
        } else {
            Some(parse_email_field(i18n, &mut errors, &typed_email))
        };
        Invitee::Existing { speaker_id: chosen, email }
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        let state = unprocessable_state(&form, errors);
        return panel_page(&cx, session_id, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let session = session_id.clone();
    let outcome = cx
        .write(move |conn, actor, now| {
            db::speaker_invitations::invite(conn, &session, &invitee, role, actor, now)
        })
        .await?;
    let (field, message) = match outcome {
        InviteOutcome::Invited(_) => return Ok(done(&panel_url(&session_id), "speaker-invited")),
        InviteOutcome::NotFound => return Err(AppError::NotFound),
        InviteOutcome::AlreadyOnPanel => ("speaker", "admin-panel-already"),
        InviteOutcome::UnknownSpeaker => ("speaker", "admin-panel-unknown-speaker"),
        InviteOutcome::NoAddress => ("email", "admin-invite-address-needed"),
        InviteOutcome::Closed => ("speaker", "admin-invite-closed"),
    };
    let mut errors = FieldErrors::default();
    errors.add(field, i18n.t(message));
    panel_page(&cx, session_id, unprocessable_state(&form, errors), StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn remind(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, speaker_id) = path.into_inner();
    let session = session_id.clone();
    let outcome = cx
        .write(move |conn, actor, now| {
            db::speaker_invitations::remind(conn, &session, &speaker_id, actor, now)
        })
        .await?;
    let message = match outcome {
        RemindOutcome::Queued => return Ok(done(&panel_url(&session_id), "speaker-reminded")),
        RemindOutcome::NotFound => return Err(AppError::NotFound),
        RemindOutcome::TooSoon => "admin-speaker-remind-too-soon",
        RemindOutcome::Answered => "admin-speaker-remind-answered",
    };
    let mut state = PanelFormState::default();
    state.errors.add("", cx.i18n().t(message));
    panel_page(&cx, session_id, state, StatusCode::CONFLICT).await
}

pub async fn consent_offline(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, speaker_id) = path.into_inner();
    let session = session_id.clone();
    cx.change(move |conn, actor, now| {
        db::speaker_consent::record_offline(conn, &session, &speaker_id, actor, now)
    })
    .await?;
    Ok(done(&panel_url(&session_id), "speaker-consent-offline"))
}

/// A local date and time typed in `zone`, in UTC.
fn parse_local(raw: &str, zone: &str) -> Option<NaiveDateTime> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    crate::domain::session::to_utc(zone.parse().ok()?, local)
}

pub async fn speaker_details(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let i18n = cx.i18n();
    let typed = DetailsFields {
        join_url: form.get("speaker_join_url").to_owned(),
        tech_check: form.get("tech_check").to_owned(),
    };
    let id = session_id.to_string();
    let session = cx.find(move |conn| db::catalogue::session_by_id(conn, &id)).await?;
    let mut errors = FieldErrors::default();
    let join_url = match typed.join_url.trim() {
        "" => None,
        raw => match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && raw.len() <= 500 => {
                Some(u.to_string())
            }
            _ => {
                errors.add("speaker_join_url", i18n.t("admin-error-url"));
                None
            }
        },
    };
    let tech_check = match typed.tech_check.trim() {
        "" => None,
        raw => match parse_local(raw, &session.timezone) {
            Some(at) if at < session.ends_at() => Some(at),
            Some(_) => {
                errors.add("tech_check", i18n.t("admin-tech-check-after-end"));
                None
            }
            None => {
                errors.add("tech_check", i18n.t("admin-error-datetime"));
                None
            }
        },
    };
    if !errors.is_empty() {
        let state = PanelFormState { errors, details: Some(typed), ..Default::default() };
        return panel_page(&cx, session_id, state, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let session = session_id.clone();
    cx.change(move |conn, actor, now| {
        db::speaker_invitations::set_speaker_details(
            conn,
            &session,
            join_url.as_deref(),
            tech_check,
            actor,
            now,
        )
    })
    .await?;
    Ok(done(&panel_url(&session_id), "speaker-details-saved"))
}

/// Erases a speaker and everything about them (administrators only): off every panel, their
/// profile, translations, consents and links, and their photo file.
pub async fn erase(
    cx: AdminContext,
    path: web::Path<String>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let id = path.into_inner();
    let speaker_id = id.clone();
    let erased = cx
        .write(move |conn, actor, now| db::speaker_profiles::erase(conn, &speaker_id, actor, now))
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(stored) = erased.photo_path {
        photos::remove_photo_file(&cx.state.settings.data_dir, &id, stored).await;
    }
    Ok(done("/admin/speakers", "speaker-erased"))
}
