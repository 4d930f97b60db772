//! Interpretation as data (issue 22): a session's interpretation channels, the language each
//! registrant follows, the live counts per language and member, the series' demand, the
//! channel named in each one's emails, erasure.

use chrono::Duration;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, confirm, csrf_token, set, valid_form};
use crate::on_both_engines;

/// Books interpretation channels for a session through its organiser page.
async fn book(app: &TestApp, organiser: &reqwest::Client, session_id: &str, languages: &[&str]) {
    let path = format!("/admin/sessions/{session_id}/languages");
    let token = app.csrf_for(organiser, &path).await;
    let mut form = vec![("csrf_token".to_owned(), token)];
    form.extend(languages.iter().map(|l| ("booked".to_owned(), (*l).to_owned())));
    let res = organiser.post(app.url(&path)).form(&form).send().await.expect("book");
    assert_eq!(res.status(), 303, "the channels are saved");
}

/// Registers with the form's `extra` fields and confirms through the emailed link; returns
/// the manage page's address.
async fn register(
    app: &TestApp,
    slug: &str,
    who: (&str, &str, &str),
    language: &str,
    extra: &[(&str, &str)],
) -> String {
    let (name, email, org) = who;
    let client = app.client();
    let mut form = valid_form(name, email, org);
    set(&mut form, "language", language);
    for (key, value) in extra {
        set(&mut form, key, value);
    }
    let res = app.submit_registration(&client, slug, &form).await;
    assert_eq!(res.status(), 303, "{email} registers");
    app.deliver_mail().await;
    let link =
        app.mail().to(email).last().and_then(|m| m.link(&format!("{}/confirm/", app.address))).expect("link");
    let res = confirm(&client, &link).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_owned();
    app.deliver_mail().await;
    app.url(&location)
}

fn last_text(app: &TestApp, email: &str, subject_starts: &[&str]) -> String {
    app.mail()
        .to(email)
        .iter()
        .rev()
        .find(|m| subject_starts.iter().any(|s| m.subject().starts_with(s)))
        .map(|m| m.text())
        .unwrap_or_else(|| panic!("{email} got a message starting with {subject_starts:?}"))
}

/// A row of the counts table: its label, then the counts per offered language, then the total.
fn row(label: &str, counts: &[i64]) -> String {
    let cells: String = counts.iter().map(|n| format!("<td>{n}</td>")).collect();
    format!("<th scope=\"row\">{label}</th>{cells}")
}

