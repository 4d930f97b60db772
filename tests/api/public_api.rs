//! The public JSON API under /api/v1: pages and filters, problem documents, CORS, no private
//! field, and an OpenAPI document whose schemas the real answers satisfy.

use convoca::db::demo::{ENGLISH_SLUG, FRENCH_SLUG, SERIES_SLUG};
use convoca::db::models::new_id;
use diesel::prelude::*;
use serde_json::Value;

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let res = request.send().await.expect("request");
    Answer {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.text().await.expect("body"),
    }
}

async fn get(app: &TestApp, path: &str) -> Answer {
    get_with(app, path, &[]).await
}

fn slugs(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["slug"].as_str().expect("slug").to_owned())
        .collect()
}

/// Every slug of a list, following `next` links page by page; checks that the `Link` header
/// says the same as `next`.
async fn all_pages(app: &TestApp, first: &str) -> (Vec<String>, usize) {
    let (mut found, mut pages, mut url) = (Vec::new(), 0, Some(app.url(first)));
    while let Some(at) = url {
        let answer = get(app, &at).await;
        assert_eq!(answer.status, 200, "{at}: {}", answer.body);
        let page = answer.json();
        found.extend(slugs(&page));
        pages += 1;
        url = page["next"].as_str().map(str::to_owned);
        assert_eq!(answer.header("link"), url.as_ref().map(|u| format!("<{u}>; rel=\"next\"")), "{at}");
        assert!(pages < 20, "pagination ends");
    }
    (found, pages)
}

async fn set_session(app: &TestApp, slug: &str, status: &str, language: &str, series: Option<&str>) {
    let (slug, status, language) = (slug.to_owned(), status.to_owned(), language.to_owned());
    let series = series.map(str::to_owned);
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.filter(s::slug.eq(slug)))
            .set((s::status.eq(status), s::language.eq(language), s::series_id.eq(series)))
            .execute(conn)
            .expect("update session");
    })
    .await;
}

async fn create_series(app: &TestApp, slug: &str) -> String {
    let id = new_id();
    let (row_id, slug, now) = (id.clone(), slug.to_owned(), app.clock.now());
    app.db(move |conn| {
        use convoca::db::schema::series::dsl as s;
        diesel::insert_into(s::series)
            .values((
                s::id.eq(row_id),
                s::slug.eq(slug.clone()),
                s::title.eq(format!("Series {slug}")),
                s::description.eq("About it"),
                s::is_demo.eq(false),
                s::created_at.eq(now),
            ))
            .execute(conn)
            .expect("insert series");
    })
    .await;
    id
}

