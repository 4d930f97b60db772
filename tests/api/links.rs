//! Emailed links: every route a link opens answers the same page when the link does not work,
//! and counts the wrong links a client tries.

use crate::helpers::{Engine, Options, TestApp, csrf_token};
use crate::on_both_engines;

/// Every route an emailed link opens: method, path after the token, form body.
const TOKEN_ROUTES: [(&str, &str, &str); 14] = [
    ("GET", "/confirm/{t}", ""),
    ("POST", "/confirm/{t}", ""),
    ("GET", "/manage/{t}", ""),
    ("GET", "/manage/{t}/calendar.ics", ""),
    ("GET", "/manage/{t}/data.json", ""),
    ("GET", "/manage/{t}/reminders/off", ""),
    ("POST", "/manage/{t}/cancel", ""),
    ("POST", "/manage/{t}/reminders/off", ""),
    ("POST", "/manage/{t}/reminders/on", ""),
    ("GET", "/manage/{t}/announcements/off", ""),
    ("POST", "/manage/{t}/announcements/off", ""),
    ("POST", "/manage/{t}/announcements/on", ""),
    ("POST", "/manage/{t}/choices", "newsletter=yes"),
    ("POST", "/manage/{t}/erase", "confirm=yes"),
];

/// The wrong guesses a client network may make in ten minutes.
const GUESSES: usize = 30;

/// A client that keeps cookies and speaks from `address` through the trusted proxy.
struct Visitor<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    address: String,
    csrf: String,
}

impl<'a> Visitor<'a> {
    async fn new(app: &'a TestApp, address: &str) -> Self {
        let client = app.client();
        let page = client
            .get(app.url("/sessions/links/register"))
            .header("x-forwarded-for", address)
            .send()
            .await
            .expect("form");
        let csrf = csrf_token(&page.text().await.expect("body"));
        Self { app, client, address: address.to_owned(), csrf }
    }

    /// One token route with `token` in its path; POSTs carry this visitor's valid CSRF token,
    /// so only the link can be what is refused.
    async fn send(&self, (method, path, body): (&str, &str, &str), token: &str) -> reqwest::Response {
        let url = self.app.url(&path.replace("{t}", token));
        let request = if method == "GET" {
            self.client.get(url)
        } else {
            let body = if body.is_empty() {
                format!("csrf_token={}", self.csrf)
            } else {
                format!("csrf_token={}&{body}", self.csrf)
            };
            self.client.post(url).header("content-type", "application/x-www-form-urlencoded").body(body)
        };
        request.header("x-forwarded-for", &self.address).send().await.expect("answer")
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.client.get(url).header("x-forwarded-for", &self.address).send().await.expect("answer")
    }
}

fn behind_a_proxy() -> Options {
    Options { trusted_proxies: Some("127.0.0.1"), ..Options::default() }
}

/// Asserts that `res` is the "this link does not work" page with `status`.
async fn assert_link_page(res: reqwest::Response, status: u16, what: &str) {
    assert_eq!(res.status(), status, "{what}");
    assert_eq!(res.headers()["cache-control"], "no-store", "{what}");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer", "{what}");
    let content_type = res.headers()["content-type"].to_str().expect("type").to_owned();
    assert!(content_type.starts_with("text/html"), "{what}: {content_type}");
    if status == 429 {
        assert_eq!(res.headers()["retry-after"], "600", "{what}");
    }
    let html = res.text().await.expect("body");
    assert!(html.contains("<h1>This link does not work</h1>"), "{what}: {html}");
    assert!(html.contains("register again to get a new link"), "{what}: the next step");
    assert!(html.contains("<a href=\"/\">Back to all webinars</a>"), "{what}: the way to the catalogue");
    assert_eq!(html.contains("Please wait a moment"), status == 429, "{what}");
}

