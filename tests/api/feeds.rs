//! Calendar subscription feeds (RFC 5545 PUBLISH), the Atom feed (RFC 4287) and link previews
//! of session pages: read back with real parsers (icalendar's, atom_syndication's).

use chrono::{Duration, NaiveDateTime};
use convoca::db::models::{Series, Session, SessionTranslation};
use diesel::prelude::*;
use icalendar::{Calendar, CalendarComponent, Component};

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

fn events(text: &str) -> Vec<icalendar::Event> {
    let calendar: Calendar = text.parse().expect("the feed parses as iCalendar");
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn event<'a>(events: &'a [icalendar::Event], session: &Session) -> &'a icalendar::Event {
    events
        .iter()
        .find(|e| e.get_url().is_some_and(|u| u.ends_with(&format!("/sessions/{}", session.slug))))
        .unwrap_or_else(|| panic!("an event for {}", session.slug))
}

async fn add_series(app: &TestApp, slug: &str, title: &str, sessions: &[&Session]) {
    let series = Series {
        id: uuid::Uuid::now_v7().to_string(),
        slug: slug.to_owned(),
        title: title.to_owned(),
        description: String::new(),
        is_demo: false,
        created_at: app.clock.now() - Duration::days(30),
        language: "en".into(),
    };
    let ids: Vec<_> = sessions.iter().map(|s| s.id.clone()).collect();
    app.db(move |conn| {
        use convoca::db::schema::{series, sessions};
        diesel::insert_into(series::table).values(&series).execute(conn).expect("series");
        for id in ids {
            diesel::update(sessions::table.find(id))
                .set(sessions::series_id.eq(Some(series.id.clone())))
                .execute(conn)
                .expect("in series");
        }
    })
    .await;
}

async fn set_status(app: &TestApp, session: &Session, status: &str, updated_at: NaiveDateTime) {
    let id = session.id.clone();
    let status = convoca::domain::SessionStatus::parse(status).expect("status");
    app.db(move |conn| {
        use convoca::db::schema::sessions;
        diesel::update(sessions::table.find(id))
            .set((sessions::status.eq(status), sessions::updated_at.eq(updated_at)))
            .execute(conn)
            .expect("status");
    })
    .await;
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client().get(app.url(path)).send().await.expect("request")
}

