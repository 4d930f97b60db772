//! What registrants receive and what everyone sees as a session goes by: no mail, calendar
//! part or manage page carries the platform's address (only the personal join link); public
//! pages say "Live now" from start to end and "Recording available" only after; a range that
//! crosses midnight names both dates.

use chrono::Duration;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, csrf_token};
use crate::on_both_engines;

on_both_engines!(
    no_mail_calendar_part_or_manage_page_carries_the_platform_address,
    public_pages_say_live_now_from_start_to_end_and_the_recording_only_after,
    a_time_range_across_midnight_names_both_dates,
);

const PLATFORM: &str = "meet.example.org";

async fn get(app: &TestApp, path: &str) -> String {
    let res = app.client().get(app.url(path)).send().await.expect("page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("body")
}

async fn no_mail_calendar_part_or_manage_page_carries_the_platform_address(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("addressless", 1, 10).await;
    let org = app.create_member("Greater Manchester", "United Kingdom").await;
    // A seat holder, then someone on the waiting list.
    let first = app.register_and_confirm("addressless", "Ana Torres", "ana@manchester.gov.uk", &org).await;
    let second = app.register_and_confirm("addressless", "Bo Chen", "bo@manchester.gov.uk", &org).await;
    app.deliver_mail().await;

    // The manage page and its calendar download: the personal link only.
    let client = app.client();
    let manage = client.get(&first).send().await.expect("manage").text().await.expect("body");
    assert!(!manage.contains(PLATFORM), "{manage}");
    assert!(manage.contains("/join\""), "the manage page opens the join page");
    let path = first.split('?').next().expect("path").to_owned();
    let ics =
        client.get(format!("{path}/calendar.ics")).send().await.expect("ics").text().await.expect("body");
    assert!(!ics.contains(PLATFORM), "{ics}");
    assert!(ics.replace("\r\n ", "").contains(&format!("{}/join/", app.address)), "{ics}");
    let join_page = client.get(format!("{path}/join")).send().await.expect("join page");
    assert_eq!(join_page.status(), 200);
    assert!(!join_page.text().await.expect("body").contains(PLATFORM));

    // A reminder, a move, then a cancellation that promotes the waiting person.
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    let (id, starts, now) = (session.id.clone(), session.starts_at + Duration::hours(1), app.clock.now());
    app.db(move |conn| {
        convoca::db::session_changes::reschedule(conn, &id, starts, 90, "Europe/Paris", now).expect("move")
    })
    .await;
    app.deliver_mail().await;
    let page = client.get(&first).send().await.expect("manage").text().await.expect("body");
    let res = client.post(format!("{path}/cancel")).form(&[("csrf_token", csrf_token(&page))]).send().await;
    assert_eq!(res.expect("cancel").status(), 303);
    app.deliver_mail().await;

    let mails = app.mail().received();
    let subjects: Vec<String> = mails.iter().map(|m| m.subject()).collect();
    for expected in ["You are registered", "Reminder", "New time", "A seat is yours"] {
        assert!(subjects.iter().any(|s| s.starts_with(expected)), "{expected} in {subjects:?}");
    }
    for mail in &mails {
        let calendar = mail.calendar().map(|(ics, _)| ics).unwrap_or_default();
        for part in [mail.text(), mail.html(), calendar.clone()] {
            assert!(!part.contains(PLATFORM), "{}: {part}", mail.subject());
        }
        if !calendar.is_empty() && calendar.contains("METHOD:REQUEST") {
            let unfolded = calendar.replace("\r\n ", "");
            assert!(unfolded.contains(&format!("LOCATION:{}/join/", app.address)), "{unfolded}");
        }
    }
    let promoted = app.mail().to("bo@manchester.gov.uk");
    let promoted = promoted.iter().find(|m| m.subject().starts_with("A seat is yours")).expect("promoted");
    assert!(promoted.text().contains(&format!("{}/join/", app.address)), "the promoted person gets a link");
    let waiting = app.mail().to("bo@manchester.gov.uk");
    let waiting = waiting.iter().find(|m| m.subject().contains("waiting list")).expect("waitlisted");
    assert!(!waiting.text().contains("/join/"), "no join link while waiting");
    let _ = second;
}

async fn set_recording(app: &TestApp, session_id: &str) {
    let id = session_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.filter(s::id.eq(id)))
            .set(s::recording_url.eq(Some("https://video.example.org/live-one")))
            .execute(conn)
            .expect("recording")
    })
    .await;
}