async fn the_api_pages_through_public_sessions_and_filters_them(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let cities = create_series(&app, "cities").await;
    let hidden = create_series(&app, "only-drafts").await;
    for (slug, days) in
        [("s-past", -3), ("s-one", 1), ("s-two", 2), ("s-three", 3), ("s-four", 4), ("s-draft", 5)]
    {
        app.create_session(slug, 10, days).await;
    }
    set_session(&app, "s-draft", "draft", "en", Some(&hidden)).await;
    set_session(&app, "s-two", "cancelled", "fr", Some(&cities)).await;
    set_session(&app, "s-three", "published", "fr", Some(&cities)).await;

    let (all, pages) = all_pages(&app, "/api/v1/sessions?limit=2").await;
    assert_eq!(all, ["s-past", "s-one", "s-two", "s-three", "s-four"], "public sessions, soonest first");
    assert_eq!(pages, 3, "two, two, one");
    let (whole, _) = all_pages(&app, "/api/v1/sessions").await;
    assert_eq!(whole, all, "the default page holds them all");

    let (upcoming, _) = all_pages(&app, "/api/v1/sessions?upcoming=true&limit=1").await;
    assert_eq!(upcoming, ["s-one", "s-two", "s-three", "s-four"]);
    let (past, _) = all_pages(&app, "/api/v1/sessions?upcoming=false").await;
    assert_eq!(past, ["s-past"]);
    let (french, _) = all_pages(&app, "/api/v1/sessions?language=fr&limit=1").await;
    assert_eq!(french, ["s-two", "s-three"]);
    let (in_series, _) = all_pages(&app, "/api/v1/sessions?series=cities&upcoming=true&language=fr").await;
    assert_eq!(in_series, ["s-two", "s-three"]);
    let (none, _) = all_pages(&app, "/api/v1/sessions?series=only-drafts").await;
    assert!(none.is_empty(), "a draft never shows: {none:?}");

    let cancelled = get(&app, "/api/v1/sessions/s-two").await.json();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["registration_open"], false);
    assert_eq!(cancelled["seats_left"], Value::Null);
    assert_eq!(cancelled["series"]["slug"], "cities");
    assert_eq!(get(&app, "/api/v1/sessions/s-draft").await.status, 404, "drafts stay private");

    // Series: only those with a public session, by slug, paged.
    let other = create_series(&app, "another").await;
    set_session(&app, "s-four", "published", "en", Some(&other)).await;
    let first = get(&app, "/api/v1/series?limit=1").await;
    assert_eq!(first.status, 200);
    let first = first.json();
    assert_eq!(slugs(&first), ["another"]);
    let next = first["next"].as_str().expect("a second page");
    let second = get(&app, next).await.json();
    assert_eq!(slugs(&second), ["cities"]);
    assert_eq!(second["next"], Value::Null);
    let series = get(&app, "/api/v1/series/cities").await.json();
    assert_eq!(series["title"], "Series cities");
    let sessions_url = series["sessions_url"].as_str().expect("sessions url");
    assert_eq!(slugs(&get(&app, sessions_url).await.json()), ["s-two", "s-three"]);
    assert_eq!(get(&app, "/api/v1/series/only-drafts").await.status, 404, "an unannounced series");
}