async fn the_calendar_feed_publishes_public_sessions_without_private_links(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let upcoming = app.create_session("soon", 30, 10).await;
    let draft = app.create_session("draft", 30, 12).await;
    set_status(&app, &draft, "draft", app.clock.now()).await;
    let cancelled = app.create_session("called-off", 30, 5).await;
    let (id, now) = (cancelled.id.clone(), app.clock.now());
    app.db(move |conn| convoca::db::session_changes::cancel(conn, &id, now)).await.expect("cancel");
    let old_cancel = app.create_session("long-cancelled", 30, 3).await;
    set_status(&app, &old_cancel, "cancelled", app.clock.now() - Duration::days(40)).await;
    let long_past = app.create_session("long-past", 30, -200).await;
    let recent_past = app.create_session("recent-past", 30, -20).await;

    let res = get(&app, "/sessions.ics?lang=en").await;
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(header("content-type").starts_with("text/calendar"), "{}", header("content-type"));
    assert_eq!(header("cache-control"), "public, max-age=300");
    assert!(header("etag").starts_with("W/\""), "a weak ETag");
    assert!(header("last-modified").ends_with(" GMT"), "Last-Modified: {}", header("last-modified"));
    assert!(header("set-cookie").is_empty(), "a public feed sets no cookie");
    let text = res.text().await.expect("body");
    let calendar: Calendar = text.parse().expect("parses");
    assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
    assert_eq!(calendar.property_value("X-WR-CALNAME"), Some("Metropolis webinars: webinars"));
    assert_eq!(calendar.property_value("REFRESH-INTERVAL"), Some("PT3600S"));
    assert!(calendar.property_value("X-PUBLISHED-TTL").is_some());
    assert!(calendar.property_value("X-WR-TIMEZONE").is_some());

    let events = events(&text);
    let slugs: Vec<String> = events.iter().filter_map(|e| e.get_url()).map(str::to_owned).collect();
    assert_eq!(events.len(), 3, "upcoming, cancelled lately, recent past; not draft, old: {slugs:?}");
    assert!(!text.contains("/sessions/draft") && !text.contains("/sessions/long-past"));
    assert!(!text.contains("/sessions/long-cancelled"), "a long-cancelled session has left the feed");
    let soon = event(&events, &upcoming);
    assert_eq!(soon.get_uid(), Some(format!("session-{}@127.0.0.1", upcoming.id).as_str()));
    assert_eq!(soon.get_summary(), Some("Webinar soon"));
    assert_eq!(soon.get_sequence(), Some(0));
    assert_eq!(soon.property_value("STATUS"), Some("CONFIRMED"));
    assert!(soon.get_timestamp().is_some(), "DTSTAMP");
    assert!(soon.property_value("ORGANIZER").is_some_and(|o| o.starts_with("mailto:")));
    assert_eq!(
        soon.property_value("DTSTART"),
        Some(upcoming.starts_at.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );
    let off = event(&events, &cancelled);
    assert_eq!(off.property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(off.get_sequence(), Some(1), "cancelling raised the sequence");
    event(&events, &recent_past);
    // No join address, no personal link of any kind.
    assert!(!text.contains("meet.example.org"), "the join address stays out of public feeds");
    assert!(!text.contains("/manage/") && !text.contains("/confirm/") && !text.contains("registration-"));
    let _ = long_past;
    assert_eq!(get(&app, "/sessions/draft.ics").await.status(), 404, "a draft has no public calendar file");
    let old = get(&app, "/sessions/long-past.ics").await;
    assert_eq!(old.status(), 200, "a session's own file stays, whatever its age");
    assert_eq!(old.text().await.expect("body").matches("BEGIN:VEVENT").count(), 1);
}

async fn feeds_answer_304_until_something_changes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("etag", 30, 10).await;
    let client = app.client();
    for path in ["/sessions.ics?lang=en", "/sessions/etag.ics", "/feed?lang=en"] {
        let first = client.get(app.url(path)).send().await.expect("first");
        assert_eq!(first.status(), 200, "{path}");
        let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
        let modified = first.headers()["last-modified"].to_str().expect("last-modified").to_owned();
        let again = client.get(app.url(path)).header("if-none-match", &etag).send().await.expect("again");
        assert_eq!(again.status(), 304, "{path}: If-None-Match");
        assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
        assert!(again.text().await.expect("body").is_empty());
        let since =
            client.get(app.url(path)).header("if-modified-since", &modified).send().await.expect("since");
        assert_eq!(since.status(), 304, "{path}: If-Modified-Since");
        let other =
            client.get(app.url(path)).header("if-none-match", "W/\"other\"").send().await.expect("other");
        assert_eq!(other.status(), 200, "{path}: another tag gets the feed");
    }
    let before = get(&app, "/sessions/etag.ics").await;
    let etag = before.headers()["etag"].to_str().expect("etag").to_owned();
    // The session moves: the feed changes, its SEQUENCE rises.
    app.clock.advance(Duration::minutes(5));
    let later = session.starts_at + Duration::days(1);
    let now = app.clock.now();
    let id = session.id.clone();
    app.db(move |conn| convoca::db::session_changes::reschedule(conn, &id, later, 90, "Europe/Paris", now))
        .await
        .expect("moved");
    let after = app
        .client()
        .get(app.url("/sessions/etag.ics"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("after");
    assert_eq!(after.status(), 200, "a changed feed is sent again");
    let text = after.text().await.expect("body");
    let events = events(&text);
    assert_eq!(events[0].get_sequence(), Some(1), "the move raised SEQUENCE");
    assert_eq!(
        events[0].property_value("DTSTART"),
        Some(later.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );
}

async fn feeds_follow_the_language_series_and_session_asked_for(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let first = app.create_session("first-of-cycle", 30, 10).await;
    let second = app.create_session("second-of-cycle", 30, 20).await;
    let alone = app.create_session("alone", 30, 15).await;
    add_series(&app, "metropolitan-cycle", "Metropolitan cycle", &[&first, &second]).await;
    let translation = SessionTranslation {
        session_id: first.id.clone(),
        language: "fr".into(),
        title: "Premier du cycle".into(),
        summary: "Résumé".into(),
        description: String::new(),
    };
    app.db(move |conn| {
        diesel::insert_into(convoca::db::schema::session_translations::table)
            .values(&translation)
            .execute(conn)
            .expect("translation")
    })
    .await;

    let series = get(&app, "/series/metropolitan-cycle.ics?lang=fr").await;
    assert_eq!(series.status(), 200);
    let text = series.text().await.expect("body");
    let calendar: Calendar = text.parse().expect("parses");
    assert_eq!(calendar.property_value("X-WR-CALNAME"), Some("Metropolitan cycle"));
    let listed = events(&text);
    assert_eq!(listed.len(), 2, "only the series' sessions");
    assert_eq!(event(&listed, &first).get_summary(), Some("Premier du cycle"), "in the reader's language");
    assert!(event(&listed, &first).get_description().is_some_and(|d| d.contains("Détails et inscription")));
    assert_eq!(event(&listed, &second).get_summary(), Some("Webinar second-of-cycle"), "else its own");
    assert!(!text.contains("/sessions/alone"));

    let one = get(&app, "/sessions/alone.ics").await;
    assert_eq!(one.status(), 200);
    let only = events(&one.text().await.expect("body"));
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].get_uid(), Some(format!("session-{}@127.0.0.1", alone.id).as_str()));
    // The session page still answers beside its calendar file.
    assert_eq!(get(&app, "/sessions/alone").await.status(), 200);

    for path in ["/series/no-such-series.ics", "/sessions/no-such-session.ics"] {
        assert_eq!(get(&app, path).await.status(), 404, "{path}");
    }
    for path in ["/sessions.ics?lang=xx", "/feed?lang=klingon", "/series/metropolitan-cycle.ics?lang=de"] {
        let res = get(&app, path).await;
        assert_eq!(res.status(), 400, "{path}");
        let text = res.text().await.expect("body");
        assert!(text.contains("en, fr, es"), "{path}: says which languages: {text}");
    }
}

async fn the_personal_invitation_and_the_feed_are_two_calendar_entries(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("both-uids", 30, 10).await;
    let member = app.create_member("Accra", "GH").await;
    app.register_and_confirm(&session.slug, "Ada Official", "ada@city.example", &member).await;
    app.deliver_mail().await;
    let invitation = app
        .mail()
        .to("ada@city.example")
        .into_iter()
        .find_map(|m| m.calendar())
        .map(|(text, _method)| text)
        .expect("an invitation");
    let invitation_uid = events(&invitation)[0].get_uid().expect("uid").to_owned();
    let feed = get(&app, "/sessions/both-uids.ics").await.text().await.expect("feed");
    let feed_uid = events(&feed)[0].get_uid().expect("uid").to_owned();
    assert_ne!(invitation_uid, feed_uid, "a subscription never replaces the personal invitation");
    assert!(!feed.contains("ada@city.example"), "no attendee in a public feed");
}

async fn the_atom_feed_lists_upcoming_sessions_per_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let soon = app.create_session("atom-soon", 30, 10).await;
    app.create_session("atom-past", 30, -10).await;
    let res = get(&app, "/feed?lang=es").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().expect("type").starts_with("application/atom+xml"));
    let body = res.bytes().await.expect("body");
    let feed = atom_syndication::Feed::read_from(&body[..]).expect("the feed parses as Atom");
    assert_eq!(feed.id(), "tag:127.0.0.1,2026:sessions/es");
    assert_eq!(feed.lang(), Some("es"));
    let this = feed.links().iter().find(|l| l.rel() == "self").expect("rel=self");
    assert_eq!(this.href(), app.url("/feed?lang=es"));
    assert_eq!(feed.entries().len(), 1, "upcoming only");
    let entry = &feed.entries()[0];
    assert_eq!(entry.id(), format!("tag:127.0.0.1,2026:session/{}/es", soon.id));
    assert_eq!(entry.title().as_str(), "Webinar atom-soon");
    assert_eq!(entry.links()[0].href(), app.url("/sessions/atom-soon"));
    assert!(entry.summary().is_some_and(|s| s.as_str().contains("UTC+")), "the date in the session's zone");
    assert!(!String::from_utf8_lossy(&body).contains("meet.example.org"));

    // The catalogue announces the feeds.
    let home = app.client().get(app.url("/")).header("accept-language", "fr").send().await.expect("home");
    let html = home.text().await.expect("body");
    assert!(html.contains(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{}\"",
        app.url("/feed?lang=fr")
    )));
    let webcal = app.address.replacen("http://", "webcal://", 1);
    assert!(html.contains(&format!("href=\"{webcal}/sessions.ics?lang=fr\"")), "a webcal link");
    assert!(html.contains("S&#39;abonner dans votre agenda") || html.contains("S'abonner dans votre agenda"));
}

