//! Webhooks: administrators register endpoints; registrations and sessions raise events that
//! the worker delivers to a receiver started here on 127.0.0.1 (allowed by the setting),
//! signed per Standard Webhooks (checked here with HMAC-SHA256 independently of the app's
//! signing crate), retried with the same `webhook-id` after a 500 or a timeout, with
//! personal data only for endpoints marked for it; an erased registration's re-send sends its
//! erasure; private addresses are refused without the setting.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use diesel::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

on_both_engines!(
    deliveries_are_signed_and_carry_personal_data_only_to_an_endpoint_marked_for_it,
    a_500_and_a_timeout_are_retried_later_with_the_same_webhook_id,
    re_sending_an_event_about_an_erased_registration_sends_its_erasure,
    private_addresses_are_refused_without_the_setting_when_saved_and_when_delivering,
    session_events_waitlist_promotion_and_erasure_reach_the_endpoints_that_chose_them,
);

/// What the receiver does with the next request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16),
    /// Answers 200, but only after this long (longer than the app waits).
    Slow(Duration),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct ReceiverState {
    answers: Mutex<VecDeque<Answer>>,
    received: Mutex<Vec<Received>>,
}

/// An HTTP server on 127.0.0.1 that records what it is sent.
struct Receiver {
    port: u16,
    state: Arc<ReceiverState>,
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<ReceiverState>) -> HttpResponse {
    let header =
        |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    state.received.lock().expect("lock").push(Received {
        path: req.path().to_owned(),
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let answer = state.answers.lock().expect("lock").pop_front().unwrap_or(Answer::Status(200));
    match answer {
        Answer::Status(code) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).expect("code"))
                .body(format!("answer {code} from the receiver\r\n"))
        }
        Answer::Slow(wait) => {
            tokio::time::sleep(wait).await;
            HttpResponse::Ok().body("late")
        }
    }
}

impl Receiver {
    fn start() -> Self {
        let state = Arc::new(ReceiverState::default());
        let data = web::Data::from(state.clone());
        let server =
            HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(receive)))
                .workers(1)
                .disable_signals()
                .bind(("127.0.0.1", 0))
                .expect("bind the receiver");
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self { port, state }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn answer_next(&self, answers: &[Answer]) {
        self.state.answers.lock().expect("lock").extend(answers.iter().copied());
    }

    fn received(&self, path: &str) -> Vec<Received> {
        self.state.received.lock().expect("lock").iter().filter(|r| r.path == path).cloned().collect()
    }
}

/// An app whose webhooks may reach this machine, and wait one second for an answer.
async fn app_allowing_loopback(engine: Engine) -> TestApp {
    TestApp::spawn_with(
        engine,
        Options {
            settings: vec![
                ("CONVOCA_WEBHOOK_ALLOW_PRIVATE", "1".into()),
                ("CONVOCA_WEBHOOK_TIMEOUT_SECONDS", "1".into()),
            ],
            ..Options::default()
        },
    )
    .await
}

/// Registers an endpoint through the administrators' form; returns its id and secret.
async fn add_endpoint(
    app: &TestApp,
    admin: &reqwest::Client,
    url: &str,
    events: &[&str],
    personal: bool,
) -> (String, String) {
    let token = app.csrf_for(admin, "/admin/webhooks").await;
    let mut form = vec![("csrf_token", token.as_str()), ("url", url), ("enabled", "yes")];
    form.extend(events.iter().map(|e| ("events", *e)));
    if personal {
        form.push(("personal_data", "yes"));
    }
    let res = admin.post(app.url("/admin/webhooks")).form(&form).send().await.expect("post");
    assert_eq!(res.status(), 200, "the endpoint is saved and its page shows the secret");
    let page = res.text().await.expect("body");
    let secret = between(&page, "id=\"signing-secret\">", "<").expect("the secret is shown once");
    let id = between(&page, "action=\"/admin/webhooks/", "/rotate").expect("the endpoint's id");
    (id, secret)
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_owned())
}

