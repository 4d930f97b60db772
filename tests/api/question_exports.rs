//! Issue 22, last part: the organiser's questions and the interpretation needs in every export
//! of a session's registrations (the CSV, the workbook, the organiser API's CSV and JSON), the
//! session report's answer counts in its files, and a duplicated session keeping its questions.

use std::collections::BTreeSet;

use calamine::Data;
use chrono::Duration;
use convoca::db::api_tokens::NewToken;
use convoca::db::audit::Actor;
use convoca::domain::interpretation::ChannelLanguage;
use convoca::domain::{ApiScope, Language};
use convoca::i18n::I18n;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::exports::{download, read_csv, read_xlsx, text};
use crate::helpers::{Engine, TestApp, confirm, set, sid, valid_form};
use crate::on_both_engines;
use crate::session_questions::every_kind;

const FORMULA: &str = "=HYPERLINK(\"http://x\")";

/// The session's questions (id, English label), in order.
async fn questions_of(app: &TestApp, session_id: &str) -> Vec<(String, String)> {
    let id = session_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::questions::dsl as q;
        q::questions
            .filter(q::session_id.eq(id))
            .order(q::position.asc())
            .select((q::id, q::label_en))
            .load(conn)
            .expect("questions")
    })
    .await
}

/// A question's choices (id, English label), in order.
async fn choices_of(app: &TestApp, question_id: &str) -> Vec<(String, String)> {
    let id = question_id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::question_choices::dsl as c;
        c::question_choices
            .filter(c::question_id.eq(id))
            .order(c::position.asc())
            .select((c::id, c::label_en))
            .load(conn)
            .expect("choices")
    })
    .await
}

/// Registers through the form with `fields` and confirms through the emailed link.
async fn register(app: &TestApp, who: (&str, &str, &str), language: &str, fields: &[(String, String)]) {
    let (name, email, org) = who;
    let client = app.client();
    let mut form = valid_form(name, email, org);
    set(&mut form, "language", language);
    form.extend(fields.iter().cloned());
    let res = app.submit_registration(&client, "asked", &form).await;
    assert_eq!(res.status(), 303, "{email} registers");
    app.deliver_mail().await;
    let link =
        app.mail().to(email).last().and_then(|m| m.link(&format!("{}/confirm/", app.address))).expect("link");
    assert_eq!(confirm(&client, &link).await.status(), 303);
}

/// Posts an organiser form on `page` to `path`.
async fn post(
    app: &TestApp,
    organiser: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(String, String)],
) {
    let token = app.csrf_for(organiser, page).await;
    let mut form = vec![("csrf_token".to_owned(), token)];
    form.extend(fields.iter().cloned());
    let res = organiser.post(app.url(path)).form(&form).send().await.expect("post");
    assert_eq!(res.status(), 303, "{path}");
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// The record of `email` in a CSV export, by header.
fn record<'a>(header: &[String], records: &'a [csv::StringRecord], email: &str) -> Vec<&'a str> {
    let at = header.iter().position(|h| h == "Email" || h == "Adresse e-mail").expect("an email column");
    records.iter().find(|r| &r[at] == email).map(|r| r.iter().collect()).expect("the registrant's row")
}

/// Three registrants answering in three languages, following three languages; then a choice
/// with answers and a question with answers retired.
struct Seeded {
    app: TestApp,
    session: String,
    /// Question ids in order: city, topics, field, formats, first time, team size.
    ids: Vec<String>,
}