async fn a_shared_session_link_previews_its_title_date_and_speakers(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let path = "/sessions/internationalisation-and-metropolitan-spaces-2020-07-22";
    let html = get(&app, path).await.text().await.expect("page");
    let meta = |property: &str| -> String {
        let marker = format!("property=\"{property}\" content=\"");
        let at = html.find(&marker).unwrap_or_else(|| panic!("{property} in the page")) + marker.len();
        html[at..].split('"').next().expect("content").to_owned()
    };
    assert_eq!(meta("og:title"), "Internationalisation and metropolitan spaces");
    assert_eq!(meta("og:url"), app.url(path));
    assert_eq!(meta("og:type"), "website");
    assert_eq!(meta("og:locale"), "en_GB");
    let description = meta("og:description");
    assert!(description.contains("Wednesday 22 July 2020"), "the date in the session's zone: {description}");
    assert!(description.contains("Speakers: "), "the speakers: {description}");
    assert!(html.contains("<meta name=\"description\" content=\""));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    assert!(html.contains(&format!("href=\"{path}.ics?lang=en\"")), "a link to the session's calendar file");
}

/// Runs `f` on one connection and returns how many queries it sent.
fn count_queries(
    conn: &mut convoca::db::AnyConnection,
    f: impl FnOnce(&mut convoca::db::AnyConnection),
) -> usize {
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let counter = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = counter.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            seen.fetch_add(1, Ordering::Relaxed);
        }
    });
    f(conn);
    conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
    counter.load(Ordering::Relaxed)
}

