//! What each message says, in the registrant's language. The words come from the message
//! files; the layout from `templates/emails/`.

use askama::Template;

use crate::db::models::{Registration, Session};
use crate::domain::{CalendarMethod, MailingList, MessageKind, RegistrationStatus, SessionChange};
use crate::i18n::I18n;
use crate::when::When;

pub struct Fact {
    pub label: String,
    pub value: String,
    pub link: bool,
}

pub struct Action {
    pub label: String,
    pub url: String,
}

/// A message's content, independent of format.
pub struct EmailContent {
    pub subject: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub facts: Vec<Fact>,
    pub action: Option<Action>,
    pub footer: Vec<String>,
    pub calendar: Option<CalendarMethod>,
}

#[derive(Template)]
#[template(path = "emails/message.txt")]
struct TextEmail<'a> {
    c: &'a EmailContent,
    /// "label: value" is written "label : value" in French.
    colon: String,
}

#[derive(Template)]
#[template(path = "emails/message.html")]
struct HtmlEmail<'a> {
    c: &'a EmailContent,
    lang: &'a str,
}

impl EmailContent {
    /// The plain-text and HTML bodies. HTML escapes everything a person typed.
    pub fn render(&self, i18n: I18n) -> askama::Result<(String, String)> {
        let text = TextEmail { c: self, colon: i18n.t("format-colon") }.render()?;
        let html = HtmlEmail { c: self, lang: i18n.code() }.render()?;
        Ok((text, html))
    }
}

pub struct MessageContext<'a> {
    pub i18n: I18n,
    pub registration: &'a Registration,
    pub session: &'a Session,
    pub session_link: String,
    /// The catalogue, for messages about a seat that is gone (cancelled, declined).
    pub catalogue_link: String,
    pub manage_link: String,
    pub confirm_link: Option<String>,
    /// join: the personal join link (`/join/{token}`), for a confirmed registration; the
    /// platform's address is never mailed.
    pub join_link: Option<String>,
    /// One-click link that stops reminders for this registration.
    pub reminders_off_link: String,
    /// The message's own data (a reminder's offset, the session version it was made for).
    pub payload: &'a serde_json::Value,
    /// The session's documents, for the follow-up.
    pub documents: &'a [(String, String)],
    /// The calendar part the message carries, decided when it was queued.
    pub calendar: Option<CalendarMethod>,
    /// feedback: the follow-up invites to the session's survey (under the manage link).
    pub survey: bool,
    /// Which interpretation channel to choose ("Choose the French channel"), for a person who
    /// follows the session in another language than the spoken one.
    pub channel_note: Option<String>,
}

/// The message of `convoca mail-test`: says it came through the outbox and the worker of the
/// instance at `base`.
pub fn test_message(i18n: I18n, base: &str) -> EmailContent {
    EmailContent {
        subject: i18n.t("email-test-subject"),
        heading: i18n.t("email-test-subject"),
        paragraphs: vec![i18n.t("email-hello-neutral"), i18n.t1("email-test-body", "link", base)],
        facts: Vec::new(),
        action: None,
        footer: Vec::new(),
        calendar: None,
    }
}

/// "Reset your password", to an organiser: the link, how long it works, and what to do when
/// one did not ask for it.
pub fn password_reset_message(i18n: I18n, name: &str, link: &str) -> EmailContent {
    EmailContent {
        subject: i18n.t("email-password-reset-subject"),
        heading: i18n.t("email-password-reset-subject"),
        paragraphs: vec![
            i18n.t1("email-hello", "name", name),
            i18n.t1("email-password-reset-body", "minutes", 30),
            i18n.t("email-password-reset-ignore"),
        ],
        facts: Vec::new(),
        action: Some(Action { label: i18n.t("email-password-reset-action"), url: link.to_owned() }),
        footer: Vec::new(),
        calendar: None,
    }
}

/// "in 7 days", "tomorrow"-free and exact: days, hours or minutes, with plurals.
pub fn relative_time(i18n: I18n, minutes: i64) -> String {
    if minutes >= 1440 && minutes % 1440 == 0 {
        i18n.t1("time-in-days", "count", minutes / 1440)
    } else if minutes >= 60 && minutes % 60 == 0 {
        i18n.t1("time-in-hours", "count", minutes / 60)
    } else {
        i18n.t1("time-in-minutes", "count", minutes)
    }
}

