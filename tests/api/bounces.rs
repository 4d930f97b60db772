//! Mail that did not arrive: a refusal during the SMTP conversation flags the registration in
//! the list, the hub, the sessions list and the reports; the organiser corrects the address and
//! the mail goes again. Late bounces: messages leave with a VERP return path, and the worker
//! reads real delivery status notifications from a real IMAP server (dovecot), flags the
//! registrations, suppresses hard-bounced addresses until an organiser clears them.

use diesel::prelude::*;
use mailin_embedded::Response;

use convoca::domain::RegistrationId;

use crate::helpers::{Engine, Options, TestApp, confirm, valid_form};
use crate::imap_server::ImapServer;
use crate::on_both_engines;

on_both_engines!(
    a_550_is_flagged_counted_and_fixed_with_a_resend_that_arrives,
    late_bounces_from_the_mailbox_flag_suppress_and_are_cleared_by_an_organiser,
    check_signs_in_to_the_bounce_mailbox,
);

async fn get_text(client: &reqwest::Client, url: String) -> (u16, String) {
    let res = client.get(url).send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("body"))
}

async fn registration_id(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations
            .filter(r::email_normalized.eq(email))
            .select(r::id)
            .first::<String>(conn)
            .expect("registration")
    })
    .await
}

async fn failure_reason(app: &TestApp, registration_id: &str) -> Option<String> {
    let id = registration_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::mail_failures::dsl as f;
        f::mail_failures.find(id).select(f::reason).first::<String>(conn).optional().expect("flag")
    })
    .await
}

async fn is_suppressed(app: &TestApp, email: &str) -> bool {
    let email = email.to_owned();
    app.db(move |conn| convoca::db::bounces::suppression_of(conn, &email).expect("suppression").is_some())
        .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log.select(a::action).load::<String>(conn).expect("audit")
    })
    .await
}

async fn a_550_is_flagged_counted_and_fixed_with_a_resend_that_arrives(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("fix", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    // Efua confirms; Kwame's address has a typo and the server refuses it.
    app.register_and_confirm("fix", "Efua Mensah", "efua@accra.gov.gh", &org).await;
    app.deliver_mail().await;
    app.mail().answer_next_recipients(vec![Response::custom(550, "5.1.1 No such user".into())]);
    let res = app
        .submit_registration(&app.client(), "fix", &valid_form("Kwame Asante", "kwame@acra.gov.gh", &org))
        .await;
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    assert!(app.mail().to("kwame@acra.gov.gh").is_empty(), "refused");
    let kwame = registration_id(&app, "kwame@acra.gov.gh").await;
    let reason = failure_reason(&app, &kwame).await.expect("flagged");
    assert!(reason.contains("550") && reason.contains("5.1.1 No such user"), "{reason}");
    assert_eq!(reason.matches("No such user").count(), 1, "the server's answer once: {reason}");

    let client = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations", session.id);
    let (status, page) = get_text(&client, app.url(&list)).await;
    assert_eq!(status, 200);
    assert!(page.contains("<strong>1</strong> last mail failed"), "counted in the list");
    let flag = page.find("Last mail failed</strong> <span class=\"muted\">").expect("the row's flag");
    assert!(page[flag..].split("</span>").next().is_some_and(|f| f.contains("5.1.1 No such user")), "{page}");
    let (_, filtered) = get_text(&client, app.url(&format!("{list}?mail=failed"))).await;
    assert!(filtered.contains("kwame@acra.gov.gh") && !filtered.contains("efua@accra.gov.gh"), "the filter");
    assert!(filtered.contains("<option value=\"failed\" selected>"), "the filter stays chosen");
    let (_, hub) = get_text(&client, app.url(&format!("/admin/sessions/{}", session.id))).await;
    assert!(
        hub.contains(&format!(
            "/admin/sessions/{}/registrations?mail=failed\"><strong>1</strong>",
            session.id
        )),
        "{hub}"
    );
    let (_, sessions) = get_text(&client, app.url("/admin")).await;
    assert!(
        sessions.contains(&format!("/admin/sessions/{}/registrations?mail=failed\">1</a>", session.id)),
        "{sessions}"
    );
    let (_, report) = get_text(&client, app.url(&format!("/admin/reports?session={}", session.id))).await;
    assert!(
        report.contains("Never confirmed") && report.contains("<strong class=\"mail-failed\">1</strong>"),
        "{report}"
    );
    let csv = client
        .get(app.url(&format!("/admin/reports.csv?session={}", session.id)))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("body");
    assert!(csv.contains(",Never confirmed") && csv.contains("Member,Accra,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("Member,Accra,") && l.ends_with(",2,1,0,1")), "{csv}");

    let person = format!("{list}/{kwame}");
    let (_, page) = get_text(&client, app.url(&person)).await;
    assert_eq!(page.matches("No such user").count(), 1, "each failure's answer shown once");
    let token = crate::helpers::csrf_token(&page);
    let post = |email: &str, token: &str| {
        client
            .post(app.url(&format!("{person}/email")))
            .form(&[("csrf_token", token.to_owned()), ("email", email.to_owned())])
            .send()
    };
    let res = post("kwame@accra.gov.gh", "forged").await.expect("post");
    assert_eq!(res.status(), 403, "CSRF-checked");
    let res = post("kwame at accra", &token).await.expect("post");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("Enter an email address in the correct format"), "the message by the field");
    assert!(page.contains("value=\"kwame at accra\""), "what was typed is kept");
    let res = post("EFUA@accra.gov.gh", &token).await.expect("post");
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.expect("page").contains("Another registration for this session has this address.")
    );
    assert_eq!(
        app.status_of(&session.id, "kwame@acra.gov.gh").await.as_deref(),
        Some("pending"),
        "unchanged"
    );

    let res = post("kwame@accra.gov.gh", &token).await.expect("post");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").ends_with("done=bounces-fixed"));
    assert_eq!(failure_reason(&app, &kwame).await, None, "the flag goes with the correction");
    assert!(audit_actions(&app).await.contains(&"registration.email-correct".to_owned()));
    app.deliver_mail().await;
    // The verification of the issue: the resend is received by the test SMTP server, and the
    // person still confirms from their mailbox.
    let mails = app.mail().to("kwame@accra.gov.gh");
    assert_eq!(mails.len(), 1, "the confirmation request goes to the corrected address");
    let link = mails[0].link(&format!("{}/confirm/", app.address)).expect("a confirmation link");
    assert_eq!(app.status_of(&session.id, "kwame@accra.gov.gh").await.as_deref(), Some("pending"));
    let res = confirm(&app.client(), &link).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.status_of(&session.id, "kwame@accra.gov.gh").await.as_deref(), Some("confirmed"));
    let (_, page) = get_text(&client, app.url(&list)).await;
    assert!(page.contains("<strong>0</strong> last mail failed"));
}

