//! "Forgot your password?": the reset link by email through the outbox and the test SMTP
//! server, the same answer for an address that is no account's, links that work once and
//! for 30 minutes, the limits, and the second factor kept.

use std::time::Duration;

use chrono::Duration as Span;
use diesel::prelude::*;

use crate::helpers::{Engine, ORGANISER_PASSWORD, Options, TestApp, csrf_token};
use crate::on_both_engines;

const TARGET: &str = "amina.diallo@secretariat.example.org";
const NEW_PASSWORD: &str = "a violet kettle sings at dawn";

/// A browser speaking from `address` through the trusted proxy on 127.0.0.1.
fn browser_at(address: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().expect("header"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .default_headers(headers)
        .build()
        .expect("client")
}

async fn behind_proxy(engine: Engine) -> TestApp {
    TestApp::spawn_with(engine, Options { trusted_proxies: Some("127.0.0.1"), ..Options::default() }).await
}

async fn add_account(app: &TestApp, email: &'static str) -> String {
    let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
    let now = app.clock.now();
    app.db(move |conn| {
        match convoca::db::organisers::add(conn, email, "Amina Diallo", &hash, false, now).expect("add") {
            convoca::db::organisers::AddOutcome::Added(id) => id,
            convoca::db::organisers::AddOutcome::EmailTaken => panic!("taken"),
        }
    })
    .await
}

async fn try_password(app: &TestApp, client: &reqwest::Client, password: &str) -> reqwest::Response {
    let page = client.get(app.url("/admin/login")).send().await.expect("page").text().await.expect("body");
    client
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf_token", csrf_token(&page).as_str()),
            ("email", TARGET),
            ("password", password),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("sign in")
}

async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client.get(app.url("/admin")).send().await.expect("admin").status() == 200
}

/// Asks for a reset link for `email` from the form on the sign-in page's "forgot" link.
async fn ask_for_link(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    let page = client.get(app.url("/admin/reset")).send().await.expect("page").text().await.expect("body");
    client
        .post(app.url("/admin/reset"))
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("email", email)])
        .send()
        .await
        .expect("ask")
}

/// The reset link in the last mail to `email`, once the worker has sent it.
async fn mailed_link(app: &TestApp, email: &str) -> String {
    app.deliver_mail().await;
    app.mail()
        .to(email)
        .iter()
        .rev()
        .find_map(|m| m.link(&format!("{}/admin/reset/", app.address)))
        .expect("a reset link was mailed")
}

async fn set_password(
    client: &reqwest::Client,
    link: &str,
    new: &str,
    confirm: &str,
) -> (reqwest::StatusCode, String) {
    let res = client.get(link).send().await.expect("form");
    let status = res.status();
    let page = res.text().await.expect("body");
    if status != 200 {
        return (status, page);
    }
    let res = client
        .post(link)
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("new", new), ("confirm", confirm)])
        .send()
        .await
        .expect("post");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

async fn security_actions(app: &TestApp) -> Vec<String> {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log.order((a::created_at.asc(), a::id.asc())).select(a::action).load(conn).expect("audit")
    })
    .await
}

async fn a_forgotten_password_is_reset_through_the_emailed_link(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET).await;
    let elsewhere = browser_at("198.51.100.7");
    assert_eq!(try_password(&app, &elsewhere, ORGANISER_PASSWORD).await.status(), 303);
    assert!(signed_in(&app, &elsewhere).await);

    let browser = browser_at("192.0.2.20");
    let login = browser.get(app.url("/admin/login")).send().await.expect("login").text().await.expect("body");
    assert!(login.contains("href=\"/admin/reset\""), "the sign-in page offers the reset");
    let res = ask_for_link(&app, &browser, TARGET).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("body").contains("a link to choose a new password is on its way"));

    let link = mailed_link(&app, TARGET).await;
    let mail = app.mail().to(TARGET).pop().expect("mail");
    assert_eq!(mail.subject(), "Reset your Convoca password");
    assert!(mail.text().contains("30 minutes"));
    let token = link.rsplit('/').next().expect("token").to_owned();
    let stored: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::organiser_reset_tokens::dsl as t;
            t::organiser_reset_tokens.select(t::token_hash).load(conn).expect("tokens")
        })
        .await;
    assert_eq!(stored, vec![convoca::security::hash_token(&token)], "only the hash is stored");

    // Opening the link changes nothing (mail scanners open links): it still works after.
    for _ in 0..2 {
        let res = browser.get(&link).send().await.expect("form");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
    }
    // Bad input: a common password, two that differ; each said next to its field, none kept.
    let (status, html) = set_password(&browser, &link, "password1234", "password1234").await;
    assert_eq!(status, 422);
    assert!(html.contains("one of the most common") && html.contains("id=\"new-error\""), "ASVS 2.1.7");
    assert!(!html.contains("password1234"), "the password is not kept");
    let (status, html) = set_password(&browser, &link, NEW_PASSWORD, "a violet kettle sings at dusk").await;
    assert_eq!(status, 422);
    assert!(html.contains("The two new passwords are not the same") && html.contains("id=\"confirm-error\""));
    assert!(!html.contains(NEW_PASSWORD));
    assert!(signed_in(&app, &elsewhere).await, "nothing changed yet");

    let (status, _) = set_password(&browser, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, 303);
    assert!(!signed_in(&app, &elsewhere).await, "every session of the account ended");
    assert_eq!(try_password(&app, &browser, ORGANISER_PASSWORD).await.status(), 401, "the old one fails");
    assert_eq!(try_password(&app, &browser, NEW_PASSWORD).await.status(), 303, "the new one works");

    // The link works once.
    let res = browser.get(&link).send().await.expect("again");
    assert_eq!(res.status(), 404);
    let html = res.text().await.expect("body");
    assert!(html.contains("Ask for a new link") && html.contains("href=\"/admin/reset\""));
    let actions = security_actions(&app).await;
    assert!(actions.contains(&"password.reset_requested".to_owned()), "{actions:?}");
    assert!(actions.contains(&"password.reset".to_owned()), "{actions:?}");
}

