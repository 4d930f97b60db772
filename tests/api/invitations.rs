//! Calendar invitations as mail and calendar programs read them: iMIP (RFC 6047) with the
//! properties iTIP (RFC 5546 section 3.2) requires per method, one UID and a strictly rising
//! SEQUENCE per registration, no private link, lines folded at 75 octets.

use chrono::Duration;
use convoca::db::audit::Actor;
use convoca::db::models::Session;
use convoca::domain::Language;
use convoca::domain::session::{SessionInput, TranslationInput};
use icalendar::{Calendar, CalendarComponent, Component, Event};

use crate::helpers::{Engine, ReceivedMail, TestApp, csrf_token, set, valid_form};
use crate::on_both_engines;

const ORGANIZER: &str = "mailto:secretariat@convoca.test";

/// One calendar entry as received, checked on the way in.
#[derive(Debug)]
struct Entry {
    method: String,
    uid: String,
    sequence: u32,
    event: Event,
    /// The calendar text with its folded lines joined again.
    unfolded: String,
}

/// The MIME tree of a mail with an iMIP part of `method`.
fn imip_tree(method: &str) -> Vec<String> {
    vec![
        "multipart/mixed".to_owned(),
        "  multipart/alternative".to_owned(),
        "    text/plain".to_owned(),
        "    text/html".to_owned(),
        format!("    text/calendar; method={method}"),
        "  application/ics attachment invite.ics".to_owned(),
    ]
}

/// The mail's calendar entry, after checking its MIME placement, that the attached copy is
/// the same calendar, every property RFC 5546 requires for its method, the organiser and the
/// attendee, the folding, and that it holds no private link.
fn entry_of(mail: &ReceivedMail, recipient: &str) -> Entry {
    let (ics, method) = mail.calendar().expect("an iMIP part");
    assert_eq!(mail.mime_tree(), imip_tree(&method), "inline in multipart/alternative, then the file");
    assert_eq!(mail.calendar_file().as_deref(), Some(ics.as_str()), "the attached copy is the same");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
    }
    let unfolded = ics.replace("\r\n ", "");
    for private in ["/manage/", "/confirm/", "/erase", "/reminders/"] {
        assert!(!unfolded.contains(private), "no {private} link in a calendar entry: {unfolded}");
    }

    let calendar: Calendar = ics.parse().expect("the calendar parses");
    let calendar_method = calendar.properties.iter().find(|p| p.key() == "METHOD").map(|p| p.value());
    assert_eq!(calendar_method, Some(method.as_str()), "METHOD matches the MIME type's method");
    let events: Vec<&Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "one VEVENT");
    let event = events[0].clone();
    // RFC 5546 3.2.2 (REQUEST) and 3.2.5 (CANCEL).
    for required in ["DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"] {
        assert!(event.property_value(required).is_some(), "{method} needs {required}: {ics}");
    }
    let organizer = event.properties().get("ORGANIZER").expect("ORGANIZER");
    assert_eq!(organizer.value(), ORGANIZER, "the configured organiser mailbox");
    assert_eq!(organizer.params().get("CN").map(|p| p.value()), Some("Metropolis webinars"));
    let attendees = event.get_attendees();
    assert_eq!(attendees.len(), 1, "the registrant is the one ATTENDEE: {ics}");
    assert_eq!(attendees[0].cal_address, format!("mailto:{recipient}"));
    assert_eq!(attendees[0].rsvp, Some(false), "RSVP=FALSE: no replies to the secretariat");
    let status = event.property_value("STATUS");
    match method.as_str() {
        "REQUEST" => assert_eq!(status, Some("CONFIRMED")),
        "CANCEL" => assert_eq!(status, Some("CANCELLED"), "a cancellation says STATUS:CANCELLED"),
        other => panic!("unexpected method {other}"),
    }
    Entry {
        method,
        uid: event.get_uid().expect("UID").to_owned(),
        sequence: event.get_sequence().expect("SEQUENCE"),
        event,
        unfolded,
    }
}

/// The edit form's values for a session as it is stored.
pub(crate) fn input_of(session: &Session) -> SessionInput {
    SessionInput {
        title: session.title.clone(),
        series_id: None,
        summary: session.summary.clone(),
        description: session.description.clone(),
        language: Language::En,
        starts_at: session.starts_at,
        timezone: session.timezone.clone(),
        duration_minutes: session.duration_minutes,
        capacity: session.capacity,
        registration_opens_at: None,
        registration_closes_at: None,
        approval_mode: session.approval_mode,
        reminder_offsets: session.reminder_offsets.clone(),
        follow_up_delay_minutes: session.follow_up_delay_minutes,
        join_url: session.join_url.clone(),
        recording_url: None,
        translations: Vec::new(),
    }
}

