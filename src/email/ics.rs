//! Calendar entries (iCalendar, RFC 5545) attached to emails and offered for download.

use chrono::{TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use crate::config::Settings;
use crate::db::models::{Registration, Session};
use crate::domain::{CalendarMethod, RegistrationStatus};
use crate::i18n::I18n;

/// The iCalendar METHOD word for a calendar part.
pub fn method_word(method: CalendarMethod) -> &'static str {
    match method {
        CalendarMethod::Publish => "PUBLISH",
        CalendarMethod::Cancel => "CANCEL",
    }
}

/// One event for one registration. The UID is stable per registration, so a later update or
/// cancellation replaces the entry the person imported; SEQUENCE follows the session's version.
pub fn calendar(
    settings: &Settings,
    i18n: I18n,
    registration: &Registration,
    session: &Session,
    manage_link: &str,
    method: CalendarMethod,
) -> String {
    let host = settings.base_url.host_str().unwrap_or("convoca.invalid");
    let session_link = settings.link(&format!("/sessions/{}", session.slug));
    let confirmed = registration.status == RegistrationStatus::Confirmed;
    let mut description = vec![session.summary.clone()];
    if let Some(join) = session.join_url.as_deref().filter(|_| confirmed) {
        description.push(format!("{}{} {join}", i18n.t("email-join-label"), i18n.t("format-colon")));
    }
    description.push(format!("{}{} {manage_link}", i18n.t("email-manage-label"), i18n.t("format-colon")));
    description.push(session_link.clone());

    let mut event = icalendar::Event::new();
    event
        .uid(&format!("registration-{}@{host}", registration.id))
        .sequence(u32::try_from(session.version).unwrap_or(0))
        .summary(&session.title)
        .description(&description.join("\n\n"))
        .starts(Utc.from_utc_datetime(&session.starts_at))
        .ends(Utc.from_utc_datetime(&session.ends_at()))
        .url(&session_link)
        .location(session.join_url.as_deref().filter(|_| confirmed).unwrap_or(&i18n.t("email-online")))
        .status(if method == CalendarMethod::Cancel {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .add_property("ORGANIZER", format!("mailto:{}", settings.mail_from.email));
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Convoca//Webinars//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method_word(method)))
        .push(event.done());
    cal.done().to_string()
}