async fn a_session_gives_its_texts_times_seats_and_panel(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let session = app.create_session("seats", 3, 2).await;
    app.insert_confirmed(session.id.as_str(), 1, "en", chrono::Duration::hours(1)).await;
    let seats = get(&app, "/api/v1/sessions/seats").await.json();
    assert_eq!(seats["seats_left"], 2);
    assert_eq!(seats["capacity"], 3);
    assert_eq!(seats["registration_open"], true);
    assert_eq!(seats["status"], "published");
    assert_eq!(seats["url"], app.url("/sessions/seats"));
    assert_eq!(seats["register_url"], app.url("/sessions/seats/register"));
    let starts =
        chrono::DateTime::parse_from_rfc3339(seats["starts_at"].as_str().expect("start")).expect("RFC 3339");
    assert_eq!(starts.naive_utc(), session.starts_at);
    assert!(seats["starts_at"].as_str().expect("start").ends_with('Z'), "UTC");
    assert_eq!(seats["time_zone"], "Europe/Paris");
    let local = chrono::DateTime::parse_from_rfc3339(seats["local_starts_at"].as_str().expect("local"))
        .expect("local");
    assert_eq!(local, starts, "the same moment");
    assert!(local.offset().local_minus_utc() == 3600 || local.offset().local_minus_utc() == 7200, "Paris");

    // The French demo session, its texts in each language given.
    let french = get(&app, &format!("/api/v1/sessions/{FRENCH_SLUG}")).await;
    assert_eq!(french.status, 200, "{}", french.body);
    let french = french.json();
    assert_eq!(french["language"], "fr");
    let titles = french["title"].as_object().expect("titles");
    assert_eq!(titles.keys().collect::<Vec<_>>(), ["en", "es", "fr"], "keys sorted by the reader");
    assert_eq!(titles["en"], "Internationalisation of metropolitan spaces: the session in French");
    let descriptions = french["description"].as_object().expect("descriptions");
    assert_eq!(descriptions.keys().collect::<Vec<_>>(), ["fr"], "no description was translated");
    let english_only = get(&app, &format!("/api/v1/sessions/{FRENCH_SLUG}?lang=en")).await.json();
    assert_eq!(english_only["title"].as_object().expect("title").keys().collect::<Vec<_>>(), ["en"]);
    assert_eq!(
        english_only["description"].as_object().expect("description").keys().collect::<Vec<_>>(),
        ["fr"],
        "the session's own language where no translation exists"
    );
    assert_eq!(french["series"]["slug"], SERIES_SLUG);

    // The July session's panel, in order, with public fields and roles.
    let july = get(&app, &format!("/api/v1/sessions/{ENGLISH_SLUG}")).await.json();
    let panel = july["panel"].as_array().expect("panel");
    let names: Vec<&str> = panel.iter().map(|m| m["name"].as_str().expect("name")).collect();
    assert_eq!(names.first().copied(), Some("Octavi de la Varga"), "{names:?}");
    assert!(names.contains(&"Ian Klaus"), "{names:?}");
    assert!(panel.iter().any(|m| m["role"] == "keynote"));
    assert!(panel.iter().any(|m| m["organisation"] == "Chicago Council on Global Affairs"));
    assert_eq!(july["seats_left"], Value::Null, "a past session has no seats to give");
    assert!(!july["documents"].as_array().expect("documents").is_empty());
    // A client that holds the answer's ETag gets a 304, until the answer changes.
    let first = get(&app, "/api/v1/sessions/seats").await;
    let tag = first.header("etag").expect("an ETag");
    let again = get_with(&app, "/api/v1/sessions/seats", &[("if-none-match", &tag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag").as_deref(), Some(tag.as_str()));
    app.insert_confirmed(session.id.as_str(), 1, "en", chrono::Duration::hours(1)).await;
    let changed = get_with(&app, "/api/v1/sessions/seats", &[("if-none-match", &tag)]).await;
    assert_eq!(changed.status, 200, "a seat was taken");
    assert_eq!(changed.json()["seats_left"], 1);
    assert_ne!(changed.header("etag"), Some(tag));

    let listed =
        get(&app, "/api/v1/sessions?series=internationalisation-of-metropolitan-spaces&lang=es").await;
    let listed = listed.json();
    assert_eq!(slugs(&listed), [ENGLISH_SLUG, FRENCH_SLUG]);
    assert_eq!(listed["items"][0]["title"]["es"], "La internacionalización y los espacios metropolitanos");
    assert_eq!(listed["items"][0]["title"].as_object().expect("one language").len(), 1);
}

async fn bad_parameters_and_unknown_addresses_get_problem_documents(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("known", 10, 2).await;

    let bad = get(&app, "/api/v1/sessions?limit=0&upcoming=soon&language=de&cursor=nope").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type").as_deref(), Some("application/problem+json"));
    let problem = bad.json();
    assert_eq!(problem["status"], 400);
    assert!(
        problem["type"].as_str().expect("type").ends_with("/api/v1/openapi.json#/components/schemas/Problem")
    );
    let named: Vec<&str> = problem["invalid-params"]
        .as_array()
        .expect("invalid-params")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(named, ["upcoming", "language", "limit", "cursor"]);
    assert!(problem["invalid-params"][2]["reason"].as_str().expect("reason").contains("100"));

    for (path, param) in [
        ("/api/v1/sessions?limit=101", "limit"),
        ("/api/v1/sessions?limit=5&limit=6", "limit"),
        ("/api/v1/sessions?series=a%00b", "series"),
        ("/api/v1/sessions/known?lang=xx", "lang"),
        ("/api/v1/series?cursor=%2F%2F", "cursor"),
        ("/api/v1/series?limit=abc", "limit"),
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.header("content-type").as_deref(), Some("application/problem+json"), "{path}");
        assert_eq!(answer.json()["invalid-params"][0]["name"], param, "{path}");
    }

    let french = get_with(&app, "/api/v1/sessions?limit=0", &[("accept-language", "fr")]).await.json();
    assert_eq!(french["title"], "Paramètres de requête invalides");

    for path in
        ["/api/v1/sessions/nobody", "/api/v1/series/nothing", "/api/v1/elsewhere", "/api/v1/sessions/a%00b"]
    {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.header("content-type").as_deref(), Some("application/problem+json"), "{path}");
        let problem = answer.json();
        assert_eq!(problem["type"], "about:blank");
        assert_eq!(problem["status"], 404);
    }
    let post = app.client().post(app.url("/api/v1/sessions")).send().await.expect("post");
    assert_eq!(post.status(), 405);
    assert_eq!(post.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, HEAD, OPTIONS"));
    assert_eq!(
        post.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    // The pages keep their own error pages.
    let page = get(&app, "/sessions/nobody").await;
    assert_eq!(page.status, 404);
    assert!(page.header("content-type").unwrap_or_default().starts_with("text/html"));
}

async fn nothing_private_reaches_the_api_and_any_origin_may_read_it(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let session = app.create_session("private-bits", 10, 2).await;
    app.insert_confirmed(session.id.as_str(), 2, "fr", chrono::Duration::hours(1)).await;
    let (join_urls, ids, emails): (Vec<String>, Vec<String>, Vec<String>) = app
        .db(|conn| {
            use convoca::db::schema::{registrations, sessions, speakers};
            let joins = sessions::table
                .select(sessions::join_url)
                .load::<Option<String>>(conn)
                .expect("joins")
                .into_iter()
                .flatten()
                .collect();
            let mut ids: Vec<String> = sessions::table.select(sessions::id).load(conn).expect("ids");
            ids.extend(registrations::table.select(registrations::id).load::<String>(conn).expect("ids"));
            let _ = speakers::table.count().get_result::<i64>(conn).expect("speakers");
            let emails = registrations::table.select(registrations::email).load(conn).expect("emails");
            (joins, ids, emails)
        })
        .await;
    assert!(!join_urls.is_empty() && !emails.is_empty());

    let mut bodies = Vec::new();
    for path in [
        "/api/v1/sessions?limit=100".to_owned(),
        format!("/api/v1/sessions/{ENGLISH_SLUG}"),
        format!("/api/v1/sessions/{FRENCH_SLUG}"),
        "/api/v1/sessions/private-bits".to_owned(),
        "/api/v1/series".to_owned(),
        format!("/api/v1/series/{SERIES_SLUG}"),
    ] {
        let answer = get_with(&app, &path, &[("origin", "https://elsewhere.example")]).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(answer.header("access-control-allow-origin").as_deref(), Some("*"), "{path}");
        assert_eq!(answer.header("access-control-allow-credentials"), None, "{path}");
        assert_eq!(answer.header("set-cookie"), None, "no cookie on the API: {path}");
        assert_eq!(answer.header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert!(answer.header("cache-control").unwrap_or_default().starts_with("public"), "{path}");
        bodies.push(answer.body);
    }
    let all = bodies.join("\n");
    for secret in join_urls.iter().chain(&ids).chain(&emails) {
        assert!(!all.contains(secret.as_str()), "{secret} leaked");
    }
    for word in ["secretariat@convoca.test", "Bulk 0", "participant01", "@"] {
        assert!(!all.contains(word), "{word:?} in the API's answers");
    }

    let preflight = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/sessions"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed =
        preflight.headers().get("access-control-allow-methods").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(allowed.contains("GET") && !allowed.contains("POST"), "{allowed}");
    let refused = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/sessions"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .expect("preflight");
    assert!(refused.headers().get("access-control-allow-origin").is_none(), "no DELETE from elsewhere");
    // CORS stays on the API: the pages do not open to other origins.
    let page = get_with(&app, "/", &[("origin", "https://elsewhere.example")]).await;
    assert_eq!(page.header("access-control-allow-origin"), None);
    let head = app.client().head(app.url("/api/v1/sessions")).send().await.expect("head");
    assert_eq!(head.status(), 200);
}

/// Makes every object schema of the document refuse properties it does not name, so a field
/// the API sends but the document does not describe fails validation.
fn closed(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(closed);
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// The JSON Schema of an answer: the `$ref` a path's operation gives for `status`.
pub(crate) fn validator(document: &Value, path: &str, status: &str, media: &str) -> jsonschema::Validator {
    let answer = &document["paths"][path]["get"]["responses"][status]["content"][media]["schema"];
    assert!(answer.is_object(), "{path} {status} {media} is documented");
    let mut components = document["components"].clone();
    closed(&mut components);
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": answer["$ref"],
        "components": components,
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema of {path} {status}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, answer: &Answer, what: &str) {
    let instance = answer.json();
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{}", answer.body);
}

async fn the_openapi_document_describes_what_the_api_answers(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let session = app.create_session("described", 5, 3).await;
    app.insert_confirmed(session.id.as_str(), 1, "en", chrono::Duration::hours(1)).await;
    let answer = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(answer.status, 200);
    assert!(answer.header("content-type").unwrap_or_default().starts_with("application/json"));
    let document = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    for path in ["/api/v1/sessions", "/api/v1/sessions/{slug}", "/api/v1/series", "/api/v1/series/{slug}"] {
        assert!(document["paths"][path]["get"].is_object(), "{path} documented");
    }
    let parameters =
        document["paths"]["/api/v1/sessions"]["get"]["parameters"].as_array().expect("parameters");
    let names: Vec<&str> = parameters.iter().map(|p| p["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["upcoming", "series", "language", "lang", "limit", "cursor"]);

    let json = "application/json";
    let problem = "application/problem+json";
    let list = validator(&document, "/api/v1/sessions", "200", json);
    for path in ["/api/v1/sessions", "/api/v1/sessions?limit=1", "/api/v1/sessions?upcoming=false&lang=fr"] {
        assert_valid(&list, &get(&app, path).await, path);
    }
    let one = validator(&document, "/api/v1/sessions/{slug}", "200", json);
    for slug in [ENGLISH_SLUG, FRENCH_SLUG, "described"] {
        assert_valid(&one, &get(&app, &format!("/api/v1/sessions/{slug}")).await, slug);
    }
    let series_list = validator(&document, "/api/v1/series", "200", json);
    assert_valid(&series_list, &get(&app, "/api/v1/series").await, "series");
    let series = validator(&document, "/api/v1/series/{slug}", "200", json);
    assert_valid(&series, &get(&app, &format!("/api/v1/series/{SERIES_SLUG}")).await, "a series");
    let refused = validator(&document, "/api/v1/sessions", "400", problem);
    assert_valid(&refused, &get(&app, "/api/v1/sessions?limit=x&lang=no").await, "400");
    let missing = validator(&document, "/api/v1/sessions/{slug}", "404", problem);
    assert_valid(&missing, &get(&app, "/api/v1/sessions/none-such").await, "404");

    // A field the document does not describe would fail: the check can fail.
    let mut extra = get(&app, "/api/v1/series").await;
    extra.body = extra.body.replacen("\"slug\"", "\"secret\":1,\"slug\"", 1);
    assert!(!series_list.is_valid(&extra.json()), "an undocumented field is refused");
}

on_both_engines!(
    the_api_pages_through_public_sessions_and_filters_them,
    a_session_gives_its_texts_times_seats_and_panel,
    bad_parameters_and_unknown_addresses_get_problem_documents,
    nothing_private_reaches_the_api_and_any_origin_may_read_it,
    the_openapi_document_describes_what_the_api_answers,
);
