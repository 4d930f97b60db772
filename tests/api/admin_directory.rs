//! The organiser area's directory: speakers and their photos, session panels, organisations
//! and the merging of organisation names typed by registrants.

use convoca::db::models::{Registration, RegistrationDetails, new_id};
use convoca::domain::RegistrationStatus;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

pub(crate) const BOUNDARY: &str = "----convoca-test-boundary-7d9a41";

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// A multipart body as a browser sends the photo form: the CSRF token, then the file.
pub(crate) fn photo_body(token: Option<&str>, file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n")
                .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{file_name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_photo(
    app: &TestApp,
    client: &reqwest::Client,
    speaker_id: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/admin/speakers/{speaker_id}/photo")))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .expect("photo upload")
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).expect("small chunk").to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut covered = kind.to_vec();
    covered.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&covered).to_be_bytes());
    chunk
}

/// A valid 1×1 PNG: one blue RGB pixel, deflated as a stored block.
pub(crate) fn tiny_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    let scanline = [0u8, 0x1F, 0x6F, 0xB4];
    let mut zlib = vec![0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF];
    zlib.extend_from_slice(&scanline);
    zlib.extend_from_slice(&adler32(&scanline).to_be_bytes());
    png.extend(png_chunk(b"IDAT", &zlib));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// Creates a speaker through the form; returns their id.
async fn create_speaker(app: &TestApp, client: &reqwest::Client, name: &str, organisation: &str) -> String {
    let token = app.csrf_for(client, "/admin/speakers/new").await;
    let res = client
        .post(app.url("/admin/speakers"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", name),
            ("honorific", ""),
            ("position", "Deputy Mayor"),
            ("organisation", organisation),
            ("bio", ""),
        ])
        .send()
        .await
        .expect("create speaker");
    assert_eq!(res.status(), 303, "{name} is created");
    let location = location(&res);
    let id = location
        .strip_prefix("/admin/speakers/")
        .and_then(|rest| rest.strip_suffix("?done=speaker-created"))
        .unwrap_or_else(|| panic!("redirect to the new speaker's page: {location}"));
    id.to_owned()
}

async fn photo_path_of(app: &TestApp, speaker_id: &str) -> Option<String> {
    let id = speaker_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::speakers::dsl as s;
        s::speakers.find(id).select(s::photo_path).first::<Option<String>>(conn).expect("speaker")
    })
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log.order(a::created_at.asc()).select(a::action).load::<String>(conn).expect("audit")
    })
    .await
    .into_iter()
    .filter(|action| convoca::domain::SecurityEvent::parse(action).is_none())
    .collect()
}

/// The positions of `names` in `html`, which must all be there.
fn order_of(html: &str, names: &[&str]) -> Vec<usize> {
    names.iter().map(|n| html.find(n).unwrap_or_else(|| panic!("{n} is on the page"))).collect()
}

fn is_sorted(positions: &[usize]) -> bool {
    positions.windows(2).all(|w| w[0] < w[1])
}

