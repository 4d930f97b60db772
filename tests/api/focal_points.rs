//! Focal points as personal data: an administrator's data request for a focal point's address
//! finds the organisations they coordinate, downloads and erases them, audited.

use diesel::prelude::*;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

const PAGE: &str = "/admin/data-requests";

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_for(client, PAGE).await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.expect("post")
}

async fn a_data_request_finds_and_erases_a_focal_point(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let quito = app.create_member("Municipio de Quito", "Ecuador").await;
    for (id, email) in
        [(accra.clone(), "Kofi.Mensah@accra.example.org"), (quito.clone(), "other@quito.example.org")]
    {
        app.db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            diesel::update(o::organisations.find(&id))
                .set((
                    o::focal_email.eq(Some(email)),
                    o::focal_name.eq("Kofi Mensah"),
                    o::focal_language.eq("fr"),
                ))
                .execute(conn)
                .expect("focal point")
        })
        .await;
    }
    let admin = app.sign_in("admin").await;
    let res = post(&app, &admin, PAGE, &[("email", "kofi.mensah@ACCRA.example.org")]).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    let found = html.split("id=\"focal-points\"").nth(1).expect("the focal point is found");
    let found = found.split("</p>").next().unwrap_or_default();
    assert!(found.contains("Accra Metropolitan Assembly") && !found.contains("Quito"), "{found}");

    let res =
        post(&app, &admin, "/admin/data-requests/download", &[("email", "kofi.mensah@accra.example.org")])
            .await;
    let data: serde_json::Value = serde_json::from_str(&res.text().await.expect("body")).expect("json");
    assert_eq!(data["focal_point_of"][0]["organisation"], "Accra Metropolitan Assembly");
    assert_eq!(data["focal_point_of"][0]["language"], "fr");

    let res = post(
        &app,
        &admin,
        "/admin/data-requests/erase",
        &[("email", "kofi.mensah@accra.example.org"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (kept_accra, kept_quito) = app
        .db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            let get = |conn: &mut convoca::db::AnyConnection, id: &str| {
                o::organisations
                    .find(id)
                    .select((o::focal_email, o::focal_name))
                    .first::<(Option<String>, String)>(conn)
                    .expect("organisation")
            };
            (get(conn, &accra), get(conn, &quito))
        })
        .await;
    assert_eq!(kept_accra, (None, String::new()), "the focal point's name and address are gone");
    assert_eq!(kept_quito.0.as_deref(), Some("other@quito.example.org"), "another person's kept");
    let audited = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log
                .filter(a::action.eq("focal_point.erase"))
                .count()
                .get_result::<i64>(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(audited, 1);
    let notice =
        app.client().get(app.url("/privacy")).send().await.expect("notice").text().await.expect("body");
    assert!(notice.contains("id=\"focal-points\""), "the privacy notice tells of focal points");
}

on_both_engines!(a_data_request_finds_and_erases_a_focal_point);
