//! Preparing claimed messages: the claim of a batch (each message's situation and its fresh
//! links, in one short transaction) and the rendering of each into a MIME message, outside any
//! transaction.

use crate::config::Settings;
use crate::db::invitations;
use crate::db::models::{OutboxMessage, Registration, Session};
use crate::db::{self};
use crate::domain::interpretation::ChannelLanguage;
use crate::domain::{Language, MessageKind, Recipient, RegistrationStatus, Situation, TokenPurpose};
use crate::email::headers::ListHeaders;
use crate::email::messages::{MessageContext, registration_message};
use crate::email::{Outgoing, ics};
use crate::i18n::I18n;
use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use lettre::Message;
use lettre::message::Mailbox;

use super::batch_reads::BatchReads;
use super::{LEASE, message_id_for, return_path_for};

/// The result of preparing one message.
pub(super) enum Prepared {
    Send(Box<Message>),
    /// No longer wanted (the person cancelled, the session moved again): recorded, not sent.
    Skip(String),
    /// Cannot be built (its registration is gone): recorded as failed, not retried.
    Abandon(String),
}

/// A claimed message with everything it needs to be written, gathered in the claim's
/// transaction.
pub(super) struct Ready {
    kind: MessageKind,
    registration: Registration,
    /// In the registrant's language.
    session: Session,
    payload: serde_json::Value,
    manage_token: String,
    /// join: the personal join link's token, for a confirmed registration (never the
    /// platform's address, which only the join page gives, in its window).
    join_token: Option<String>,
    /// The path of the message's confirmation link (an address's or a new address's).
    confirm_token: Option<String>,
    documents: Vec<(String, String)>,
    /// feedback: the follow-up links to the session's survey (open, and the registration may answer).
    survey: bool,
    /// questions: the interpretation channel the person should choose, for the messages that
    /// tell them how to join.
    channel: Option<ChannelLanguage>,
}

/// What the claim found for one message.
pub(super) enum Claim {
    Ready(Box<Ready>),
    /// No longer wanted: recorded, not sent.
    Skip(String),
    /// Cannot be built (its registration is gone): recorded as failed, not retried.
    Abandon(String),
    /// `convoca mail-test`: to this mailbox, about no registration.
    Test(Mailbox),
    /// A password reset: to this organiser, with the path of the link just minted.
    Reset(Mailbox, String),
    /// An announcement to a focal point.
    FocalAnnouncement(Box<FocalReady>),
    /// A message to a speaker (`jobs::speaker_mail`).
    Speaker(Box<super::speaker_mail::SpeakerClaim>),
    /// A focal point's digest, with the path of the link just minted.
    FocalDigest(Box<db::focal_approval::Digest>),
}

/// An announcement to a focal point, as the claim found it.
pub(super) struct FocalReady {
    to: Mailbox,
    language: Language,
    organisation: String,
    /// In the focal point's language where it was given.
    session: Session,
    payload: crate::db::announcements::Payload,
}

/// Claims up to `batch` due messages and, in the same transaction, mints the tokens of their
/// links (only the hashes are stored, so the plain token exists only in the email itself).
/// A database error rolls back the whole claim: the messages stay due.
pub(super) fn claim_batch(
    conn: &mut db::AnyConnection,
    now: NaiveDateTime,
    batch: i64,
) -> anyhow::Result<Vec<(OutboxMessage, Claim)>> {
    db::write_tx(conn, |conn| -> anyhow::Result<Vec<(OutboxMessage, Claim)>> {
        let claimed = db::outbox::claim_due(conn, now, batch, LEASE)?;
        let mut reads = BatchReads::load(conn, &claimed)?;
        let mut out = Vec::with_capacity(claimed.len());
        for message in claimed {
            let claim = gather(conn, &mut reads, &message, now)?;
            out.push((message, claim));
        }
        reads.store_tokens(conn)?;
        Ok(out)
    })
}

/// Whether a queued message is still wanted, given the registration and session as they are now.
fn still_wanted(
    kind: MessageKind,
    registration: &Registration,
    session: &Session,
    payload: &serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), String> {
    let same_version = payload
        .get("version")
        .and_then(serde_json::Value::as_i64)
        .is_none_or(|v| v == i64::from(session.version));
    let latest_calendar =
        invitations::sequence_of(payload).is_none_or(|sent| sent >= registration.calendar_sequence);
    let situation = Situation {
        registration: registration.status,
        reminders_opt_out: registration.reminders_opt_out,
        announcements_opt_out: registration.announcements_opt_out,
        session: session.status,
        before_start: now < session.starts_at,
        same_version,
        latest_calendar,
        email_change_pending: registration.pending_email.is_some(),
    };
    if kind.still_wanted(&situation) {
        Ok(())
    } else {
        Err(format!(
            "no longer applies (registration {}, session {} v{})",
            registration.status, session.status, session.version
        ))
    }
}