/// Builds the content of a registration message of `kind`.
pub fn registration_message(kind: MessageKind, ctx: &MessageContext<'_>) -> EmailContent {
    let i18n = ctx.i18n;
    let title = &ctx.session.title;
    let hello = i18n.t1("email-hello", "name", &ctx.registration.name);
    let manage = Action { label: i18n.t("email-manage-action"), url: ctx.manage_link.clone() };
    let footer = vec![i18n.t1("email-footer-manage", "link", &ctx.manage_link), i18n.t("email-footer-why")];
    let calendar = ctx.calendar;
    // What the calendar part does, said in words: replies from a calendar change nothing.
    let calendar_note = |key: &str| calendar.map(|_| i18n.t(key));
    let confirmed = ctx.registration.status == RegistrationStatus::Confirmed;
    let content =
        |subject_key: &str, paragraphs: Vec<String>, facts: Vec<Fact>, action: Option<Action>| EmailContent {
            subject: i18n.t1(subject_key, "title", title),
            heading: title.clone(),
            paragraphs,
            facts,
            action,
            footer: footer.clone(),
            calendar,
        };
    match kind {
        // Until the address is confirmed, the name is only what someone typed: it is not
        // repeated to the mailbox.
        MessageKind::ConfirmRequest => content(
            "email-confirm-subject",
            vec![i18n.t("email-hello-neutral"), i18n.t("email-confirm-body"), i18n.t("email-confirm-ignore")],
            session_facts(ctx, false),
            ctx.confirm_link
                .as_ref()
                .map(|url| Action { label: i18n.t("email-confirm-action"), url: url.clone() }),
        ),
        MessageKind::AlreadyRegistered => content(
            "email-already-subject",
            vec![
                hello,
                i18n.t1(
                    "email-already-body",
                    "status",
                    i18n.t(&format!("status-{}", ctx.registration.status)),
                ),
            ],
            session_facts(ctx, false),
            Some(manage),
        ),
        MessageKind::Registered => content(
            "email-registered-subject",
            [
                vec![hello, i18n.t("email-registered-body")],
                ctx.channel_note.iter().cloned().collect(),
                calendar_note("email-calendar-invitation").into_iter().collect(),
            ]
            .concat(),
            session_facts(ctx, true),
            Some(manage),
        ),
        MessageKind::Promoted => content(
            "email-promoted-subject",
            [
                vec![hello, i18n.t("email-promoted-body")],
                ctx.channel_note.iter().cloned().collect(),
                calendar_note("email-calendar-invitation").into_iter().collect(),
            ]
            .concat(),
            session_facts(ctx, true),
            Some(manage),
        ),
        MessageKind::Waitlisted => content(
            "email-waitlisted-subject",
            // quotas: waiting for the government's seats, not the session's.
            vec![
                hello,
                i18n.t(if crate::db::seats::waits_for_quota(ctx.payload) {
                    "email-waitlisted-quota-body"
                } else {
                    "email-waitlisted-body"
                }),
            ],
            session_facts(ctx, false),
            Some(manage),
        ),
        MessageKind::Cancelled => content(
            "email-cancelled-subject",
            [
                vec![hello, i18n.t("email-cancelled-body")],
                calendar_note("email-calendar-removed").into_iter().collect(),
            ]
            .concat(),
            session_facts(ctx, false),
            Some(Action { label: i18n.t("email-catalogue-action"), url: ctx.catalogue_link.clone() }),
        ),
        MessageKind::AwaitingApproval => content(
            "email-awaiting-subject",
            // focal: the member's focal point (or, without one, the organisers) decides.
            vec![
                hello,
                i18n.t(if ctx.session.approval_mode == crate::domain::ApprovalMode::FocalPoint {
                    "focal-registrant-awaiting"
                } else {
                    "email-awaiting-body"
                }),
            ],
            session_facts(ctx, false),
            Some(manage),
        ),
        MessageKind::Declined => content(
            "email-declined-subject",
            vec![hello, i18n.t("email-declined-body")],
            session_facts(ctx, false),
            Some(Action { label: i18n.t("email-catalogue-action"), url: ctx.catalogue_link.clone() }),
        ),
        MessageKind::Reminder => {
            let offset = ctx.payload.get("offset").and_then(serde_json::Value::as_i64).unwrap_or(0);
            let when = relative_time(i18n, offset);
            let join =
                ctx.join_link.as_ref().map(|url| Action { label: i18n.t("manage-join"), url: url.clone() });
            let mut message = content(
                "email-reminder-subject",
                [
                    vec![hello, i18n.t2("email-reminder-body", "title", title, "when", &when)],
                    ctx.channel_note.iter().cloned().collect(),
                ]
                .concat(),
                session_facts(ctx, true),
                join.or(Some(manage)),
            );
            message.subject = i18n.t2("email-reminder-subject", "title", title, "when", &when);
            message.footer.insert(1, i18n.t1("email-footer-reminders-off", "link", &ctx.reminders_off_link));
            message
        }
        MessageKind::SessionUpdated => {
            let (subject, body) = match crate::db::invitations::change_of(ctx.payload) {
                SessionChange::Moved => ("email-updated-subject", "email-updated-body"),
                SessionChange::Details => ("email-changed-subject", "email-changed-body"),
            };
            let mut paragraphs = vec![hello, i18n.t(body)];
            paragraphs.extend(calendar_note("email-updated-calendar"));
            content(subject, paragraphs, session_facts(ctx, confirmed), Some(manage))
        }
        MessageKind::SessionCancelled => content(
            "email-session-cancelled-subject",
            [
                vec![hello, i18n.t("email-session-cancelled-body")],
                calendar_note("email-calendar-removed").into_iter().collect(),
            ]
            .concat(),
            session_facts(ctx, false),
            Some(Action { label: i18n.t("email-catalogue-action"), url: ctx.catalogue_link.clone() }),
        ),
        MessageKind::FollowUp => {
            let body = match ctx.registration.attended {
                Some(true) => "email-follow-up-attended",
                Some(false) => "email-follow-up-absent",
                None => "email-follow-up-body",
            };
            let mut facts = Vec::new();
            if let Some(recording) = &ctx.session.recording_url {
                facts.push(Fact { label: i18n.t("session-recording"), value: recording.clone(), link: true });
            }
            for (title, url) in ctx.documents {
                facts.push(Fact { label: title.clone(), value: url.clone(), link: true });
            }
            let watch = ctx
                .session
                .recording_url
                .as_ref()
                .map(|url| Action { label: i18n.t("session-watch-recording"), url: url.clone() });
            let mut paragraphs = vec![hello, i18n.t(body)];
            // feedback: the survey and the certificate, both under the manage link.
            if ctx.survey {
                paragraphs.push(i18n.t("email-follow-up-survey-invite"));
                let survey = format!("{}/survey", ctx.manage_link);
                facts.push(Fact { label: i18n.t("email-follow-up-survey"), value: survey, link: true });
            }
            if ctx.registration.attended == Some(true) {
                let certificate = format!("{}/certificate.pdf", ctx.manage_link);
                facts.push(Fact {
                    label: i18n.t("email-follow-up-certificate"),
                    value: certificate,
                    link: true,
                });
            }
            content("email-follow-up-subject", paragraphs, facts, watch)
        }
        MessageKind::MailTest => test_message(i18n, &ctx.catalogue_link),
        // Never queued for a registration: the worker writes it to the organiser with
        // `password_reset_message` and the link it mints.
        MessageKind::OrganiserPasswordReset => test_message(i18n, &ctx.catalogue_link),
        // Written by `email::focal_point` (no registration); never through here.
        MessageKind::FocalPointAnnouncement => test_message(i18n, &ctx.catalogue_link),
        // Never queued for a registration: the worker writes them to the speaker with
        // `email::speaker_messages`.
        MessageKind::SpeakerInvitation
        | MessageKind::SpeakerReminder
        | MessageKind::SpeakerSessionUpdated
        | MessageKind::SpeakerSessionCancelled => test_message(i18n, &ctx.catalogue_link),
        // Never queued for a registration: the worker writes it to the focal point with
        // `email::focal::digest_message`.
        MessageKind::FocalDigest => test_message(i18n, &ctx.catalogue_link),
        MessageKind::Announcement => {
            // An organiser's own words, from the payload; the templates escape them.
            let text = |key: &str| ctx.payload.get(key).and_then(serde_json::Value::as_str).unwrap_or("");
            let mut paragraphs = vec![hello];
            // Not written in the registrant's language: said in theirs, before the text.
            let written_in = text("language");
            if !written_in.is_empty() && written_in != ctx.registration.language {
                paragraphs.push(i18n.t1(
                    "texts-announcement-fallback",
                    "language",
                    i18n.t(&format!("in-language-{written_in}")),
                ));
            }
            let mut current: Vec<&str> = Vec::new();
            for line in text("body").lines().map(str::trim_end).chain([""]) {
                if line.trim().is_empty() {
                    if !current.is_empty() {
                        paragraphs.push(current.join("\n"));
                        current.clear();
                    }
                } else {
                    current.push(line);
                }
            }
            let stop = format!("{}/{}", ctx.manage_link, MailingList::Announcements.stop_path());
            let mut footer = footer.clone();
            footer.insert(1, i18n.t1("email-footer-announcements-off", "link", &stop));
            EmailContent {
                subject: text("subject").to_owned(),
                heading: title.clone(),
                paragraphs,
                facts: session_facts(ctx, confirmed),
                action: Some(manage),
                footer,
                calendar,
            }
        }
        MessageKind::DetailsChanged => content(
            "email-details-changed-subject",
            vec![hello, i18n.t("email-details-changed-body"), i18n.t("email-details-changed-not-you")],
            session_facts(ctx, confirmed),
            Some(manage),
        ),
        // Sent to an address nobody has confirmed yet: the name is not repeated to it.
        MessageKind::EmailChangeRequest => content(
            "email-change-request-subject",
            vec![
                i18n.t("email-hello-neutral"),
                i18n.t("email-change-request-body"),
                i18n.t("email-change-request-ignore"),
            ],
            session_facts(ctx, false),
            ctx.confirm_link
                .as_ref()
                .map(|url| Action { label: i18n.t("email-change-request-action"), url: url.clone() }),
        ),
        // The old address hears of the change, without a link into the registration.
        MessageKind::EmailChanged => EmailContent {
            footer: vec![i18n.t("email-footer-why")],
            ..content(
                "email-address-changed-subject",
                vec![hello, i18n.t("email-address-changed-body"), i18n.t("email-address-changed-not-you")],
                Vec::new(),
                None,
            )
        },
    }
}