/// The Standard Webhooks check, written here from the specification: base64 HMAC-SHA256 of
/// `id.timestamp.body` with the secret's bytes (after `whsec_`), among the header's `v1,`
/// signatures.
fn signature_is_valid(secret: &str, received: &Received) -> bool {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.decode(secret.strip_prefix("whsec_").expect("whsec_ prefix")).expect("base64 secret");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.{}", received.id, received.timestamp, received.body).as_bytes());
    let expected = b64.encode(mac.finalize().into_bytes());
    received.signature.split(' ').any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

async fn deliveries_are_signed_and_carry_personal_data_only_to_an_endpoint_marked_for_it(engine: Engine) {
    let app = app_allowing_loopback(engine).await;
    let receiver = Receiver::start();
    let admin = app.sign_in("admin").await;
    let events = ["registration.confirmed", "registration.cancelled", "session.published"];
    let (_, crm_secret) = add_endpoint(&app, &admin, &receiver.url("/crm"), &events, true).await;
    let (_, stats_secret) = add_endpoint(&app, &admin, &receiver.url("/stats"), &events, false).await;
    assert_ne!(crm_secret, stats_secret, "each endpoint has its own secret");

    let session = app.create_session("hooks", 10, 7).await;
    let member = app.create_member("Ville de Lyon", "FR").await;
    let manage =
        app.register_and_confirm("hooks", "Amélie Poulain", "amelie@lyon.example.org", &member).await;
    app.deliver_mail().await;

    let crm = receiver.received("/crm");
    assert_eq!(crm.len(), 1, "one event to the CRM: {crm:?}");
    let event = &crm[0];
    assert!(signature_is_valid(&crm_secret, event), "the signature verifies: {event:?}");
    assert!(!signature_is_valid(&stats_secret, event), "another endpoint's secret does not verify it");
    let timestamp: i64 = event.timestamp.parse().expect("a Unix time");
    assert_eq!(timestamp, app.clock.now().and_utc().timestamp(), "signed at the time of sending");
    let body = event.json();
    assert_eq!(body["type"], "registration.confirmed");
    assert_eq!(body["data"]["session_id"], session.id.as_str());
    assert_eq!(body["data"]["status"], "confirmed");
    assert_eq!(body["data"]["person"]["email"], "amelie@lyon.example.org");
    assert_eq!(body["data"]["person"]["name"], "Amélie Poulain");

    let stats = receiver.received("/stats");
    assert_eq!(stats.len(), 1);
    assert!(signature_is_valid(&stats_secret, &stats[0]));
    assert_eq!(stats[0].json()["type"], "registration.confirmed");
    assert_eq!(stats[0].json()["data"]["registration_id"], body["data"]["registration_id"]);
    for leaked in ["amelie", "Amélie", "Poulain", "lyon.example.org", "person"] {
        assert!(!stats[0].body.contains(leaked), "no personal data for /stats: {}", stats[0].body);
    }
    assert_eq!(stats[0].id, event.id, "one event, one webhook-id, whichever endpoint gets it");

    // An organiser's page lists the delivery with its answer.
    let crm_id = {
        let page =
            admin.get(app.url("/admin/webhooks")).send().await.expect("list").text().await.expect("body");
        between(&page, "<a href=\"/admin/webhooks/", "\"").expect("a link to the first endpoint")
    };
    let page = admin.get(app.url(&format!("/admin/webhooks/{crm_id}"))).send().await.expect("page");
    let page = page.text().await.expect("body");
    assert!(page.contains("<strong>200</strong>"), "the answer's code is listed");
    assert!(!page.contains(&crm_secret), "the secret is not shown unless asked for");

    // Cancelling from the manage page is told too; waitlist events were not chosen.
    let client = app.client();
    let manage_page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    let token = crate::helpers::csrf_token(&manage_page);
    let cancel = format!("{}/cancel", manage.split('?').next().expect("path"));
    let res = client.post(&cancel).form(&[("csrf_token", token.as_str())]).send().await.expect("cancel");
    assert_eq!(res.status(), 303, "cancelled");
    app.deliver_mail().await;
    let kinds: Vec<String> = receiver
        .received("/crm")
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(kinds, ["registration.confirmed", "registration.cancelled"]);
}

async fn a_500_and_a_timeout_are_retried_later_with_the_same_webhook_id(engine: Engine) {
    let app = app_allowing_loopback(engine).await;
    let receiver = Receiver::start();
    let admin = app.sign_in("admin").await;
    let (endpoint, secret) =
        add_endpoint(&app, &admin, &receiver.url("/flaky"), &["registration.confirmed"], false).await;
    receiver.answer_next(&[Answer::Status(500), Answer::Slow(Duration::from_secs(3))]);
    app.create_session("flaky", 10, 7).await;
    let member = app.create_member("Ciudad de México", "MX").await;
    app.register_and_confirm("flaky", "Rosa Flores", "rosa@cdmx.example.org", &member).await;
    app.deliver_mail().await;
    assert_eq!(receiver.received("/flaky").len(), 1, "the first attempt got a 500");

    app.deliver_mail().await;
    assert_eq!(receiver.received("/flaky").len(), 1, "no second attempt before its time");
    app.clock.advance(chrono::Duration::minutes(1));
    app.deliver_mail().await;
    assert_eq!(receiver.received("/flaky").len(), 2, "retried after a minute; this one times out");
    app.clock.advance(chrono::Duration::minutes(5));
    app.deliver_mail().await;
    let got = receiver.received("/flaky");
    assert_eq!(got.len(), 3, "retried again five minutes later");
    assert!(got.iter().all(|r| r.id == got[0].id), "one webhook-id for every attempt: {got:?}");
    assert!(got.iter().all(|r| r.body == got[0].body), "the same body every time");
    assert!(got.iter().all(|r| signature_is_valid(&secret, r)));
    assert_ne!(got[0].timestamp, got[2].timestamp, "each attempt is signed at its own time");

    let attempts: Vec<(Option<i32>, String)> = app
        .db(move |conn| {
            use convoca::db::schema::{webhook_attempts as a, webhook_deliveries as d};
            a::table
                .inner_join(d::table)
                .filter(d::endpoint_id.eq(endpoint))
                .order(a::attempted_at.asc())
                .select((a::status_code, a::outcome))
                .load(conn)
                .expect("attempts")
        })
        .await;
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert_eq!(attempts[0].0, Some(500));
    assert_eq!(attempts[1].0, None, "no answer within the timeout: {attempts:?}");
    assert!(attempts[1].1.contains("no answer"), "{attempts:?}");
    assert_eq!(attempts[2].0, Some(200));
    app.clock.advance(chrono::Duration::hours(10));
    app.deliver_mail().await;
    assert_eq!(receiver.received("/flaky").len(), 3, "a delivered event is not sent again");

    // Kept 30 days after it ended, then the delivery, its attempts and its event go.
    let kept = |days: i64| {
        let now = app.clock.now() + chrono::Duration::days(days);
        app.db(move |conn| {
            use convoca::db::schema::{webhook_attempts as a, webhook_deliveries as d, webhook_events as e};
            convoca::db::webhooks::apply_retention(conn, now).expect("retention");
            (
                d::table.count().get_result::<i64>(conn).expect("deliveries"),
                a::table.count().get_result::<i64>(conn).expect("attempts"),
                e::table.count().get_result::<i64>(conn).expect("events"),
            )
        })
    };
    assert_eq!(kept(29).await, (1, 3, 1), "kept within 30 days");
    assert_eq!(kept(31).await, (0, 0, 0), "gone after 30 days");
}

async fn re_sending_an_event_about_an_erased_registration_sends_its_erasure(engine: Engine) {
    let app = app_allowing_loopback(engine).await;
    let receiver = Receiver::start();
    let admin = app.sign_in("admin").await;
    let (endpoint, secret) =
        add_endpoint(&app, &admin, &receiver.url("/crm"), &["registration.confirmed"], true).await;
    app.create_session("erase", 10, 7).await;
    let member = app.create_member("Ville de Dakar", "SN").await;
    app.register_and_confirm("erase", "Awa Diop", "awa@dakar.example.org", &member).await;
    app.deliver_mail().await;
    let first = receiver.received("/crm");
    assert_eq!(first.len(), 1);
    assert!(first[0].body.contains("awa@dakar.example.org"));

    let token = app.csrf_for(&admin, "/admin/data-requests").await;
    let res = admin
        .post(app.url("/admin/data-requests/erase"))
        .form(&[("csrf_token", token.as_str()), ("email", "awa@dakar.example.org"), ("confirm", "yes")])
        .send()
        .await
        .expect("erase");
    assert!(res.status().is_redirection(), "erased: {}", res.status());
    app.deliver_mail().await;
    assert_eq!(receiver.received("/crm").len(), 1, "the endpoint did not ask for erasures");
    let stored: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::webhook_events as e;
            e::table.select(e::personal).load(conn).expect("events")
        })
        .await;
    assert!(stored.iter().all(String::is_empty), "erasure removed the person from stored events: {stored:?}");

    let page = admin.get(app.url(&format!("/admin/webhooks/{endpoint}"))).send().await.expect("page");
    let page = page.text().await.expect("body");
    let delivery = between(&page, "/deliveries/", "/resend").expect("a re-send button");
    let token = crate::helpers::csrf_token(&page);
    let res = admin
        .post(app.url(&format!("/admin/webhooks/{endpoint}/deliveries/{delivery}/resend")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("resend");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.ends_with("done=webhooks-resent-erasure"), "{location}");
    app.deliver_mail().await;
    let got = receiver.received("/crm");
    assert_eq!(got.len(), 2, "{got:?}");
    let erasure = got[1].json();
    assert_eq!(erasure["type"], "registration.erased");
    assert_eq!(erasure["data"]["registration_id"], first[0].json()["data"]["registration_id"]);
    assert_ne!(got[1].id, got[0].id, "the erasure is an event of its own");
    for leaked in ["awa", "Awa", "Diop", "dakar.example.org", "person"] {
        assert!(!got[1].body.contains(leaked), "no personal data in the erasure: {}", got[1].body);
    }
    assert!(signature_is_valid(&secret, &got[1]));

    // Re-sending an event about a registration still there sends that event, with its id.
    let other = app.register_and_confirm("erase", "Moussa Sow", "moussa@dakar.example.org", &member).await;
    assert!(!other.is_empty());
    app.deliver_mail().await;
    let page = admin.get(app.url(&format!("/admin/webhooks/{endpoint}"))).send().await.expect("page");
    let page = page.text().await.expect("body");
    let newest = between(&page, "/deliveries/", "/resend").expect("the newest delivery first");
    let token = crate::helpers::csrf_token(&page);
    let res = admin
        .post(app.url(&format!("/admin/webhooks/{endpoint}/deliveries/{newest}/resend")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("resend");
    assert!(res.headers()["location"].to_str().expect("location").ends_with("done=webhooks-resent"));
    app.deliver_mail().await;
    let got = receiver.received("/crm");
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].id, got[2].id, "the re-send carries the event's webhook-id");
    assert!(got[3].body.contains("moussa@dakar.example.org"));
}