async fn seeded(engine: Engine) -> Seeded {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("asked", 50, 10).await.id.to_string();
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let organiser = app.sign_in("organiser").await;
    every_kind(&app, &organiser, &session).await;
    let languages = format!("/admin/sessions/{session}/languages");
    post(&app, &organiser, &languages, &languages, &pairs(&[("booked", "fr"), ("booked", "es")])).await;
    let ids: Vec<String> = questions_of(&app, &session).await.into_iter().map(|(id, _)| id).collect();
    let field = choices_of(&app, &ids[2]).await;
    let formats = choices_of(&app, &ids[3]).await;
    let q = |n: usize, value: &str| (format!("q-{}", ids[n]), value.to_owned());

    let ana = vec![
        q(0, FORMULA),
        q(1, "Vivienda social y clima"),
        q(2, &field[1].0),
        q(3, &formats[0].0),
        q(3, &formats[1].0),
        q(4, "yes"),
        q(5, "12"),
        ("follows".into(), "es".into()),
        ("captions".into(), "yes".into()),
    ];
    register(&app, ("Ana Torres", "ana@cdmx.gob.mx", &accra), "es", &ana).await;
    let claire = vec![
        q(2, &field[0].0),
        q(3, &formats[1].0),
        q(4, "no"),
        q(5, "3"),
        ("follows".into(), "fr".into()),
        ("sign_language".into(), "yes".into()),
    ];
    register(&app, ("Claire Martin", "claire@grandlyon.fr", &accra), "fr", &claire).await;
    let tom = vec![q(2, &field[1].0), q(4, "yes"), q(5, "50"), ("follows".into(), "en".into())];
    register(&app, ("Tom Reed", "tom@leeds.gov.uk", &accra), "en", &tom).await;

    // "Housing" has answers: removed from the question, it is retired and keeps them; so is
    // the city question, which Ana answered.
    let page = format!("/admin/sessions/{session}/questions");
    let edit = format!("{page}/{}", ids[2]);
    let climate = &field[0].0;
    let words = [
        ("label_en", "Your field"),
        ("label_fr", "Votre domaine"),
        ("label_es", "Su área"),
        ("required", "yes"),
    ];
    let mut fields = pairs(&words);
    for (language, word) in [("en", "Climate"), ("fr", "Climat"), ("es", "Clima")] {
        fields.push((format!("choice-{climate}_{language}"), word.to_owned()));
    }
    fields.push((format!("remove-{}", field[1].0), "yes".into()));
    post(&app, &organiser, &edit, &edit, &fields).await;
    assert_eq!(choices_of(&app, &ids[2]).await.len(), 2, "Housing is retired, not deleted");
    post(&app, &organiser, &page, &format!("{page}/{}/remove", ids[0]), &[]).await;
    Seeded { app, session, ids }
}

