//! Speakers invited from the panel page: their mail in their language, their own page (three
//! languages, a photo re-encoded without EXIF, consent), their iMIP invitation and its update
//! and cancellation, refused links and bad input, and publication following consent.

use std::io::Cursor;

use diesel::prelude::*;

use crate::helpers::{Engine, Options, TestApp, csrf_token};
use crate::on_both_engines;

const BOUNDARY: &str = "SpeakerFormBoundary7MA4YWxkTrZu0gW";

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Invites a new speaker from the panel page of `session_id`.
async fn invite(
    app: &TestApp,
    client: &reqwest::Client,
    session_id: &str,
    name: &str,
    email: &str,
    language: &str,
) -> reqwest::Response {
    let token = app.csrf_for(client, &format!("/admin/sessions/{session_id}/panel")).await;
    client
        .post(app.url(&format!("/admin/sessions/{session_id}/panel/invite")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("speaker", ""),
            ("name", name),
            ("email", email),
            ("language", language),
            ("role", "speaker"),
        ])
        .send()
        .await
        .expect("invite")
}

/// The private link of the last invitation or reminder mailed to `email`, as a path.
fn speaker_path(app: &TestApp, email: &str) -> String {
    let mails = app.mail().to(email);
    let mail = mails.last().expect("a mail to the speaker");
    let link = mail.link(&app.url("/speaker/")).expect("a private link");
    link.strip_prefix(&app.address).expect("on this site").to_owned()
}

/// A multipart body: text fields, then an optional photo.
fn form_body(fields: &[(&str, &str)], photo: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = photo {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_page(app: &TestApp, client: &reqwest::Client, path: &str, body: Vec<u8>) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .expect("speaker form")
}

/// A 1200×900 JPEG carrying an EXIF block (APP1) with a GPS-like marker, right after SOI.
fn jpeg_with_exif() -> Vec<u8> {
    let picture =
        image::RgbImage::from_fn(1200, 900, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut plain = Vec::new();
    picture.write_to(&mut Cursor::new(&mut plain), image::ImageFormat::Jpeg).expect("encode");
    let payload = b"Exif\0\0MM\0*\0\0\0\x08GPS 48.8566N 2.3522E secret-camera-serial".to_vec();
    let length = u16::try_from(payload.len() + 2).expect("short").to_be_bytes();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length);
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn full_fields<'a>(token: &'a str, bio_en: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", token),
        ("name", "Chiara Rossi"),
        ("honorific", "Dr"),
        ("organisation", "Città di Torino"),
        ("language", "fr"),
        ("position_en", "Head of international relations"),
        ("bio_en", bio_en),
        ("position_fr", "Directrice des relations internationales"),
        ("bio_fr", "Dirige les relations internationales de la ville."),
        ("position_es", "Directora de relaciones internacionales"),
        ("bio_es", "Dirige las relaciones internacionales de la ciudad."),
        ("recording", "yes"),
        ("publication", "yes"),
    ]
}

fn dtstart(ics: &str) -> String {
    ics.lines().find(|l| l.starts_with("DTSTART")).unwrap_or_default().to_owned()
}

