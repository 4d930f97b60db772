use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

async fn the_demo_catalogue_shows_both_seed_sessions_and_the_july_panel(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let client = app.client();

    let home = client.get(app.url("/")).send().await.expect("home");
    assert_eq!(home.status(), 200);
    let html = home.text().await.expect("body");
    assert!(html.contains("Internationalisation of metropolitan spaces"), "series title");
    assert!(
        html.contains("Internationalisation of metropolitan spaces: the session in French"),
        "the French session is listed, its title in the reader's language"
    );
    let french_reader = client
        .get(app.url("/"))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    assert!(french_reader.contains("lang=\"fr\">Internationalisation des espaces métropolitains</a>"));
    assert!(
        french_reader.contains("L'internationalisation et les espaces métropolitains")
            || french_reader.contains("L&#39;internationalisation et les espaces métropolitains"),
        "the July session in French"
    );
    assert!(html.contains("Internationalisation and metropolitan spaces"), "the July session is listed");
    let upcoming = html.find("Upcoming").expect("upcoming section");
    let past = html.find("Past sessions").expect("past section");
    let french = html
        .find("/sessions/internationalisation-des-espaces-metropolitains")
        .expect("link to the French session");
    let july = html
        .find("/sessions/internationalisation-and-metropolitan-spaces-2020-07-22")
        .expect("link to the July session");
    assert!(upcoming < french && french < past, "the French session is upcoming");
    assert!(past < july, "the July session is past");

    let july_page = client
        .get(app.url("/sessions/internationalisation-and-metropolitan-spaces-2020-07-22"))
        .send()
        .await
        .expect("july");
    assert_eq!(july_page.status(), 200);
    let html = july_page.text().await.expect("body");
    assert!(html.contains("Wednesday 22 July 2020"), "date in the session's language and zone");
    assert!(html.contains("16:00–17:30 CEST (UTC+02:00)"), "time with zone and offset");
    // The panel, in order, with roles and affiliations.
    let order: Vec<usize> =
        ["Octavi de la Varga", "Paola Arjona", "Ian Klaus", "María González", "Dr. Elham Fakhari"]
            .iter()
            .map(|name| html.find(name).unwrap_or_else(|| panic!("{name} is on the panel")))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "panel in order: {order:?}");
    assert!(html.contains("Chicago Council on Global Affairs"));
    assert!(html.contains("Keynote"));
    assert!(
        html.contains("Issue paper 9: The internationalisation of metropolitan spaces"),
        "related publication"
    );
    assert!(html.contains("Watch the recording"), "recording of a past session");
    assert!(!html.contains(">Register<"), "no registration for a past session");

    let french_page = client
        .get(app.url("/sessions/internationalisation-des-espaces-metropolitains"))
        .send()
        .await
        .expect("french");
    let html = french_page.text().await.expect("body");
    assert!(html.contains("in French"));
    assert!(html.contains("100 of 100 seats left"));
    assert!(
        html.contains("/sessions/internationalisation-des-espaces-metropolitains/register"),
        "Register link while open"
    );
    assert!(!html.contains("Watch the recording"));
}

async fn unknown_pages_answer_404_with_a_friendly_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.client();
    for path in [
        "/sessions/no-such-session",
        "/nothing-here",
        "/sessions/no-such-session/register",
        "/confirm/not-a-token",
    ] {
        let res = client.get(app.url(path)).send().await.expect("get");
        assert_eq!(res.status(), 404, "{path}");
        let html = res.text().await.expect("body");
        assert!(html.contains("<html lang=\"en\">"), "{path} renders a page");
        assert!(html.contains("Back to all webinars") || html.contains("does not work"), "{path}: {html}");
    }
}

async fn health_reports_the_database(engine: Engine) {
    let app = TestApp::spawn(engine.clone()).await;
    let res = app.client().get(app.url("/healthz")).send().await.expect("health");
    assert_eq!(res.status(), 200);
    let body = res.text().await.expect("body");
    let expected = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres(_) => "postgresql",
    };
    assert!(body.contains(expected), "{body}");

    // On PostgreSQL the database can be taken away under the running app: health says so.
    if let Engine::Postgres(admin) = engine {
        let name = app
            .db(|conn| {
                use diesel::prelude::*;
                #[derive(QueryableByName)]
                struct Name {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    name: String,
                }
                diesel::sql_query("SELECT current_database() AS name")
                    .get_result::<Name>(conn)
                    .expect("name")
                    .name
            })
            .await;
        tokio::task::spawn_blocking(move || {
            use diesel::prelude::*;
            let mut admin = diesel::PgConnection::establish(&admin).expect("admin");
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop");
        })
        .await
        .expect("drop task");
        let res = app.client().get(app.url("/healthz")).send().await.expect("health");
        assert_eq!(res.status(), 503);
    }
}

async fn every_page_carries_strict_security_headers(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let res = app.client().get(app.url("/")).send().await.expect("home");
    let headers = res.headers();
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    let cookie = headers["set-cookie"].to_str().expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

async fn the_language_switch_is_remembered_and_only_goes_back_to_local_pages(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let client = app.client();
    let res = client.get(app.url("/language/fr?next=%2Fprivacy")).send().await.expect("switch");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/privacy");
    let html = client.get(app.url("/")).send().await.expect("home").text().await.expect("body");
    assert!(html.contains("<html lang=\"fr\">"), "the choice is remembered");

    let res =
        client.get(app.url("/language/es?next=https%3A%2F%2Fevil.example%2F")).send().await.expect("switch");
    assert_eq!(res.headers()["location"], "/", "no redirect to another site");
    let res = client.get(app.url("/language/es?next=%2F%2Fevil.example")).send().await.expect("switch");
    assert_eq!(res.headers()["location"], "/");
}

on_both_engines!(
    the_demo_catalogue_shows_both_seed_sessions_and_the_july_panel,
    unknown_pages_answer_404_with_a_friendly_page,
    health_reports_the_database,
    every_page_carries_strict_security_headers,
    the_language_switch_is_remembered_and_only_goes_back_to_local_pages,
);
