//! What keeps public pages fast, checked for correctness: each page loads in a fixed number of
//! queries whatever the data, and the page cache follows the database: a change made through
//! another instance shows within a second (`page_cache.rs` tests the bound), and the passing of
//! time at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use convoca::db::models::{PanelEntry, Speaker, new_id};
use convoca::db::{AnyConnection, admin_registrations, catalogue, panels};
use diesel::connection::{Connection, InstrumentationEvent};
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

/// Runs `f` on one connection and returns how many queries it sent.
fn count_queries(conn: &mut AnyConnection, f: impl FnOnce(&mut AnyConnection)) -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
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

/// Queries sent by the catalogue, a session page, an organiser's panel page and the first
/// page of an organiser's registrations list, in that order.
async fn page_queries(app: &TestApp, session_id: &str, slug: &str) -> [usize; 4] {
    let (session_id, slug) = (crate::helpers::sid(session_id), slug.to_owned());
    app.db(move |conn| {
        let catalogue = count_queries(conn, |conn| {
            let entries = catalogue::catalogue(conn, "fr").expect("catalogue");
            assert!(!entries.is_empty());
        });
        let session_page = count_queries(conn, |conn| {
            let detail = catalogue::session_by_slug(conn, &slug, "fr").expect("query").expect("found");
            catalogue::listed_participants(conn, &detail.session.id).expect("participants");
        });
        let panel = count_queries(conn, |conn| {
            panels::panel(conn, &session_id).expect("panel").expect("found");
        });
        let registrations = count_queries(conn, |conn| {
            let session = admin_registrations::session(conn, &session_id).expect("query").expect("found");
            admin_registrations::counts(conn, &session).expect("counts");
            admin_registrations::filter_choices(conn, &session.id).expect("choices");
            admin_registrations::list(conn, &session.id, &Default::default(), 0, 50).expect("list");
        });
        [catalogue, session_page, panel, registrations]
    })
    .await
}

/// Adds `n` speakers to a session's panel.
async fn add_panel(app: &TestApp, session_id: &str, n: usize) {
    let (session_id, now) = (crate::helpers::sid(session_id), app.clock.now());
    app.db(move |conn| {
        for i in 0..n {
            let speaker = Speaker {
                id: new_id(),
                name: format!("Speaker {i}"),
                honorific: String::new(),
                position: "Mayor".into(),
                organisation: "A city".into(),
                bio: "Bio".into(),
                photo_path: None,
                is_demo: false,
                created_at: now,
            };
            diesel::insert_into(convoca::db::schema::speakers::table)
                .values(&speaker)
                .execute(conn)
                .expect("speaker");
            diesel::insert_into(convoca::db::schema::panel_entries::table)
                .values(&PanelEntry {
                    id: new_id(),
                    session_id: session_id.clone(),
                    speaker_id: speaker.id,
                    role: convoca::domain::PanelRole::Speaker,
                    position: i32::try_from(i).expect("small"),
                })
                .execute(conn)
                .expect("panel entry");
        }
    })
    .await;
}

async fn pages_load_in_a_fixed_number_of_queries_whatever_the_data(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("fixed", 500, 10).await;
    add_panel(&app, &session.id, 1).await;
    app.insert_confirmed(&session.id, 1, "en", chrono::Duration::hours(1)).await;
    let small = page_queries(&app, &session.id, "fixed").await;

    for i in 0..20 {
        app.create_session(&format!("other-{i}"), 10, 5 + i).await;
    }
    add_panel(&app, &session.id, 25).await;
    app.insert_confirmed(&session.id, 120, "fr", chrono::Duration::hours(1)).await;
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::registrations;
        diesel::update(registrations::table.filter(registrations::session_id.eq(&id)))
            .set(registrations::listed.eq(true))
            .execute(conn)
            .expect("listed");
    })
    .await;
    let large = page_queries(&app, &session.id, "fixed").await;

    assert_eq!(small, large, "no query per row: catalogue, session page, panel, registrations");
    assert!(large[0] <= 3, "catalogue: {} queries", large[0]);
    assert!(large[1] <= 6, "session page: {} queries", large[1]);
    assert!(large[2] <= 2, "panel: {} queries", large[2]);
    // The list reads its page's ids, then their rows with the organisations (db::admin_registrations).
    assert!(large[3] <= 7, "registrations list: {} queries", large[3]);
}

async fn get(client: &reqwest::Client, url: String) -> String {
    let res = client.get(url).header("accept-language", "en").send().await.expect("get");
    assert_eq!(res.status(), 200);
    res.text().await.expect("body")
}