/// The reads and tokens one message needs, inside the claim's transaction; what the batch's
/// messages read alike comes from `reads`.
fn gather(
    conn: &mut db::AnyConnection,
    reads: &mut BatchReads,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let kind = message.kind;
    if kind == MessageKind::MailTest {
        let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
        let to =
            payload.get("to").and_then(serde_json::Value::as_str).and_then(|a| a.parse::<Mailbox>().ok());
        return Ok(
            to.map_or_else(|| Claim::Abandon("the test message names no valid address".into()), Claim::Test)
        );
    }
    if kind == MessageKind::OrganiserPasswordReset {
        return reset_claim(conn, message, now);
    }
    if kind == MessageKind::FocalPointAnnouncement {
        return focal_claim(conn, message, now);
    }
    if kind.to_speaker() {
        return super::speaker_mail::claim(conn, message, now).map(|c| Claim::Speaker(Box::new(c)));
    }
    if kind == MessageKind::FocalDigest {
        return digest_claim(conn, message, now);
    }
    let Some(registration_id) = message.registration_id.as_ref() else {
        return Ok(Claim::Abandon(format!("message kind {kind} has no recipient")));
    };
    let Some((registration, mut session)) = reads.registration(registration_id) else {
        return Ok(Claim::Abandon("the registration no longer exists".into()));
    };
    // Nothing is sent to an erased registration, whatever queued it.
    if registration.status == RegistrationStatus::Erased {
        return Ok(Claim::Skip("the person's data was erased".into()));
    }
    // The session's title as the registrant reads it, in the email and the calendar entry.
    reads.localize(conn, &mut session, &registration.language)?;
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    if let Err(reason) = still_wanted(kind, &registration, &session, &payload, now) {
        return Ok(Claim::Skip(reason));
    }
    // An address that bounced for good gets nothing until an organiser clears it.
    let address = match kind.recipient() {
        Recipient::Registrant => Some(registration.email_normalized.clone()),
        Recipient::PendingAddress => registration.pending_email.as_ref().map(|e| e.to_lowercase()),
        Recipient::PreviousAddress | Recipient::Organiser | Recipient::FocalPoint | Recipient::Speaker => {
            None
        }
    };
    if let Some(address) = address
        && let Some(suppressed) = reads.suppression(conn, &address)?
    {
        return Ok(Claim::Abandon(format!("suppressed: the address bounced ({})", suppressed.reason)));
    }
    let manage_token = reads.mint(&registration.id, TokenPurpose::Manage, &session, now);
    let join_token = if registration.status == RegistrationStatus::Confirmed {
        Some(reads.mint(&registration.id, TokenPurpose::Join, &session, now))
    } else {
        None
    };
    let confirm_token = if kind.carries_confirm_link() {
        Some(format!("/confirm/{}", reads.mint(&registration.id, TokenPurpose::Confirm, &session, now)))
    } else if kind.carries_email_change_link() {
        let token = reads.mint(&registration.id, TokenPurpose::EmailChange, &session, now);
        Some(format!("/email-change/{token}"))
    } else {
        None
    };
    // speakers: the recording is named only once every panel speaker consented to publication.
    if kind.carries_documents() {
        db::speaker_consent::withhold_recordings(conn, [&mut session])?;
    }
    let documents = if kind.carries_documents() {
        db::catalogue::documents(conn, &session.id)?.into_iter().map(|d| (d.title, d.url)).collect()
    } else {
        Vec::new()
    };
    let survey = kind == MessageKind::FollowUp
        && crate::domain::survey::may_answer(registration.status, registration.attended)
        && db::feedback::settings(conn, &session.id)?.is_open(&session, now);
    let channel = if matches!(kind, MessageKind::Registered | MessageKind::Promoted | MessageKind::Reminder) {
        reads.channel(conn, &registration.id, &session)?
    } else {
        None
    };
    Ok(Claim::Ready(Box::new(Ready {
        channel,
        kind,
        registration,
        session,
        payload,
        manage_token,
        join_token,
        confirm_token,
        documents,
        survey,
    })))
}