/// The catalogue's section the session's card is in.
fn section_of(catalogue: &str, slug: &str) -> &'static str {
    let card = catalogue.find(&format!("/sessions/{slug}\"")).expect("the card is listed");
    let starts = |id: &str| catalogue.find(&format!("id=\"{id}\"")).unwrap_or(usize::MAX);
    let (live, upcoming, past) = (starts("live-heading"), starts("upcoming-heading"), starts("past-heading"));
    if card > past {
        "past"
    } else if card > upcoming {
        "upcoming"
    } else if card > live {
        "live"
    } else {
        "none"
    }
}

async fn public_pages_say_live_now_from_start_to_end_and_the_recording_only_after(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("live-one", 50, 1).await;
    // Published early, as organisers often do: the label must still wait for the end.
    set_recording(&app, &session.id).await;

    // Before: upcoming, not live; read once so that the pages are cached.
    let (catalogue, page) = (get(&app, "/").await, get(&app, "/sessions/live-one").await);
    assert_eq!(section_of(&catalogue, "live-one"), "upcoming");
    assert!(!catalogue.contains("Live now") && !page.contains("Live now"));
    assert!(!page.contains("Recording available") && !page.contains("video.example.org"));

    // From the start: live now, with the join explanation; the cached pages expired.
    for at in [session.starts_at, session.ends_at() - Duration::seconds(1)] {
        app.clock.set(at);
        let (catalogue, page) = (get(&app, "/").await, get(&app, "/sessions/live-one").await);
        assert_eq!(section_of(&catalogue, "live-one"), "live", "not listed as upcoming once started");
        assert!(page.contains("Live now") && page.contains("personal link in their emails"), "{page}");
        assert!(!page.contains("Recording available") && !page.contains("video.example.org"), "{page}");
        assert!(!catalogue.contains("Recording available"));
    }

    // From the end: past, "Recording available", with the link.
    app.clock.set(session.ends_at());
    let (catalogue, page) = (get(&app, "/").await, get(&app, "/sessions/live-one").await);
    assert_eq!(section_of(&catalogue, "live-one"), "past");
    assert!(!page.contains("Live now") && !catalogue.contains("Live now"));
    assert!(page.contains("Recording available") && page.contains("https://video.example.org/live-one"));
    assert!(catalogue.contains("Recording available"));
    let es = app
        .client()
        .get(app.url("/sessions/live-one?lang=es"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(!es.contains("En directo"), "Spanish after the end too");
}

/// Moves a session to `starts` (UTC).
async fn starting_at(app: &TestApp, session_id: &str, starts: chrono::NaiveDateTime) {
    let id = session_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.filter(s::id.eq(id)))
            .set(s::starts_at.eq(starts))
            .execute(conn)
            .expect("move")
    })
    .await;
}

/// The words of the session page's time.
async fn time_on_page(app: &TestApp, slug: &str) -> String {
    let page = get(app, &format!("/sessions/{slug}")).await;
    let time = &page[page.find("<time").expect("a time")..];
    let time = &time[time.find('>').expect("tag") + 1..];
    time[..time.find("</time>").expect("end")].to_owned()
}

async fn a_time_range_across_midnight_names_both_dates(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let late = app.create_session("late-night", 50, 3).await;
    let day = (late.starts_at + Duration::days(1)).date();
    // 22:30 UTC for 90 minutes: 23:30 to 01:00 the next day in Paris (UTC+1 in December).
    starting_at(&app, &late.id, day.and_hms_opt(22, 30, 0).expect("time")).await;
    let time = time_on_page(&app, "late-night").await;
    let date = |d: chrono::NaiveDate| d.format("%A %-d %B %Y").to_string();
    assert!(time.contains(&date(day)) && time.contains(&date(day + Duration::days(1))), "both dates: {time}");
    assert!(time.contains("23:30") && time.contains("01:00"), "{time}");

    // An afternoon session names one date.
    let afternoon = app.create_session("afternoon", 50, 3).await;
    starting_at(&app, &afternoon.id, day.and_hms_opt(12, 0, 0).expect("time")).await;
    let time = time_on_page(&app, "afternoon").await;
    assert!(time.contains(&date(day)) && !time.contains(&date(day + Duration::days(1))), "{time}");
}