async fn a_speaker_is_created_and_their_photo_is_served_publicly_with_a_cache_header(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/speakers/new").await;
    let res = client
        .post(app.url("/admin/speakers"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "  Amina   Diallo "),
            ("honorific", "Dr"),
            ("position", "Deputy Mayor"),
            ("organisation", "City of Accra"),
            ("bio", "Leads the city's international relations.\r\nFormer urban planner."),
        ])
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), 303);
    let created = location(&res);
    let id = created
        .strip_prefix("/admin/speakers/")
        .and_then(|r| r.strip_suffix("?done=speaker-created"))
        .expect("redirect to the edit page")
        .to_owned();
    let page = client.get(app.url(&created)).send().await.expect("edit page").text().await.expect("body");
    assert!(page.contains("The speaker has been added to the directory."), "flash message");
    assert!(page.contains("value=\"Amina Diallo\""), "the name is stored with its spaces folded");
    assert!(page.contains("Former urban planner."), "the biography keeps its lines");

    let list = client.get(app.url("/admin/speakers?q=ACCRA")).send().await.expect("search");
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["cache-control"], "no-store");
    assert!(list.text().await.expect("body").contains("Amina Diallo"), "found by organisation");
    let none = client.get(app.url("/admin/speakers?q=nobody")).send().await.expect("search");
    assert!(!none.text().await.expect("body").contains("Amina Diallo"));

    let public = app.client();
    let photo_url = app.url(&format!("/speakers/{id}/photo"));
    assert_eq!(public.get(&photo_url).send().await.expect("photo").status(), 404, "no photo yet");

    let token = app.csrf_for(&client, &format!("/admin/speakers/{id}")).await;
    let png = tiny_png();
    let res =
        post_photo(&app, &client, &id, photo_body(Some(&token), Some(("portrait.png", "image/png", &png))))
            .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/speakers/{id}?done=photo-saved"));
    let page = client.get(app.url(&location(&res))).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("The photo has been saved."));
    assert!(page.contains(&format!("src=\"/speakers/{id}/photo\"")));
    // speakers: every photo is decoded and re-encoded as a JPEG on the server (no metadata).
    assert_eq!(photo_path_of(&app, &id).await, Some(format!("photos/{id}.jpg")));
    let on_disk = app.data_dir.path().join("photos").join(format!("{id}.jpg"));
    let stored = std::fs::read(&on_disk).expect("stored under the data folder");
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]), "stored as a JPEG");
    let decoded = image::load_from_memory(&stored).expect("a picture");
    assert_eq!((decoded.width(), decoded.height()), (1, 1));

    let res = public.get(&photo_url).send().await.expect("public photo");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), stored.as_slice());

    // The first bytes decide, and then the picture must decode: bytes that only start like a
    // JPEG are refused, and the stored photo stays.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10][..], b"JFIF\0 rest of a picture"].concat();
    let res = post_photo(
        &app,
        &client,
        &id,
        photo_body(Some(&token), Some(("scan.bin", "application/octet-stream", &jpeg))),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(photo_path_of(&app, &id).await, Some(format!("photos/{id}.jpg")));
    assert_eq!(std::fs::read(&on_disk).expect("kept"), stored);

    let token = app.csrf_for(&client, &format!("/admin/speakers/{id}")).await;
    let res = client
        .post(app.url(&format!("/admin/speakers/{id}/photo/remove")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("remove");
    assert_eq!(res.status(), 303);
    assert_eq!(photo_path_of(&app, &id).await, None);
    assert_eq!(public.get(&photo_url).send().await.expect("photo").status(), 404);
    assert_eq!(audit_actions(&app).await, ["speaker.create", "speaker.photo", "speaker.photo_remove"]);
}

async fn a_file_that_is_not_a_picture_or_is_too_large_is_refused_next_to_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let id = create_speaker(&app, &client, "Lucía Pérez", "Intendencia de Montevideo").await;
    let token = app.csrf_for(&client, &format!("/admin/speakers/{id}")).await;

    let text = b"This is a text file with a picture's name.".to_vec();
    let res =
        post_photo(&app, &client, &id, photo_body(Some(&token), Some(("photo.png", "image/png", &text))))
            .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("The file is not a JPEG, PNG or WebP picture"), "{page}");
    assert!(page.contains("href=\"#photo\""), "the error summary links to the field");
    assert!(page.contains("class=\"field-error\""), "the message is next to the field");

    let mut large = tiny_png();
    large.resize(2 * 1024 * 1024 + 1, 0);
    let res =
        post_photo(&app, &client, &id, photo_body(Some(&token), Some(("big.png", "image/png", &large))))
            .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("The file is larger than 2 MB"));

    let res =
        post_photo(&app, &client, &id, photo_body(Some(&token), Some(("", "application/octet-stream", b""))))
            .await;
    assert_eq!(res.status(), 422, "no file chosen");
    assert!(res.text().await.expect("body").contains("Choose a picture file to upload"));

    assert_eq!(photo_path_of(&app, &id).await, None);
    let photos = app.data_dir.path().join("photos");
    let stored = std::fs::read_dir(&photos).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "nothing was written");
    let res = app.client().get(app.url(&format!("/speakers/{id}/photo"))).send().await.expect("photo");
    assert_eq!(res.status(), 404);
}