async fn a_speaker_invited_from_the_panel_fills_in_their_page_and_gets_their_calendar_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let session = app.create_session("panel-path", 50, 10).await;
    let sid = session.id.to_string();

    let res = invite(&app, &organiser, &sid, "Chiara Rossi", "chiara@example.org", "fr").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/sessions/{sid}/panel?done=speaker-invited"));
    let panel =
        organiser.get(app.url(&location(&res))).send().await.expect("panel").text().await.expect("body");
    assert!(panel.contains("Chiara Rossi"), "on the panel in the same step");
    assert!(panel.contains("Invited, no answer yet"));

    app.deliver_mail().await;
    let mails = app.mail().to("chiara@example.org");
    assert_eq!(mails.len(), 1);
    let invitation = &mails[0];
    assert!(invitation.subject().starts_with("Vous êtes invité à intervenir"), "{}", invitation.subject());
    assert!(invitation.text().contains("jusqu'à la fin du webinaire"), "the link's life is said");
    let (ics, method) = invitation.calendar().expect("an iMIP part");
    assert_eq!(method, "REQUEST");
    assert!(ics.contains("METHOD:REQUEST"));
    assert!(ics.contains("UID:speaker-"), "a speaker's UID, not a registration's: {ics}");
    assert!(ics.contains("SEQUENCE:1"));
    let first_start = dtstart(&ics);

    // The speaker's own page, in a browser of their own.
    let path = speaker_path(&app, "chiara@example.org");
    let speaker = app.client();
    let page = speaker.get(app.url(&path)).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.expect("body");
    assert!(page.contains("Your speaker profile"));
    let token = csrf_token(&page);
    let photo = jpeg_with_exif();
    assert!(contains(&photo, b"Exif\0\0"), "the upload carries EXIF");
    let fields = full_fields(&token, "Leads the city's international relations.");
    let res = post_page(&app, &speaker, &path, form_body(&fields, Some(("me.jpg", &photo)))).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    assert_eq!(location(&res), format!("{path}?saved=1"));
    let saved =
        speaker.get(app.url(&location(&res))).send().await.expect("saved").text().await.expect("body");
    assert!(saved.contains("your profile and your answers are saved"));
    assert!(
        saved.contains("Leads the city&#39;s international relations.") || saved.contains("Leads the city")
    );

    // Stored: the row in the speaker's language (French), the other two as translations, the
    // photo re-encoded within the size and without EXIF, the consent with its source.
    let speaker_id: String = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.filter(s::email.eq("chiara@example.org")).select(s::id).first(conn).expect("speaker")
        })
        .await;
    let id = speaker_id.clone();
    let (bio, language, translations): (String, String, Vec<(String, String)>) = app
        .db(move |conn| {
            use convoca::db::schema::speaker_translations::dsl as t;
            use convoca::db::schema::speakers::dsl as s;
            let (bio, language) =
                s::speakers.find(&id).select((s::bio, s::language)).first(conn).expect("row");
            let translations = t::speaker_translations
                .filter(t::speaker_id.eq(&id))
                .order(t::language.asc())
                .select((t::language, t::bio))
                .load(conn)
                .expect("translations");
            (bio, language, translations)
        })
        .await;
    assert_eq!(language, "fr");
    assert_eq!(bio, "Dirige les relations internationales de la ville.");
    assert_eq!(
        translations,
        [
            ("en".to_owned(), "Leads the city's international relations.".to_owned()),
            ("es".to_owned(), "Dirige las relaciones internacionales de la ciudad.".to_owned())
        ]
    );
    let stored =
        std::fs::read(app.data_dir.path().join("photos").join(format!("{speaker_id}.jpg"))).expect("photo");
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!contains(&stored, b"Exif"), "no EXIF block is stored");
    assert!(!contains(&stored, b"secret-camera-serial"));
    let decoded = image::load_from_memory(&stored).expect("decodes");
    assert_eq!((decoded.width(), decoded.height()), (800, 600), "resized to the fixed maximum");
    let id = speaker_id.clone();
    let sid2 = sid.clone();
    let consent: (Option<bool>, Option<bool>, Option<String>) = app
        .db(move |conn| {
            use convoca::db::schema::speaker_invitations::dsl as i;
            i::speaker_invitations
                .find((&sid2, &id))
                .select((i::recording_consent, i::publication_consent, i::consent_source))
                .first(conn)
                .expect("invitation")
        })
        .await;
    assert_eq!(consent, (Some(true), Some(true), Some("speaker page".to_owned())));

    // Public page: each visitor reads the bio in their language.
    for (lang, expected) in [
        ("es", "Dirige las relaciones internacionales de la ciudad."),
        ("en", "Leads the city"),
        ("fr", "Dirige les relations internationales de la ville."),
    ] {
        let page = app
            .client()
            .get(app.url("/sessions/panel-path"))
            .header("accept-language", lang)
            .send()
            .await
            .expect("public")
            .text()
            .await
            .expect("body");
        assert!(page.contains(expected), "{lang}: {expected}");
    }
    let panel = organiser.get(app.url(&format!("/admin/sessions/{sid}/panel"))).send().await.expect("panel");
    let panel = panel.text().await.expect("body");
    assert!(panel.contains("Profile complete"), "answered with bio, position and photo");
    assert!(panel.contains("Consented to recording and publication"));

    // The session moves: the speaker's entry is replaced (same UID, higher SEQUENCE).
    let (id, now) = (session.id.clone(), app.clock.now());
    let new_start = session.starts_at + chrono::Duration::days(1);
    app.db(move |conn| {
        convoca::db::session_changes::reschedule(conn, &id, new_start, 90, "Europe/Paris", now).expect("move")
    })
    .await;
    app.deliver_mail().await;
    let mails = app.mail().to("chiara@example.org");
    assert_eq!(mails.len(), 2);
    let (ics, method) = mails[1].calendar().expect("the update's calendar part");
    assert_eq!(method, "REQUEST");
    assert!(ics.contains("SEQUENCE:2"));
    assert_ne!(dtstart(&ics), first_start, "the new time");

    // Taken off the panel: CANCEL of the same entry; the private link stops working.
    let entry: String = app
        .db(move |conn| {
            use convoca::db::schema::panel_entries::dsl as p;
            p::panel_entries.filter(p::speaker_id.eq(&speaker_id)).select(p::id).first(conn).expect("entry")
        })
        .await;
    let token = app.csrf_for(&organiser, &format!("/admin/sessions/{sid}/panel")).await;
    let res = organiser
        .post(app.url(&format!("/admin/sessions/{sid}/panel/{entry}/remove")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("remove");
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    let mails = app.mail().to("chiara@example.org");
    assert_eq!(mails.len(), 3);
    let (ics, method) = mails[2].calendar().expect("the cancellation");
    assert_eq!(method, "CANCEL");
    assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED") && ics.contains("SEQUENCE:3"));
    assert_eq!(speaker.get(app.url(&path)).send().await.expect("page").status(), 404);
}

async fn an_unknown_replaced_or_expired_speaker_link_answers_the_link_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let session = app.create_session("links", 50, 3).await;
    let sid = session.id.to_string();
    let unknown =
        app.client().get(app.url(&format!("/speaker/{}", "A".repeat(43)))).send().await.expect("unknown");
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.expect("body").contains("This link does not work"));

    invite(&app, &organiser, &sid, "Kwame Mensah", "kwame@example.org", "en").await;
    app.deliver_mail().await;
    let first = speaker_path(&app, "kwame@example.org");
    assert_eq!(app.client().get(app.url(&first)).send().await.expect("page").status(), 200);

    // A reminder at once is refused (once a day at most); a day later it goes, with a new link
    // that ends the older one.
    let speaker_id: String = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.filter(s::email.eq("kwame@example.org")).select(s::id).first(conn).expect("speaker")
        })
        .await;
    let remind = format!("/admin/sessions/{sid}/panel/speakers/{speaker_id}/remind");
    let token = app.csrf_for(&organiser, &format!("/admin/sessions/{sid}/panel")).await;
    let res = organiser
        .post(app.url(&remind))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("remind");
    assert_eq!(res.status(), 409);
    assert!(res.text().await.expect("body").contains("once a day at most"));
    app.clock.advance(chrono::Duration::hours(25));
    // (The organiser's session ended meanwhile: signed in again.)
    let organiser = app.sign_in("organiser").await;
    let token = app.csrf_for(&organiser, &format!("/admin/sessions/{sid}/panel")).await;
    let res = organiser
        .post(app.url(&remind))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("remind");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/sessions/{sid}/panel?done=speaker-reminded"));
    app.deliver_mail().await;
    let mails = app.mail().to("kwame@example.org");
    let rows: Vec<(String, String, Option<String>)> = app
        .db(|conn| {
            use convoca::db::schema::outbox::dsl as o;
            o::outbox.select((o::kind, o::status, o::last_error)).load(conn).expect("outbox")
        })
        .await;
    assert_eq!(mails.len(), 2, "{rows:?}");
    assert!(mails[1].subject().starts_with("Reminder: your speaker profile"));
    assert!(mails[1].calendar().is_none(), "a reminder carries no calendar part");
    let second = speaker_path(&app, "kwame@example.org");
    assert_ne!(first, second);
    assert_eq!(app.client().get(app.url(&first)).send().await.expect("old").status(), 404, "replaced");
    assert_eq!(app.client().get(app.url(&second)).send().await.expect("new").status(), 200);

    // After the session's end the link is refused.
    app.clock.set(session.ends_at() + chrono::Duration::minutes(1));
    let res = app.client().get(app.url(&second)).send().await.expect("expired");
    assert_eq!(res.status(), 404);
    assert!(res.text().await.expect("body").contains("This link does not work"));
}