/// A password reset for the organiser named in the payload: a fresh link (ending the older
/// ones), unless the account is gone or disabled since it was asked for.
fn reset_claim(
    conn: &mut db::AnyConnection,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let Some(id) = payload.get("organiser_id").and_then(serde_json::Value::as_str) else {
        return Ok(Claim::Abandon("the reset names no account".into()));
    };
    let Some(organiser) = db::organisers::by_id(conn, id)?.filter(|o| o.active) else {
        return Ok(Claim::Skip("the account is gone or disabled".into()));
    };
    let Ok(address) = organiser.email.parse() else {
        return Ok(Claim::Abandon("the account's address is not valid".into()));
    };
    let token = db::password_reset::mint(conn, &organiser.id, now)?;
    Ok(Claim::Reset(Mailbox::new(Some(organiser.name), address), format!("/admin/reset/{token}")))
}

/// An announcement to the focal point of the organisation in the payload, at the address it
/// has now; skipped once the session is cancelled or has started, or the address is gone.
fn focal_claim(
    conn: &mut db::AnyConnection,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let Ok(payload) = serde_json::from_str::<crate::db::announcements::Payload>(&message.payload) else {
        return Ok(Claim::Abandon("the announcement's payload cannot be read".into()));
    };
    let Some(organisation) = db::organisations::organisation(conn, &payload.organisation)? else {
        return Ok(Claim::Skip("the organisation no longer exists".into()));
    };
    let Some(address) = organisation.focal_email.clone().filter(|a| !a.trim().is_empty()) else {
        return Ok(Claim::Skip("the organisation has no focal point's address any more".into()));
    };
    let Some(mut session) = db::catalogue::session_by_id(conn, &payload.session)? else {
        return Ok(Claim::Abandon("the session no longer exists".into()));
    };
    if session.status != crate::domain::SessionStatus::Published || now >= session.starts_at {
        return Ok(Claim::Skip(format!("no longer applies (session {})", session.status)));
    }
    if let Some(suppressed) = db::bounces::suppression_of(conn, &address.to_lowercase())? {
        return Ok(Claim::Abandon(format!("suppressed: the address bounced ({})", suppressed.reason)));
    }
    let Ok(address) = address.parse() else {
        return Ok(Claim::Abandon("the focal point's address is not valid".into()));
    };
    let language = Language::parse(&organisation.focal_language).unwrap_or(Language::En);
    db::catalogue::localize(conn, &mut session, language.code())?;
    let name = Some(organisation.focal_name.clone()).filter(|n| !n.is_empty());
    Ok(Claim::FocalAnnouncement(Box::new(FocalReady {
        to: Mailbox::new(name, address),
        language,
        organisation: organisation.name,
        session,
        payload,
    })))
}

/// A focal point's digest: the organisation and session read now, a fresh link minted;
/// skipped when nothing waits any more, abandoned when the address bounced for good.
fn digest_claim(
    conn: &mut db::AnyConnection,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let digest = match db::focal_approval::digest(conn, &payload, now)? {
        Ok(digest) => digest,
        Err(reason) => return Ok(Claim::Skip(reason)),
    };
    if let Some(suppressed) = db::bounces::suppression_of(conn, &digest.focal_email.to_lowercase())? {
        return Ok(Claim::Abandon(format!("suppressed: the address bounced ({})", suppressed.reason)));
    }
    Ok(Claim::FocalDigest(Box::new(digest)))
}

/// A focal point's digest, in the focal point's language.
fn digest_message(
    settings: &Settings,
    message: &OutboxMessage,
    digest: &db::focal_approval::Digest,
) -> anyhow::Result<Prepared> {
    let Ok(address) = digest.focal_email.parse() else {
        return Ok(Prepared::Abandon("the focal point's address is not valid".into()));
    };
    let name = (!digest.focal_name.is_empty()).then(|| digest.focal_name.clone());
    let i18n = I18n::new(Language::parse(&digest.language).unwrap_or(Language::En));
    let content = crate::email::focal::digest_message(i18n, digest, &settings.link(&digest.path));
    plain_message(settings, message, Mailbox::new(name, address), i18n, content)
}