async fn a_speaker_form_with_mistakes_comes_back_with_messages_and_what_was_typed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/speakers/new").await;
    let long_bio = "a".repeat(2001);
    let res = client
        .post(app.url("/admin/speakers"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "   "),
            ("honorific", &"H".repeat(41)),
            ("position", "Mayor <of> Somewhere"),
            ("organisation", "City"),
            ("bio", &long_bio),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("Enter the speaker"), "name required");
    // speakers: the biography is one per language; this form's is the English one.
    for field in ["name", "honorific", "bio_en"] {
        assert!(page.contains(&format!("href=\"#{field}\"")), "summary links to {field}");
    }
    assert!(!page.contains("href=\"#position_en\""));
    assert!(page.contains("Mayor &#60;of&#62; Somewhere"), "what was typed is kept (escaped)");
    assert!(page.contains(&long_bio), "the long biography is kept for correcting");
    let count = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.count().get_result::<i64>(conn).expect("count")
        })
        .await;
    assert_eq!(count, 0);
}

async fn a_panel_is_built_reordered_and_shown_in_order_on_the_public_session_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("metropolitan-spaces", 100, 14).await;
    let client = app.sign_in("organiser").await;
    let ana = create_speaker(&app, &client, "Ana Anfitriona", "Barcelona").await;
    let bruno = create_speaker(&app, &client, "Bruno Keynoter", "Montréal").await;
    let chen = create_speaker(&app, &client, "Chen Moderator", "Guangzhou").await;
    let panel = format!("/admin/sessions/{}/panel", session.id);
    let page = client.get(app.url(&panel)).send().await.expect("panel");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("Webinar metropolitan-spaces"), "the session's title");
    assert!(html.contains(&format!("href=\"/admin/sessions/{}\"", session.id)), "link back to the session");
    let token = crate::helpers::csrf_token(&html);

    for (speaker, role) in [(&ana, "host"), (&bruno, "keynote"), (&chen, "moderator")] {
        let res = client
            .post(app.url(&panel))
            .form(&[("csrf_token", token.as_str()), ("speaker", speaker.as_str()), ("role", role)])
            .send()
            .await
            .expect("add");
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), format!("{panel}?done=panel-added"));
    }
    let res = client
        .post(app.url(&panel))
        .form(&[("csrf_token", token.as_str()), ("speaker", bruno.as_str()), ("role", "speaker")])
        .send()
        .await
        .expect("add again");
    assert_eq!(res.status(), 422, "once per panel");
    assert!(res.text().await.expect("body").contains("This speaker is on this panel already"));
    let res = client
        .post(app.url(&panel))
        .form(&[("csrf_token", token.as_str()), ("speaker", ""), ("role", "juggler")])
        .send()
        .await
        .expect("add nothing");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("Choose a speaker from the directory") && html.contains("href=\"#role\""));

    let public_page = |app: &TestApp| {
        let url = app.url("/sessions/metropolitan-spaces");
        async move { reqwest::get(url).await.expect("public page").text().await.expect("body") }
    };
    let html = public_page(&app).await;
    assert!(
        is_sorted(&order_of(&html, &["Ana Anfitriona", "Bruno Keynoter", "Chen Moderator"])),
        "added order"
    );
    for role in ["Host", "Keynote", "Moderator"] {
        assert!(html.contains(&format!("<span class=\"role\">{role}</span>")), "{role} shown");
    }

    let session_id = session.id.clone();
    let entries: Vec<(String, String)> = app
        .db(move |conn| {
            use convoca::db::schema::panel_entries::dsl as p;
            p::panel_entries
                .filter(p::session_id.eq(session_id))
                .order(p::position.asc())
                .select((p::id, p::speaker_id))
                .load(conn)
                .expect("entries")
        })
        .await;
    let entry_of =
        |speaker: &str| entries.iter().find(|(_, s)| s == speaker).map(|(e, _)| e.clone()).expect("entry");

    let res = client
        .post(app.url(&format!("{panel}/{}/move", entry_of(&chen))))
        .form(&[("csrf_token", token.as_str()), ("direction", "up")])
        .send()
        .await
        .expect("move up");
    assert_eq!(res.status(), 303);
    let html = public_page(&app).await;
    assert!(
        is_sorted(&order_of(&html, &["Ana Anfitriona", "Chen Moderator", "Bruno Keynoter"])),
        "Chen moved up"
    );

    let res = client
        .post(app.url(&format!("{panel}/{}/role", entry_of(&bruno))))
        .form(&[("csrf_token", token.as_str()), ("role", "speaker")])
        .send()
        .await
        .expect("role");
    assert_eq!(res.status(), 303);
    let res = client
        .post(app.url(&format!("{panel}/{}/role", entry_of(&bruno))))
        .form(&[("csrf_token", token.as_str()), ("role", "juggler")])
        .send()
        .await
        .expect("bad role");
    assert_eq!(res.status(), 422);

    let res = client
        .post(app.url(&format!("{panel}/{}/remove", entry_of(&ana))))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("remove");
    assert_eq!(res.status(), 303);
    let html = public_page(&app).await;
    assert!(!html.contains("Ana Anfitriona"), "removed from the panel");
    assert!(is_sorted(&order_of(&html, &["Chen Moderator", "Bruno Keynoter"])));
    assert!(!html.contains("<span class=\"role\">Keynote</span>"), "Bruno's role changed");
    assert!(html.contains("<span class=\"role\">Speaker</span>"));

    let admin_page = client.get(app.url(&panel)).send().await.expect("panel").text().await.expect("body");
    assert!(is_sorted(&order_of(&admin_page, &["Chen Moderator", "Bruno Keynoter"])), "same order here");

    // A speaker on a panel cannot be deleted; one on no panel can.
    let res = client
        .post(app.url(&format!("/admin/speakers/{chen}/delete")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(
        page.contains("This speaker is on the panel of 1 session (Webinar metropolitan-spaces)"),
        "{page}"
    );
    let res = client
        .post(app.url(&format!("/admin/speakers/{ana}/delete")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 303);
    assert_eq!(
        client.get(app.url(&format!("/admin/speakers/{ana}"))).send().await.expect("gone").status(),
        404
    );

    let actions = audit_actions(&app).await;
    for action in ["panel.add", "panel.move", "panel.role", "panel.remove", "speaker.delete"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
    }
}

async fn only_administrators_create_organisations_and_names_stay_unique(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let token = app.csrf_for(&organiser, "/admin/organisations").await;
    let fields = |token: &str, name: &str, country: &str, email: &str| {
        vec![
            ("csrf_token".to_owned(), token.to_owned()),
            ("name".to_owned(), name.to_owned()),
            ("kind".to_owned(), "member".to_owned()),
            ("country".to_owned(), country.to_owned()),
            ("focal_email".to_owned(), email.to_owned()),
            ("focal_name".to_owned(), "Lucía Ejemplo".to_owned()),
            ("focal_language".to_owned(), "es".to_owned()),
        ]
    };
    let res = organiser
        .post(app.url("/admin/organisations"))
        .form(&fields(&token, "Ciudad de Ejemplo", "Ejemplonia", ""))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403, "organisers only view");
    let res = organiser.get(app.url("/admin/organisations/new")).send().await.expect("form");
    assert_eq!(res.status(), 403);

    let admin = app.sign_in("admin").await;
    let token = app.csrf_for(&admin, "/admin/organisations/new").await;
    let res = admin
        .post(app.url("/admin/organisations"))
        .form(&fields(&token, "Ciudad de Ejemplo", "Ejemplonia", "focal@ejemplo.gob.ex"))
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/organisations?done=organisation-created");
    let list = organiser.get(app.url("/admin/organisations")).send().await.expect("list");
    assert_eq!(list.status(), 200);
    let html = list.text().await.expect("body");
    assert!(html.contains("Ciudad de Ejemplo") && html.contains("focal@ejemplo.gob.ex"));
    assert!(
        html.contains("Lucía Ejemplo") && html.contains("lang=\"es\">(es)"),
        "the focal point's name and language"
    );

    let res = admin
        .post(app.url("/admin/organisations"))
        .form(&fields(&token, "  ciudad de EJEMPLO ", "Ejemplonia", ""))
        .send()
        .await
        .expect("duplicate");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("An organisation with this name exists already"));
    assert!(html.contains("value=\"  ciudad de EJEMPLO \""), "what was typed is kept");

    let res = admin
        .post(app.url("/admin/organisations"))
        .form(&fields(&token, "Villa Nueva", "", "not an address"))
        .send()
        .await
        .expect("invalid");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("Enter the country") && html.contains("href=\"#country\""));
    assert!(html.contains("href=\"#focal_email\""));

    let names: Vec<(String, String)> = app
        .db(|conn| {
            use convoca::db::schema::organisations::dsl as o;
            o::organisations.select((o::id, o::name)).load(conn).expect("organisations")
        })
        .await;
    assert_eq!(names.len(), 1);
    let id = names[0].0.clone();

    let res = organiser
        .post(app.url(&format!("/admin/organisations/{id}")))
        .form(&fields(&token, "Renamed", "Ejemplonia", ""))
        .send()
        .await
        .expect("organiser edit");
    assert_eq!(res.status(), 403);
    let token = app.csrf_for(&admin, &format!("/admin/organisations/{id}")).await;
    let res = admin
        .post(app.url(&format!("/admin/organisations/{id}")))
        .form(&fields(&token, "Ciudad de Ejemplo", "República de Ejemplo", ""))
        .send()
        .await
        .expect("admin edit");
    assert_eq!(res.status(), 303, "keeping its own name is fine");
    let actions = audit_actions(&app).await;
    assert_eq!(actions.iter().filter(|a| a.starts_with("organisation.")).count(), 2, "{actions:?}");
}

