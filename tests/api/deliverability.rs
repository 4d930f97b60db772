//! Mail that receiving systems trust: DKIM signatures an independent verifier accepts
//! (mail-auth, given the public key instead of DNS), Auto-Submitted, Reply-To, List-Id and a
//! one-click way out of reminders and announcements (RFC 8058, both form encodings) that the
//! manage page takes back; and the start-up checks of the new settings.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use base64::Engine;
use chrono::Duration;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt};

use crate::helpers::{Engine as DbEngine, Options, ReceivedMail, TestApp, csrf_token, free_port};
use crate::on_both_engines;

const SELECTOR: &str = "convoca2026";
/// The domain of the harness's sender, webinars@convoca.test: the default signing domain.
const DOMAIN: &str = "convoca.test";

on_both_engines!(
    every_message_is_dkim_signed_and_an_independent_verifier_accepts_it,
    an_rsa_key_written_by_openssl_signs_too,
    automated_mail_says_so_and_list_mail_names_its_list_and_its_way_out,
    the_announcement_opt_out_takes_both_encodings_and_the_manage_page_takes_it_back,
);

/// A DNS stand-in: the TXT records the verifier asks for, and nothing else.
struct KeyRecords(Mutex<HashMap<String, Txt>>);

impl KeyRecords {
    fn with(record: &str) -> Self {
        let key = DomainKey::parse(record.as_bytes()).expect("a DKIM key record");
        let mut map = HashMap::new();
        map.insert(format!("{SELECTOR}._domainkey.{DOMAIN}."), Txt::from(key));
        Self(Mutex::new(map))
    }
}

impl ResolverCache<String, Txt> for KeyRecords {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().expect("lock").get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().expect("lock").remove(name)
    }

    fn insert(&self, key: String, value: Txt, _valid_until: Instant) {
        self.0.lock().expect("lock").insert(key, value);
    }
}

/// What mail-auth says of each DKIM signature of `raw`, with `record` as the key's TXT record.
async fn verify(raw: &[u8], record: &str) -> Vec<DkimResult> {
    let keys = KeyRecords::with(record);
    // With its `test` feature mail-auth never queries DNS: only these records answer.
    let authenticator = MessageAuthenticator::new_cloudflare().expect("authenticator");
    let message = AuthenticatedMessage::parse(raw).expect("a parsable message");
    authenticator
        .verify_dkim(Parameters::new(&message).with_txt_cache(&keys))
        .await
        .into_iter()
        .map(|output| output.result().clone())
        .collect()
}

/// A fresh Ed25519 key: its PKCS#8 PEM (as `openssl genpkey -algorithm ed25519` writes it) and
/// its DNS record (RFC 8463).
fn ed25519_key() -> (String, String) {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("random");
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let pem = key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).expect("pem");
    let public = base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes());
    (pem.to_string(), format!("v=DKIM1; k=ed25519; p={public}"))
}

/// The test-only RSA key (2048 bits, PKCS#8 as `openssl genpkey -algorithm rsa` writes it) and
/// its DNS record.
fn rsa_key() -> (String, String) {
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let pem = include_str!("../fixtures/dkim-test-rsa.pem").to_owned();
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).expect("the fixture key");
    let der = key.to_public_key().to_public_key_der().expect("public key");
    let public = base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
    (pem, format!("v=DKIM1; k=rsa; p={public}"))
}

