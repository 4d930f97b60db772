//! Organiser area: the panel of each session (who speaks, in which order and role), chosen
//! from the speaker directory.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, Found, SignedForm, done};
use crate::db;
use crate::db::models::Speaker;
use crate::db::panels::{PanelChange, PanelRow};
use crate::db::speakers::SessionRef;
use crate::domain::{PanelRole, SessionId};
use crate::i18n::I18n;
use crate::web::chrome::html_with_status;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

/// A choice in a role select.
#[derive(Debug, Clone)]
pub(super) struct RoleOption {
    pub(super) value: &'static str,
    pub(super) label: String,
    pub(super) selected: bool,
}

pub(super) fn role_options(i18n: I18n, selected: Option<PanelRole>) -> Vec<RoleOption> {
    PanelRole::ALL
        .iter()
        .map(|&role| RoleOption {
            value: role.as_str(),
            label: i18n.t(&format!("role-{role}")),
            selected: Some(role) == selected,
        })
        .collect()
}

/// One person on the panel, as the page shows them.
#[derive(Debug, Clone)]
struct PanelLine {
    entry_id: String,
    /// speakers: their invitation's state, consent, and what the organiser can do about it.
    speaker_id: String,
    state: super::speaker_invites::SpeakerState,
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
    /// speakers: the invitation form, the speakers' join details, who withholds the recording.
    invite: super::speaker_invites::InviteForm,
    speakers: super::speaker_invites::PanelSpeakers,
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
pub(super) struct PanelFormState {
    pub(super) speaker: String,
    pub(super) role: String,
    pub(super) errors: FieldErrors,
    /// speakers: the invitation form as typed, and the join details form.
    pub(super) invite: super::speaker_invites::InviteFields,
    pub(super) details: Option<super::speaker_invites::DetailsFields>,
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

pub(super) async fn panel_page(
    cx: &AdminContext,
    session_id: SessionId,
    form: PanelFormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let id = session_id.clone();
    let (found, speakers) =
        cx.read(move |conn| Ok((db::panels::panel(conn, &id)?, db::speakers::all_speakers(conn)?))).await?;
    let (session, rows): (SessionRef, Vec<PanelRow>) = found.ok_or(AppError::NotFound)?;
    let panel_speakers =
        super::speaker_invites::panel_speakers(cx, &session_id, form.details.clone()).await?;
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let count = rows.len();
    let lines = rows
        .iter()
        .enumerate()
        .map(|(index, row)| PanelLine {
            entry_id: row.entry.id.clone(),
            speaker_id: row.speaker.id.clone(),
            state: panel_speakers.state_of(i18n, &row.speaker),
            name: display_name(&row.speaker),
            role_label: i18n.t(&format!("role-{}", row.entry.role)),
            affiliation: affiliation(&row.speaker),
            first: index == 0,
            last: index + 1 == count,
            roles: role_options(i18n, Some(row.entry.role)),
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
    let role = if form.role.is_empty() { Some(PanelRole::Speaker) } else { PanelRole::parse(&form.role) };
    let invite = super::speaker_invites::InviteForm::new(i18n, &form.invite, role_options(i18n, role));
    let page = PanelPage {
        invite,
        speakers: panel_speakers,
        add_roles: role_options(i18n, role),
        admin,
        session,
        lines,
        choices,
        errors: form.errors,
    };
    html_with_status(page, status)
}

pub(super) fn panel_url(session_id: &str) -> String {
    format!("/admin/sessions/{session_id}/panel")
}

/// A change to one entry of a panel: done, or there is no such session or entry (404).
impl Found for PanelChange {
    type Value = ();
    fn found(self) -> Option<()> {
        (self == PanelChange::Done).then_some(())
    }
}

#[derive(serde::Deserialize)]
pub struct PanelQuery {
    /// A speaker to have chosen in the add form (one just created from this panel).
    speaker: Option<String>,
}

pub async fn panel(
    cx: AdminContext,
    path: web::Path<SessionId>,
    query: web::Query<PanelQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen =
        PanelFormState { speaker: query.into_inner().speaker.unwrap_or_default(), ..Default::default() };
    panel_page(&cx, path.into_inner(), chosen, StatusCode::OK).await
}

pub async fn add_to_panel(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let i18n = cx.i18n();
    let speaker_id = form.get("speaker").trim().to_owned();
    let role_text = form.get("role").trim().to_owned();
    let role = PanelRole::parse(&role_text);
    let mut errors = FieldErrors::default();
    if speaker_id.is_empty() {
        errors.add("speaker", i18n.t("admin-panel-speaker-required"));
    }
    if role.is_none() {
        errors.add("role", i18n.t("admin-panel-role-invalid"));
    }
    let mut failed =
        PanelFormState { speaker: speaker_id.clone(), role: role_text, errors, ..Default::default() };
    let Some(role) = role.filter(|_| failed.errors.is_empty()) else {
        return panel_page(&cx, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let session = session_id.clone();
    let outcome = cx
        .write(move |conn, actor, now| {
            db::panels::add_to_panel(conn, &session, &speaker_id, role, actor, now)
        })
        .await?;
    let message = match outcome {
        PanelChange::Done => return Ok(done(&panel_url(&session_id), "panel-added")),
        PanelChange::NotFound => return Err(AppError::NotFound),
        PanelChange::AlreadyOnPanel => "admin-panel-already",
        PanelChange::UnknownSpeaker => "admin-panel-unknown-speaker",
    };
    failed.errors.add("speaker", i18n.t(message));
    panel_page(&cx, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn move_in_panel(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let up = match form.get("direction") {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest),
    };
    let session = session_id.clone();
    cx.change(move |conn, actor, now| db::panels::move_entry(conn, &session, &entry_id, up, actor, now))
        .await?;
    Ok(done(&panel_url(&session_id), "panel-moved"))
}

pub async fn change_panel_role(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let Some(role) = PanelRole::parse(form.get("role").trim()) else {
        let mut failed = PanelFormState::default();
        failed.errors.add(format!("role-{entry_id}"), cx.i18n().t("admin-panel-role-invalid"));
        return panel_page(&cx, session_id, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let session = session_id.clone();
    cx.change(move |conn, actor, now| {
        db::panels::set_panel_role(conn, &session, &entry_id, role, actor, now)
    })
    .await?;
    Ok(done(&panel_url(&session_id), "panel-role"))
}

pub async fn remove_from_panel(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, entry_id) = path.into_inner();
    let session = session_id.clone();
    cx.change(move |conn, actor, now| db::panels::remove_from_panel(conn, &session, &entry_id, actor, now))
        .await?;
    Ok(done(&panel_url(&session_id), "panel-removed"))
}