/// Saves `input` as an organiser would, through the same function the edit form uses.
pub(crate) async fn save(app: &TestApp, session_id: &str, input: &SessionInput) {
    let (id, input, now) = (session_id.to_owned(), input.clone(), app.clock.now());
    app.db(move |conn| {
        let hash = "not a real hash";
        let organiser = match convoca::db::organisers::add(
            conn,
            "editor@secretariat.example.org",
            "Editor",
            hash,
            false,
            now,
        )
        .expect("organiser")
        {
            convoca::db::organisers::AddOutcome::Added(id) => id,
            convoca::db::organisers::AddOutcome::EmailTaken => {
                convoca::db::organisers::by_email(conn, "editor@secretariat.example.org")
                    .expect("by email")
                    .expect("organiser")
                    .id
            }
        };
        let actor = Actor { id: organiser, name: "Editor".into() };
        convoca::db::sessions::update(conn, &crate::helpers::sid(&id), &input, &actor, now).expect("update")
    })
    .await;
}

/// The mails to `email` that carry a calendar part, oldest first.
fn calendar_mails(app: &TestApp, email: &str) -> Vec<ReceivedMail> {
    app.mail().to(email).into_iter().filter(|m| m.calendar().is_some()).collect()
}

async fn cancel_from_the_manage_page(app: &TestApp, manage: &str) {
    let client = app.client();
    let page = client.get(manage).send().await.expect("manage").text().await.expect("body");
    let token = csrf_token(&page);
    let manage = manage.split('?').next().expect("path").to_owned();
    let res = client.post(format!("{manage}/cancel")).form(&[("csrf_token", token.as_str())]).send().await;
    assert_eq!(res.expect("cancel").status(), 303);
}