async fn a_file_that_is_not_a_picture_or_a_bio_too_long_comes_back_with_the_form_kept(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let session = app.create_session("bad-input", 50, 5).await;
    invite(&app, &organiser, session.id.as_ref(), "Ana Souza", "ana@example.org", "es").await;
    app.deliver_mail().await;
    let path = speaker_path(&app, "ana@example.org");
    let speaker = app.client();
    let page = speaker.get(app.url(&path)).send().await.expect("page").text().await.expect("body");
    let token = csrf_token(&page);

    let fields = full_fields(&token, "A short English bio.");
    let res =
        post_page(&app, &speaker, &path, form_body(&fields, Some(("cv.pdf", b"%PDF-1.4 not a picture"))))
            .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("is not a JPEG, PNG or WebP picture"), "by the field");
    assert!(page.contains("href=\"#photo\""));
    assert!(page.contains("Città di Torino"), "what was typed is kept");
    assert!(page.contains("A short English bio."));

    let long_bio = "b".repeat(2001);
    let fields = full_fields(&token, &long_bio);
    let res = post_page(&app, &speaker, &path, form_body(&fields, None)).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("href=\"#bio_en\""), "the message links to the English bio");
    assert!(page.contains(&long_bio), "the long text is kept for correcting");
    assert!(page.contains("Dirige les relations internationales de la ville."), "the other languages too");

    // Publication without recording is refused by its field.
    let mut fields = full_fields(&token, "Fine.");
    fields.retain(|(k, _)| *k != "recording");
    fields.push(("recording", "no"));
    let res = post_page(&app, &speaker, &path, form_body(&fields, None)).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("href=\"#publication\""));

    // Nothing of the refused forms was stored.
    let stored: (String, String, Option<String>) = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers
                .filter(s::email.eq("ana@example.org"))
                .select((s::organisation, s::bio, s::photo_path))
                .first(conn)
                .expect("speaker")
        })
        .await;
    assert_eq!(stored, (String::new(), String::new(), None));
    let photos = app.data_dir.path().join("photos");
    assert_eq!(std::fs::read_dir(&photos).map(|d| d.count()).unwrap_or(0), 0, "no file written");
}