/// Writes one claimed message, outside any transaction.
pub(super) fn render(settings: &Settings, message: &OutboxMessage, claim: Claim) -> anyhow::Result<Prepared> {
    let ready = match claim {
        Claim::Ready(ready) => ready,
        Claim::Skip(reason) => return Ok(Prepared::Skip(reason)),
        Claim::Abandon(reason) => return Ok(Prepared::Abandon(reason)),
        Claim::Test(to) => return test_message(settings, message, to),
        Claim::Reset(to, path) => return reset_message(settings, message, to, &path),
        Claim::FocalAnnouncement(ready) => return focal_message(settings, message, *ready),
        Claim::Speaker(claim) => return super::speaker_mail::render(settings, message, *claim),
        Claim::FocalDigest(digest) => return digest_message(settings, message, &digest),
    };
    let Ready {
        kind,
        registration,
        session,
        payload,
        manage_token,
        join_token,
        confirm_token,
        documents,
        survey,
        channel,
    } = *ready;
    let i18n = I18n::new(Language::parse(&registration.language).unwrap_or(Language::En));
    let join_link = join_token.map(|token| settings.link(&format!("/join/{token}")));
    // The calendar part was decided when the message was queued, with the SEQUENCE it sends;
    // an invitation goes only to someone who still holds the seat.
    let calendar = invitations::sequence_of(&payload).and_then(|sequence| {
        let method = kind.calendar_method()?;
        let ics =
            ics::calendar(settings, i18n, &registration, &session, join_link.as_deref(), method, sequence)?;
        Some((ics, method))
    });
    let manage_link = settings.link(&format!("/manage/{manage_token}"));
    let reminders_off_link = format!("{manage_link}/reminders/off");
    let ctx = MessageContext {
        i18n,
        registration: &registration,
        session: &session,
        session_link: settings.link(&format!("/sessions/{}", session.slug)),
        catalogue_link: settings.link("/"),
        manage_link: manage_link.clone(),
        confirm_link: confirm_token.map(|path| settings.link(&path)),
        join_link,
        reminders_off_link: reminders_off_link.clone(),
        payload: &payload,
        documents: &documents,
        calendar: calendar.as_ref().map(|(_, method)| *method),
        survey,
        channel_note: crate::interpretation::channel_note(i18n, channel),
    };
    let content = registration_message(kind, &ctx);
    let (text, html) = content.render(i18n).context("rendering the email")?;
    // The name was cleaned of line breaks when it was stored; the address was validated.
    let address = match kind.recipient() {
        Recipient::Registrant => Some(registration.email.as_str()),
        Recipient::PendingAddress => registration.pending_email.as_deref(),
        Recipient::PreviousAddress => payload.get("previous_email").and_then(serde_json::Value::as_str),
        Recipient::Organiser | Recipient::FocalPoint | Recipient::Speaker => None,
    }
    .context("the message's recipient is not recorded")?;
    let to = Mailbox::new(Some(registration.name.clone()), address.parse().context("stored address")?);
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar,
        list: kind
            .list()
            .map(|list| ListHeaders { list, unsubscribe: format!("{manage_link}/{}", list.stop_path()) }),
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
}

/// The message of `convoca mail-test`, in English (the operator's command has no language).
fn test_message(settings: &Settings, message: &OutboxMessage, to: Mailbox) -> anyhow::Result<Prepared> {
    let i18n = I18n::new(Language::En);
    let content = crate::email::messages::test_message(i18n, &settings.link("/"));
    plain_message(settings, message, to, i18n, content)
}

/// A password reset mail, in English (no language is stored for organisers).
fn reset_message(
    settings: &Settings,
    message: &OutboxMessage,
    to: Mailbox,
    path: &str,
) -> anyhow::Result<Prepared> {
    let i18n = I18n::new(Language::En);
    let name = to.name.clone().unwrap_or_default();
    let content = crate::email::messages::password_reset_message(i18n, &name, &settings.link(path));
    plain_message(settings, message, to, i18n, content)
}

/// An announcement to a focal point, in their language.
fn focal_message(
    settings: &Settings,
    message: &OutboxMessage,
    ready: FocalReady,
) -> anyhow::Result<Prepared> {
    let i18n = I18n::new(ready.language);
    let name = ready.to.name.clone().unwrap_or_default();
    let letter = crate::email::focal_point::FocalLetter {
        i18n,
        name: &name,
        organisation: &ready.organisation,
        session: &ready.session,
        subject: &ready.payload.subject,
        body: &ready.payload.body,
        written_in: &ready.payload.language,
        session_link: settings.link(&format!("/sessions/{}", ready.session.slug)),
        register_link: settings.link(&format!("/sessions/{}/register", ready.session.slug)),
    };
    let content = crate::email::focal_point::message(&letter);
    plain_message(settings, message, ready.to, i18n, content)
}

/// A message to one address with no calendar part and no list to leave (the mail test, an
/// organiser's reset link).
pub(super) fn plain_message(
    settings: &Settings,
    message: &OutboxMessage,
    to: Mailbox,
    i18n: I18n,
    content: crate::email::messages::EmailContent,
) -> anyhow::Result<Prepared> {
    let (text, html) = content.render(i18n).context("rendering the email")?;
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar: None,
        list: None,
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
}