/// A fixture of tests/fixtures/dsn with its placeholders filled in.
fn fixture(name: &str, verp: &str, rcpt: &str, message_id: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dsn").join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    text.replace("{{VERP}}", verp)
        .replace("{{RCPT}}", rcpt)
        .replace("{{MESSAGE_ID}}", message_id)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

async fn late_bounces_from_the_mailbox_flag_suppress_and_are_cleared_by_an_organiser(engine: Engine) {
    let Some(imap) = ImapServer::start() else {
        return;
    };
    let app = TestApp::spawn_with(
        engine,
        Options {
            settings: vec![
                ("CONVOCA_BOUNCE_ADDRESS", "bounces@convoca.test".into()),
                ("CONVOCA_BOUNCE_IMAP_URL", imap.url()),
            ],
            ..Options::default()
        },
    )
    .await;
    let session = app.create_session("late", 20, 5).await;
    let org = app.create_member("Metropolis", "Spain").await;
    let people = [
        ("amina@accra.gov.gh", "m365-5.1.1.eml"),
        ("priya@pune.gov.in", "postfix-5.2.1.eml"),
        ("seo@seoul.go.kr", "delayed-4.4.7.eml"),
        ("ade@lagos.example.ng", "plain-bounce.eml"),
        ("tom@x.org", "auto-reply.eml"),
        ("kofi@kumasi.gov.gh", "m365-5.1.1.eml"),
    ];
    let client = app.client();
    for (i, (email, _)) in people.iter().enumerate() {
        let res =
            app.submit_registration(&client, "late", &valid_form(&format!("Person {i}"), email, &org)).await;
        assert_eq!(res.status(), 303);
    }
    assert_eq!(app.deliver_mail().await, people.len());
    for (email, name) in people {
        let mail = app.mail().to(email).pop().expect("sent");
        let verp = mail.from.clone();
        assert!(
            verp.starts_with("bounces+") && verp.ends_with("@convoca.test"),
            "a VERP return path: {verp}"
        );
        let message_id = mail.header("Message-ID").expect("a Message-ID");
        // Kofi's notice is forged: the right message, but a tag the app never made.
        let verp = if email.starts_with("kofi") {
            let (local, domain) = verp.rsplit_once('@').expect("address");
            let (id, _) = local.rsplit_once('.').expect("tag");
            format!("{id}.00000000deadbeef@{domain}")
        } else {
            verp
        };
        imap.deliver(&fixture(name, &verp, email, &message_id));
    }
    assert_eq!(imap.unseen(), people.len());

    let pass = app.worker.read_bounces().await.expect("the mailbox is read");
    assert_eq!(
        (pass.read, pass.bounced, pass.delayed, pass.ignored),
        (6, 3, 1, 2),
        "{pass:?}\n{}",
        imap.log()
    );
    assert_eq!(imap.unseen(), 0, "each notice is marked read once applied");
    assert_eq!(app.worker.read_bounces().await.expect("again").read, 0, "nothing is read twice");

    for (email, code) in
        [("amina@accra.gov.gh", "5.1.1"), ("priya@pune.gov.in", "5.2.1"), ("ade@lagos.example.ng", "5.1.1")]
    {
        let id = registration_id(&app, email).await;
        let reason = failure_reason(&app, &id).await.unwrap_or_else(|| panic!("{email} is flagged"));
        assert!(reason.starts_with(&format!("bounced: {code}")), "{email}: {reason}");
        assert!(is_suppressed(&app, email).await, "{email} is suppressed");
    }
    let amina = registration_id(&app, "amina@accra.gov.gh").await;
    let reason = failure_reason(&app, &amina).await.expect("flag");
    assert!(reason.contains("RESOLVER.ADR.RecipNotFound"), "the diagnostic: {reason}");
    for email in ["seo@seoul.go.kr", "tom@x.org", "kofi@kumasi.gov.gh"] {
        let id = registration_id(&app, email).await;
        assert_eq!(failure_reason(&app, &id).await, None, "{email} is not flagged");
        assert!(
            !is_suppressed(&app, email).await,
            "{email}: a delay, an auto-reply or a forgery suppresses nothing"
        );
    }
    let seo = registration_id(&app, "seo@seoul.go.kr").await;
    let seo_rows = app
        .db(move |conn| {
            convoca::db::outbox::for_registration(conn, &RegistrationId::from_stored(seo)).expect("rows")
        })
        .await;
    assert_eq!(seo_rows[0].status, convoca::domain::OutboxStatus::Sent, "a delay is not a failure");
    assert!(
        seo_rows[0].last_error.as_deref().is_some_and(|e| e.starts_with("delayed: 4.4.7")),
        "{:?}",
        seo_rows[0].last_error
    );

    // The organiser sees it in the list.
    let organiser = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations?mail=failed", session.id);
    let (_, page) = get_text(&organiser, app.url(&list)).await;
    assert!(page.contains("amina@accra.gov.gh") && page.contains("bounced: 5.1.1"), "{page}");
    assert!(!page.contains("seo@seoul.go.kr"));

    // Further mail to a suppressed address is not attempted.
    let requeue = |email: &'static str| {
        let app = &app;
        async move {
            let id = registration_id(app, email).await;
            app.clock.advance(chrono::Duration::minutes(1));
            let now = app.clock.now();
            app.db(move |conn| {
                convoca::db::outbox::notify(
                    conn,
                    convoca::domain::MessageKind::ConfirmRequest,
                    &RegistrationId::from_stored(id),
                    now,
                )
                .expect("queued")
            })
            .await
        }
    };
    let queued = requeue("amina@accra.gov.gh").await;
    app.deliver_mail().await;
    assert_eq!(app.mail().to("amina@accra.gov.gh").len(), 1, "no second attempt to a suppressed address");
    let row =
        app.db(move |conn| convoca::db::outbox::find(conn, &queued).expect("row").expect("exists")).await;
    assert_eq!(row.status, convoca::domain::OutboxStatus::Failed);
    assert!(row.last_error.as_deref().is_some_and(|e| e.starts_with("suppressed")), "{:?}", row.last_error);

    // The organiser clears it (CSRF-checked, audited), and mail goes again.
    let (status, page) = get_text(&organiser, app.url("/admin/suppressions")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("amina@accra.gov.gh")
            && page.contains("priya@pune.gov.in")
            && !page.contains("seo@seoul.go.kr")
    );
    let token = crate::helpers::csrf_token(&page);
    let res = organiser
        .post(app.url("/admin/suppressions/clear"))
        .form(&[("csrf_token", "forged"), ("email", "amina@accra.gov.gh")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    assert!(is_suppressed(&app, "amina@accra.gov.gh").await);
    let res = organiser
        .post(app.url("/admin/suppressions/clear"))
        .form(&[("csrf_token", token.as_str()), ("email", "Amina@accra.gov.gh")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    assert!(!is_suppressed(&app, "amina@accra.gov.gh").await, "cleared");
    assert!(is_suppressed(&app, "priya@pune.gov.in").await, "only that one");
    assert!(audit_actions(&app).await.contains(&"suppression.clear".to_owned()));
    requeue("amina@accra.gov.gh").await;
    app.deliver_mail().await;
    assert_eq!(app.mail().to("amina@accra.gov.gh").len(), 2, "mail goes to a cleared address again");

    // The person's data download says so, and erasure forgets a bounced address with the rest
    // of the person's data; retention forgets the others in time.
    let download =
        app.db(|conn| convoca::db::privacy::export_address(conn, "priya@pune.gov.in").expect("export")).await;
    let bounced = download["address_bounced"]["server_answer"].as_str().unwrap_or_default().to_owned();
    assert!(bounced.starts_with("5.2.1"), "{download}");
    let first = &download["registrations"][0];
    assert!(
        first["last_mail_failed"]["server_answer"].as_str().is_some_and(|a| a.contains("5.2.1")),
        "{download}"
    );
    let priya = registration_id(&app, "priya@pune.gov.in").await;
    let mail_dir = app.settings.mail_dir();
    let now = app.clock.now();
    app.db(move |conn| {
        convoca::db::privacy::erase(conn, &mail_dir, &RegistrationId::from_stored(priya), now).expect("erase")
    })
    .await;
    assert!(!is_suppressed(&app, "priya@pune.gov.in").await, "erased with the registration");
    assert!(is_suppressed(&app, "ade@lagos.example.ng").await);
    let (mail_dir, later) = (app.settings.mail_dir(), app.clock.now() + chrono::Duration::days(31));
    let retention = convoca::db::schedule::Retention { registration_days: Some(30), mail_copy_days: None };
    app.db(move |conn| {
        convoca::db::schedule::apply_retention(conn, &mail_dir, retention, later).expect("retention")
    })
    .await;
    assert!(!is_suppressed(&app, "ade@lagos.example.ng").await, "kept as long as registrations, no longer");
}

async fn check_signs_in_to_the_bounce_mailbox(engine: Engine) {
    let Some(imap) = ImapServer::start() else {
        return;
    };
    let app = TestApp::spawn(engine).await;
    let settings = |url: String| {
        let mut inputs = convoca::config::Inputs::from(convoca::config::RawSettings {
            database_url: Some(app.database_url.clone()),
            data_dir: Some(app.data_dir.path().to_string_lossy().into_owned()),
            secret_key: Some("test-secret-key-that-is-long-enough-0123456789".into()),
            ..Default::default()
        });
        inputs = inputs.fill(convoca::config::Source::Program, |s| match s.env {
            "CONVOCA_BOUNCE_ADDRESS" => Some("bounces@convoca.test".into()),
            "CONVOCA_BOUNCE_IMAP_URL" => Some(url.clone()),
            _ => None,
        });
        (convoca::config::Settings::load(&inputs).expect("settings"), inputs)
    };
    let line = |findings: &[convoca::ops::Finding]| {
        findings.iter().find(|f| f.what == "bounces").map(ToString::to_string).expect("a bounces line")
    };
    let (good, inputs) = settings(imap.url());
    let found = convoca::ops::check(&good, &inputs, None).await;
    assert!(line(&found).starts_with("ok") && line(&found).contains("signed in"), "{}", line(&found));
    assert!(!line(&found).contains(crate::imap_server::PASSWORD), "the password is never shown");
    let (bad, inputs) =
        settings(format!("imap://{}:wrong@127.0.0.1:{}/INBOX", crate::imap_server::USER, imap.port));
    let found = convoca::ops::check(&bad, &inputs, None).await;
    assert!(line(&found).starts_with("FAIL") && line(&found).contains("login"), "{}", line(&found));
}