async fn insert_registration(
    app: &TestApp,
    session_id: &str,
    email: &str,
    organisation_other: &str,
) -> String {
    let (session_id, email, other, now) =
        (session_id.to_owned(), email.to_owned(), organisation_other.to_owned(), app.clock.now());
    app.db(move |conn| {
        let details = RegistrationDetails {
            organisation_other: Some(other),
            country: "Ejemplonia".into(),
            language: "es".into(),
            ..RegistrationDetails::sample("Registrant", &email, now)
        };
        let registration = Registration {
            status: RegistrationStatus::Confirmed,
            confirmed_at: Some(now),
            ..Registration::pending(&crate::helpers::sid(&session_id), details, now)
        };
        let id = registration.id.clone();
        diesel::insert_into(convoca::db::schema::registrations::table)
            .values(&registration)
            .execute(conn)
            .expect("insert registration");
        id.to_string()
    })
    .await
}

async fn organisation_names_typed_by_registrants_are_merged_into_a_member(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("merge", 50, 7).await;
    let member = app.create_member("Ciudad de Ejemplo", "Ejemplonia").await;
    let mut typed = Vec::new();
    for (i, text) in ["Ciudad de Ejemplo", "  ciudad de ejemplo ", "CIUDAD DE EJEMPLO"].iter().enumerate() {
        typed.push(insert_registration(&app, &session.id, &format!("p{i}@ejemplo.gob.ex"), text).await);
    }
    let other = insert_registration(&app, &session.id, "otra@otra.gob.ex", "Otra Ciudad").await;

    let organiser = app.sign_in("organiser").await;
    let html = organiser
        .get(app.url("/admin/organisations"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    assert!(
        html.contains("Ciudad de Ejemplo") && html.contains("Otra Ciudad"),
        "organisers see the typed names"
    );
    assert!(!html.contains("action=\"/admin/organisations/merge\""), "but no merge form");
    let token = app.csrf_for(&organiser, "/admin/organisations").await;
    let res = organiser
        .post(app.url("/admin/organisations/merge"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("text", "Ciudad de Ejemplo"),
            ("organisation", member.as_str()),
        ])
        .send()
        .await
        .expect("organiser merge");
    assert_eq!(res.status(), 403);

    let admin = app.sign_in("admin").await;
    let token = app.csrf_for(&admin, "/admin/organisations").await;
    let res = admin
        .post(app.url("/admin/organisations/merge"))
        .form(&[("csrf_token", token.as_str()), ("text", "Ciudad de Ejemplo"), ("organisation", "")])
        .send()
        .await
        .expect("merge into nothing");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("Choose the member government or partner to merge into"));
    assert!(html.contains("href=\"#merge-1\""), "the summary links to that row's select");

    let res = admin
        .post(app.url("/admin/organisations/merge"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("text", " ciudad de EJEMPLO"),
            ("organisation", member.as_str()),
        ])
        .send()
        .await
        .expect("merge");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/organisations?done=merged");

    let rows: Vec<(String, Option<String>, Option<String>)> = app
        .db(|conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations
                .select((r::id, r::organisation_id, r::organisation_other))
                .load(conn)
                .expect("rows")
        })
        .await;
    for id in &typed {
        let (_, organisation_id, organisation_other) = rows.iter().find(|(r, _, _)| r == id).expect("row");
        assert_eq!(organisation_id.as_deref(), Some(member.as_str()), "merged into the member");
        assert_eq!(organisation_other.as_deref(), None, "the typed text is cleared");
    }
    let (_, organisation_id, organisation_other) = rows.iter().find(|(r, _, _)| *r == other).expect("row");
    assert_eq!((organisation_id.as_deref(), organisation_other.as_deref()), (None, Some("Otra Ciudad")));
    assert!(audit_actions(&app).await.contains(&"organisation.merge".to_owned()));

    let html = admin
        .get(app.url("/admin/organisations?done=merged"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    assert!(html.contains("The registrations have been merged into the organisation."));
    assert!(html.contains("<td>3</td>"), "the member counts the three registrations");

    let res = admin
        .post(app.url("/admin/organisations/merge"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("text", "Ciudad de Ejemplo"),
            ("organisation", member.as_str()),
        ])
        .send()
        .await
        .expect("merge again");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("No registration carries this name any more"));
}

async fn a_post_without_a_valid_csrf_token_is_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("csrf", 10, 3).await;
    let admin = app.sign_in("admin").await;
    let speaker = create_speaker(&app, &admin, "Existing Speaker", "Somewhere").await;
    for path in [
        "/admin/speakers".to_owned(),
        format!("/admin/speakers/{speaker}"),
        format!("/admin/speakers/{speaker}/delete"),
        format!("/admin/sessions/{}/panel", session.id),
        "/admin/organisations".to_owned(),
        "/admin/organisations/merge".to_owned(),
    ] {
        let res = admin
            .post(app.url(&path))
            .form(&[("name", "Sneaky"), ("speaker", speaker.as_str()), ("role", "host"), ("country", "X")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "no token: {path}");
        let res = admin
            .post(app.url(&path))
            .form(&[("csrf_token", "forged"), ("name", "Sneaky")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "forged token: {path}");
    }
    let png = tiny_png();
    let res = post_photo(&app, &admin, &speaker, photo_body(None, Some(("p.png", "image/png", &png)))).await;
    assert_eq!(res.status(), 403, "multipart without a token");
    let res =
        post_photo(&app, &admin, &speaker, photo_body(Some("forged"), Some(("p.png", "image/png", &png))))
            .await;
    assert_eq!(res.status(), 403, "multipart with a forged token");
    assert_eq!(photo_path_of(&app, &speaker).await, None);
    let speakers = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.select(s::name).load::<String>(conn).expect("speakers")
        })
        .await;
    assert_eq!(speakers, ["Existing Speaker"]);
}

