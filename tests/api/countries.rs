//! Countries as ISO codes: the start-up data migration that maps free text typed before codes,
//! and the participation report grouped by code, named in the reader's language.

use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, sid};
use crate::on_both_engines;

/// Inserts a confirmed registration whose country is as the SQL migration leaves old rows:
/// the typed text in `country_unmatched`, no code.
async fn insert_with_old_country(app: &TestApp, session_id: &str, text: &str) -> String {
    let (session_id, text, now) = (session_id.to_owned(), text.to_owned(), app.clock.now());
    app.db(move |conn| {
        use convoca::db::models::{Registration, RegistrationDetails};
        use convoca::db::schema::registrations;
        let email = format!("{}@old.example.org", convoca::db::models::new_id());
        let details = RegistrationDetails {
            organisation_other: Some("Somewhere".into()),
            ..RegistrationDetails::sample("Old Row", &email, now)
        };
        let registration = Registration {
            status: convoca::domain::RegistrationStatus::Confirmed,
            confirmed_at: Some(now),
            country_unmatched: Some(text),
            ..Registration::pending(&sid(&session_id), details, now)
        };
        diesel::insert_into(registrations::table).values(&registration).execute(conn).expect("insert");
        registration.id.as_str().to_owned()
    })
    .await
}

async fn country_of(app: &TestApp, id: &str) -> (String, Option<String>) {
    let id = id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations.find(id).select((r::country, r::country_unmatched)).first(conn).expect("row")
    })
    .await
}

async fn the_country_migration_maps_messy_text_to_codes_and_keeps_the_rest(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("old-countries", 100, 14).await;
    let samples = [
        ("kenya ", Some("KE")),
        ("  KENYA", Some("KE")),
        ("Côte d'Ivoire", Some("CI")),
        ("Ivory Coast", Some("CI")),
        ("USA", Some("US")),
        ("États-Unis", Some("US")),
        ("méxico", Some("MX")),
        ("Royaume-Uni", Some("GB")),
        ("Alemania", Some("DE")),
        ("Greater Manchester", None),
        ("Atlantis", None),
    ];
    let mut ids = Vec::new();
    for (text, _) in samples {
        ids.push(insert_with_old_country(&app, session.id.as_str(), text).await);
    }
    // The app applied the migration at start, on an empty table: forget that it ran, as on a
    // database upgraded from before codes, and start the migrations again.
    let first = app
        .db(|conn| {
            use convoca::db::schema::data_migrations::dsl as d;
            diesel::delete(d::data_migrations.filter(d::name.eq("country_codes")))
                .execute(conn)
                .expect("forget");
            convoca::db::run_migrations(conn).expect("migrations")
        })
        .await;
    assert_eq!(first, ["country_codes"], "the data migration runs after the SQL ones");
    for ((text, expected), id) in samples.iter().zip(&ids) {
        let (code, unmatched) = country_of(&app, id).await;
        match expected {
            Some(code_wanted) => assert_eq!((code.as_str(), unmatched), (*code_wanted, None), "{text:?}"),
            None => assert_eq!((code.as_str(), unmatched.as_deref()), ("", Some(*text)), "{text:?} is kept"),
        }
    }
    let again = app.db(|conn| convoca::db::run_migrations(conn).expect("migrations")).await;
    assert!(again.is_empty(), "recorded: it does not run twice");

    // Organisers see the texts left to fix, and the countries by name.
    let admin = app.sign_in("admin").await;
    let res = admin
        .get(app.url(&format!("/admin/reports?session={}", session.id.as_str())))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("report");
    let html = res.text().await.expect("body");
    let unmatched = &html[html.find("id=\"unmatched-countries\"").expect("the list of texts to fix")..];
    assert!(unmatched.contains("Atlantis") && unmatched.contains("Greater Manchester"));
    assert!(!unmatched.contains("kenya"), "matched texts are not listed");
}

async fn the_report_groups_countries_by_code_in_the_readers_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("by-code", 100, 14).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    for (i, country) in ["DE", "de", "Germany", "Allemagne", "EG"].iter().enumerate() {
        let mut form =
            crate::helpers::valid_form(&format!("Person {i}"), &format!("p{i}@example.org"), &accra);
        crate::helpers::set(&mut form, "country", country);
        let res = app.submit_registration(&client, "by-code", &form).await;
        assert_eq!(res.status(), 303, "{country}");
    }
    let stored: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.select(r::country).order(r::country.asc()).load(conn).expect("countries")
        })
        .await;
    assert_eq!(stored, ["DE", "DE", "DE", "DE", "EG"], "stored as codes");
    let admin = app.sign_in("admin").await;
    let html = admin
        .get(app.url(&format!("/admin/reports?session={}", session.id.as_str())))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("body");
    let countries = &html[html.find("id=\"countries\"").expect("countries")..];
    let germany =
        countries.find("<th scope=\"row\">Allemagne</th><td>4</td>").expect("one line for four spellings");
    let egypt = countries.find("<th scope=\"row\">Égypte</th><td>1</td>").expect("Egypt in French");
    assert!(germany < egypt, "sorted in French");
    let csv = admin
        .get(app.url(&format!("/admin/reports.csv?session={}", session.id.as_str())))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("body");
    assert!(csv.contains("Country,Germany,DE,4"), "{csv}");
}

on_both_engines!(
    the_country_migration_maps_messy_text_to_codes_and_keeps_the_rest,
    the_report_groups_countries_by_code_in_the_readers_language,
);
