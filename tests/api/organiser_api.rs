//! The organiser API (`/api/v1/organiser`) and its tokens: made and revoked by administrators
//! in the organiser area, scopes (403), expiry and revocation (401), last use shown, the
//! registrations list equal to the organiser list with the same filters, attendance recorded
//! as the page records it, sessions created and changed with the form's validation and audit.

use chrono::Duration;
use convoca::db::api_tokens::NewToken;
use convoca::db::audit::Actor;
use convoca::db::models::{Registration, RegistrationDetails};
use convoca::domain::{ApiScope, RegistrationStatus};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, csrf_token, sid};
use crate::on_both_engines;

/// A token made straight in the database (the page is tested once, below).
async fn token(app: &TestApp, name: &str, scopes: &[ApiScope]) -> String {
    let new = NewToken {
        name: name.to_owned(),
        scopes: scopes.to_vec(),
        expires_at: app.clock.now() + Duration::days(30),
    };
    let now = app.clock.now();
    app.db(move |conn| {
        let actor = Actor { id: String::new(), name: "test".into() };
        convoca::db::api_tokens::create(conn, &new, &actor, now).expect("token").1
    })
    .await
}

fn api() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

async fn get(app: &TestApp, path: &str, secret: &str) -> reqwest::Response {
    api().get(app.url(path)).bearer_auth(secret).send().await.expect("request")
}

async fn json_of(res: reqwest::Response) -> Value {
    serde_json::from_slice(&res.bytes().await.expect("body")).expect("JSON body")
}

/// A JSON request body.
trait JsonBody {
    fn json_body(self, value: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, value: &Value) -> Self {
        self.header("content-type", "application/json").body(value.to_string())
    }
}

fn challenge(res: &reqwest::Response) -> String {
    res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_owned).unwrap_or_default()
}

/// The audit log's (action, who, organiser id) rows with `action`.
async fn audit(app: &TestApp, action: &str) -> Vec<(String, Option<String>)> {
    let action = action.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log
            .filter(a::action.eq(action))
            .order(a::created_at.asc())
            .select((a::organiser_name, a::organiser_id))
            .load(conn)
            .expect("audit")
    })
    .await
}

async fn add(
    app: &TestApp,
    session_id: &str,
    name: &str,
    email: &str,
    status: RegistrationStatus,
    country: &str,
) -> String {
    let now = app.clock.now();
    let details = RegistrationDetails {
        organisation_other: Some(format!("{name} City Hall")),
        country: country.to_owned(),
        ..RegistrationDetails::sample(name, email, now)
    };
    let row = Registration {
        status,
        confirmed_at: (status == RegistrationStatus::Confirmed).then_some(now),
        ..Registration::pending(&sid(session_id), details, now)
    };
    let id = row.id.to_string();
    app.db(move |conn| {
        diesel::insert_into(convoca::db::schema::registrations::table)
            .values(&row)
            .execute(conn)
            .expect("insert")
    })
    .await;
    id
}

