//! Organiser sign-in to ASVS level 2: the throttle behind a proxy (device cookies), the second
//! factor, the common-password rule, one's sessions, re-authentication and the security log.

use std::time::Duration;

use chrono::Duration as Span;
use diesel::prelude::*;

use crate::helpers::{Engine, ORGANISER_PASSWORD, Options, TestApp, csrf_token};
use crate::on_both_engines;

/// A browser speaking from `address` through the trusted proxy on 127.0.0.1.
fn browser_at(address: &str, agent: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().expect("header"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .default_headers(headers)
        .user_agent(agent)
        .build()
        .expect("client")
}

async fn behind_proxy(engine: Engine) -> TestApp {
    TestApp::spawn_with(engine, Options { trusted_proxies: Some("127.0.0.1"), ..Options::default() }).await
}

async fn add_account(app: &TestApp, email: &'static str, admin: bool) -> String {
    let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
    let now = app.clock.now();
    app.db(move |conn| {
        match convoca::db::organisers::add(conn, email, "Amina Diallo", &hash, admin, now).expect("add") {
            convoca::db::organisers::AddOutcome::Added(id) => id,
            convoca::db::organisers::AddOutcome::EmailTaken => panic!("taken"),
        }
    })
    .await
}

async fn try_password(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = client.get(app.url("/admin/login")).send().await.expect("page").text().await.expect("body");
    client
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf_token", csrf_token(&page).as_str()),
            ("email", email),
            ("password", password),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("sign in")
}

async fn sign_out(app: &TestApp, client: &reqwest::Client) {
    let token = app.csrf_for(client, "/admin").await;
    let res = client.post(app.url("/admin/logout")).form(&[("csrf_token", token)]).send().await.expect("out");
    assert_eq!(res.status(), 303);
}

async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client.get(app.url("/admin")).send().await.expect("admin").status() == 200
}

async fn security_events(app: &TestApp) -> Vec<(String, String, String)> {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log
            .order((a::created_at.asc(), a::id.asc()))
            .select((a::action, a::subject, a::details))
            .load::<(String, String, String)>(conn)
            .expect("audit")
    })
    .await
}

const TARGET: &str = "amina.diallo@secretariat.example.org";