async fn private_addresses_are_refused_without_the_setting_when_saved_and_when_delivering(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let receiver = Receiver::start();
    let admin = app.sign_in("admin").await;
    let organiser = app.sign_in("organiser").await;
    let res = organiser.get(app.url("/admin/webhooks")).send().await.expect("page");
    assert_eq!(res.status(), 403, "webhooks are for administrators");

    for (url, message) in [
        (format!("https://127.0.0.1:{}/hook", receiver.port), "private, loopback or local address"),
        ("https://[::ffff:10.0.0.1]/hook".to_owned(), "private, loopback or local address"),
        ("https://localhost/hook".to_owned(), "private, loopback or local address"),
        (receiver.url("/hook"), "must start with https://"),
        ("not a url".to_owned(), "Enter a full address"),
    ] {
        let token = app.csrf_for(&admin, "/admin/webhooks").await;
        let res = admin
            .post(app.url("/admin/webhooks"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("url", url.as_str()),
                ("events", "registration.confirmed"),
                ("enabled", "yes"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 422, "{url} refused");
        let page = res.text().await.expect("body");
        assert!(page.contains(message), "{url}: {message} by the field");
        let typed = url.replace('&', "&amp;");
        assert!(page.contains(&format!("value=\"{typed}\"")), "{url} is kept in the form");
    }
    let endpoints: i64 = app
        .db(|conn| {
            use convoca::db::schema::webhook_endpoints as w;
            w::table.count().get_result(conn).expect("count")
        })
        .await;
    assert_eq!(endpoints, 0, "nothing saved");

    let res = admin
        .post(app.url("/admin/webhooks"))
        .form(&[("url", "https://crm.example.org/hook"), ("events", "registration.confirmed")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403, "no CSRF token, no endpoint");

    // An endpoint stored while the setting was on (or whose name now resolves to this
    // machine) is checked again at delivery, and nothing reaches it.
    let secret_key = app.settings.secret_key.clone();
    let (url, now) = (format!("https://127.0.0.1:{}/hook", receiver.port), app.clock.now());
    app.db(move |conn| {
        use convoca::db::schema::webhook_endpoints as w;
        let sealed = convoca::webhooks::seal_secret(&secret_key, "e1", &convoca::webhooks::new_secret())
            .expect("seal");
        diesel::insert_into(w::table)
            .values((
                w::id.eq("e1"),
                w::url.eq(url),
                w::events.eq("registration.confirmed"),
                w::personal_data.eq(false),
                w::enabled.eq(true),
                w::secret_sealed.eq(sealed),
                w::created_at.eq(now),
                w::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("endpoint")
    })
    .await;
    app.create_session("private", 10, 7).await;
    let member = app.create_member("Ville de Tunis", "TN").await;
    app.register_and_confirm("private", "Leila Ben", "leila@tunis.example.org", &member).await;
    app.deliver_mail().await;
    assert!(receiver.received("/hook").is_empty(), "nothing sent to a loopback address");
    let outcomes: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::webhook_attempts as a;
            a::table.select(a::outcome).load(conn).expect("attempts")
        })
        .await;
    assert_eq!(outcomes, ["refused: 127.0.0.1 is not a public address"]);
}

async fn session_events_waitlist_promotion_and_erasure_reach_the_endpoints_that_chose_them(engine: Engine) {
    let app = app_allowing_loopback(engine).await;
    let receiver = Receiver::start();
    let admin = app.sign_in("admin").await;
    let chosen = [
        "session.published",
        "session.cancelled",
        "registration.waitlisted",
        "registration.promoted",
        "registration.erased",
    ];
    add_endpoint(&app, &admin, &receiver.url("/ops"), &chosen, false).await;
    let session = app.create_session("full", 1, 7).await;
    let hub = format!("/admin/sessions/{}", session.id.as_str());
    let status = |action: &'static str| {
        let (app, admin, hub) = (&app, &admin, hub.clone());
        async move {
            let token = app.csrf_for(admin, &hub).await;
            let form = [("csrf_token", token.as_str()), ("action", action), ("confirm", "yes")];
            let res = admin.post(app.url(&format!("{hub}/status"))).form(&form).send().await.expect("status");
            assert_eq!(res.status(), 303, "{action}");
        }
    };
    status("unpublish").await;
    status("publish").await;
    let member = app.create_member("Ville de Genève", "CH").await;
    let first = app.register_and_confirm("full", "Ana Lima", "ana@geneve.example.org", &member).await;
    app.register_and_confirm("full", "Jon Berg", "jon@geneve.example.org", &member).await;
    let client = app.client();
    let page = client.get(&first).send().await.expect("manage").text().await.expect("body");
    let token = crate::helpers::csrf_token(&page);
    let cancel = format!("{}/cancel", first.split('?').next().expect("path"));
    let res = client.post(&cancel).form(&[("csrf_token", token.as_str())]).send().await.expect("cancel");
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    let token = app.csrf_for(&admin, "/admin/data-requests").await;
    let form = [("csrf_token", token.as_str()), ("email", "jon@geneve.example.org"), ("confirm", "yes")];
    let res = admin.post(app.url("/admin/data-requests/erase")).form(&form).send().await.expect("erase");
    assert!(res.status().is_redirection());
    app.deliver_mail().await;
    status("cancel").await;
    app.deliver_mail().await;

    let got = receiver.received("/ops");
    let kind_of = |b: &str| {
        chosen.iter().copied().find(|k| b.contains(&format!("\"type\":\"{k}\""))).unwrap_or("other")
    };
    // One worker step sends its deliveries side by side, so they may arrive in any order
    // (receivers order by `webhook-timestamp`, as the specification says); each exactly once.
    let mut kinds: Vec<&str> = got.iter().map(|r| kind_of(&r.body)).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "registration.erased",
            "registration.promoted",
            "registration.waitlisted",
            "session.cancelled",
            "session.published",
        ],
        "only the chosen events, each once"
    );
    let cancelled = got.iter().find(|r| kind_of(&r.body) == "session.cancelled").expect("cancelled").json();
    assert_eq!(cancelled["data"]["session_id"], session.id.as_str());
    assert_eq!(cancelled["data"]["status"], "cancelled");
    assert!(got.iter().all(|r| !r.body.contains("geneve.example.org")), "no personal data anywhere");
}