async fn tokens_are_made_on_the_page_scoped_and_end_when_revoked_or_expired(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("tokens", 20, 10).await;
    let list = format!("/api/v1/organiser/sessions/{}/registrations", session.id);

    // Only administrators see the page; the form is CSRF-checked.
    let organiser = app.sign_in("organiser").await;
    assert_eq!(organiser.get(app.url("/admin/api-tokens")).send().await.expect("page").status(), 403);
    let admin = app.sign_in("admin").await;
    let form_token = app.csrf_for(&admin, "/admin/api-tokens").await;
    let expires = (app.clock.now().date() + Duration::days(10)).format("%Y-%m-%d").to_string();
    let without_csrf = admin
        .post(app.url("/admin/api-tokens"))
        .form(&[("name", "CRM"), ("scopes", "sessions:read"), ("expires", expires.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(without_csrf.status(), 403);

    // Bad fields come back named, with what was typed kept.
    let res = admin
        .post(app.url("/admin/api-tokens"))
        .form(&[("csrf_token", form_token.as_str()), ("name", "CRM sync"), ("expires", "soon")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("Choose at least one scope."), "{page}");
    assert!(page.contains("Give the last day as a date (YYYY-MM-DD)."));
    assert!(page.contains("value=\"CRM sync\""), "the name is kept");

    // Made: the secret is shown once, only its hash is kept.
    let res = admin
        .post(app.url("/admin/api-tokens"))
        .form(&[
            ("csrf_token", form_token.as_str()),
            ("name", "CRM sync"),
            ("scopes", "sessions:read"),
            ("expires", expires.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let page = res.text().await.expect("page");
    let start = page.find("value=\"cvk_").expect("the secret is on the page") + "value=\"".len();
    let secret = page[start..start + 47].to_owned();
    let later =
        admin.get(app.url("/admin/api-tokens")).send().await.expect("page").text().await.expect("body");
    assert!(!later.contains(&secret), "the secret is shown once");
    assert!(later.contains("CRM sync") && later.contains("Never"), "listed, never used");
    let stored: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::api_tokens::dsl as t;
            t::api_tokens.select(t::token_hash).load(conn).expect("tokens")
        })
        .await;
    assert_eq!(stored, [convoca::security::hash_token(&secret)]);
    assert_eq!(audit(&app, "api_token.create").await.len(), 1);

    // No token: a bare challenge. A cookie of a signed-in administrator counts for nothing.
    let res = admin.get(app.url(&list)).send().await.expect("request");
    assert_eq!(res.status(), 401);
    assert_eq!(challenge(&res), "Bearer realm=\"Convoca organiser API\"");
    assert_eq!(
        res.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    assert_eq!(json_of(res).await["status"], 401);
    // Unknown: invalid_token.
    let res = get(&app, &list, "cvk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(res.status(), 401);
    assert!(challenge(&res).contains("error=\"invalid_token\""), "{}", challenge(&res));
    // Without the scope: 403 naming it.
    let res = get(&app, &list, &secret).await;
    assert_eq!(res.status(), 403);
    let said = challenge(&res);
    assert!(
        said.contains("error=\"insufficient_scope\"") && said.ends_with(", scope=\"registrations:read\""),
        "{said}"
    );
    // With it: the session (sessions:read).
    let res = get(&app, &format!("/api/v1/organiser/sessions/{}", session.id), &secret).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json_of(res).await["slug"], "tokens");

    // Expired after its last day.
    let reader = token(&app, "reader", &[ApiScope::RegistrationsRead]).await;
    assert_eq!(get(&app, &list, &reader).await.status(), 200);
    app.clock.advance(Duration::days(31));
    let res = get(&app, &list, &reader).await;
    assert_eq!(res.status(), 401);
    assert!(json_of(res).await["detail"].as_str().unwrap_or("").contains("expired"));
    app.clock.advance(Duration::days(-31));

    // Revoked from the page: refused at once.
    let page =
        admin.get(app.url("/admin/api-tokens")).send().await.expect("page").text().await.expect("body");
    let id: String = app
        .db(|conn| {
            use convoca::db::schema::api_tokens::dsl as t;
            t::api_tokens.filter(t::name.eq("CRM sync")).select(t::id).first(conn).expect("token")
        })
        .await;
    let res = admin
        .post(app.url(&format!("/admin/api-tokens/{id}/revoke")))
        .form(&[("csrf_token", csrf_token(&page).as_str())])
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 303);
    let res = get(&app, &format!("/api/v1/organiser/sessions/{}", session.id), &secret).await;
    assert_eq!(res.status(), 401);
    assert!(challenge(&res).contains("invalid_token"));
    assert!(json_of(res).await["detail"].as_str().unwrap_or("").contains("revoked"));
    let revoked = audit(&app, "api_token.revoke").await;
    assert_eq!(revoked.len(), 1);
    assert!(revoked[0].1.is_some(), "the administrator who revoked it");
}

async fn the_last_use_is_shown_and_written_at_most_once_a_minute(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("last-use", 20, 10).await;
    let secret = token(&app, "Mailing tool", &[ApiScope::SessionsRead]).await;
    let path = format!("/api/v1/organiser/sessions/{}", session.id);
    let last_use = || {
        app.db(|conn| {
            use convoca::db::schema::api_tokens::dsl as t;
            t::api_tokens.select(t::last_used_at).first::<Option<chrono::NaiveDateTime>>(conn).expect("token")
        })
    };
    assert_eq!(last_use().await, None);
    let first = app.clock.now();
    assert_eq!(get(&app, &path, &secret).await.status(), 200);
    assert_eq!(last_use().await, Some(first));
    app.clock.advance(Duration::seconds(30));
    assert_eq!(get(&app, &path, &secret).await.status(), 200);
    assert_eq!(last_use().await, Some(first), "not written again within the minute");
    app.clock.advance(Duration::seconds(31));
    assert_eq!(get(&app, &path, &secret).await.status(), 200);
    assert_eq!(last_use().await, Some(app.clock.now()));

    let admin = app.sign_in("admin").await;
    let page =
        admin.get(app.url("/admin/api-tokens")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains(&app.clock.now().format("%Y-%m-%d %H:%M UTC").to_string()), "{page}");
}

async fn the_api_lists_what_the_organiser_list_shows_with_the_same_filters(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("lists", 50, 10).await;
    let other = app.create_session("other", 50, 10).await;
    add(&app, &other.id, "Not Here", "not.here@x.org", RegistrationStatus::Confirmed, "ES").await;
    let people = [
        ("Ana Torres", "ana@cdmx.gob.mx", RegistrationStatus::Confirmed, "MX"),
        ("Kofi Mensah", "kofi@accra.gov.gh", RegistrationStatus::Waitlisted, "GH"),
        ("Ana Lima", "ana.lima@rio.rj.gov.br", RegistrationStatus::Confirmed, "BR"),
        ("Marie Dubois", "marie@lyon.fr", RegistrationStatus::Cancelled, "FR"),
        ("Juan Ana", "juan@bogota.gov.co", RegistrationStatus::Confirmed, "CO"),
        ("Erased", "erased@x.org", RegistrationStatus::Erased, "ES"),
    ];
    for (name, email, status, country) in people {
        add(&app, &session.id, name, email, status, country).await;
    }
    let secret = token(&app, "CRM", &[ApiScope::RegistrationsRead]).await;
    let base = format!("/api/v1/organiser/sessions/{}/registrations", session.id);
    for (query, filters) in [
        ("", convoca::db::admin_registrations::Filters::default()),
        ("q=ANA", convoca::db::admin_registrations::Filters { q: "ANA".into(), ..Default::default() }),
        (
            "q=ana&status=confirmed",
            convoca::db::admin_registrations::Filters {
                q: "ana".into(),
                status: "confirmed".into(),
                ..Default::default()
            },
        ),
        (
            "country=GH",
            convoca::db::admin_registrations::Filters { country: "GH".into(), ..Default::default() },
        ),
    ] {
        // The organiser list's rows, as its page reads them.
        let id = session.id.clone();
        let (expected, total) = app
            .db(move |conn| convoca::db::admin_registrations::list(conn, &id, &filters, 0, 50).expect("list"))
            .await;
        let mut expected: Vec<String> = expected.into_iter().map(|r| r.id).collect();
        expected.sort();
        // The API's, two at a time, following `next`.
        let mut got = Vec::new();
        let mut next = Some(app.url(&format!("{base}?limit=2&{query}")));
        while let Some(url) = next {
            let res = get(&app, &url, &secret).await;
            assert_eq!(res.status(), 200, "{url}");
            assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
            let body = json_of(res).await;
            let items = body["items"].as_array().expect("items").clone();
            assert!(items.len() <= 2);
            got.extend(items.iter().map(|i| i["id"].as_str().expect("id").to_owned()));
            next = body["next"].as_str().map(str::to_owned);
        }
        got.sort();
        assert_eq!(got, expected, "filters {query:?}");
        assert_eq!(got.len() as i64, total);
    }
    // Refused parameters are named.
    let res = get(&app, &format!("{base}?status=erased&limit=0&mail=yes"), &secret).await;
    assert_eq!(res.status(), 400);
    let body = json_of(res).await;
    let names: Vec<&str> = body["invalid-params"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["status", "mail", "limit"]);
    assert_eq!(get(&app, "/api/v1/organiser/sessions/not-an-id/registrations", &secret).await.status(), 404);

    // The export is the organiser's export file, audited with the token as the actor.
    let admin = app.sign_in("admin").await;
    let page_csv = admin
        .get(app.url(&format!("/admin/sessions/{}/registrations.csv?q=ana&separator=comma", session.id)))
        .header("accept-language", "en")
        .send()
        .await
        .expect("page export")
        .bytes()
        .await
        .expect("body");
    let res = api()
        .get(app.url(&format!("{base}.csv?q=ana&separator=comma&lang=en")))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("api export");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/csv")
    );
    assert_eq!(res.bytes().await.expect("body"), page_csv, "the same file");
    let exports = audit(&app, "registrations.export").await;
    assert!(
        exports.iter().any(|(who, id)| who == "API token \u{201c}CRM\u{201d}" && id.is_none()),
        "{exports:?}"
    );
}

async fn attendance_through_the_api_marks_the_rows_the_page_marks(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("attendance-api", 50, 10).await;
    let present = add(&app, &session.id, "Ana", "ana@cdmx.gob.mx", RegistrationStatus::Confirmed, "MX").await;
    let absent =
        add(&app, &session.id, "Kofi", "kofi@accra.gov.gh", RegistrationStatus::Confirmed, "GH").await;
    let waiting = add(&app, &session.id, "Lina", "lina@x.org", RegistrationStatus::Waitlisted, "ES").await;
    let secret = token(&app, "Video platform", &[ApiScope::AttendanceWrite]).await;
    let reader = token(&app, "Reader", &[ApiScope::RegistrationsRead]).await;
    let path = app.url(&format!("/api/v1/organiser/sessions/{}/attendance?others_absent=true", session.id));
    let csv = "\u{feff}Nom;Courriel;Durée\r\nAna;ANA@cdmx.gob.mx;45\r\nLina;lina@x.org;10\r\nStranger;s@x.org;3\r\n";
    let post = |secret: &str, body: &str| {
        api().post(&path).bearer_auth(secret).header("content-type", "text/csv").body(body.to_owned()).send()
    };

    assert_eq!(post(&reader, csv).await.expect("post").status(), 403, "registrations:read cannot write");
    // Before the session starts, the page's refusal.
    let res = post(&secret, csv).await.expect("post");
    assert_eq!(res.status(), 409);
    assert!(json_of(res).await["detail"].as_str().unwrap_or("").contains("not started"));

    let (id, begun) = (session.id.clone(), app.clock.now() - Duration::hours(2));
    app.db(move |conn| {
        use convoca::db::schema::sessions;
        diesel::update(sessions::table.find(id))
            .set(sessions::starts_at.eq(begun))
            .execute(conn)
            .expect("moved")
    })
    .await;
    let res = post(&secret, "Name,Minutes\nAna,3\n").await.expect("post");
    assert_eq!(res.status(), 422);
    let body = json_of(res).await;
    assert_eq!(body["invalid-params"][0]["name"], "file");
    assert!(body["invalid-params"][0]["reason"].as_str().unwrap_or("").contains("email"), "{body}");

    let res = post(&secret, csv).await.expect("post");
    assert_eq!(res.status(), 200);
    let report = json_of(res).await;
    assert_eq!(report["lines"], 3);
    assert_eq!(report["matched"], 1);
    assert_eq!(report["marked_absent"], 1);
    assert_eq!(
        report["unmatched"],
        json!([
            {"line": 3, "email": "lina@x.org", "status": "waitlisted"},
            {"line": 4, "email": "s@x.org", "status": null}
        ])
    );
    let attended = |id: String| {
        app.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.find(id).select(r::attended).first::<Option<bool>>(conn).expect("row")
        })
    };
    assert_eq!(attended(present).await, Some(true));
    assert_eq!(attended(absent).await, Some(false));
    assert_eq!(attended(waiting).await, None, "only confirmed registrations, as on the page");
    assert_eq!(
        audit(&app, "attendance.import").await,
        [("API token \u{201c}Video platform\u{201d}".to_owned(), None)]
    );
}

async fn sessions_are_created_and_changed_with_the_forms_validation_and_audit(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let writer = token(&app, "Planner", &[ApiScope::SessionsWrite, ApiScope::SessionsRead]).await;
    let reader = token(&app, "Reader", &[ApiScope::SessionsRead]).await;
    let create = app.url("/api/v1/organiser/sessions");
    let day = (app.clock.now().date() + Duration::days(20)).format("%Y-%m-%d").to_string();
    let good = json!({
        "title": "Flood resilience",
        "language": "en",
        "date": day,
        "time": "15:00",
        "timezone": "Europe/Paris",
        "duration": 90,
        "capacity": 40,
        "reminders": "1d",
        "title_fr": "Résilience aux inondations",
    });

    let res = api().post(&create).bearer_auth(&reader).json_body(&good).send().await.expect("post");
    assert_eq!(res.status(), 403);

    // Each bad field is named, by the form's parser or by its type.
    let res = api()
        .post(&create)
        .bearer_auth(&writer)
        .json_body(&json!({"title": "", "language": "de", "date": "someday", "time": "15:00",
            "timezone": "Europe/Paris", "duration": 90, "capacity": 40}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body = json_of(res).await;
    let mut names: Vec<&str> = body["invalid-params"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["date", "language", "title"], "{body}");
    let res = api()
        .post(&create)
        .bearer_auth(&writer)
        .json_body(&json!({"title": "X", "capacity": "forty", "colour": "red"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let body = json_of(res).await;
    let mut names: Vec<&str> = body["invalid-params"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["capacity", "colour"]);
    let res = api().post(&create).bearer_auth(&writer).body("not json").send().await.expect("post");
    assert_eq!(res.status(), 400);
    assert!(audit(&app, "session.create").await.is_empty(), "nothing written");

    // Created as a draft, as from the form.
    let res = api().post(&create).bearer_auth(&writer).json_body(&good).send().await.expect("post");
    assert_eq!(res.status(), 201);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).expect("location").to_owned();
    let created = json_of(res).await;
    assert_eq!(created["status"], "draft");
    assert_eq!(created["title"], "Flood resilience");
    assert_eq!(created["title_fr"], "Résilience aux inondations");
    assert_eq!(created["capacity"], 40);
    assert_eq!(created["date"], day.as_str());
    assert_eq!(audit(&app, "session.create").await, [("API token \u{201c}Planner\u{201d}".to_owned(), None)]);
    let read = get(&app, &location, &reader).await;
    assert_eq!(read.status(), 200);
    assert_eq!(json_of(read).await, created);

    // Changed: every field replaced; a bad one refused and nothing saved.
    let mut changed = good.clone();
    changed["capacity"] = json!(-5);
    let res = api().put(&location).bearer_auth(&writer).json_body(&changed).send().await.expect("put");
    assert_eq!(res.status(), 422);
    assert_eq!(json_of(res).await["invalid-params"][0]["name"], "capacity");
    changed["capacity"] = json!(60);
    changed["title"] = json!("Flood resilience in cities");
    let res = api().put(&location).bearer_auth(&writer).json_body(&changed).send().await.expect("put");
    assert_eq!(res.status(), 200);
    let saved = json_of(res).await;
    assert_eq!(saved["capacity"], 60);
    assert_eq!(saved["title"], "Flood resilience in cities");
    assert_eq!(audit(&app, "session.update").await, [("API token \u{201c}Planner\u{201d}".to_owned(), None)]);
    let missing =
        app.url(&format!("/api/v1/organiser/sessions/{}", convoca::domain::SessionId::new().as_str()));
    assert_eq!(
        api().put(&missing).bearer_auth(&writer).json_body(&changed).send().await.expect("put").status(),
        404
    );
    let res = api().delete(&location).bearer_auth(&writer).send().await.expect("delete");
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, HEAD, PUT"));
}

/// Another origin's page may read the public API, never the organiser's: no CORS grant on
/// `/api/v1/organiser`, for the preflight or the answer, while the public resources keep theirs.
async fn no_other_origin_may_read_the_organiser_api(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("cors-check", 10, 10).await;
    let secret = token(&app, "CRM", &[ApiScope::RegistrationsRead]).await;
    let path = format!("/api/v1/organiser/sessions/{}/registrations", session.id);
    let origin = "https://elsewhere.example";
    let preflight = api()
        .request(reqwest::Method::OPTIONS, app.url(&path))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.headers().get("access-control-allow-origin").is_none(), "no preflight grant");
    let res =
        api().get(app.url(&path)).bearer_auth(&secret).header("origin", origin).send().await.expect("get");
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("access-control-allow-origin").is_none(), "no grant on the answer");
    let public =
        api().get(app.url("/api/v1/sessions")).header("origin", origin).send().await.expect("public");
    assert_eq!(public.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
}

on_both_engines!(
    no_other_origin_may_read_the_organiser_api,
    tokens_are_made_on_the_page_scoped_and_end_when_revoked_or_expired,
    the_last_use_is_shown_and_written_at_most_once_a_minute,
    the_api_lists_what_the_organiser_list_shows_with_the_same_filters,
    attendance_through_the_api_marks_the_rows_the_page_marks,
    sessions_are_created_and_changed_with_the_forms_validation_and_audit,
);
