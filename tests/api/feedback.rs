//! Issue 21, parts 3 and 4: the survey after a session (answered from the follow-up's link,
//! changed, refused out of range or once closed, its results and CSV), and the certificate of
//! attendance (a PDF whose text names the attendee, accents kept, in their language).

use chrono::{Duration, NaiveDate};
use convoca::db::models::Session;
use convoca::db::schema::{registrations, series, session_translations, sessions, survey_answers};
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, csrf_token, set, valid_form};
use crate::on_both_engines;

on_both_engines!(
    a_registrant_answers_the_survey_from_the_follow_up_and_changes_the_answer,
    out_of_range_scores_and_missing_tokens_store_nothing,
    the_survey_is_for_confirmed_registrations_not_marked_absent,
    a_closed_survey_takes_no_more_answers,
    organisers_see_results_per_session_and_series_with_free_text_escaped,
    the_certificate_names_the_attendee_with_accents_in_each_language,
    a_certificate_asked_for_without_recorded_attendance_gets_a_clear_page,
);

/// The organiser switches the session's survey on (open `days` after the end).
async fn open_survey(app: &TestApp, session: &Session, days: &str) {
    let organiser = app.sign_in("organiser").await;
    let path = format!("/admin/sessions/{}/survey", session.id);
    let token = app.csrf_for(&organiser, &path).await;
    let res = organiser
        .post(app.url(&path))
        .form(&[
            ("csrf_token", token.as_str()),
            ("enabled", "yes"),
            ("close_days", days),
            ("intro_fr", "Merci d'avoir participé !"),
        ])
        .send()
        .await
        .expect("save survey");
    assert_eq!(res.status(), 303, "the settings are saved");
}

/// Registers and confirms; returns the manage link (without its notice).
async fn registrant(app: &TestApp, slug: &str, name: &str, email: &str) -> String {
    let org = app.create_member(&format!("City of {name}"), "Mexico").await;
    let manage = app.register_and_confirm(slug, name, email, &org).await;
    manage.split('?').next().expect("path").to_owned()
}

async fn mark_attended(app: &TestApp, email: &str, attended: Option<bool>) {
    let email = email.to_lowercase();
    app.db(move |conn| {
        diesel::update(registrations::table.filter(registrations::email_normalized.eq(email)))
            .set(registrations::attended.eq(attended))
            .execute(conn)
            .expect("attendance");
    })
    .await;
}

/// Every stored answer as (rating, usefulness, comment, topics).
async fn answers(app: &TestApp) -> Vec<(i32, i32, String, String)> {
    app.db(|conn| {
        survey_answers::table
            .select((
                survey_answers::rating,
                survey_answers::usefulness,
                survey_answers::comment,
                survey_answers::topics,
            ))
            .load(conn)
            .expect("answers")
    })
    .await
}

async fn answer(app: &TestApp, survey: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let client = app.client();
    let page = client.get(survey).send().await.expect("survey page");
    assert_eq!(page.status(), 200, "the survey opens");
    let token = csrf_token(&page.text().await.expect("body"));
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(survey).form(&form).send().await.expect("answer")
}