async fn every_export_has_a_column_per_question_and_the_interpretation_needs(engine: Engine) {
    let Seeded { app, session, ids } = seeded(engine).await;
    let organiser = app.sign_in("organiser").await;
    let base = format!("/admin/sessions/{session}/registrations");
    let en = I18n::new(Language::En);
    let language = |code: ChannelLanguage| en.t(&code.name_key());
    let questions = ["Your city", "Which topics?", "Your field", "Formats", "First time?", "Team size"];
    let needs = ["Follows (language)", "Sign-language interpretation", "Captions"];

    // The page's CSV, in English: the fixed columns, the needs, the questions in order.
    let (_, page_csv) = download(&organiser, app.url(&format!("{base}.csv?separator=comma")), "en").await;
    let (header, records) = read_csv(&page_csv, b',');
    assert_eq!(header.len(), 13 + 3 + 6, "{header:?}");
    assert_eq!(header[13..16], needs);
    assert_eq!(header[16..], questions, "one column per question, retired ones too, in order");
    assert_eq!(records.len(), 3);
    let (english, french, spanish) =
        (language(ChannelLanguage::En), language(ChannelLanguage::Fr), language(ChannelLanguage::Es));
    let ana = record(&header, &records, "ana@cdmx.gob.mx");
    let expected_ana = [
        spanish.as_str(),
        "No",
        "Yes",
        "'=HYPERLINK(\"http://x\")",
        "Vivienda social y clima",
        "Housing",
        "Talks; Workshops",
        "Yes",
        "12",
    ];
    assert_eq!(ana[13..], expected_ana, "the formula typed as an answer is neutralised");
    let claire = record(&header, &records, "claire@grandlyon.fr");
    let expected_claire = [french.as_str(), "Yes", "No", "", "", "Climate", "Workshops", "No", "3"];
    assert_eq!(claire[13..], expected_claire);
    let tom = record(&header, &records, "tom@leeds.gov.uk");
    let expected_tom = [english.as_str(), "No", "No", "", "", "Housing", "", "Yes", "50"];
    assert_eq!(tom[13..], expected_tom);

    // In French: the questions' and the choices' French words, the French yes and no.
    let (_, csv) = download(&organiser, app.url(&format!("{base}.csv")), "fr").await;
    let (header, records) = read_csv(&csv, b';');
    assert_eq!(
        header[13..],
        [
            "Langue suivie",
            "Interprétation en langue des signes",
            "Sous-titres",
            "Votre ville",
            "Quels sujets ?",
            "Votre domaine",
            "Formats",
            "Première fois ?",
            "Taille de l'équipe"
        ]
    );
    let ana = record(&header, &records, "ana@cdmx.gob.mx");
    let fr = I18n::new(Language::Fr);
    assert_eq!(ana[13], fr.t("interpretation-language-es"));
    assert_eq!(ana[18..], ["Logement", "Exposés; Ateliers", "Oui", "12"]);

    // The workbook: the same columns, the number as a number, the formula as a string cell.
    let (_, bytes) = download(&organiser, app.url(&format!("{base}.xlsx")), "en").await;
    let (_, rows, _) = read_xlsx(&bytes);
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header[13..16], needs);
    assert_eq!(header[16..], questions);
    let row = |email: &str| rows.iter().find(|r| text(&r[1]) == email).expect("the row").clone();
    let ana = row("ana@cdmx.gob.mx");
    assert_eq!(text(&ana[13]), spanish);
    assert_eq!((text(&ana[14]), text(&ana[15])), ("No".to_owned(), "Yes".to_owned()));
    assert_eq!(text(&ana[16]), FORMULA, "a string cell, as typed, never a formula");
    assert_eq!(
        (text(&ana[18]), text(&ana[19]), text(&ana[20])),
        ("Housing".into(), "Talks; Workshops".into(), "Yes".into())
    );
    assert_eq!(ana[21], Data::Float(12.0), "the number is a number cell");
    let tom = row("tom@leeds.gov.uk");
    assert_eq!(tom[19], Data::Empty, "not answered");
    assert_eq!(tom[21], Data::Float(50.0));

    // The organiser API: its CSV is the page's file; its JSON has the answers by question id.
    let new = NewToken {
        name: "CRM".into(),
        scopes: vec![ApiScope::RegistrationsRead],
        expires_at: app.clock.now() + Duration::days(30),
    };
    let now = app.clock.now();
    let secret = app
        .db(move |conn| {
            let actor = Actor { id: String::new(), name: "test".into() };
            convoca::db::api_tokens::create(conn, &new, &actor, now).expect("token").1
        })
        .await;
    let api = reqwest::Client::new();
    let path = format!("/api/v1/organiser/sessions/{session}/registrations");
    let res = api
        .get(app.url(&format!("{path}.csv?separator=comma&lang=en")))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("api csv");
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("body").to_vec(), page_csv, "the same file as the page's");

    let res = api
        .get(app.url(&path))
        .bearer_auth(&secret)
        .header("accept-language", "en")
        .send()
        .await
        .expect("api list");
    assert_eq!(res.status(), 200);
    let body: Value = serde_json::from_slice(&res.bytes().await.expect("body")).expect("JSON");
    let items = body["items"].as_array().expect("items");
    let item = |email: &str| items.iter().find(|i| i["email"] == email).expect("the item").clone();
    let ana = item("ana@cdmx.gob.mx");
    assert_eq!(
        (&ana["follows"], &ana["sign_language"], &ana["captions"]),
        (&json!("es"), &json!(false), &json!(true))
    );
    let answers = ana["answers"].as_object().expect("answers");
    let answered: BTreeSet<&String> = answers.keys().collect();
    assert_eq!(answered, ids.iter().collect::<BTreeSet<&String>>(), "every question she answered, by id");
    assert_eq!(ana["answers"][&ids[0]]["value"], FORMULA, "JSON carries the answer as typed");
    assert_eq!(
        ana["answers"][&ids[3]],
        json!({ "question": "Formats", "kind": "several_choices", "value": ["Talks", "Workshops"] })
    );
    assert_eq!(ana["answers"][&ids[2]]["value"], json!(["Housing"]), "a retired choice keeps its label");
    assert_eq!(ana["answers"][&ids[4]]["value"], json!(true));
    assert_eq!(ana["answers"][&ids[5]]["value"], json!(12));
    let tom = item("tom@leeds.gov.uk");
    assert_eq!(tom["follows"], "en");
    assert!(tom["answers"].get(&ids[3]).is_none(), "no answer, no key");
    let claire = item("claire@grandlyon.fr");
    assert_eq!((&claire["follows"], &claire["sign_language"]), (&json!("fr"), &json!(true)));
    assert_eq!(claire["answers"][&ids[4]]["value"], json!(false));

    // The OpenAPI document describes this answer (an undescribed field would fail).
    let document: Value = serde_json::from_slice(
        &reqwest::get(app.url("/api/v1/openapi.json")).await.expect("document").bytes().await.expect("body"),
    )
    .expect("JSON");
    let validator = crate::public_api::validator(
        &document,
        "/api/v1/organiser/sessions/{id}/registrations",
        "200",
        "application/json",
    );
    let errors: Vec<String> =
        validator.iter_errors(&body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut odd = body.clone();
    odd["items"][0]["answers"][&ids[5]]["value"] = json!({ "n": 12 });
    assert!(!validator.is_valid(&odd), "the document says what an answer may be");
}

