//! Questions per session (issue 22 part 1): the organiser's page, the series default, the
//! answers on the registration form, erasure.

use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, confirm, csrf_token, set, valid_form};
use crate::on_both_engines;

/// Posts the question form at `path` (a session's or series' page, or one question's).
async fn post(
    app: &TestApp,
    organiser: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_for(organiser, page).await;
    let mut form = vec![("csrf_token".to_owned(), token)];
    form.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    organiser.post(app.url(path)).form(&form).send().await.expect("post")
}

/// The ids of a session's questions, in order.
async fn question_ids(app: &TestApp, session_id: &str) -> Vec<(String, bool)> {
    let id = session_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::questions::dsl as q;
        q::questions
            .filter(q::session_id.eq(id))
            .order(q::position.asc())
            .select((q::id, q::retired))
            .load::<(String, bool)>(conn)
            .expect("questions")
    })
    .await
}

/// Builds the session's form: one question of every kind, words in three languages.
pub async fn every_kind(app: &TestApp, organiser: &reqwest::Client, session_id: &str) {
    let page = format!("/admin/sessions/{session_id}/questions");
    let kinds: [&[(&str, &str)]; 6] = [
        &[
            ("kind", "short_text"),
            ("label_en", "Your city"),
            ("label_fr", "Votre ville"),
            ("label_es", "Su ciudad"),
        ],
        &[
            ("kind", "long_text"),
            ("label_en", "Which topics?"),
            ("label_fr", "Quels sujets ?"),
            ("label_es", "¿Qué temas?"),
            ("help_en", "A few lines"),
        ],
        &[
            ("kind", "one_choice"),
            ("required", "yes"),
            ("label_en", "Your field"),
            ("label_fr", "Votre domaine"),
            ("label_es", "Su área"),
            ("new_choices_en", "Climate\nHousing"),
            ("new_choices_fr", "Climat\nLogement"),
            ("new_choices_es", "Clima\nVivienda"),
        ],
        &[
            ("kind", "several_choices"),
            ("label_en", "Formats"),
            ("label_fr", "Formats"),
            ("label_es", "Formatos"),
            ("new_choices_en", "Talks\nWorkshops"),
            ("new_choices_fr", "Exposés\nAteliers"),
            ("new_choices_es", "Charlas\nTalleres"),
        ],
        &[
            ("kind", "yes_no"),
            ("required", "yes"),
            ("label_en", "First time?"),
            ("label_fr", "Première fois ?"),
            ("label_es", "¿Primera vez?"),
        ],
        &[
            ("kind", "number"),
            ("label_en", "Team size"),
            ("label_fr", "Taille de l'équipe"),
            ("label_es", "Tamaño del equipo"),
            ("min", "1"),
            ("max", "50"),
        ],
    ];
    for fields in kinds {
        let res = post(app, organiser, &page, &page, fields).await;
        assert_eq!(res.status(), 303, "{fields:?}");
    }
}