async fn a_registrant_answers_the_survey_from_the_follow_up_and_changes_the_answer(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("feedback-day", 50, 2).await;
    let manage = registrant(&app, "feedback-day", "Zoë Ñúñez-Lefèvre", "zoe@cdmx.gob.mx").await;
    open_survey(&app, &session, "14").await;
    let survey = format!("{manage}/survey");

    // Before the end it is not open yet, and says when it opens; the manage page has no link.
    let early = app.client().get(&survey).send().await.expect("early");
    assert_eq!(early.status(), 409);
    assert!(early.text().await.expect("body").contains("opens when the webinar ends"));
    let page = app.client().get(&manage).send().await.expect("manage").text().await.expect("body");
    assert!(!page.contains("/survey\""), "no survey link before the end: {page}");

    // The follow-up (sent with the recording) links to the survey and, for an attendee, to the
    // certificate.
    mark_attended(&app, "zoe@cdmx.gob.mx", Some(true)).await;
    let id = session.id.clone();
    app.db(move |conn| {
        diesel::update(sessions::table.find(id))
            .set(sessions::recording_url.eq(Some("https://video.example.org/feedback-day")))
            .execute(conn)
            .expect("recording");
    })
    .await;
    app.clock.set(session.ends_at() + Duration::minutes(121));
    app.deliver_mail().await;
    let follow_up = app
        .mail()
        .to("zoe@cdmx.gob.mx")
        .into_iter()
        .find(|m| m.subject().starts_with("Recording"))
        .expect("a follow-up");
    let text = follow_up.text();
    let mailed_survey = text
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/manage/", app.address)) && w.ends_with("/survey"))
        .expect("the follow-up links to the survey")
        .to_owned();
    assert!(text.contains("/certificate.pdf"), "and to the certificate: {text}");
    let page = app.client().get(&manage).send().await.expect("manage").text().await.expect("body");
    assert!(page.contains("/survey\"") && page.contains("/certificate.pdf\""), "the manage page links both");

    // Opening the link stores nothing; answering does.
    let opened = app.client().get(&mailed_survey).send().await.expect("open");
    assert_eq!(opened.status(), 200);
    assert!(answers(&app).await.is_empty(), "a GET stores nothing");
    let comment = "<script>alert('x')</script> Très utile";
    let fields = [("rating", "5"), ("usefulness", "4"), ("comment", comment), ("topics", "Housing")];
    let res = answer(&app, &mailed_survey, &fields).await;
    assert_eq!(res.status(), 303);
    let thanks = app.client().get(app.url(res.headers()["location"].to_str().expect("location")));
    let thanks = thanks.send().await.expect("thanks").text().await.expect("body");
    assert!(thanks.contains("Thank you for your feedback"), "{thanks}");
    assert!(!thanks.contains("<script>alert"), "the comment is escaped on the page");
    assert_eq!(answers(&app).await, vec![(5, 4, comment.to_owned(), "Housing".to_owned())]);

    // Sent again (a double click) and then changed: still one answer, the latest.
    answer(&app, &mailed_survey, &fields).await;
    let res = answer(
        &app,
        &mailed_survey,
        &[("rating", "3"), ("usefulness", "2"), ("comment", ""), ("topics", "")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(answers(&app).await, vec![(3, 2, String::new(), String::new())]);
    let page = app.client().get(&survey).send().await.expect("again").text().await.expect("body");
    assert!(
        page.contains("id=\"rating-3\" name=\"rating\" type=\"radio\" value=\"3\" checked"),
        "the answer is shown"
    );

    // The answer is in the person's download; erasure takes the free texts, keeps the scores.
    answer(
        &app,
        &survey,
        &[("rating", "4"), ("usefulness", "4"), ("comment", "Ask Ana Pérez"), ("topics", "")],
    )
    .await;
    let data = app.client().get(format!("{manage}/data.json")).send().await.expect("data");
    assert!(data.text().await.expect("body").contains("Ask Ana Pérez"), "in the download");
    let client = app.client();
    let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    let res = client
        .post(format!("{manage}/erase"))
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("erase");
    assert_eq!(res.status(), 200);
    assert_eq!(answers(&app).await, vec![(4, 4, String::new(), String::new())]);
}

async fn out_of_range_scores_and_missing_tokens_store_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("range", 50, 2).await;
    let manage = registrant(&app, "range", "Kofi Mensah", "kofi@accra.gov.gh").await;
    open_survey(&app, &session, "14").await;
    app.clock.set(session.ends_at() + Duration::hours(1));
    let survey = format!("{manage}/survey");

    for (rating, usefulness) in [("6", "3"), ("0", "3"), ("3", "-1"), ("2.5", "3"), ("", "3")] {
        let kept = "My comment, kept as typed";
        let res =
            answer(&app, &survey, &[("rating", rating), ("usefulness", usefulness), ("comment", kept)]).await;
        assert_eq!(res.status(), 422, "{rating}/{usefulness}");
        let body = res.text().await.expect("body");
        assert!(body.contains("field-error"), "a message by the field");
        assert!(body.contains("from 1 to 5"), "{body}");
        assert!(body.contains(kept), "what was typed is kept");
    }
    let long = "x".repeat(2001);
    let res =
        answer(&app, &survey, &[("rating", "4"), ("usefulness", "4"), ("comment", long.as_str())]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("2000"));

    let res =
        app.client().post(&survey).form(&[("rating", "4"), ("usefulness", "4")]).send().await.expect("post");
    assert_eq!(res.status(), 403, "no CSRF token, no answer");
    assert!(answers(&app).await.is_empty(), "nothing was stored");
}

async fn the_survey_is_for_confirmed_registrations_not_marked_absent(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("who", 50, 2).await;
    let absent = registrant(&app, "who", "Absent Person", "absent@poa.rs.gov.br").await;
    let cancelled = registrant(&app, "who", "Cancelled Person", "gone@poa.rs.gov.br").await;
    let unmarked = registrant(&app, "who", "Unmarked Person", "unmarked@poa.rs.gov.br").await;

    // A survey not switched on answers 404 with an explanation.
    app.clock.set(session.ends_at() + Duration::hours(1));
    let res = app.client().get(format!("{unmarked}/survey")).send().await.expect("off");
    assert_eq!(res.status(), 404);
    assert!(res.text().await.expect("body").contains("have not opened a survey"));

    app.clock.set(session.starts_at - Duration::days(1));
    let client = app.client();
    let page = client.get(&cancelled).send().await.expect("manage").text().await.expect("body");
    let res = client.post(format!("{cancelled}/cancel")).form(&[("csrf_token", csrf_token(&page))]).send();
    assert_eq!(res.await.expect("cancel").status(), 303);
    open_survey(&app, &session, "14").await;
    mark_attended(&app, "absent@poa.rs.gov.br", Some(false)).await;
    app.clock.set(session.ends_at() + Duration::hours(1));

    for (link, why) in [(&absent, "did not attend"), (&cancelled, "not confirmed")] {
        let survey = format!("{link}/survey");
        let res = app.client().get(&survey).send().await.expect("page");
        assert_eq!(res.status(), 403);
        assert!(res.text().await.expect("body").contains(why));
        let page = app.client().get(link.as_str()).send().await.expect("manage").text().await.expect("body");
        let token = csrf_token(&page);
        let res = app.client().post(&survey).form(&[
            ("csrf_token", token.as_str()),
            ("rating", "5"),
            ("usefulness", "5"),
        ]);
        assert_eq!(res.send().await.expect("post").status(), 403);
    }
    assert!(answers(&app).await.is_empty());
    // Attendance not recorded at all: the registration may answer.
    let res = answer(&app, &format!("{unmarked}/survey"), &[("rating", "4"), ("usefulness", "5")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(answers(&app).await.len(), 1);
}

async fn a_closed_survey_takes_no_more_answers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("closing", 50, 2).await;
    let manage = registrant(&app, "closing", "Mina Rahimi", "mina@tehran.ir").await;
    open_survey(&app, &session, "3").await;
    let survey = format!("{manage}/survey");
    app.clock.set(session.ends_at() + Duration::days(3) - Duration::minutes(1));
    let client = app.client();
    let page = client.get(&survey).send().await.expect("open");
    assert_eq!(page.status(), 200);
    let token = csrf_token(&page.text().await.expect("body"));
    let first =
        client.post(&survey).form(&[("csrf_token", token.as_str()), ("rating", "4"), ("usefulness", "4")]);
    assert_eq!(first.send().await.expect("post").status(), 303);

    // The page was open when it closed: the change is refused, the first answer stays.
    app.clock.set(session.ends_at() + Duration::days(3));
    let late =
        client.post(&survey).form(&[("csrf_token", token.as_str()), ("rating", "1"), ("usefulness", "1")]);
    let late = late.send().await.expect("late");
    assert_eq!(late.status(), 410);
    assert!(late.text().await.expect("body").contains("Your answers were recorded"));
    assert_eq!(answers(&app).await, vec![(4, 4, String::new(), String::new())]);
    let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    assert!(!page.contains("/survey\""), "no survey link once closed");
}

async fn organisers_see_results_per_session_and_series_with_free_text_escaped(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let first = app.create_session("results-a", 50, 2).await;
    let second = app.create_session("results-b", 50, 3).await;
    let series_id = convoca::db::models::new_id();
    let (id, a, b, now) = (series_id.clone(), first.id.clone(), second.id.clone(), app.clock.now());
    app.db(move |conn| {
        diesel::insert_into(series::table)
            .values((
                series::id.eq(&id),
                series::slug.eq("metropolitan-spaces"),
                series::title.eq("Metropolitan spaces"),
                series::description.eq(""),
                series::is_demo.eq(false),
                series::created_at.eq(now),
            ))
            .execute(conn)
            .expect("series");
        diesel::update(sessions::table.filter(sessions::id.eq_any([a, b])))
            .set(sessions::series_id.eq(Some(&id)))
            .execute(conn)
            .expect("in the series");
    })
    .await;
    let one = registrant(&app, "results-a", "Ana Silva", "ana@bh.mg.gov.br").await;
    let two = registrant(&app, "results-a", "Luis Gómez", "luis@mvd.gub.uy").await;
    let three = registrant(&app, "results-b", "Sara Ndlovu", "sara@joburg.org.za").await;
    open_survey(&app, &first, "14").await;
    open_survey(&app, &second, "14").await;
    app.clock.set(second.ends_at() + Duration::hours(1));
    let hostile = "<b>bold</b> & <script>alert(1)</script>";
    answer(
        &app,
        &format!("{one}/survey"),
        &[("rating", "5"), ("usefulness", "4"), ("comment", hostile), ("topics", "Climate")],
    )
    .await;
    answer(&app, &format!("{two}/survey"), &[("rating", "2"), ("usefulness", "3"), ("comment", "=SUM(A1)")])
        .await;
    answer(&app, &format!("{three}/survey"), &[("rating", "4"), ("usefulness", "5"), ("topics", "Housing")])
        .await;

    let organiser = app.sign_in("organiser").await;
    let page =
        organiser.get(app.url(&format!("/admin/sessions/{}/survey", first.id))).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("body");
    assert!(page.contains("<strong>2</strong> answers"), "two answers");
    assert!(page.contains("id=\"rating-average\">3.5<"), "the average of 5 and 2");
    assert!(page.contains("&#60;b&#62;bold&#60;/b&#62; &#38; &#60;script&#62;"), "free text escaped: {page}");
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("Climate"));
    assert!(!page.contains("Ana Silva"), "answers are shown without names");

    let csv = organiser
        .get(app.url(&format!("/admin/sessions/{}/survey.csv", first.id)))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    let csv = csv.text().await.expect("body");
    assert!(csv.contains("Overall rating"), "{csv}");
    assert!(csv.contains(hostile), "the CSV keeps the words");
    assert!(csv.contains("'=SUM(A1)"), "a formula is neutralised: {csv}");
    assert_eq!(csv.lines().count(), 3, "a header and two answers");

    let series_page =
        organiser.get(app.url(&format!("/admin/series/{series_id}/survey"))).send().await.expect("series");
    assert_eq!(series_page.status(), 200);
    let series_page = series_page.text().await.expect("body");
    assert!(series_page.contains("<strong>3</strong> answers") && series_page.contains("Housing"));
    let series_csv =
        organiser.get(app.url(&format!("/admin/series/{series_id}/survey.csv"))).send().await.expect("csv");
    assert_eq!(series_csv.text().await.expect("body").lines().count(), 4);

    // Signed out: the sign-in page; a made-up series: 404.
    let res = app
        .client()
        .get(app.url(&format!("/admin/sessions/{}/survey", first.id)))
        .send()
        .await
        .expect("anon");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").starts_with("/admin/login"));
    let res = organiser.get(app.url("/admin/series/not-a-series/survey")).send().await.expect("404");
    assert_eq!(res.status(), 404);
    // A bad setting comes back by its field, with what was typed.
    let path = format!("/admin/sessions/{}/survey", first.id);
    let token = app.csrf_for(&organiser, &path).await;
    let res = organiser
        .post(app.url(&path))
        .form(&[("csrf_token", token.as_str()), ("close_days", "400"), ("thanks_es", "¡Gracias!")])
        .send()
        .await
        .expect("bad");
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(body.contains("from 1 to 365") && body.contains("¡Gracias!"), "{body}");
}

/// The text of a PDF, through poppler's `pdftotext`.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext reads the file");
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

async fn the_certificate_names_the_attendee_with_accents_in_each_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // Monday 22 July 2030, 10:00 UTC: 10:00 in Accra, the registrants' zone.
    let start = NaiveDate::from_ymd_opt(2030, 7, 22).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("date");
    app.clock.set(start - Duration::days(20));
    let session = app.create_session("certificate", 50, 20).await;
    let id = session.id.clone();
    app.db(move |conn| {
        for (language, title) in [
            ("fr", "Internationalisation et espaces métropolitains"),
            ("es", "Internacionalización y espacios metropolitanos"),
        ] {
            diesel::insert_into(session_translations::table)
                .values((
                    session_translations::session_id.eq(&id),
                    session_translations::language.eq(language),
                    session_translations::title.eq(title),
                    session_translations::summary.eq(""),
                    session_translations::description.eq(""),
                ))
                .execute(conn)
                .expect("translation");
        }
    })
    .await;
    let org = app.create_member("Ciudad de México - CDMX", "Mexico").await;
    let cases = [
        (
            "en",
            "Certificate of attendance",
            "Webinar certificate",
            "Monday 22 July 2030",
            "Duration: 1 h 30 min",
        ),
        (
            "fr",
            "Attestation de participation",
            "Internationalisation et espaces métropolitains",
            "lundi 22 juillet 2030",
            "Durée : 1 h 30 min",
        ),
        (
            "es",
            "Certificado de asistencia",
            "Internacionalización y espacios metropolitanos",
            "lunes, 22 de julio de 2030",
            "Duración: 1 h 30 min",
        ),
    ];
    for (language, heading, title, date, duration) in cases {
        let email = format!("zoe.{language}@cdmx.gob.mx");
        let client = app.client();
        let mut form = valid_form("Zoë Ñúñez-Lefèvre", &email, &org);
        set(&mut form, "language", language);
        assert_eq!(app.submit_registration(&client, "certificate", &form).await.status(), 303);
        app.deliver_mail().await;
        let link = app
            .mail()
            .to(&email)
            .iter()
            .find_map(|m| m.link(&format!("{}/confirm/", app.address)))
            .expect("link");
        let res = crate::helpers::confirm(&client, &link).await;
        let manage =
            app.url(res.headers()["location"].to_str().expect("location").split('?').next().expect("path"));
        mark_attended(&app, &email, Some(true)).await;

        let res = app.client().get(format!("{manage}/certificate.pdf")).send().await.expect("certificate");
        assert_eq!(res.status(), 200, "{language}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let pdf = res.bytes().await.expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf);
        for expected in
            [heading, "Zoë Ñúñez-Lefèvre", "City of", title, date, "10:00–11:30 (Africa/Accra)", duration]
        {
            let expected = if expected == "City of" { "Ciudad de México - CDMX" } else { expected };
            assert!(text.contains(expected), "{language}: {expected:?} in {text}");
        }
    }
}

async fn a_certificate_asked_for_without_recorded_attendance_gets_a_clear_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("no-certificate", 50, 2).await;
    let unmarked = registrant(&app, "no-certificate", "Not Marked", "unmarked@hyd.gov.in").await;
    let absent = registrant(&app, "no-certificate", "Not There", "absent@hyd.gov.in").await;
    mark_attended(&app, "absent@hyd.gov.in", Some(false)).await;
    app.clock.set(session.ends_at() + Duration::hours(1));
    for (link, why) in
        [(&unmarked, "once the organisers have recorded your attendance"), (&absent, "did not attend")]
    {
        let res = app.client().get(format!("{link}/certificate.pdf")).send().await.expect("certificate");
        assert_eq!(res.status(), 403);
        assert!(res.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
        let body = res.text().await.expect("body");
        assert!(body.contains("No certificate of attendance") && body.contains(why), "{body}");
        let page = app.client().get(link.as_str()).send().await.expect("manage").text().await.expect("body");
        assert!(!page.contains("/certificate.pdf"), "the manage page offers none");
    }
}