async fn an_attacker_elsewhere_cannot_lock_the_real_organiser_out(engine: Engine) {
    let app = behind_proxy(engine).await;
    let id = add_account(&app, TARGET, true).await;
    // The real organiser signed in before from their own browser (which keeps its device cookie).
    let organiser = browser_at("198.51.100.7", "Organiser's Firefox");
    let res = try_password(&app, &organiser, TARGET, ORGANISER_PASSWORD).await;
    assert_eq!(res.status(), 303);
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().expect("cookie").to_owned()).collect();
    let device = cookies.iter().find(|c| c.starts_with("convoca_device=")).expect("a device cookie");
    assert!(device.contains("HttpOnly") && device.contains("SameSite=Strict"), "{device}");
    sign_out(&app, &organiser).await;

    // 25 wrong guesses from one address elsewhere.
    let attacker = browser_at("203.0.113.77", "curl");
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(try_password(&app, &attacker, TARGET, "password123456").await.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[401; 10], "ten free tries");
    assert!(statuses[10..].iter().all(|s| *s == 429), "then slowed: {statuses:?}");
    let refused = try_password(&app, &attacker, TARGET, "password123456").await;
    assert_eq!(refused.status(), 429);
    let wait: i64 = refused.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert!(refused.text().await.expect("body").contains("You can try again from"), "the page says when");

    // The real organiser, with the device cookie, gets in at once from their own address.
    let res = try_password(&app, &organiser, TARGET, ORGANISER_PASSWORD).await;
    assert_eq!(res.status(), 303, "the organiser is not locked out");
    assert!(signed_in(&app, &organiser).await);

    // A stranger (no device cookie, or a forged one) trying that account is slowed too ...
    let stranger = browser_at("192.0.2.50", "Another browser");
    assert_eq!(try_password(&app, &stranger, TARGET, ORGANISER_PASSWORD).await.status(), 429);
    let forged =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let res = forged
        .get(app.url("/admin/login"))
        .header("x-forwarded-for", "192.0.2.51")
        .send()
        .await
        .expect("page");
    let seed = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("convoca_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf seed")
        .to_owned();
    let page = res.text().await.expect("body");
    let res = forged
        .post(app.url("/admin/login"))
        .header("x-forwarded-for", "192.0.2.51")
        .header(
            "cookie",
            format!("convoca_csrf={seed}; convoca_device={id}.aaaaaaaaaaaaaaaaaaaaaa.bm90IGEgc2lnbmF0dXJl"),
        )
        .form(&[
            ("csrf_token", csrf_token(&page).as_str()),
            ("email", TARGET),
            ("password", ORGANISER_PASSWORD),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("forged");
    assert_eq!(res.status(), 429, "a forged device cookie is no device cookie");

    // ... but only spaced out, never locked out: a minute later the stranger may try.
    app.clock.advance(Span::seconds(61));
    assert_eq!(try_password(&app, &stranger, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    // The attacker's own waits keep growing: one try, then a longer wait.
    assert_eq!(try_password(&app, &attacker, TARGET, "password123456").await.status(), 401);
    let res = try_password(&app, &attacker, TARGET, "password123456").await;
    assert_eq!(res.status(), 429);
    let wait: i64 = res.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!(wait > 60, "the second wait is longer: {wait}");

    let events = security_events(&app).await;
    let failures = events.iter().filter(|(a, _, _)| a == "sign_in.failure").count();
    assert_eq!(failures, 11);
    assert!(events.iter().any(|(a, s, d)| a == "sign_in.throttled" && s == TARGET && d == "203.0.113.77"));
    assert!(events.iter().any(|(a, _, d)| a == "sign_in.success" && d == "198.51.100.7"));
    assert!(
        events.iter().all(|(_, s, d)| !s.contains("password123456") && !d.contains("password123456")),
        "never a password"
    );
}

async fn one_address_trying_many_accounts_is_slowed(engine: Engine) {
    let app = behind_proxy(engine).await;
    let sprayer = browser_at("203.0.113.9", "spray");
    for n in 0..20 {
        let email = format!("person{n}@secretariat.example.org");
        assert_eq!(try_password(&app, &sprayer, &email, "Summer2026!!").await.status(), 401, "try {n}");
    }
    let res = try_password(&app, &sprayer, "person99@secretariat.example.org", "Summer2026!!").await;
    assert_eq!(res.status(), 429, "the address is slowed whatever account it names");
    // Another address is not.
    let other = browser_at("203.0.113.10", "someone else");
    assert_eq!(try_password(&app, &other, "person1@secretariat.example.org", "x").await.status(), 401);
}

/// The code an authenticator app shows at `at` seconds for `secret`.
fn code_at(secret: &str, at: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32 secret");
    let totp = totp_rs::Builder::new().with_secret(secret).build().expect("totp");
    totp.generate(u64::try_from(at).expect("after 1970")).to_string()
}

fn now_seconds(app: &TestApp) -> i64 {
    app.clock.now().and_utc().timestamp()
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("{start} in the page")) + start.len();
    let to = html[from..].find(end).expect("end") + from;
    &html[from..to]
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    page: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_for(client, page).await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(form);
    client.post(app.url(path)).form(&fields).send().await.expect("post")
}

async fn the_second_factor_is_enrolled_asked_at_sign_in_and_each_code_works_once(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET, false).await;
    let browser = browser_at("198.51.100.7", "Firefox");
    assert_eq!(try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await.status(), 303);

    let page =
        browser.get(app.url("/admin/two-factor")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("<svg"), "a QR code drawn inline (no script, no outside image)");
    let secret = between(&page, "<code id=\"totp-secret\">", "</code>").to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32: {secret}");

    // Bad input: a wrong code, and a wrong password; nothing is turned on.
    let res = post(
        &browser,
        &app,
        "/admin/two-factor",
        "/admin/two-factor",
        &[("current", ORGANISER_PASSWORD), ("code", "000000")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("This code is not right"));
    let now = now_seconds(&app);
    let res = post(
        &browser,
        &app,
        "/admin/two-factor",
        "/admin/two-factor",
        &[("current", "not it"), ("code", &code_at(&secret, now))],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("The current password is not right"));
    assert!(html.contains(&secret), "the same secret is offered again");

    let res = post(
        &browser,
        &app,
        "/admin/two-factor",
        "/admin/two-factor",
        &[("current", ORGANISER_PASSWORD), ("code", &code_at(&secret, now))],
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    let codes: Vec<String> = between(&html, "<ul id=\"recovery-codes\">", "</ul>")
        .split("<code>")
        .skip(1)
        .map(|part| part.split("</code>").next().expect("code").to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    let stored: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::organiser_recovery_codes::dsl as r;
            r::organiser_recovery_codes.select(r::code_hash).load(conn).expect("codes")
        })
        .await;
    assert!(codes.iter().all(|c| !stored.contains(c)), "stored hashed");
    assert!(codes.iter().all(|c| c.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 24), "120 bits");
    let kept: Option<String> = app
        .db(|conn| {
            use convoca::db::schema::organisers::dsl as o;
            o::organisers.select(o::totp_secret).first(conn).expect("secret")
        })
        .await;
    let kept = kept.expect("enrolled");
    assert!(
        !kept.contains(&secret) && !kept.contains(&secret.to_lowercase()),
        "the secret is stored encrypted"
    );
    sign_out(&app, &browser).await;

    // Sign-in asks for the code after the password.
    let res = try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").starts_with("/admin/login/code"));
    assert!(!signed_in(&app, &browser).await, "not signed in with the password alone");
    let code_form = |code: String| {
        let (browser, app) = (browser.clone(), &app);
        async move {
            post(
                &browser,
                app,
                "/admin/login/code",
                "/admin/login/code",
                &[("code", &code), ("next", "/admin")],
            )
            .await
        }
    };
    let res = code_form(code_at(&secret, now)).await;
    assert_eq!(res.status(), 422, "the code used for enrolment cannot be used again");
    assert!(res.text().await.expect("body").contains("This code has been used already"));
    assert_eq!(code_form("123456".into()).await.status(), 422);
    // One step of drift either way is accepted.
    app.clock.advance(Span::seconds(60));
    let now = now_seconds(&app);
    assert_eq!(code_form(code_at(&secret, now - 30)).await.status(), 303, "the step before");
    assert!(signed_in(&app, &browser).await);
    sign_out(&app, &browser).await;

    // A recovery code works once.
    assert_eq!(try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    assert_eq!(code_form(codes[0].to_uppercase()).await.status(), 303, "a recovery code");
    sign_out(&app, &browser).await;
    assert_eq!(try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    let res = code_form(codes[0].clone()).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("This recovery code has been used already"));
    assert_eq!(code_form(code_at(&secret, now + 30)).await.status(), 303, "the step after");

    // Turning it off needs the password and a code.
    app.clock.advance(Span::seconds(90));
    let now = now_seconds(&app);
    let res = post(
        &browser,
        &app,
        "/admin/two-factor/disable",
        "/admin/two-factor",
        &[("current", ORGANISER_PASSWORD), ("code", "")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = post(
        &browser,
        &app,
        "/admin/two-factor/disable",
        "/admin/two-factor",
        &[("current", ORGANISER_PASSWORD), ("code", &code_at(&secret, now))],
    )
    .await;
    assert_eq!(res.status(), 303);
    sign_out(&app, &browser).await;
    let res = try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/admin", "no code asked any more");

    let kinds: Vec<String> = security_events(&app).await.into_iter().map(|(a, _, _)| a).collect();
    for kind in [
        "two_factor.enrol",
        "two_factor.recovery_code_used",
        "sign_in.second_factor_failure",
        "two_factor.disable",
        "sign_out",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} recorded: {kinds:?}");
    }
}

async fn administrators_can_require_a_second_factor_of_everyone(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET, true).await;
    add_account(&app, "colleague@secretariat.example.org", false).await;
    let admin = browser_at("198.51.100.7", "Admin");
    assert_eq!(try_password(&app, &admin, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    let res =
        post(&admin, &app, "/admin/accounts/policy", "/admin/accounts", &[("require_second_factor", "yes")])
            .await;
    assert_eq!(res.status(), 303);

    let colleague = browser_at("198.51.100.8", "Colleague");
    let res = try_password(&app, &colleague, "colleague@secretariat.example.org", ORGANISER_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/admin/two-factor", "sent to enrol right after the password");
    assert!(!signed_in(&app, &colleague).await, "and can do nothing else first");
    let page =
        colleague.get(app.url("/admin/two-factor")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("Administrators require a second factor"));
    let secret = between(&page, "<code id=\"totp-secret\">", "</code>").to_owned();
    let code = code_at(&secret, now_seconds(&app));
    let res = post(&colleague, &app, "/admin/two-factor", "/admin/two-factor", &[("code", &code)]).await;
    assert_eq!(res.status(), 200);
    assert!(signed_in(&app, &colleague).await, "enrolled, the sign-in completes");
    let events = security_events(&app).await;
    assert!(events.iter().any(|(a, _, d)| a == "policy.second_factor" && d == "required=true"));
}

async fn new_passwords_must_be_long_and_uncommon_and_the_form_keeps_none(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET, false).await;
    let browser = browser_at("198.51.100.7", "Firefox");
    assert_eq!(try_password(&app, &browser, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    let change = |current: &'static str, new: &'static str| {
        let (browser, app) = (browser.clone(), &app);
        async move {
            post(
                &browser,
                app,
                "/admin/password",
                "/admin/password",
                &[("current", current), ("new", new), ("confirm", new)],
            )
            .await
        }
    };
    let res = change(ORGANISER_PASSWORD, "1qaz2wsx3edc").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("one of the most common"), "ASVS 2.1.7");
    assert!(
        !html.contains("1qaz2wsx3edc") && !html.contains(ORGANISER_PASSWORD),
        "no password kept in the form"
    );
    let res = change(ORGANISER_PASSWORD, "eleven char").await;
    assert!(res.text().await.expect("body").contains("Use at least 12 characters"));
    let long: &'static str = Box::leak("long words ".repeat(12).into_boxed_str());
    let res = change(ORGANISER_PASSWORD, long).await;
    assert!(res.text().await.expect("body").contains("at most 128"), "at most 128 characters");
    let res = change("not the password", "a new and private sentence").await;
    assert!(res.text().await.expect("body").contains("The current password is not right"));
    // Nothing changed: the old password still works.
    let other = browser_at("198.51.100.7", "Firefox");
    assert_eq!(try_password(&app, &other, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    assert_eq!(change(ORGANISER_PASSWORD, "a new and private sentence").await.status(), 303);
    assert!(!signed_in(&app, &other).await, "a new password signs out the other sessions");
    let res = try_password(&app, &other, TARGET, "a new and private sentence").await;
    assert_eq!(res.status(), 303);
}

async fn one_sees_ones_sessions_and_signs_out_the_others(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET, false).await;
    let laptop = browser_at("198.51.100.7", "Laptop Firefox");
    let phone = browser_at("2001:db8:5:6::9", "Phone Safari");
    let tablet = browser_at("198.51.100.9", "Tablet Chrome");
    for b in [&laptop, &phone, &tablet] {
        assert_eq!(try_password(&app, b, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    }
    let page =
        laptop.get(app.url("/admin/signed-in")).send().await.expect("page").text().await.expect("body");
    for seen in
        ["Laptop Firefox", "Phone Safari", "Tablet Chrome", "198.51.100.7", "2001:db8:5:6::9", "This browser"]
    {
        assert!(page.contains(seen), "{seen} listed");
    }
    assert_eq!(page.matches("class=\"signed-in-session\"").count(), 3);
    // Sign out one: the phone.
    let row = page.split("class=\"signed-in-session\"").find(|r| r.contains("Phone Safari")).expect("row");
    let handle = between(row, "name=\"session\" value=\"", "\"").to_owned();
    let res = post(&laptop, &app, "/admin/signed-in/end", "/admin/signed-in", &[("session", &handle)]).await;
    assert_eq!(res.status(), 303);
    assert!(!signed_in(&app, &phone).await && signed_in(&app, &tablet).await);
    // Everywhere else.
    let res = post(&laptop, &app, "/admin/signed-in/elsewhere", "/admin/signed-in", &[]).await;
    assert_eq!(res.status(), 303);
    assert!(!signed_in(&app, &tablet).await && signed_in(&app, &laptop).await);
    // Someone else's session cannot be named.
    add_account(&app, "other@secretariat.example.org", false).await;
    let other = browser_at("198.51.100.20", "Other");
    assert_eq!(
        try_password(&app, &other, "other@secretariat.example.org", ORGANISER_PASSWORD).await.status(),
        303
    );
    let theirs: String = app
        .db(|conn| {
            use convoca::db::schema::organiser_sessions::dsl as s;
            use convoca::db::schema::organisers::dsl as o;
            s::organiser_sessions
                .inner_join(o::organisers)
                .filter(o::email_normalized.eq("other@secretariat.example.org"))
                .select(s::token_hash)
                .first(conn)
                .expect("their session")
        })
        .await;
    let res = post(&laptop, &app, "/admin/signed-in/end", "/admin/signed-in", &[("session", &theirs)]).await;
    assert_eq!(res.status(), 404, "only one's own sessions");
    assert!(signed_in(&app, &other).await);
    let kinds: Vec<String> = security_events(&app).await.into_iter().map(|(a, _, _)| a).collect();
    assert!(kinds.iter().any(|k| k == "sign_out.elsewhere"));
}

async fn security_events_are_logged_and_administrators_filter_them(engine: Engine) {
    let app = behind_proxy(engine).await;
    add_account(&app, TARGET, true).await;
    let admin = browser_at("198.51.100.7", "Admin");
    let stranger = browser_at("203.0.113.5", "Stranger");
    assert_eq!(try_password(&app, &stranger, TARGET, "a wrong password").await.status(), 401);
    assert_eq!(try_password(&app, &admin, TARGET, ORGANISER_PASSWORD).await.status(), 303);
    // A state change without a valid CSRF token.
    let res =
        admin.post(app.url("/admin/series")).form(&[("csrf_token", "forged")]).send().await.expect("post");
    assert_eq!(res.status(), 403);
    // Guessing emailed links until refused.
    let guesser = browser_at("203.0.113.6", "Guesser");
    let mut status = 0;
    for n in 0..40 {
        status = guesser
            .get(app.url(&format!("/manage/{}", "x".repeat(40) + &format!("{n:03}"))))
            .send()
            .await
            .expect("guess")
            .status()
            .as_u16();
        if status == 429 {
            break;
        }
    }
    assert_eq!(status, 429);

    let all = admin.get(app.url("/admin/audit")).send().await.expect("audit").text().await.expect("body");
    for kind in ["sign_in.failure", "sign_in.success", "csrf.refused", "link_guess.refused"] {
        assert!(all.contains(kind), "{kind} on the page");
    }
    let failures = admin
        .get(app.url("/admin/audit?event=sign_in.failure"))
        .send()
        .await
        .expect("audit")
        .text()
        .await
        .expect("body");
    assert!(failures.contains("203.0.113.5"), "the failed sign-in's address (an organiser account's)");
    assert!(!failures.contains("<code>sign_in.success</code>"), "filtered by kind");
    let events = security_events(&app).await;
    let link = events.iter().find(|(a, _, _)| a == "link_guess.refused").expect("link guess");
    assert_eq!(link.1, "/manage/{token}", "the route, never the token");
    assert!(!link.2.contains("203.0.113.6"), "never a registrant's address");
    assert!(
        events.iter().all(|(_, s, d)| !s.contains("a wrong password") && !d.contains("a wrong password"))
    );
}

on_both_engines!(
    an_attacker_elsewhere_cannot_lock_the_real_organiser_out,
    one_address_trying_many_accounts_is_slowed,
    the_second_factor_is_enrolled_asked_at_sign_in_and_each_code_works_once,
    administrators_can_require_a_second_factor_of_everyone,
    new_passwords_must_be_long_and_uncommon_and_the_form_keeps_none,
    one_sees_ones_sessions_and_signs_out_the_others,
    security_events_are_logged_and_administrators_filter_them,
);