/// The session's facts: title, time in its zone and in the registrant's, language, and the
/// join link for confirmed registrants.
fn session_facts(ctx: &MessageContext<'_>, with_join: bool) -> Vec<Fact> {
    let i18n = ctx.i18n;
    let session = ctx.session;
    let when = When::of(i18n, session);
    let mut facts = vec![
        Fact { label: i18n.t("email-session-label"), value: session.title.clone(), link: false },
        Fact { label: i18n.t("email-when-label"), value: when.line(), link: false },
    ];
    if let Some(zone) = ctx.registration.timezone.as_deref().filter(|z| *z != session.timezone) {
        // Both dates when the session crosses midnight in the registrant's zone.
        facts.push(Fact {
            label: i18n.t("email-your-time-label"),
            value: crate::when::range_in_zone(i18n, session.starts_at, session.duration_minutes, zone),
            link: false,
        });
    }
    facts.push(Fact {
        label: i18n.t("session-language"),
        value: i18n.t(&format!("in-language-{}", session.language)),
        link: false,
    });
    if with_join && let Some(join) = &ctx.join_link {
        facts.push(Fact { label: i18n.t("email-join-label"), value: join.clone(), link: true });
    }
    facts.push(Fact { label: i18n.t("email-details-label"), value: ctx.session_link.clone(), link: true });
    facts
}