async fn every_token_route_answers_the_same_page_when_the_link_does_not_work(engine: Engine) {
    let app = TestApp::spawn_with(engine, behind_a_proxy()).await;
    app.create_session("links", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let manage = app.register_and_confirm("links", "Ama Owusu", "ama@accra.gov.gh", &org).await;
    let good = manage.split('?').next().and_then(|p| p.rsplit('/').next()).expect("token").to_owned();
    let confirm_token = app.mail().to("ama@accra.gov.gh")[0]
        .link(&format!("{}/confirm/", app.address))
        .and_then(|l| l.rsplit('/').next().map(str::to_owned))
        .expect("confirm token");
    // Malformed, well formed but unknown, and a live token of the other purpose; each route
    // from its own address, so that the guesses of one do not exhaust another's.
    let unknown = "A".repeat(43);
    for (n, (method, path, body)) in TOKEN_ROUTES.into_iter().enumerate() {
        let visitor = Visitor::new(&app, &format!("203.0.113.{}", 100 + n)).await;
        let what = format!("{method} {path}");
        assert_link_page(visitor.send((method, path, body), "not-a-token").await, 404, &what).await;
        assert_link_page(visitor.send((method, path, body), &unknown).await, 404, &what).await;
        let other_purpose = if path.starts_with("/confirm") { &good } else { &confirm_token };
        assert_link_page(visitor.send((method, path, body), other_purpose).await, 404, &what).await;
    }

    // An expired link (the manage link lives until a while after the session) says the same.
    let visitor = Visitor::new(&app, "203.0.113.11").await;
    app.clock.advance(chrono::Duration::days(400));
    for (method, path, body) in TOKEN_ROUTES.into_iter().filter(|(_, path, _)| path.starts_with("/manage")) {
        assert_link_page(visitor.send((method, path, body), &good).await, 404, &format!("expired {path}"))
            .await;
    }
}

async fn wrong_links_are_counted_on_every_route_and_then_even_a_good_link_waits(engine: Engine) {
    let app = TestApp::spawn_with(engine, behind_a_proxy()).await;
    app.create_session("links", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let manage = app.register_and_confirm("links", "Ama Owusu", "ama@accra.gov.gh", &org).await;
    let manage = manage.split('?').next().expect("path").to_owned();
    let bystander = Visitor::new(&app, "198.51.100.200").await;
    let mut guessers = Vec::new();
    for (n, route) in TOKEN_ROUTES.into_iter().enumerate() {
        let guesser = Visitor::new(&app, &format!("198.51.100.{n}")).await;
        assert_eq!(guesser.get(&manage).await.status(), 200, "{}: the link works at first", route.1);
        for guess in 0..GUESSES {
            let res = guesser.send(route, &format!("{guess:0>43}")).await;
            assert_eq!(res.status(), 404, "{} {}: guess {guess}", route.0, route.1);
        }
        let what = format!("after {GUESSES} wrong links on {} {}", route.0, route.1);
        assert_link_page(guesser.get(&manage).await, 429, &what).await;
        assert_link_page(guesser.send(route, &format!("{:0>43}", 99)).await, 429, &what).await;
        let res = bystander.get(&manage).await;
        assert_eq!(res.status(), 200, "{what}: another address is not affected");
        guessers.push(guesser);
    }
    app.clock.advance(chrono::Duration::minutes(9));
    assert_eq!(guessers[0].get(&manage).await.status(), 429, "the window has not passed yet");
    app.clock.advance(chrono::Duration::minutes(2));
    for guesser in &guessers {
        assert_eq!(guesser.get(&manage).await.status(), 200, "{}: the window has passed", guesser.address);
    }
}

async fn an_ipv6_client_rotating_within_its_64_is_counted_as_one(engine: Engine) {
    let app = TestApp::spawn_with(engine, behind_a_proxy()).await;
    app.create_session("links", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let manage = app.register_and_confirm("links", "Ama Owusu", "ama@accra.gov.gh", &org).await;
    let manage = manage.split('?').next().expect("path").to_owned();
    for guess in 0..GUESSES {
        // A fresh address of the same /64 for every guess.
        let visitor = Visitor::new(&app, &format!("2001:db8:7:7:{guess:x}::{:x}", guess * 7 + 1)).await;
        let res = visitor.send(TOKEN_ROUTES[3], &format!("{guess:0>43}")).await;
        assert_eq!(res.status(), 404, "guess {guess}");
    }
    let same_network = Visitor::new(&app, "2001:db8:7:7:ffff:ffff:ffff:fffe").await;
    assert_link_page(same_network.get(&manage).await, 429, "another address of the same /64").await;
    let next_network = Visitor::new(&app, "2001:db8:7:8::1").await;
    assert_eq!(next_network.get(&manage).await.status(), 200, "the next /64 is someone else");
}

on_both_engines!(
    every_token_route_answers_the_same_page_when_the_link_does_not_work,
    wrong_links_are_counted_on_every_route_and_then_even_a_good_link_waits,
    an_ipv6_client_rotating_within_its_64_is_counted_as_one,
);
