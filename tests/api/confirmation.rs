//! The confirmation mail as real mailboxes meet it: link scanners open every link of an
//! incoming mail, people submit the same form twice, someone else types an official's address.

use crate::helpers::{Engine, TestApp, confirm, set, valid_form};
use crate::on_both_engines;

/// Every link in a mail's text part.
fn links_in(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .map(str::to_owned)
        .collect()
}

/// A link scanner (Microsoft Defender Safe Links and the like) opens every link of the
/// confirmation mail, with GET and HEAD and without cookies: nothing is confirmed, no seat is
/// taken, no mail is sent. The person then confirms with the page's button.
async fn a_link_scanner_opening_every_link_confirms_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("scanned", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let person = app.client();
    let form = valid_form("Ama Owusu", "ama@accra.gov.gh", &org);
    assert_eq!(app.submit_registration(&person, "scanned", &form).await.status(), 303);
    assert_eq!(app.deliver_mail().await, 1);
    let mail = app.mail().to("ama@accra.gov.gh").remove(0);
    let links = links_in(&mail.text());
    let confirm_link = mail.link(&format!("{}/confirm/", app.address)).expect("a confirmation link");
    assert!(links.contains(&confirm_link), "the scanner sees the confirmation link: {links:?}");

    let scanner = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .expect("scanner client");
    for link in &links {
        for _ in 0..2 {
            let get = scanner.get(link).send().await.expect("GET");
            assert!(get.status().as_u16() < 500, "GET {link}: {}", get.status());
            let head = scanner.head(link).send().await.expect("HEAD");
            assert!(head.status().as_u16() < 500, "HEAD {link}: {}", head.status());
        }
    }
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 0, "no seat taken");
    assert_eq!(app.status_of(&session.id, "ama@accra.gov.gh").await.as_deref(), Some("pending"));
    assert_eq!(app.deliver_mail().await, 0, "no mail sent");

    // The page the link opens says what the button does, and the button confirms.
    let page = person.get(&confirm_link).send().await.expect("page");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.expect("body");
    assert!(html.contains("Confirm my registration"), "{html}");
    let res = confirm(&person, &confirm_link).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").ends_with("done=confirmed"));
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1);
    assert_eq!(app.deliver_mail().await, 1, "the 'you are registered' mail");
}

/// The button posts with the page's CSRF token: a cross-site form cannot confirm for someone.
async fn the_confirmation_button_needs_the_page_s_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("forged", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let person = app.client();
    app.submit_registration(&person, "forged", &valid_form("Ama Owusu", "ama@accra.gov.gh", &org)).await;
    app.deliver_mail().await;
    let link = app.mail().to("ama@accra.gov.gh")[0].link(&format!("{}/confirm/", app.address)).expect("link");
    let forged = app.client().post(&link).form(&[("csrf_token", "forged")]).send().await.expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 0);
}

/// Ten submissions of the same form: one registration, one mail, and that mail's link confirms;
/// the page says the link already sent still works.
async fn the_same_form_ten_times_sends_one_mail_whose_link_works(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("again", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let person = app.client();
    let form = valid_form("Ama Owusu", "ama@accra.gov.gh", &org);
    let first = app.submit_registration(&person, "again", &form).await;
    assert_eq!(first.headers()["location"], "/sessions/again/registered");
    for _ in 0..9 {
        let res = app.submit_registration(&person, "again", &form).await;
        assert_eq!(res.status(), 303);
        let location = res.headers()["location"].to_str().expect("location").to_owned();
        assert_eq!(location, "/sessions/again/registered?sent=earlier");
    }
    let page = person.get(app.url("/sessions/again/registered?sent=earlier")).send().await.expect("page");
    assert!(page.text().await.expect("body").contains("its link still works"));
    assert_eq!(app.deliver_mail().await, 1, "one mail for ten identical forms");
    let registrations = app.count_registrations(&session.id, "pending").await;
    assert_eq!(registrations, 1);
    let link = app.mail().to("ama@accra.gov.gh")[0].link(&format!("{}/confirm/", app.address)).expect("link");
    assert_eq!(confirm(&person, &link).await.status(), 303);
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1, "that mail's link confirms");
    assert_eq!(app.deliver_mail().await, 1, "the 'you are registered' mail");

    // Ten minutes on, the same form sends a new mail.
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(
        app.submit_registration(&person, "again", &form).await.headers()["location"],
        "/sessions/again/registered"
    );
    assert_eq!(app.deliver_mail().await, 1, "the 'already registered' mail with the manage link");
}

/// Someone submits an official's address with other details: the link mailed for the first
/// details stops working, so nobody confirms what another typed; the newest link confirms the
/// newest details. The confirmation request does not repeat the typed name.
async fn other_details_for_a_pending_address_revoke_the_older_link(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("revoke", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let person = app.client();
    app.submit_registration(&person, "revoke", &valid_form("Ama Owusu", "ama@accra.gov.gh", &org)).await;
    app.deliver_mail().await;
    let prefix = format!("{}/confirm/", app.address);
    let older = app.mail().to("ama@accra.gov.gh")[0].link(&prefix).expect("first link");

    let stranger = app.client();
    let mut other = valid_form("Somebody Else", "ama@accra.gov.gh", &org);
    set(&mut other, "position", "Not what Ama typed");
    assert_eq!(app.submit_registration(&stranger, "revoke", &other).await.status(), 303);
    assert_eq!(app.deliver_mail().await, 1, "a new link for the new details");
    let mails = app.mail().to("ama@accra.gov.gh");
    let newer = mails[1].link(&prefix).expect("second link");
    assert_ne!(older, newer);
    let text = mails[1].text();
    assert!(!text.contains("Somebody Else"), "a typed name is not repeated to the mailbox: {text}");

    assert_eq!(person.get(&older).send().await.expect("older").status(), 404, "the older link is revoked");
    assert_eq!(confirm(&person, &newer).await.status(), 303);
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1);
}

on_both_engines!(
    a_link_scanner_opening_every_link_confirms_nothing,
    the_confirmation_button_needs_the_page_s_token,
    the_same_form_ten_times_sends_one_mail_whose_link_works,
    other_details_for_a_pending_address_revoke_the_older_link,
);
