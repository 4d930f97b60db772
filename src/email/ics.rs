//! Calendar entries (iCalendar, RFC 5545) sent as iMIP invitations (RFC 6047) and offered for
//! download. Every one is built with the `icalendar` crate, which escapes text, quotes
//! parameters and folds lines at 75 octets.

use chrono::{TimeZone, Utc};
use icalendar::{Attendee, CUType, Calendar, Component, EventLike, EventStatus, PartStat, Property, Role};

use crate::config::Settings;
use crate::db::models::{Registration, Session};
use crate::domain::{CalendarMethod, Language, RegistrationStatus};
use crate::i18n::I18n;

/// The iTIP METHOD word for a calendar part (also the `method` parameter of its MIME type).
pub fn method_word(method: CalendarMethod) -> &'static str {
    match method {
        CalendarMethod::Request => "REQUEST",
        CalendarMethod::Cancel => "CANCEL",
    }
}

/// The entry's UID: one per registration, for its whole life, so every later update or
/// cancellation replaces the entry the person's calendar holds.
pub fn uid(settings: &Settings, registration: &Registration) -> String {
    let host = settings.base_url.host_str().unwrap_or("convoca.invalid");
    format!("registration-{}@{host}", registration.id)
}

/// A parameter value cannot hold a double quote (RFC 5545 section 3.1); the crate quotes
/// values with `:`, `;` or `,` itself.
fn parameter_text(text: &str) -> String {
    text.chars().map(|c| if c == '"' || c.is_control() { '\'' } else { c }).collect()
}

/// One event for one registration, with `method` and `sequence`; `session` is already in the
/// registrant's language (`i18n`). An invitation (`Request`) exists only for someone with a
/// seat: `None` for anyone else. The entry carries every property RFC 5546 section 3.2.2
/// (REQUEST) or 3.2.5 (CANCEL) requires: ORGANIZER, ATTENDEE, DTSTAMP, DTSTART, SEQUENCE,
/// SUMMARY, UID, and STATUS:CANCELLED for a cancellation. The only links are the session page
/// and, in an invitation, the personal join link (`join_link`, never the platform's address:
/// the entry stays right when that address changes); never a link that changes the
/// registration.
pub fn calendar(
    settings: &Settings,
    i18n: I18n,
    registration: &Registration,
    session: &Session,
    join_link: Option<&str>,
    method: CalendarMethod,
    sequence: i32,
) -> Option<String> {
    let invitation = method == CalendarMethod::Request;
    if invitation && registration.status != RegistrationStatus::Confirmed {
        return None;
    }
    let session_link = settings.link(&format!("/sessions/{}", session.slug));
    let join = join_link.filter(|_| invitation);
    let colon = i18n.t("format-colon");
    let mut description = Vec::new();
    if let Some(join) = join {
        description.push(format!("{}{colon} {join}", i18n.t("email-join-label")));
    }
    description.push(format!("{}{colon} {session_link}", i18n.t("email-details-label")));
    description.push(i18n.t(if invitation { "calendar-replies-note" } else { "calendar-cancelled-note" }));

    let organizer_name = settings.organizer.name.clone().unwrap_or_else(|| "Convoca".to_owned());
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", settings.organizer.email));
    organizer.add_parameter("CN", &parameter_text(&organizer_name));
    let mut attendee = Attendee::new(format!("mailto:{}", registration.email))
        .cn(parameter_text(&registration.name))
        .cutype(CUType::Individual)
        .role(Role::ReqParticipant)
        // Replies would go to the secretariat and change nothing: none is asked for.
        .rsvp(false);
    if invitation {
        // The person asked for the seat and confirmed their address.
        attendee = attendee.partstat(PartStat::Accepted);
    }
    let mut event = icalendar::Event::new();
    event
        .uid(&uid(settings, registration))
        .timestamp(Utc::now())
        .sequence(u32::try_from(sequence).unwrap_or(0))
        .summary(&session.title)
        .description(&description.join("\n\n"))
        .starts(Utc.from_utc_datetime(&session.starts_at))
        .ends(Utc.from_utc_datetime(&session.ends_at()))
        .url(&session_link)
        .location(&join.map_or_else(|| i18n.t("email-online"), str::to_owned))
        .status(if invitation { EventStatus::Confirmed } else { EventStatus::Cancelled })
        .add_property("TRANSP", "OPAQUE")
        .append_property(organizer.done())
        .attendee(attendee);
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Convoca//Webinars//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method_word(method)))
        .push(event.done());
    Some(cal.done().to_string())
}