async fn feed_queries(app: &TestApp) -> Vec<usize> {
    app.db(|conn| {
        use convoca::db::feeds::{Scope, sessions};
        [Scope::All, Scope::Series("cheap-series"), Scope::Session("cheap-0")]
            .into_iter()
            .map(|scope| count_queries(conn, |conn| drop(sessions(conn, scope, "fr").expect("feed"))))
            .collect()
    })
    .await
}

async fn feeds_cost_two_queries_whatever_the_data(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let first = app.create_session("cheap-0", 30, 10).await;
    add_series(&app, "cheap-series", "Cheap series", &[&first]).await;
    let few = feed_queries(&app).await;
    let mut more = Vec::new();
    for i in 1..8 {
        more.push(app.create_session(&format!("cheap-{i}"), 30, 10 + i).await);
    }
    add_series(&app, "other-series", "Other series", &more.iter().collect::<Vec<_>>()).await;
    let many = feed_queries(&app).await;
    assert_eq!(few, vec![2, 2, 2], "sessions, then translations");
    assert_eq!(many, few, "the same whatever the number of sessions");
}

on_both_engines!(
    feeds_cost_two_queries_whatever_the_data,
    the_calendar_feed_publishes_public_sessions_without_private_links,
    feeds_answer_304_until_something_changes,
    feeds_follow_the_language_series_and_session_asked_for,
    the_personal_invitation_and_the_feed_are_two_calendar_entries,
    the_atom_feed_lists_upcoming_sessions_per_language,
    a_shared_session_link_previews_its_title_date_and_speakers,
);