async fn one_entry_per_registration_keeps_its_uid_and_a_strictly_rising_sequence(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("lifecycle", 1, 20).await;
    let org = app.create_member("Greater Manchester", "United Kingdom").await;
    let (ana, wait) = ("ana@manchester.gov.uk", "waiting@manchester.gov.uk");
    let mut input = input_of(&session);

    // Register: the invitation.
    let ana_manage = app.register_and_confirm("lifecycle", "Ana O'Neill, \"AO\"", ana, &org).await;
    app.deliver_mail().await;
    let registered = app.mail().to(ana).last().expect("registered").clone();
    assert!(registered.subject().starts_with("You are registered"), "{}", registered.subject());
    let text = registered.text();
    assert!(
        text.contains("Accepting or declining it there changes nothing in your registration"),
        "the mail says replies change nothing: {text}"
    );
    assert!(text.contains("View or cancel my registration"), "and where to cancel");
    let first = entry_of(&registered, ana);
    assert_eq!(first.method, "REQUEST");
    let attendee = &first.event.get_attendees()[0];
    assert_eq!(attendee.cn.as_deref(), Some("Ana O'Neill, 'AO'"), "CN quoted, no double quote inside");
    assert!(first.unfolded.contains(&format!("{}/join/", app.address)), "the personal join link");
    assert!(!first.unfolded.contains("meet.example.org"), "never the platform's address");
    assert!(first.unfolded.contains(&format!("{}/sessions/lifecycle", app.address)), "the session page");

    // The session is full: the next person waits, and holds no calendar entry.
    app.clock.advance(Duration::minutes(1));
    let wait_manage = app.register_and_confirm("lifecycle", "Wai Ting", wait, &org).await;
    app.deliver_mail().await;
    assert_eq!(app.status_of(&session.id, wait).await.as_deref(), Some("waitlisted"));
    assert!(app.mail().to(wait).iter().all(|m| m.calendar().is_none()), "no calendar part while waiting");
    let download = app.client().get(format!("{}/calendar.ics", wait_manage.split('?').next().expect("path")));
    assert_eq!(download.send().await.expect("download").status(), 404, "no entry to download while waiting");

    // A new platform address: the entry holds the personal join link, which does not change,
    // so nobody is told.
    app.clock.advance(Duration::minutes(1));
    input.join_url = Some("https://meet.example.org/lifecycle-room-2".into());
    save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 0, "a new platform address sends no update");

    // A new title: an update with the replacing entry to the seat holder only.
    app.clock.advance(Duration::minutes(1));
    input.title = "Webinar lifecycle: second edition".into();
    save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 1, "one update, to the seat holder");
    let update = app.mail().to(ana).last().expect("update").clone();
    assert!(update.subject().starts_with("Updated:"), "{}", update.subject());
    let second = entry_of(&update, ana);
    assert_eq!(second.method, "REQUEST");
    assert!(second.unfolded.contains("SUMMARY:Webinar lifecycle: second edition"));
    assert!(!second.unfolded.contains("meet.example.org"), "never the platform's address");

    // What the entry does not show sends nothing.
    app.clock.advance(Duration::minutes(1));
    input.description = "A new description.".into();
    input.summary = "A new summary".into();
    save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 0, "a description or summary change sends no update");

    // A move: the seat holder's entry moves; the waiting person hears of it without an entry.
    app.clock.advance(Duration::minutes(1));
    input.starts_at = session.starts_at + Duration::days(2);
    save(&app, &session.id, &input).await;
    app.deliver_mail().await;
    let moved = app.mail().to(ana).last().expect("moved").clone();
    assert!(moved.subject().starts_with("New time"), "{}", moved.subject());
    let third = entry_of(&moved, ana);
    assert!(third.unfolded.contains(&input.starts_at.format("DTSTART:%Y%m%dT%H%M%SZ").to_string()));
    let told = app.mail().to(wait).last().expect("told").clone();
    assert!(told.subject().starts_with("New time") && told.calendar().is_none(), "{:?}", told.mime_tree());

    // Cancelled by the registrant: CANCEL; the seat goes to the waiting person, with an invitation.
    app.clock.advance(Duration::minutes(1));
    cancel_from_the_manage_page(&app, &ana_manage).await;
    app.deliver_mail().await;
    let fourth = entry_of(app.mail().to(ana).last().expect("cancelled"), ana);
    assert_eq!(fourth.method, "CANCEL");
    let promoted = app.mail().to(wait).last().expect("promoted").clone();
    assert!(promoted.subject().starts_with("A seat is yours"), "{}", promoted.subject());
    let waiting_entry = entry_of(&promoted, wait);
    assert_eq!(waiting_entry.method, "REQUEST");
    assert_ne!(waiting_entry.uid, first.uid, "one entry per registration");

    // A new seat (a change no entry shows), then the same person registers again: same UID.
    app.clock.advance(Duration::minutes(1));
    input.capacity = 2;
    save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 0, "a capacity change sends no update");
    let again = app.register_and_confirm("lifecycle", "Ana O'Neill", ana, &org).await;
    app.deliver_mail().await;
    let fifth = entry_of(app.mail().to(ana).last().expect("registered again"), ana);
    assert_eq!(fifth.method, "REQUEST");

    // The manage page's download is that entry as it stands.
    let path = again.split('?').next().expect("path").to_owned();
    let downloaded = app.client().get(format!("{path}/calendar.ics")).send().await.expect("download");
    assert_eq!(downloaded.status(), 200);
    let downloaded: Calendar = downloaded.text().await.expect("body").parse().expect("parses");
    let event = downloaded
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("an event");
    assert_eq!(event.get_uid(), Some(first.uid.as_str()));
    assert_eq!(event.get_sequence(), Some(fifth.sequence), "the current SEQUENCE");

    // The session is cancelled: CANCEL to everyone holding an entry.
    app.clock.advance(Duration::minutes(1));
    let (id, now) = (session.id.clone(), app.clock.now());
    app.db(move |conn| convoca::db::session_changes::cancel(conn, &id, now).expect("cancel")).await;
    app.deliver_mail().await;
    let sixth = entry_of(app.mail().to(ana).last().expect("session cancelled"), ana);
    assert_eq!(sixth.method, "CANCEL");
    let waiting_cancel = entry_of(app.mail().to(wait).last().expect("session cancelled"), wait);
    assert_eq!(
        (waiting_cancel.method.as_str(), waiting_cancel.uid.as_str()),
        ("CANCEL", waiting_entry.uid.as_str())
    );
    assert!(waiting_cancel.sequence > waiting_entry.sequence);

    let entries: Vec<Entry> = calendar_mails(&app, ana).iter().map(|m| entry_of(m, ana)).collect();
    let methods: Vec<&str> = entries.iter().map(|e| e.method.as_str()).collect();
    assert_eq!(methods, ["REQUEST", "REQUEST", "REQUEST", "CANCEL", "REQUEST", "CANCEL"]);
    assert!(entries.iter().all(|e| e.uid == first.uid), "one UID for the registration's whole life");
    let sequences: Vec<u32> = entries.iter().map(|e| e.sequence).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "strictly rising: {sequences:?}");
    assert_eq!(
        [&first, &second, &third, &fourth, &fifth, &sixth].map(|e| e.sequence).to_vec(),
        sequences,
        "every step sent one entry"
    );
}

