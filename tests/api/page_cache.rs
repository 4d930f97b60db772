//! The page cache without a database round trip (issue 24): each instance learns of changes
//! (PostgreSQL LISTEN/NOTIFY, SQLite `data_version` and its own connections' trigger) instead
//! of asking per request. A change through any instance or connection shows everywhere within
//! a second, an instance's own write at once, and a lost listening connection falls back to
//! asking per request until it is back. Cached pages are kept compressed, served by
//! `Accept-Encoding`.

use std::io::Read;
use std::time::{Duration, Instant};

use convoca::db::content_watch::APPLICATION_NAME;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, csrf_token};
use crate::on_both_engines;

/// The product's staleness bound for a change made elsewhere.
const BOUND: Duration = Duration::from_secs(1);

async fn page(client: &reqwest::Client, url: &str) -> String {
    let res = client.get(url).header("accept-language", "en").send().await.expect("get");
    assert_eq!(res.status(), 200, "{url}");
    res.text().await.expect("body")
}

/// Polls `url` until its page contains `text`; how long that took. Fails after three seconds.
pub async fn shows_within(client: &reqwest::Client, url: &str, text: &str) -> Duration {
    let start = Instant::now();
    loop {
        if page(client, url).await.contains(text) {
            return start.elapsed();
        }
        assert!(start.elapsed() < Duration::from_secs(3), "{url} never showed {text:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// An organiser renames a session through the edit form of `app`.
async fn rename(app: &TestApp, organiser: &reqwest::Client, session_id: &str, title: &str) {
    let edit = page(organiser, &app.url(&format!("/admin/sessions/{session_id}/edit"))).await;
    let token = csrf_token(&edit);
    let form = [
        ("csrf_token", token.as_str()),
        ("title", title),
        ("summary", "A test session"),
        ("language", "en"),
        ("date", "2031-03-04"),
        ("time", "15:00"),
        ("timezone", "Europe/Paris"),
        ("duration", "90"),
        ("capacity", "10"),
        ("approval", "automatic"),
        ("reminders", "1d"),
        ("follow_up_delay", "120"),
    ];
    let res = organiser
        .post(app.url(&format!("/admin/sessions/{session_id}")))
        .form(&form)
        .send()
        .await
        .expect("save");
    assert_eq!(res.status(), 303, "saved");
}

async fn an_organisers_edit_shows_at_once_on_the_instance_that_saved_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("at-once", 10, 30).await;
    let organiser = app.sign_in("organiser").await;
    let visitor = app.client();
    let url = app.url("/sessions/at-once");
    for round in 0..5 {
        page(&visitor, &url).await;
        page(&visitor, &url).await;
        let title = format!("Renamed at once {round}");
        rename(&app, &organiser, &session.id, &title).await;
        // The redirect's next request, with no pause: never the page from before.
        assert!(page(&visitor, &url).await.contains(&title), "round {round}: the cached page was stale");
        assert!(page(&visitor, &app.url("/")).await.contains(&title), "round {round}: the catalogue");
    }
}

async fn an_edit_through_one_instance_shows_on_the_other_within_a_second(engine: Engine) {
    let a = TestApp::spawn(engine).await;
    let b = a.another_instance().await;
    let session = a.create_session("elsewhere", 10, 30).await;
    let organiser = a.sign_in("organiser").await;
    let visitor = b.client();
    let url = b.url("/sessions/elsewhere");
    for round in 0..3 {
        page(&visitor, &url).await;
        assert!(!page(&visitor, &url).await.contains(&format!("Elsewhere {round}")));
        rename(&a, &organiser, &session.id, &format!("Elsewhere {round}")).await;
        let took = shows_within(&visitor, &url, &format!("Elsewhere {round}")).await;
        assert!(took < BOUND, "round {round}: shown on the other instance after {took:?}");
    }
}

async fn a_write_by_another_connection_shows_within_a_second(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("outside", 10, 30).await;
    let visitor = app.client();
    let url = app.url("/sessions/outside");
    page(&visitor, &url).await;
    page(&visitor, &url).await;
    // A connection of its own, outside the app's pool (another process, the sqlite3 shell).
    let (database_url, id) = (app.database_url.clone(), session.id.clone());
    tokio::task::spawn_blocking(move || {
        use convoca::db::schema::sessions;
        let rename = sessions::title.eq("Renamed outside");
        if database_url.starts_with("postgres") {
            let mut conn = diesel::PgConnection::establish(&database_url).expect("connect");
            diesel::update(sessions::table.find(&id)).set(rename).execute(&mut conn).expect("rename");
        } else {
            let mut conn = diesel::SqliteConnection::establish(&database_url).expect("open");
            diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut conn).expect("busy timeout");
            diesel::update(sessions::table.find(&id)).set(rename).execute(&mut conn).expect("rename");
        }
    })
    .await
    .expect("outside write");
    let took = shows_within(&visitor, &url, "Renamed outside").await;
    assert!(took < BOUND, "shown after {took:?}");
}

#[derive(QueryableByName)]
struct Backend {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// The listening connections on the test's database.
fn listeners(conn: &mut diesel::PgConnection) -> Vec<i32> {
    diesel::sql_query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
    )
    .bind::<diesel::sql_types::Text, _>(APPLICATION_NAME)
    .load::<Backend>(conn)
    .expect("pg_stat_activity")
    .into_iter()
    .map(|b| b.pid)
    .collect()
}

/// PostgreSQL: kill both instances' listening connections; a change still shows within a
/// second (each instance asks per request meanwhile), and they listen again by themselves.
async fn killing_the_listening_connection_falls_back_then_listens_again(admin_url: String) {
    let a = TestApp::spawn(Engine::Postgres(admin_url)).await;
    let b = a.another_instance().await;
    let session = a.create_session("killed", 10, 30).await;
    let organiser = a.sign_in("organiser").await;
    let visitor = b.client();
    let url = b.url("/sessions/killed");
    let mut conn = diesel::PgConnection::establish(&a.database_url).expect("connect");
    let start = Instant::now();
    let killed = loop {
        let found = listeners(&mut conn);
        if found.len() == 2 {
            break found;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "two listening connections: {found:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    page(&visitor, &url).await;
    page(&visitor, &url).await;
    for pid in &killed {
        diesel::sql_query("SELECT pg_terminate_backend($1)")
            .bind::<diesel::sql_types::Integer, _>(pid)
            .execute(&mut conn)
            .expect("terminate");
    }
    rename(&a, &organiser, &session.id, "Renamed while deaf").await;
    let took = shows_within(&visitor, &url, "Renamed while deaf").await;
    assert!(took < BOUND, "shown after {took:?} with the listener killed");

    let start = Instant::now();
    loop {
        let found = listeners(&mut conn);
        if found.len() == 2 && found.iter().all(|pid| !killed.contains(pid)) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "listening again: {found:?}, killed {killed:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    page(&visitor, &url).await;
    rename(&a, &organiser, &session.id, "Renamed once heard").await;
    let took = shows_within(&visitor, &url, "Renamed once heard").await;
    assert!(took < BOUND, "shown after {took:?} once listening again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_listening_connection_falls_back_then_listens_again_postgres() {
    if let Some(Engine::Postgres(url)) = Engine::postgres() {
        killing_the_listening_connection_falls_back_then_listens_again(url).await;
    }
}

async fn get_with(client: &reqwest::Client, url: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = client.get(url).header("accept-language", "en");
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let res = request.send().await.expect("get");
    assert_eq!(res.status(), 200);
    res
}

fn header(res: &reqwest::Response, name: &str) -> Vec<String> {
    res.headers().get_all(name).iter().map(|v| v.to_str().expect("ascii").to_ascii_lowercase()).collect()
}

async fn a_compressed_page_decompresses_to_the_same_bytes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("squeezed", 10, 30).await;
    let client = app.client();
    for path in ["/sessions/squeezed", "/"] {
        let url = app.url(path);
        // The first answer is the miss that stores the page, the others are hits.
        for _ in 0..2 {
            for (accept, coding) in
                [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip")]
            {
                let res = get_with(&client, &url, Some(accept)).await;
                assert_eq!(header(&res, "content-encoding"), [coding], "{path} {accept}");
                assert!(header(&res, "vary").iter().any(|v| v.contains("accept-encoding")), "{path}: Vary");
                let compressed = res.bytes().await.expect("body");
                let mut plain = Vec::new();
                if coding == "gzip" {
                    flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut plain).expect("gunzip");
                } else {
                    brotli::Decompressor::new(&compressed[..], 4096)
                        .read_to_end(&mut plain)
                        .expect("unbrotli");
                }
                let identity = get_with(&client, &url, None).await;
                assert!(header(&identity, "content-encoding").is_empty(), "no Accept-Encoding: plain");
                assert!(header(&identity, "vary").iter().any(|v| v.contains("accept-encoding")));
                let identity = identity.bytes().await.expect("body");
                assert_eq!(
                    String::from_utf8_lossy(&plain),
                    String::from_utf8_lossy(&identity),
                    "{path} {accept}"
                );
                assert!(
                    compressed.len() * 2 < identity.len(),
                    "{path}: {} bytes compressed from {}",
                    compressed.len(),
                    identity.len()
                );
            }
            let res = get_with(&client, &url, Some("identity")).await;
            assert!(header(&res, "content-encoding").is_empty(), "identity asked: plain");
        }
    }
}

on_both_engines!(
    an_organisers_edit_shows_at_once_on_the_instance_that_saved_it,
    an_edit_through_one_instance_shows_on_the_other_within_a_second,
    a_write_by_another_connection_shows_within_a_second,
    a_compressed_page_decompresses_to_the_same_bytes,
);