async fn signed_out_visitors_are_sent_to_the_sign_in_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("signed-out", 10, 3).await;
    let organisation = app.create_member("Quito", "Ecuador").await;
    let speaker = new_id();
    let client = app.client();
    for path in [
        "/admin/speakers".to_owned(),
        "/admin/speakers/new".to_owned(),
        format!("/admin/speakers/{speaker}"),
        format!("/admin/sessions/{}/panel", session.id),
        "/admin/organisations".to_owned(),
        "/admin/organisations/new".to_owned(),
        format!("/admin/organisations/{organisation}"),
    ] {
        let res = client.get(app.url(&path)).send().await.expect("get");
        assert_eq!(res.status(), 303, "{path}");
        assert!(location(&res).starts_with("/admin/login"), "{path} -> {}", location(&res));
    }
    let res = post_photo(&app, &client, &speaker, photo_body(Some("x"), None)).await;
    assert_eq!(res.status(), 303, "the upload too");
    assert!(location(&res).starts_with("/admin/login"));
}

on_both_engines!(
    a_speaker_is_created_and_their_photo_is_served_publicly_with_a_cache_header,
    a_file_that_is_not_a_picture_or_is_too_large_is_refused_next_to_the_field,
    a_speaker_form_with_mistakes_comes_back_with_messages_and_what_was_typed,
    a_panel_is_built_reordered_and_shown_in_order_on_the_public_session_page,
    only_administrators_create_organisations_and_names_stay_unique,
    organisation_names_typed_by_registrants_are_merged_into_a_member,
    a_post_without_a_valid_csrf_token_is_refused,
    signed_out_visitors_are_sent_to_the_sign_in_page,
);