async fn a_new_title_tells_only_the_seat_holders_who_read_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("titles", 10, 20).await;
    let org = app.create_member("Grand Paris", "France").await;
    let mut input = input_of(&session);
    input.translations = vec![TranslationInput {
        language: Language::Fr,
        title: "Webinaire".into(),
        summary: String::new(),
        description: String::new(),
    }];
    save(&app, &session.id, &input).await;
    for (email, language) in [("claire@grandparis.fr", "fr"), ("tom@grandparis.fr", "en")] {
        let client = app.client();
        let mut form = valid_form("Someone", email, &org);
        set(&mut form, "language", language);
        assert_eq!(app.submit_registration(&client, "titles", &form).await.status(), 303);
        app.deliver_mail().await;
        let link = app.mail().to(email).last().and_then(|m| m.link(&format!("{}/confirm/", app.address)));
        crate::helpers::confirm(&client, &link.expect("confirm link")).await;
        app.deliver_mail().await;
    }
    let before =
        entry_of(app.mail().to("claire@grandparis.fr").last().expect("invite"), "claire@grandparis.fr");
    assert_eq!(before.event.get_summary(), Some("Webinaire"), "in the registrant's language");

    app.clock.advance(Duration::minutes(1));
    input.translations[0].title = "Internationalisation des espaces métropolitains".into();
    save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 1, "only the French reader's entry shows the change");
    let update = app.mail().to("claire@grandparis.fr").last().expect("update").clone();
    assert!(update.subject().starts_with("Mise à jour"), "{}", update.subject());
    let after = entry_of(&update, "claire@grandparis.fr");
    assert_eq!(after.event.get_summary(), Some("Internationalisation des espaces métropolitains"));
    assert_eq!(after.uid, before.uid);
    assert!(after.sequence > before.sequence);
}

async fn a_long_title_is_folded_at_75_octets_and_never_cut(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("folding", 10, 20).await;
    let title = "Internationalisation des espaces métropolitains — coopération décentralisée \
                 entre São Paulo, Ciudad de México, Bruxelles, Αθήνα, 서울 et 東京 (2ᵉ session)";
    assert!(title.len() > 150, "well over two lines");
    let (id, stored) = (session.id.clone(), title.to_owned());
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        diesel::update(s::sessions.find(id)).set(s::title.eq(stored)).execute(conn).expect("title")
    })
    .await;
    let org = app.create_member("Seoul", "Republic of Korea").await;
    app.register_and_confirm("folding", "Seo-yeon Lee", "seoyeon@seoul.go.kr", &org).await;
    app.deliver_mail().await;
    let mail = app.mail().to("seoyeon@seoul.go.kr").last().expect("invite").clone();
    let (ics, _) = mail.calendar().expect("calendar");
    let summary_lines: Vec<&str> = ics
        .split("\r\n")
        .skip_while(|l| !l.starts_with("SUMMARY:"))
        .take_while(|l| l.starts_with("SUMMARY:") || l.starts_with(' '))
        .collect();
    assert!(summary_lines.len() >= 3, "folded over several lines: {summary_lines:?}");
    assert!(summary_lines.iter().all(|l| l.len() <= 75), "at most 75 octets a line: {summary_lines:?}");
    assert!(summary_lines[..summary_lines.len() - 1].iter().any(|l| l.len() >= 70), "folded near the limit");
    let unfolded: String =
        summary_lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
    assert_eq!(unfolded, format!("SUMMARY:{}", title.replace(',', "\\,")), "unfolds to the whole title");
    let entry = entry_of(&mail, "seoyeon@seoul.go.kr");
    assert_eq!(entry.event.get_summary().map(|s| s.replace("\\,", ",")).as_deref(), Some(title));
}

on_both_engines!(
    one_entry_per_registration_keeps_its_uid_and_a_strictly_rising_sequence,
    a_new_title_tells_only_the_seat_holders_who_read_it,
    a_long_title_is_folded_at_75_octets_and_never_cut,
);