/// The manage page's download: the invitation as it stands (the registration's current
/// SEQUENCE, in the registrant's language; `session` already in that language), with the
/// personal `join_link`. `None` for someone without a seat, who holds no calendar entry.
pub fn download(
    settings: &Settings,
    registration: &Registration,
    session: &Session,
    join_link: Option<&str>,
) -> Option<String> {
    let i18n = I18n::new(Language::parse(&registration.language).unwrap_or(Language::En));
    calendar(
        settings,
        i18n,
        registration,
        session,
        join_link,
        CalendarMethod::Request,
        registration.calendar_sequence,
    )
}

/// The UID of a speaker's entry for a session: one per speaker and session, never a
/// registration's (`registration-…`), so a speaker who also registered keeps both entries.
pub fn speaker_uid(settings: &Settings, speaker_id: &str, session_id: &str) -> String {
    let host = settings.base_url.host_str().unwrap_or("convoca.invalid");
    format!("speaker-{speaker_id}-{session_id}@{host}")
}

/// What a speaker's calendar entry shows besides the session: their name and address, the
/// speakers' join link and the technical check time in words.
pub struct SpeakerEntry<'a> {
    pub speaker_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub join_url: Option<&'a str>,
    pub tech_check: Option<String>,
}

/// A speaker's invitation (REQUEST, with the speakers' join link, never the attendees') or its
/// cancellation (CANCEL), with the properties RFC 5546 sections 3.2.2 and 3.2.5 require;
/// `session` is already in the speaker's language (`i18n`).
pub fn speaker_calendar(
    settings: &Settings,
    i18n: I18n,
    speaker: &SpeakerEntry<'_>,
    session: &Session,
    method: CalendarMethod,
    sequence: i32,
) -> String {
    let invitation = method == CalendarMethod::Request;
    let session_link = settings.link(&format!("/sessions/{}", session.slug));
    let join = speaker.join_url.filter(|_| invitation);
    let colon = i18n.t("format-colon");
    let mut description = Vec::new();
    if let Some(join) = join {
        description.push(format!("{}{colon} {join}", i18n.t("speaker-join-label")));
    }
    if let Some(check) = speaker.tech_check.as_ref().filter(|_| invitation) {
        description.push(format!("{}{colon} {check}", i18n.t("speaker-tech-check-label")));
    }
    description.push(format!("{}{colon} {session_link}", i18n.t("email-details-label")));
    description.push(i18n.t(if invitation { "calendar-replies-note" } else { "calendar-cancelled-note" }));
    let organizer_name = settings.organizer.name.clone().unwrap_or_else(|| "Convoca".to_owned());
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", settings.organizer.email));
    organizer.add_parameter("CN", &parameter_text(&organizer_name));
    let attendee = Attendee::new(format!("mailto:{}", speaker.email))
        .cn(parameter_text(speaker.name))
        .cutype(CUType::Individual)
        .role(Role::ReqParticipant)
        .rsvp(false);
    let mut event = icalendar::Event::new();
    event
        .uid(&speaker_uid(settings, speaker.speaker_id, session.id.as_str()))
        .timestamp(Utc::now())
        .sequence(u32::try_from(sequence).unwrap_or(0))
        .summary(&session.title)
        .description(&description.join("\n\n"))
        .starts(Utc.from_utc_datetime(&session.starts_at))
        .ends(Utc.from_utc_datetime(&session.ends_at()))
        .url(&session_link)
        .location(&join.map_or_else(|| i18n.t("email-online"), str::to_owned))
        .status(if invitation { EventStatus::Confirmed } else { EventStatus::Cancelled })
        .add_property("TRANSP", "OPAQUE")
        .append_property(organizer.done())
        .attendee(attendee);
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Convoca//Webinars//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method_word(method)))
        .push(event.done());
    cal.done().to_string()
}