async fn three_registrants_following_three_languages_are_counted_and_told_their_channel(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("channels", 50, 10).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let lyon = app.create_member("Métropole de Lyon", "France").await;
    let organiser = app.sign_in("organiser").await;

    // Before any channel is booked the form does not ask.
    let form = app.client().get(app.url("/sessions/channels/register")).send().await.expect("form");
    let html = form.text().await.expect("body");
    assert!(!html.contains("name=\"follows\""), "one language: nothing to choose");
    assert!(html.contains("name=\"sign_language\"") && html.contains("name=\"captions\""));

    book(&app, &organiser, session.id.as_str(), &["fr", "es"]).await;

    // The form now offers the three, the reader's language preselected.
    let page = app
        .client()
        .get(app.url("/sessions/channels/register"))
        .header("Accept-Language", "fr")
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(page.contains("<option value=\"fr\" selected>Français (interprétation)</option>"), "{page}");
    assert!(page.contains("<option value=\"en\">Anglais (langue de la session)</option>"));
    assert!(!page.contains("value=\"pt\""), "only what is booked");

    register(&app, "channels", ("Ama Mensah", "ama@ama.gov.gh", &accra), "en", &[("follows", "en")]).await;
    register(
        &app,
        "channels",
        ("Claire Martin", "claire@grandlyon.fr", &lyon),
        "fr",
        &[("follows", "fr"), ("captions", "yes")],
    )
    .await;
    register(
        &app,
        "channels",
        ("Lucía Pérez", "lucia@ama.gov.gh", &accra),
        "es",
        &[("follows", "es"), ("sign_language", "yes")],
    )
    .await;

    // Each one's invitation names their channel, in their language; the English speaker none.
    let registered = ["You are registered", "Inscription confirmée", "Inscripción confirmada"];
    let claire = last_text(&app, "claire@grandlyon.fr", &registered);
    assert!(claire.contains("choisissez le canal français"), "{claire}");
    let lucia = last_text(&app, "lucia@ama.gov.gh", &registered);
    assert!(lucia.contains("elija el canal en español"), "{lucia}");
    let ama = last_text(&app, "ama@ama.gov.gh", &registered);
    assert!(!ama.contains("channel when you join"), "the spoken language needs no channel: {ama}");

    // The organiser's page counts them now, per language and member.
    let html = organiser
        .get(app.url(&format!("/admin/sessions/{}/languages", session.id)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(html.contains(&row("Accra Metropolitan Assembly", &[1, 0, 1, 2])), "{html}");
    assert!(html.contains(&row("Métropole de Lyon", &[0, 1, 0, 1])), "{html}");
    assert!(html.contains(&row("Total", &[1, 1, 1, 3])), "{html}");
    assert!(html.contains("<li id=\"sign-count\"><strong>1</strong>"), "{html}");
    assert!(html.contains("<li id=\"captions-count\"><strong>1</strong>"), "{html}");

    // Her registration's page says what she follows and needs.
    let claire_id = app
        .db(|conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations
                .filter(r::email_normalized.eq("claire@grandlyon.fr"))
                .select(r::id)
                .first::<String>(conn)
                .expect("her registration")
        })
        .await;
    let html = organiser
        .get(app.url(&format!("/admin/sessions/{}/registrations/{claire_id}", session.id)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        html.contains("<dd id=\"interpretation\">Language followed: French · Live captions</dd>"),
        "{html}"
    );

    // Reminders name the channel too.
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    let reminder = ["Reminder", "Rappel", "Recordatorio"];
    let claire = last_text(&app, "claire@grandlyon.fr", &reminder);
    assert!(claire.contains("choisissez le canal français"), "{claire}");
    let lucia = last_text(&app, "lucia@ama.gov.gh", &reminder);
    assert!(lucia.contains("elija el canal en español"), "{lucia}");
    assert!(!last_text(&app, "ama@ama.gov.gh", &reminder).contains("channel when you join"));

    // A channel cancelled: its people count under the spoken language and are told nothing.
    // (The clock moved a week: the organiser signs in again.)
    let organiser = app.sign_in("organiser").await;
    book(&app, &organiser, session.id.as_str(), &["fr"]).await;
    let html = organiser
        .get(app.url(&format!("/admin/sessions/{}/languages", session.id)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(html.contains(&row("Total", &[2, 1, 3])), "{html}");
}

async fn a_language_not_offered_is_refused_by_its_field_with_the_form_kept(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("refuse", 50, 10).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    book(&app, &organiser, session.id.as_str(), &["fr"]).await;

    for (posted, message) in [
        ("pt", "This language is not offered for this session"),
        ("", "Choose the language you will follow."),
        ("zz", "This language is not offered for this session"),
    ] {
        let client = app.client();
        let mut form = valid_form("Kofi Boateng", "kofi@ama.gov.gh", &org);
        set(&mut form, "follows", posted);
        set(&mut form, "captions", "yes");
        let res = app.submit_registration(&client, "refuse", &form).await;
        assert_eq!(res.status(), 422, "{posted:?}");
        let html = res.text().await.expect("body");
        assert!(html.contains("id=\"follows-error\""), "the message sits by its field: {html}");
        assert!(html.contains(message), "{posted:?}");
        assert!(html.contains("value=\"Kofi Boateng\""), "what was typed is kept");
        assert!(html.contains("id=\"captions\" name=\"captions\" type=\"checkbox\" value=\"yes\" checked"));
    }
    assert_eq!(app.count_registrations(session.id.as_str(), "pending").await, 0, "nothing half-written");
}

async fn the_series_report_shows_demand_per_language_across_its_sessions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let july = app.create_session("july", 50, 10).await;
    let november = app.create_session("november", 50, 20).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let series_id = convoca::db::models::new_id();
    let (series_row, sessions) = (series_id.clone(), vec![july.id.to_string(), november.id.to_string()]);
    let now = app.clock.now();
    app.db(move |conn| {
        use convoca::db::schema::{series, sessions as s};
        diesel::insert_into(series::table)
            .values((
                series::id.eq(&series_row),
                series::slug.eq("housing"),
                series::title.eq("Housing"),
                series::description.eq(""),
                series::is_demo.eq(false),
                series::created_at.eq(now),
            ))
            .execute(conn)
            .expect("series");
        diesel::update(s::table.filter(s::id.eq_any(sessions)))
            .set(s::series_id.eq(Some(&series_row)))
            .execute(conn)
            .expect("in the series");
    })
    .await;
    let organiser = app.sign_in("organiser").await;
    book(&app, &organiser, july.id.as_str(), &["fr", "pt"]).await;
    register(&app, "july", ("Claire Martin", "claire@grandlyon.fr", &org), "fr", &[("follows", "fr")]).await;
    register(&app, "july", ("João Silva", "joao@ama.gov.gh", &org), "en", &[("follows", "pt")]).await;
    register(&app, "november", ("Ama Mensah", "ama@ama.gov.gh", &org), "en", &[("captions", "yes")]).await;

    let html = organiser
        .get(app.url(&format!("/admin/series/{series_id}/languages")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    // Columns: English, French, Spanish, Portuguese, Arabic; then total, sign language, captions.
    assert!(html.contains("Webinar july</a></th><td>0</td><td>1</td><td>–</td><td>1</td><td>–</td><td>2</td><td>0</td><td>0</td>"), "{html}");
    assert!(html.contains("Webinar november</a></th><td>1</td><td>–</td><td>–</td><td>–</td><td>–</td><td>1</td><td>0</td><td>1</td>"), "{html}");
    let unknown = organiser.get(app.url("/admin/series/nope/languages")).send().await.expect("page");
    assert_eq!(unknown.status(), 404);
}

async fn erasure_removes_what_a_person_said_they_need(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("needs", 50, 10).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    book(&app, &organiser, session.id.as_str(), &["fr"]).await;
    let manage = register(
        &app,
        "needs",
        ("Claire Martin", "claire@grandlyon.fr", &org),
        "fr",
        &[("follows", "fr"), ("sign_language", "yes")],
    )
    .await;
    let stored = || async {
        app.db(|conn| {
            use convoca::db::schema::interpretation_choices::dsl as c;
            c::interpretation_choices.count().get_result::<i64>(conn).expect("count")
        })
        .await
    };
    assert_eq!(stored().await, 1);

    let manage = manage.split('?').next().expect("path").to_owned();
    let client = app.client();
    let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    let download = client.get(format!("{manage}/data.json")).send().await.expect("download");
    assert_eq!(download.status(), 200);
    let data: serde_json::Value = serde_json::from_str(&download.text().await.expect("body")).expect("json");
    assert_eq!(data["registration"]["language_followed"], "fr", "{data}");
    assert_eq!(data["registration"]["sign_language_interpretation"], true, "{data}");
    let res = client
        .post(format!("{manage}/erase"))
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("erase");
    assert_eq!(res.status(), 200);
    assert_eq!(stored().await, 0, "the language followed and the needs are gone with her");
}

async fn the_manage_page_changes_the_language_followed_and_the_needs(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("change", 50, 10).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    book(&app, &organiser, session.id.as_str(), &["fr", "es"]).await;
    let manage =
        register(&app, "change", ("Claire Martin", "claire@grandlyon.fr", &org), "fr", &[("follows", "fr")])
            .await;
    let details = format!("{}/details", manage.split('?').next().expect("path"));
    let client = app.client();

    // The change form shows what is stored.
    let page = client.get(&details).send().await.expect("details").text().await.expect("body");
    assert!(page.contains("<option value=\"fr\" selected>"), "{page}");
    let token = csrf_token(&page);
    let fields = |follows: &str| {
        let mut form = valid_form("Claire Martin", "claire@grandlyon.fr", &org);
        set(&mut form, "language", "fr");
        set(&mut form, "follows", follows);
        set(&mut form, "captions", "yes");
        set(&mut form, "csrf_token", &token);
        form
    };

    // A language not offered is refused by its field, the form kept.
    let res = client.post(&details).form(&fields("ar")).send().await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("id=\"follows-error\""), "{html}");
    assert!(html.contains("id=\"captions\" name=\"captions\" type=\"checkbox\" value=\"yes\" checked"));

    let res = client.post(&details).form(&fields("es")).send().await.expect("post");
    assert_eq!(res.status(), 303, "saved");
    let html = organiser
        .get(app.url(&format!("/admin/sessions/{}/languages", session.id)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(html.contains(&row("Total", &[0, 0, 1, 1])), "she now follows Spanish: {html}");
    assert!(html.contains("<li id=\"captions-count\"><strong>1</strong>"), "{html}");
    app.deliver_mail().await;
    // She hears of the change, as of any change of her details.
    last_text(&app, "claire@grandlyon.fr", &["Vos informations ont été modifiées"]);
}

on_both_engines!(
    three_registrants_following_three_languages_are_counted_and_told_their_channel,
    a_language_not_offered_is_refused_by_its_field_with_the_form_kept,
    the_series_report_shows_demand_per_language_across_its_sessions,
    erasure_removes_what_a_person_said_they_need,
    the_manage_page_changes_the_language_followed_and_the_needs,
);