async fn an_address_that_is_no_account_gets_the_same_answer_and_no_mail(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET).await;
    let browser = browser_at("192.0.2.20");
    let known = ask_for_link(&app, &browser, TARGET).await;
    let unknown = ask_for_link(&app, &browser, "nobody@secretariat.example.org").await;
    assert_eq!(known.status(), unknown.status());
    let (known, unknown) = (known.text().await.expect("body"), unknown.text().await.expect("body"));
    assert_eq!(known, unknown, "the same page either way");
    app.deliver_mail().await;
    assert_eq!(app.mail().to(TARGET).len(), 1);
    assert!(app.mail().to("nobody@secretariat.example.org").is_empty(), "no mail to an unknown address");
    assert_eq!(app.outbox_statuses("organiser_password_reset").await, vec!["sent".to_owned()]);
}

async fn an_expired_or_superseded_link_no_longer_works(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET).await;
    let browser = browser_at("192.0.2.20");
    ask_for_link(&app, &browser, TARGET).await;
    let first = mailed_link(&app, TARGET).await;
    let form = browser.get(&first).send().await.expect("form").text().await.expect("body");
    app.clock.advance(Span::minutes(31));
    let res = browser
        .post(&first)
        .form(&[("csrf_token", csrf_token(&form).as_str()), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 404, "expired after 30 minutes");
    assert!(res.text().await.expect("body").contains("Ask for a new link"));

    ask_for_link(&app, &browser, TARGET).await;
    let second = mailed_link(&app, TARGET).await;
    ask_for_link(&app, &browser, TARGET).await;
    let third = mailed_link(&app, TARGET).await;
    assert_ne!(second, third);
    assert_eq!(set_password(&browser, &second, NEW_PASSWORD, NEW_PASSWORD).await.0, 404, "superseded");
    assert_eq!(set_password(&browser, &third, NEW_PASSWORD, NEW_PASSWORD).await.0, 303, "the newest works");
    assert_eq!(try_password(&app, &browser, NEW_PASSWORD).await.status(), 303);

    // The daily run removes the links that no longer work.
    let later = app.clock.now() + Span::minutes(31);
    let left = app
        .db(move |conn| {
            convoca::db::password_reset::purge(conn, later).expect("purge");
            use convoca::db::schema::organiser_reset_tokens::dsl as t;
            t::organiser_reset_tokens.count().get_result::<i64>(conn).expect("count")
        })
        .await;
    assert_eq!(left, 0);
}

async fn reset_requests_are_limited_per_address_and_per_account(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET).await;
    let first = browser_at("203.0.113.5");
    for n in 0..5 {
        assert_eq!(ask_for_link(&app, &first, TARGET).await.status(), 200, "request {n}");
    }
    let res = ask_for_link(&app, &first, TARGET).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let second = browser_at("203.0.113.6");
    assert_eq!(ask_for_link(&app, &second, TARGET).await.status(), 429, "the account is limited anywhere");
    assert_eq!(
        ask_for_link(&app, &first, "other@secretariat.example.org").await.status(),
        429,
        "the address is limited whatever account it names"
    );
    assert_eq!(ask_for_link(&app, &second, "other@secretariat.example.org").await.status(), 200);
    app.deliver_mail().await;
    assert_eq!(app.mail().to(TARGET).len(), 5);
}

async fn wrong_reset_links_count_as_guesses(engine: Engine) {
    let app = behind_proxy(engine).await;
    let guesser = browser_at("203.0.113.9");
    let guess = |n: usize| format!("{}/admin/reset/{:A>43}", app.address, n);
    for n in 0..30 {
        assert_eq!(guesser.get(guess(n)).send().await.expect("guess").status(), 404, "guess {n}");
    }
    assert_eq!(guesser.get(guess(30)).send().await.expect("guess").status(), 429);
    let other = browser_at("203.0.113.10");
    assert_eq!(other.get(guess(31)).send().await.expect("guess").status(), 404);
}

async fn a_reset_keeps_the_second_factor(engine: Engine) {
    let app = behind_proxy(engine).await;
    let id = add_account(&app, TARGET).await;
    let now = app.clock.now();
    app.db(move |conn| {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        convoca::db::two_factor::set_pending_secret(conn, &id, secret).expect("pending");
        assert!(convoca::db::two_factor::enable(conn, &id, secret, 0, &[], now).expect("enable"));
    })
    .await;
    let browser = browser_at("192.0.2.20");
    ask_for_link(&app, &browser, TARGET).await;
    let link = mailed_link(&app, TARGET).await;
    assert_eq!(set_password(&browser, &link, NEW_PASSWORD, NEW_PASSWORD).await.0, 303);
    let res = try_password(&app, &browser, NEW_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").starts_with("/admin/login/code"));
    assert!(!signed_in(&app, &browser).await, "the new password alone does not sign in");
}

on_both_engines!(
    a_forgotten_password_is_reset_through_the_emailed_link,
    an_address_that_is_no_account_gets_the_same_answer_and_no_mail,
    an_expired_or_superseded_link_no_longer_works,
    reset_requests_are_limited_per_address_and_per_account,
    wrong_reset_links_count_as_guesses,
    a_reset_keeps_the_second_factor,
);