async fn the_report_files_count_the_answers_as_the_page_does(engine: Engine) {
    let Seeded { app, session, .. } = seeded(engine).await;
    let organiser = app.sign_in("organiser").await;
    let (_, bytes) =
        download(&organiser, app.url(&format!("/admin/reports.csv?session={session}&separator=comma")), "en")
            .await;
    let (header, records) = read_csv(&bytes, b',');
    assert_eq!(header[0], "Section");
    let lines: Vec<(String, String, String)> =
        records.iter().map(|r| (r[0].to_owned(), r[1].to_owned(), r[4].to_owned())).collect();
    let line =
        |section: &str, answer: &str, count: &str| (section.to_owned(), answer.to_owned(), count.to_owned());
    for expected in [
        line("Your city (retired)", "Answered", "1"),
        line("Which topics?", "Answered", "1"),
        line("Your field", "Climate", "1"),
        line("Your field", "Housing (retired)", "2"),
        line("Formats", "Talks", "1"),
        line("Formats", "Workshops", "2"),
        line("First time?", "Yes", "2"),
        line("First time?", "No", "1"),
        line("Team size", "Answered", "3"),
    ] {
        assert!(lines.contains(&expected), "{expected:?} in {lines:?}");
    }
    let total = lines.iter().position(|(s, ..)| s == "Total").expect("the total");
    let first_question = lines.iter().position(|(s, ..)| s == "Your city (retired)").expect("a question");
    assert!(total < first_question, "the questions follow the participation lines");

    let (_, bytes) =
        download(&organiser, app.url(&format!("/admin/reports.xlsx?session={session}")), "en").await;
    let (_, rows, _) = read_xlsx(&bytes);
    let workshops =
        rows.iter().find(|r| text(&r[0]) == "Formats" && text(&r[1]) == "Workshops").expect("the line");
    assert_eq!(workshops[4], Data::Float(2.0), "a count is a number");
}

async fn a_duplicated_session_asks_the_same_questions_in_the_same_languages(engine: Engine) {
    let Seeded { app, session, ids } = seeded(engine).await;
    let now = app.clock.now();
    let original = sid(&session);
    let copy = app
        .db(move |conn| {
            let actor = Actor { id: String::new(), name: "test".into() };
            convoca::db::sessions::duplicate(conn, &original, &actor, now)
                .expect("duplicate")
                .expect("a copy")
        })
        .await;
    let copied = questions_of(&app, copy.as_str()).await;
    let labels: Vec<&str> = copied.iter().map(|(_, label)| label.as_str()).collect();
    assert_eq!(
        labels,
        ["Which topics?", "Your field", "Formats", "First time?", "Team size"],
        "the retired one stays behind"
    );
    assert!(copied.iter().all(|(id, _)| !ids.contains(id)), "new ids: the copy changes on its own");
    let field = choices_of(&app, &copied[1].0).await;
    assert_eq!(
        field.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        ["Climate"],
        "choices still offered"
    );
    let (answers, channels) = app
        .db(move |conn| {
            use convoca::db::schema::{question_answers as a, session_channels as c};
            let copied: Vec<String> = copied.into_iter().map(|(id, _)| id).collect();
            let answers: i64 =
                a::table.filter(a::question_id.eq_any(&copied)).count().get_result(conn).expect("answers");
            let mut channels: Vec<String> = c::table
                .filter(c::session_id.eq(copy.as_str()))
                .select(c::language)
                .load::<ChannelLanguage>(conn)
                .expect("channels")
                .into_iter()
                .map(|l| l.as_str().to_owned())
                .collect();
            channels.sort();
            (answers, channels)
        })
        .await;
    assert_eq!(answers, 0, "no answer is copied");
    assert_eq!(channels, ["es", "fr"], "the same interpretation channels");
}

on_both_engines!(
    every_export_has_a_column_per_question_and_the_interpretation_needs,
    the_report_files_count_the_answers_as_the_page_does,
    a_duplicated_session_asks_the_same_questions_in_the_same_languages,
);