async fn a_recording_is_public_only_when_every_speaker_consented(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let session = app.create_session("consent", 50, 2).await;
    let sid = session.id.to_string();
    invite(&app, &organiser, &sid, "Yes Speaker", "yes@example.org", "en").await;
    invite(&app, &organiser, &sid, "No Speaker", "no@example.org", "en").await;
    app.deliver_mail().await;
    for (email, answer) in [("yes@example.org", "yes"), ("no@example.org", "no")] {
        let path = speaker_path(&app, email);
        let client = app.client();
        let page = client.get(app.url(&path)).send().await.expect("page").text().await.expect("body");
        let token = csrf_token(&page);
        let body = form_body(
            &[
                ("csrf_token", token.as_str()),
                ("name", if answer == "yes" { "Yes Speaker" } else { "No Speaker" }),
                ("language", "en"),
                ("recording", answer),
                ("publication", answer),
            ],
            None,
        );
        assert_eq!(post_page(&app, &client, &path, body).await.status(), 303);
    }
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.find(id))
            .set(s::recording_url.eq(Some("https://video.example.org/consent")))
            .execute(conn)
            .expect("recording");
    })
    .await;
    app.clock.set(session.ends_at() + chrono::Duration::hours(1));
    // (The organiser's session ended meanwhile: signed in again.)
    let organiser = app.sign_in("organiser").await;
    let public = |app: &TestApp| {
        let client = app.client();
        let (page, api) = (app.url("/sessions/consent"), app.url("/api/v1/sessions/consent"));
        async move {
            let page = client.get(page).send().await.expect("page").text().await.expect("body");
            let api = client.get(api).send().await.expect("api").text().await.expect("body");
            (page, api)
        }
    };
    let (page, api) = public(&app).await;
    assert!(!page.contains("https://video.example.org/consent"), "one speaker refused: no recording");
    assert!(!api.contains("https://video.example.org/consent"), "nor in the API");
    let panel = organiser.get(app.url(&format!("/admin/sessions/{sid}/panel"))).send().await.expect("panel");
    let panel = panel.text().await.expect("body");
    let notice = panel.split("id=\"recording-withheld\"").nth(1).expect("the organiser is told");
    let notice = &notice[..notice.find("</p>").expect("end of the notice")];
    assert!(
        notice.contains("No Speaker") && !notice.contains("Yes Speaker"),
        "who has not consented: {notice}"
    );

    // Consent obtained offline, recorded by the organiser and audited: the recording shows.
    let no_id: String = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.filter(s::email.eq("no@example.org")).select(s::id).first(conn).expect("speaker")
        })
        .await;
    let token = csrf_token(&panel);
    let res = organiser
        .post(app.url(&format!("/admin/sessions/{sid}/panel/speakers/{no_id}/consent-offline")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("offline");
    assert_eq!(res.status(), 303);
    let (page, api) = public(&app).await;
    assert!(page.contains("https://video.example.org/consent"), "every speaker consented");
    assert!(api.contains("https://video.example.org/consent"));
    let audited: i64 = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log
                .filter(a::action.eq("speaker.consent_offline"))
                .count()
                .get_result(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(audited, 1);
}

async fn the_demo_july_session_still_shows_its_recording(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let page = app
        .client()
        .get(app.url(&format!("/sessions/{}", convoca::db::demo::ENGLISH_SLUG)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("https://video.example.org/convoca-demo/internationalisation-2020-07-22"));
}

on_both_engines!(
    a_speaker_invited_from_the_panel_fills_in_their_page_and_gets_their_calendar_entry,
    an_unknown_replaced_or_expired_speaker_link_answers_the_link_page,
    a_file_that_is_not_a_picture_or_a_bio_too_long_comes_back_with_the_form_kept,
    a_recording_is_public_only_when_every_speaker_consented,
    the_demo_july_session_still_shows_its_recording,
);