async fn signing_app(engine: DbEngine, pem: &str, more: Vec<(&'static str, String)>) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("dkim.pem");
    std::fs::write(&file, pem).expect("write the key");
    let mut settings = vec![
        ("CONVOCA_DKIM_KEY_FILE", file.to_string_lossy().into_owned()),
        ("CONVOCA_DKIM_SELECTOR", SELECTOR.into()),
    ];
    settings.extend(more);
    // The key is read at start: the folder may go once the app runs.
    TestApp::spawn_with(engine, Options { settings, ..Options::default() }).await
}

/// Sends an announcement to the session's confirmed registrants, as an organiser does.
async fn announce(app: &TestApp, session_id: &str, subject: &str) {
    let client = app.sign_in("organiser").await;
    let path = format!("/admin/sessions/{session_id}/announcements");
    let token = app.csrf_for(&client, &path).await;
    let form = |action: &str, id: &str| {
        [
            ("csrf_token", token.as_str()),
            ("action", action),
            ("subject", subject),
            ("body", "The slides are online."),
            ("recipients", "confirmed"),
            ("announcement_id", id),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    };
    let page = client.post(app.url(&path)).form(&form("preview", "")).send().await.expect("preview");
    let page = page.text().await.expect("page");
    let marker = "name=\"announcement_id\" value=\"";
    let start = page.find(marker).expect("an announcement id") + marker.len();
    let id = page[start..start + 36].to_owned();
    let res = client.post(app.url(&path)).form(&form("send", &id)).send().await.expect("send");
    assert_eq!(res.status(), 303, "the announcement is queued");
    app.deliver_mail().await;
}

/// A registration, its reminder and an announcement: the messages of every kind of list.
async fn mail_of_every_kind(app: &TestApp, email: &str) -> (String, Vec<ReceivedMail>) {
    let session = app.create_session("signed", 50, 10).await;
    let org = app.create_member("Accra", "Ghana").await;
    let manage = app.register_and_confirm("signed", "Ama Mensah", email, &org).await;
    app.deliver_mail().await;
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    announce(app, &session.id, "Slides for the webinar").await;
    (manage, app.mail().to(email))
}

fn subject_starting(mails: &[ReceivedMail], prefix: &str) -> ReceivedMail {
    mails.iter().find(|m| m.subject().starts_with(prefix)).cloned().unwrap_or_else(|| {
        panic!("a mail \"{prefix}…\" among {:?}", mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>())
    })
}

/// `raw` with the first header field `name` given another value.
fn with_header(raw: &[u8], name: &str, value: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let start = text.find(&format!("\r\n{name}: ")).expect("the field") + 2;
    let mut end = start + text[start..].find("\r\n").expect("line end");
    while text[end + 2..].starts_with([' ', '\t']) {
        end += 2 + text[end + 2..].find("\r\n").expect("line end");
    }
    format!("{}{name}: {value}{}", &text[..start], &text[end..]).into_bytes()
}

async fn every_message_is_dkim_signed_and_an_independent_verifier_accepts_it(engine: DbEngine) {
    let (pem, record) = ed25519_key();
    let app = signing_app(engine, &pem, Vec::new()).await;
    let (_, mails) = mail_of_every_kind(&app, "ama@accra.gov.gh").await;
    assert!(mails.len() >= 4, "confirmation request, registered, reminder, announcement");
    for mail in &mails {
        let signature = mail.header("DKIM-Signature").expect("signed");
        assert!(signature.contains("a=ed25519-sha256") && signature.contains(&format!("d={DOMAIN}")));
        assert!(signature.contains(&format!("s={SELECTOR}")) && signature.contains("c=relaxed/relaxed"));
        let signed: String = signature.split_whitespace().collect();
        for name in ["from", "to", "subject", "date", "message-id", "mime-version", "content-type"] {
            assert!(
                signed.contains(&format!("{name}:")) || signed.contains(&format!("{name};")),
                "{name} in {signed}"
            );
        }
        assert!(signed.contains("list-unsubscribe:list-unsubscribe-post"), "RFC 8058 fields are covered");
        assert_eq!(verify(&mail.raw, &record).await, vec![DkimResult::Pass], "{}", mail.subject());
    }

    // Tampering with a signed field (or the body) breaks the signature; another key does not verify.
    let reminder = subject_starting(&mails, "Reminder");
    let forged = with_header(&reminder.raw, "Subject", "Reminder: pay the registration fee now");
    assert!(matches!(verify(&forged, &record).await.as_slice(), [DkimResult::Fail(_)]));
    let forged = with_header(&reminder.raw, "List-Unsubscribe", "<https://evil.example/unsubscribe>");
    assert!(matches!(verify(&forged, &record).await.as_slice(), [DkimResult::Fail(_)]));
    let text = String::from_utf8_lossy(&reminder.raw).into_owned();
    let forged = with_header(&reminder.raw, "Content-Type", "text/plain");
    assert!(
        matches!(verify(&forged, &record).await.as_slice(), [DkimResult::Fail(_)]),
        "Content-Type is signed"
    );
    let body_forged = text.replacen("Ama Mensah", "Ama Mensa", 2).into_bytes();
    assert!(!matches!(verify(&body_forged, &record).await.as_slice(), [DkimResult::Pass]));
    let (_, other_record) = ed25519_key();
    assert!(matches!(verify(&reminder.raw, &other_record).await.as_slice(), [DkimResult::Fail(_)]));
}

async fn an_rsa_key_written_by_openssl_signs_too(engine: DbEngine) {
    let (pem, record) = rsa_key();
    let app = signing_app(engine, &pem, vec![("CONVOCA_DKIM_DOMAIN", DOMAIN.to_uppercase())]).await;
    let session = app.create_session("rsa", 50, 10).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.register_and_confirm("rsa", "Kofi Boateng", "kofi@accra.gov.gh", &org).await;
    app.deliver_mail().await;
    let mails = app.mail().to("kofi@accra.gov.gh");
    assert_eq!(mails.len(), 2, "confirmation request and confirmation");
    for mail in &mails {
        let signature = mail.header("DKIM-Signature").expect("signed");
        assert!(signature.contains("a=rsa-sha256") && signature.contains("d=convoca.test"), "{signature}");
        assert_eq!(verify(&mail.raw, &record).await, vec![DkimResult::Pass], "{}", mail.subject());
    }
    assert!(!session.id.is_empty());
}

async fn automated_mail_says_so_and_list_mail_names_its_list_and_its_way_out(engine: DbEngine) {
    let reply_to = "Metropolis secretariat <secretariat@metropolis.example.org>";
    let app = TestApp::spawn_with(
        engine,
        Options { settings: vec![("CONVOCA_MAIL_REPLY_TO", reply_to.into())], ..Options::default() },
    )
    .await;
    let (_, mails) = mail_of_every_kind(&app, "ama@accra.gov.gh").await;
    for mail in &mails {
        assert_eq!(mail.header("Auto-Submitted").as_deref(), Some("auto-generated"), "{}", mail.subject());
        let reply = mail.header("Reply-To").expect("Reply-To when configured");
        assert!(reply.contains("<secretariat@metropolis.example.org>"), "{reply}");
        assert!(mail.header("DKIM-Signature").is_none(), "no key, no signature");
    }
    let registered = subject_starting(&mails, "You are registered");
    assert!(registered.header("List-Id").is_none() && registered.header("List-Unsubscribe").is_none());
    for (mail, list, path) in [
        (subject_starting(&mails, "Reminder"), "reminders", "reminders/off"),
        (subject_starting(&mails, "Slides for the webinar"), "announcements", "announcements/off"),
    ] {
        let id = mail.header("List-Id").expect("List-Id");
        assert_eq!(
            id,
            format!("\"Metropolis webinars\" <{list}.localhost>"),
            "127.0.0.1 is no namespace of ours"
        );
        let unsubscribe = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        assert!(unsubscribe.starts_with(&format!("<{}/manage/", app.address)), "{unsubscribe}");
        assert!(unsubscribe.ends_with(&format!("/{path}>")), "{unsubscribe}");
        assert_eq!(mail.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    }
    let announcement = subject_starting(&mails, "Slides for the webinar");
    let link = announcement.header("List-Unsubscribe").expect("link");
    let link = link.trim_start_matches('<').trim_end_matches('>');
    assert!(announcement.text().contains(link), "the footer's way out is the same link");

    // Without a Reply-To setting there is none.
    let plain = TestApp::spawn(DbEngine::Sqlite).await;
    let org = plain.create_member("Accra", "Ghana").await;
    plain.create_session("plain", 10, 10).await;
    plain.register_and_confirm("plain", "Ama Mensah", "ama@accra.gov.gh", &org).await;
    for mail in plain.mail().received() {
        assert!(mail.header("Reply-To").is_none());
        assert_eq!(mail.header("Auto-Submitted").as_deref(), Some("auto-generated"));
    }
}

async fn opted_out(app: &TestApp, email: &str) -> bool {
    let email = email.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        use diesel::prelude::*;
        r::registrations
            .filter(r::email_normalized.eq(email))
            .select(r::announcements_opt_out)
            .first::<bool>(conn)
            .expect("registration")
    })
    .await
}

/// A multipart/form-data body, as some mail clients post the one-click unsubscribe.
fn multipart(pairs: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----convoca-one-click-5d1e";
    let mut body = String::new();
    for (name, value) in pairs {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

async fn the_announcement_opt_out_takes_both_encodings_and_the_manage_page_takes_it_back(engine: DbEngine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("opt-out", 50, 10).await;
    let org = app.create_member("Accra", "Ghana").await;
    let email = "ama@accra.gov.gh";
    app.register_and_confirm("opt-out", "Ama Mensah", email, &org).await;
    app.register_and_confirm("opt-out", "Kofi Boateng", "kofi@accra.gov.gh", &org).await;
    announce(&app, &session.id, "First announcement").await;
    let first = subject_starting(&app.mail().to(email), "First announcement");
    let link = first.header("List-Unsubscribe").expect("link");
    let link = link.trim_start_matches('<').trim_end_matches('>').to_owned();
    assert!(link.starts_with(&format!("{}/manage/", app.address)), "{link}");
    // Each mail has its own manage link; this one's page is where the person takes it back.
    let manage = link.strip_suffix("/announcements/off").expect("the announcements path").to_owned();

    // A mail client's GET (or a link scanner's) changes nothing: a page with one button.
    let scanner = reqwest::Client::new();
    let page = scanner.get(&link).send().await.expect("get");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("page").contains("Stop announcements"));
    assert!(!opted_out(&app, email).await);

    // One click, urlencoded, without cookies (RFC 8058 section 3.2).
    let res = scanner
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("one click");
    assert_eq!(res.status(), 200);
    assert!(opted_out(&app, email).await);
    // A one-click POST may stop, never restart, and nothing without a token of ours.
    let on = link.replace("/announcements/off", "/announcements/on");
    let res = scanner.post(&on).form(&[("List-Unsubscribe", "One-Click")]).send().await.expect("on");
    assert_eq!(res.status(), 403);
    let res = scanner.post(&link).form(&[("List-Unsubscribe", "Please")]).send().await.expect("other");
    assert_eq!(res.status(), 403);
    assert!(opted_out(&app, email).await);

    // The opted-out registrant gets no announcement; the other one does.
    announce(&app, &session.id, "Second announcement").await;
    assert!(app.mail().to(email).iter().all(|m| m.subject() != "Second announcement"));
    assert!(app.mail().to("kofi@accra.gov.gh").iter().any(|m| m.subject() == "Second announcement"));

    // The manage page says so and takes it back.
    let browser = app.client();
    let page = browser.get(&manage).send().await.expect("manage").text().await.expect("page");
    assert!(page.contains("You have stopped the organisers&#39; announcements"), "the state is shown");
    assert!(page.contains("Send me announcements again"));
    let res =
        browser.post(&on).form(&[("csrf_token", csrf_token(&page).as_str())]).send().await.expect("restart");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").ends_with("?done=choices#announcements"));
    assert!(!opted_out(&app, email).await);
    let page = browser.get(&manage).send().await.expect("manage").text().await.expect("page");
    assert!(page.contains("Stop announcements"));

    // One click again, as multipart/form-data this time (RFC 8058: either encoding).
    let (content_type, body) = multipart(&[("List-Unsubscribe", "One-Click")]);
    let res =
        scanner.post(&link).header("content-type", content_type).body(body).send().await.expect("multipart");
    assert_eq!(res.status(), 200);
    assert!(opted_out(&app, email).await);

    // The data download shows the choice.
    let data =
        browser.get(format!("{manage}/data.json")).send().await.expect("data").text().await.expect("json");
    assert!(data.contains("\"announcements\": false"), "{data}");

    // A token that is not one of ours: the "link no longer works" page, never a 500.
    let bad = format!("{}/manage/{}/announcements/off", app.address, "x".repeat(43));
    assert_eq!(scanner.get(&bad).send().await.expect("bad").status(), 404);
    let res = scanner.post(&bad).form(&[("List-Unsubscribe", "One-Click")]).send().await.expect("bad");
    assert_eq!(res.status(), 404);
}

fn convoca(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_convoca"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CONVOCA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    command
}

fn refused(command: &mut Command) -> String {
    let output = command.arg("migrate").output().expect("run");
    assert!(!output.status.success(), "start-up is refused");
    let error = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!error.contains("panicked"), "{error}");
    error
}

#[test]
fn an_unreadable_or_unusable_dkim_key_stops_start_up_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-key.pem");
    let error = refused(
        convoca(dir.path()).env("CONVOCA_DKIM_KEY_FILE", &missing).env("CONVOCA_DKIM_SELECTOR", SELECTOR),
    );
    assert!(error.contains("CONVOCA_DKIM_KEY_FILE") && error.contains("cannot be read"), "{error}");

    // A folder cannot be read as a file either.
    let error = refused(
        convoca(dir.path()).env("CONVOCA_DKIM_KEY_FILE", dir.path()).env("CONVOCA_DKIM_SELECTOR", SELECTOR),
    );
    assert!(error.contains("CONVOCA_DKIM_KEY_FILE") && error.contains("cannot be read"), "{error}");

    let bad = dir.path().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n",
    )
    .expect("write");
    let error = refused(
        convoca(dir.path()).env("CONVOCA_DKIM_KEY_FILE", &bad).env("CONVOCA_DKIM_SELECTOR", SELECTOR),
    );
    assert!(error.contains("CONVOCA_DKIM_KEY_FILE") && error.contains("does not parse"), "{error}");

    std::fs::write(&bad, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA not a private key\n").expect("write");
    let error = refused(
        convoca(dir.path()).env("CONVOCA_DKIM_KEY_FILE", &bad).env("CONVOCA_DKIM_SELECTOR", SELECTOR),
    );
    assert!(error.contains("CONVOCA_DKIM_KEY_FILE") && error.contains("no PEM private key"), "{error}");

    let (pem, _) = ed25519_key();
    let good = dir.path().join("good.pem");
    std::fs::write(&good, &pem).expect("write");
    let error = refused(convoca(dir.path()).env("CONVOCA_DKIM_KEY_FILE", &good));
    assert!(error.contains("CONVOCA_DKIM_SELECTOR is not"), "{error}");
    let error = refused(convoca(dir.path()).env("CONVOCA_DKIM_SELECTOR", SELECTOR));
    assert!(error.contains("CONVOCA_DKIM_KEY_FILE is not"), "{error}");
    assert!(!error.contains(pem.trim()), "the key is never printed");

    let ok = convoca(dir.path())
        .env("CONVOCA_DKIM_KEY_FILE", &good)
        .env("CONVOCA_DKIM_SELECTOR", SELECTOR)
        .arg("migrate")
        .output()
        .expect("run");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn a_localhost_sender_with_a_public_base_url_stops_start_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Behind a reverse proxy: bound to loopback, reached at a public address.
    let error = refused(
        convoca(dir.path())
            .env("CONVOCA_BIND", format!("127.0.0.1:{}", free_port()))
            .env("CONVOCA_BASE_URL", "https://webinars.example.org"),
    );
    assert!(error.contains("CONVOCA_MAIL_FROM") && error.contains("localhost"), "{error}");
    let output = convoca(dir.path())
        .env("CONVOCA_BASE_URL", "https://webinars.example.org")
        .env("CONVOCA_MAIL_FROM", "Metropolis webinars <webinars@example.org>")
        .arg("migrate")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