async fn cached_pages_follow_changes_made_through_another_instance_and_time(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("cached", 2, 10).await;
    let other = app.another_instance().await;
    let visitor = app.client();
    let page = app.url("/sessions/cached");

    let first = get(&visitor, page.clone()).await;
    assert!(first.contains("2 of 2 seats left") || first.contains("2 seats left"), "{first}");
    assert_eq!(first, get(&visitor, page.clone()).await, "served again, identical");

    // A registration confirmed through the other instance: this one shows the new count.
    let org = other.create_member("Accra", "Ghana").await;
    let registrant = other.client();
    let form = crate::helpers::valid_form("Kofi Annan", "kofi@accra.gov.gh", &org);
    assert_eq!(other.submit_registration(&registrant, "cached", &form).await.status(), 303);
    app.deliver_mail().await;
    let link = app
        .mail()
        .to("kofi@accra.gov.gh")
        .last()
        .and_then(|m| m.link(&format!("{}/confirm/", app.address)))
        .expect("confirmation link");
    let through_other = link.replace(&app.address, &other.address);
    assert_eq!(crate::helpers::confirm(&registrant, &through_other).await.status(), 303);
    let seats = if first.contains("2 of 2 seats left") { "1 of 2 seats left" } else { "1 seat left" };
    crate::page_cache::shows_within(&visitor, &page, seats).await;

    // An organiser's edit through the other instance (here straight in the database, as any
    // writer would): the title changes on this instance's catalogue and session page.
    let home = get(&visitor, app.url("/")).await;
    assert!(home.contains("Webinar cached"));
    let id = session.id.clone();
    other
        .db(move |conn| {
            use convoca::db::schema::sessions;
            diesel::update(sessions::table.find(&id))
                .set(sessions::title.eq("Renamed webinar"))
                .execute(conn)
                .expect("rename");
        })
        .await;
    crate::page_cache::shows_within(&visitor, &app.url("/"), "Renamed webinar").await;
    crate::page_cache::shows_within(&visitor, &page, "Renamed webinar").await;

    // Time alone: once the session has started, registration is over, with no write at all.
    let open = get(&visitor, page.clone()).await;
    assert!(open.contains("/sessions/cached/register"), "open for registration");
    app.clock.set(app.clock.now() + chrono::Duration::days(10) + chrono::Duration::minutes(1));
    let started = get(&visitor, page.clone()).await;
    assert!(!started.contains("/sessions/cached/register"), "registration closed at the start");

    // Each language is its own page.
    let fr = visitor
        .get(page.clone())
        .header("accept-language", "fr")
        .send()
        .await
        .expect("fr")
        .text()
        .await
        .expect("body");
    assert!(fr.contains("<html lang=\"fr\">"));
}

/// A rush of registrations (committed in groups on SQLite): every request answered, each
/// registration whole (its consent and its confirmation mail), one address kept once.
async fn a_rush_of_registrations_is_stored_whole(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("rush", 1000, 10).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let page = client.get(app.url("/sessions/rush/register")).send().await.expect("form");
    let token = crate::helpers::csrf_token(&page.text().await.expect("body"));
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..120 {
        // Ten requests for one address among a hundred and ten distinct ones.
        let email = if i % 12 == 0 { "same@accra.gov.gh".to_owned() } else { format!("p{i}@accra.gov.gh") };
        let mut form = crate::helpers::valid_form(&format!("Person {i}"), &email, &org);
        form.push(("csrf_token".into(), token.clone()));
        let (client, url) = (client.clone(), app.url("/sessions/rush/register"));
        requests
            .spawn(async move { client.post(url).form(&form).send().await.expect("post").status().as_u16() });
    }
    let statuses = requests.join_all().await;
    assert!(statuses.iter().all(|s| *s == 303), "every request answered: {statuses:?}");
    let id = session.id.clone();
    let (registrations, consents, mails) = app
        .db(move |conn| {
            use convoca::db::schema::{consents, outbox, registrations};
            let registrations: i64 = registrations::table
                .filter(registrations::session_id.eq(&id))
                .count()
                .get_result(conn)
                .expect("count");
            let consents: i64 = consents::table
                .inner_join(registrations::table)
                .filter(registrations::session_id.eq(&id))
                .filter(consents::purpose.eq("registration"))
                .count()
                .get_result(conn)
                .expect("count");
            let mails: i64 = outbox::table
                .inner_join(registrations::table)
                .filter(registrations::session_id.eq(&id))
                .count()
                .get_result(conn)
                .expect("count");
            (registrations, consents, mails)
        })
        .await;
    assert_eq!(registrations, 111, "110 addresses and one more, kept once");
    // The repeated address comes with other details each time: each one within the hourly cap
    // replaces the details (with its consent and a new link); past the cap, nothing changes.
    assert_eq!(consents, 110 + 3, "each stored form's consent is recorded");
    assert_eq!(mails, 110 + 3, "a confirmation each; the repeated address capped at 3 an hour");
}

on_both_engines!(
    a_rush_of_registrations_is_stored_whole,
    pages_load_in_a_fixed_number_of_queries_whatever_the_data,
    cached_pages_follow_changes_made_through_another_instance_and_time,
);