async fn the_organiser_builds_orders_and_retires_questions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("forms", 50, 10).await;
    let organiser = app.sign_in("organiser").await;
    let page = format!("/admin/sessions/{}/questions", session.id);

    // The session hub links to the page.
    let hub = organiser.get(app.url(&format!("/admin/sessions/{}", session.id))).send().await.expect("hub");
    assert!(hub.text().await.expect("body").contains(&page));

    // Bad input is refused by its field, with what was typed kept.
    let res = post(
        &app,
        &organiser,
        &page,
        &page,
        &[("kind", "short_text"), ("label_fr", "Seulement en français")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(
        html.contains("id=\"label_en-error\"")
            && html.contains("Write the label in the session&#39;s language."),
        "{html}"
    );
    assert!(html.contains("value=\"Seulement en français\""), "the form is kept");
    let res = post(&app, &organiser, &page, &page, &[("kind", "one_choice"), ("label_en", "Field")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("A choice question needs at least one choice."));
    let res = post(
        &app,
        &organiser,
        &page,
        &page,
        &[("kind", "number"), ("label_en", "Size"), ("min", "9"), ("max", "3")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("id=\"min-error\"") && html.contains("The smallest number is above the largest."));
    assert!(question_ids(&app, session.id.as_str()).await.is_empty(), "nothing written");

    every_kind(&app, &organiser, session.id.as_str()).await;
    let ids = question_ids(&app, session.id.as_str()).await;
    assert_eq!(ids.len(), 6);

    // Order: the last one moves up.
    let res = post(&app, &organiser, &page, &format!("{page}/{}/up", ids[5].0), &[]).await;
    assert_eq!(res.status(), 303);
    let moved = question_ids(&app, session.id.as_str()).await;
    assert_eq!(moved[4].0, ids[5].0);
    assert_eq!(moved[5].0, ids[4].0);

    // Without a CSRF token, nothing moves.
    let res = organiser
        .post(app.url(&format!("{page}/{}/up", ids[1].0)))
        .form(&[("x", "y")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);

    // A question without answers is deleted.
    let res = post(&app, &organiser, &page, &format!("{page}/{}/remove", ids[0].0), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(question_ids(&app, session.id.as_str()).await.len(), 5);

    // The edit page shows the question with its choices; editing keeps its id.
    let edit = organiser.get(app.url(&format!("{page}/{}", ids[2].0))).send().await.expect("edit");
    assert_eq!(edit.status(), 200);
    let html = edit.text().await.expect("body");
    assert!(html.contains("value=\"Logement\""), "{html}");
    let unknown = organiser.get(app.url(&format!("{page}/nope"))).send().await.expect("edit");
    assert_eq!(unknown.status(), 404);
    let audit: i64 = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log.filter(a::action.like("question.%")).count().get_result(conn).expect("audit")
        })
        .await;
    assert!(audit >= 8, "every change is audited ({audit})");
}

async fn a_new_session_of_a_series_starts_with_the_series_questions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    let series_id = convoca::db::models::new_id();
    let row = series_id.clone();
    let now = app.clock.now();
    app.db(move |conn| {
        use convoca::db::schema::series;
        diesel::insert_into(series::table)
            .values((
                series::id.eq(&row),
                series::slug.eq("housing"),
                series::title.eq("Housing"),
                series::description.eq(""),
                series::is_demo.eq(false),
                series::created_at.eq(now),
                series::language.eq("fr"),
            ))
            .execute(conn)
            .expect("series");
    })
    .await;
    let page = format!("/admin/series/{series_id}/questions");
    let html = organiser.get(app.url(&page)).send().await.expect("page").text().await.expect("body");
    assert!(html.contains("A new session of this series starts with a copy of these questions"), "{html}");
    // The series speaks French: its label is the one required.
    let res = post(&app, &organiser, &page, &page, &[("kind", "yes_no"), ("label_en", "Member?")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("id=\"label_fr-error\""));
    let res = post(
        &app,
        &organiser,
        &page,
        &page,
        &[("kind", "yes_no"), ("label_fr", "Membre ?"), ("required", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);

    let token = app.csrf_for(&organiser, "/admin/sessions/new").await;
    let fields = vec![
        ("csrf_token", token),
        ("series_id", series_id.clone()),
        ("title", "Logement abordable".to_owned()),
        ("language", "fr".into()),
        ("date", "2099-03-29".into()),
        ("time", "15:00".into()),
        ("timezone", "Europe/Paris".into()),
        ("duration", "90".into()),
        ("capacity", "30".into()),
        ("reminders", "1d".into()),
        ("approval", "automatic".into()),
    ];
    let res = organiser.post(app.url("/admin/sessions")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 303);
    let labels: Vec<(String, bool)> = app
        .db(|conn| {
            use convoca::db::schema::questions::dsl as q;
            q::questions
                .filter(q::session_id.is_not_null())
                .select((q::label_fr, q::required))
                .load(conn)
                .expect("copied")
        })
        .await;
    assert_eq!(labels, vec![("Membre ?".to_owned(), true)]);
}

/// The answers stored, as (question id, value or choice id), sorted.
async fn stored(app: &TestApp) -> Vec<(String, String)> {
    app.db(|conn| {
        use convoca::db::schema::{answer_choices as c, question_answers as a};
        let mut all: Vec<(String, String)> =
            a::table.select((a::question_id, a::value)).load(conn).expect("answers");
        all.extend(
            c::table.select((c::question_id, c::choice_id)).load::<(String, String)>(conn).expect("choices"),
        );
        all.sort();
        all
    })
    .await
}

async fn choice_ids(app: &TestApp, question_id: &str) -> Vec<String> {
    let id = question_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::question_choices::dsl as c;
        c::question_choices
            .filter(c::question_id.eq(id))
            .order(c::position.asc())
            .select(c::id)
            .load(conn)
            .expect("ids")
    })
    .await
}

async fn registrants_answer_in_each_language_with_validation_and_erasure(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("asked", 50, 10).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    every_kind(&app, &organiser, session.id.as_str()).await;
    let ids: Vec<String> =
        question_ids(&app, session.id.as_str()).await.into_iter().map(|(id, _)| id).collect();
    let field = choice_ids(&app, &ids[2]).await;
    let formats = choice_ids(&app, &ids[3]).await;

    // Each reader sees the words in their language.
    for (language, words) in [
        ("en", ["Your city", "Housing"]),
        ("fr", ["Votre ville", "Logement"]),
        ("es", ["Su ciudad", "Vivienda"]),
    ] {
        let page = app
            .client()
            .get(app.url("/sessions/asked/register"))
            .header("Accept-Language", language)
            .send()
            .await
            .expect("form")
            .text()
            .await
            .expect("body");
        for word in words {
            assert!(page.contains(word), "{language}: {word}");
        }
        assert!(page.contains(&format!("name=\"q-{}\"", ids[5])), "the number question");
    }

    // Refusals, each by its question, with the form kept.
    let client = app.client();
    let mut form = valid_form("Claire Martin", "claire@grandlyon.fr", &org);
    set(&mut form, "language", "fr");
    set(&mut form, &format!("q-{}", ids[0]), "Lyon");
    set(&mut form, &format!("q-{}", ids[2]), "not-a-choice");
    set(&mut form, &format!("q-{}", ids[5]), "99");
    let res = app.submit_registration(&client, "asked", &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains(&format!("id=\"q-{}-error\"", ids[2])), "{html}");
    assert!(html.contains("Choose from the answers offered."));
    assert!(html.contains("This number is outside the range allowed."));
    assert!(
        html.contains(&format!("id=\"q-{}-error\"", ids[4])) && html.contains("Please answer this question."),
        "required yes/no"
    );
    assert!(html.contains("value=\"Lyon\""), "typed answers kept");
    assert!(stored(&app).await.is_empty(), "nothing written");
    set(&mut form, &format!("q-{}", ids[5]), "ten");
    let html = app.submit_registration(&client, "asked", &form).await.text().await.expect("body");
    assert!(html.contains("Write a whole number."));

    // Accepted in French; a question removed while the form was open is ignored.
    set(&mut form, &format!("q-{}", ids[2]), &field[1]);
    form.push((format!("q-{}", ids[3]), formats[0].clone()));
    form.push((format!("q-{}", ids[3]), formats[1].clone()));
    set(&mut form, &format!("q-{}", ids[4]), "yes");
    set(&mut form, &format!("q-{}", ids[5]), "12");
    set(&mut form, "q-0190ffff-0000-7000-8000-000000000000", "a question since deleted");
    let res = app.submit_registration(&client, "asked", &form).await;
    assert_eq!(res.status(), 303);
    let mut expected = vec![
        (ids[0].clone(), "Lyon".to_owned()),
        (ids[2].clone(), field[1].clone()),
        (ids[3].clone(), formats[0].clone()),
        (ids[3].clone(), formats[1].clone()),
        (ids[4].clone(), "yes".to_owned()),
        (ids[5].clone(), "12".to_owned()),
    ];
    expected.sort();
    assert_eq!(stored(&app).await, expected);

    // The organiser's registration page shows the answers in words.
    let registration: String = app
        .db(|conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.select(r::id).first(conn).expect("registration")
        })
        .await;
    let shown = organiser
        .get(app.url(&format!("/admin/sessions/{}/registrations/{registration}", session.id)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(shown.contains("Your field</dt><dd>Housing</dd>"), "{shown}");
    assert!(shown.contains("Formats</dt><dd>Talks; Workshops</dd>"));
    assert!(shown.contains("Team size</dt><dd>12</dd>"));

    // A choice with answers is retired, not deleted, and keeps its answers; the question
    // with answers is retired too.
    let page = format!("/admin/sessions/{}/questions", session.id);
    let res = post(
        &app,
        &organiser,
        &format!("{page}/{}", ids[2]),
        &format!("{page}/{}", ids[2]),
        &[
            ("label_en", "Your field"),
            ("choice-{}_en".replace("{}", &field[0]).as_str(), "Climate"),
            (format!("remove-{}", field[1]).as_str(), "yes"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(choice_ids(&app, &ids[2]).await.len(), 2, "kept, retired");
    assert_eq!(stored(&app).await.len(), 6, "its answer stays");
    let form_page = app
        .client()
        .get(app.url("/sessions/asked/register"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(!form_page.contains(&field[1]), "a retired choice is not offered");
    let res = post(&app, &organiser, &page, &format!("{page}/{}/remove", ids[4]), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        question_ids(&app, session.id.as_str()).await[4],
        (ids[4].clone(), true),
        "retired, not deleted"
    );

    // Confirm, then the data download and erasure.
    app.deliver_mail().await;
    let link = app
        .mail()
        .to("claire@grandlyon.fr")
        .last()
        .and_then(|m| m.link(&format!("{}/confirm/", app.address)))
        .expect("link");
    let res = confirm(&client, &link).await;
    let manage =
        app.url(res.headers()["location"].to_str().expect("location").split('?').next().expect("path"));
    // The session's report counts confirmed answers per choice and yes/no, and the numbers;
    // the retired choice and question keep their answers.
    let report = organiser
        .get(app.url(&format!("/admin/reports?session={}", session.id)))
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("body");
    assert!(report.contains("<th scope=\"row\">Housing (retired)</th><td>1</td>"), "{report}");
    assert!(report.contains("<th scope=\"row\">Climate</th><td>0</td>"));
    assert!(report.contains("<th scope=\"row\">Workshops</th><td>1</td>"));
    assert!(report.contains("First time? (retired)"));
    assert!(report.contains("<th scope=\"row\">Yes</th><td>1</td>"));
    assert!(report.contains("min 12 · average 12.0 · max 12"), "{report}");
    let download: serde_json::Value = serde_json::from_str(
        &client
            .get(format!("{manage}/data.json"))
            .send()
            .await
            .expect("download")
            .text()
            .await
            .expect("body"),
    )
    .expect("json");
    let answers = download["registration"]["answers_to_questions"].to_string();
    assert!(answers.contains("Lyon") && answers.contains("Talks; Workshops"), "{answers}");
    let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    let res = client
        .post(format!("{manage}/erase"))
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("erase");
    assert_eq!(res.status(), 200);
    assert!(stored(&app).await.is_empty(), "the answers are gone with her");
}

async fn the_manage_page_changes_the_answers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("change", 50, 10).await;
    let org = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    let page = format!("/admin/sessions/{}/questions", session.id);
    let res =
        post(&app, &organiser, &page, &page, &[("kind", "number"), ("label_en", "Team size"), ("max", "20")])
            .await;
    assert_eq!(res.status(), 303);
    let id = question_ids(&app, session.id.as_str()).await[0].0.clone();
    let client = app.client();
    let mut form = valid_form("Ama Mensah", "ama@ama.gov.gh", &org);
    set(&mut form, &format!("q-{id}"), "4");
    assert_eq!(app.submit_registration(&client, "change", &form).await.status(), 303);
    app.deliver_mail().await;
    let link = app
        .mail()
        .to("ama@ama.gov.gh")
        .last()
        .and_then(|m| m.link(&format!("{}/confirm/", app.address)))
        .expect("link");
    let res = confirm(&client, &link).await;
    let manage =
        app.url(res.headers()["location"].to_str().expect("location").split('?').next().expect("path"));
    let details = format!("{manage}/details");

    let html = client.get(&details).send().await.expect("details").text().await.expect("body");
    assert!(html.contains(&format!("name=\"q-{id}\" inputmode=\"numeric\" value=\"4\"")), "{html}");
    let token = csrf_token(&html);
    let mut change = valid_form("Ama Mensah", "ama@ama.gov.gh", &org);
    set(&mut change, "csrf_token", &token);
    set(&mut change, &format!("q-{id}"), "25");
    let res = client.post(&details).form(&change).send().await.expect("post");
    assert_eq!(res.status(), 422, "out of range, by its field");
    let html = res.text().await.expect("body");
    assert!(html.contains(&format!("id=\"q-{id}-error\"")) && html.contains("value=\"25\""));
    assert_eq!(stored(&app).await, vec![(id.clone(), "4".to_owned())], "nothing written");
    set(&mut change, &format!("q-{id}"), "7");
    let res = client.post(&details).form(&change).send().await.expect("post");
    assert_eq!(res.status(), 303);
    assert_eq!(stored(&app).await, vec![(id.clone(), "7".to_owned())]);
}

on_both_engines!(
    the_manage_page_changes_the_answers,
    registrants_answer_in_each_language_with_validation_and_erasure,
    the_organiser_builds_orders_and_retires_questions,
    a_new_session_of_a_series_starts_with_the_series_questions,
);
