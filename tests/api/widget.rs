//! The embeddable widget (`/embed/sessions`), its framing policy, and the organiser page that
//! gives its code (`/admin/widget`).

use chrono::Duration;
use diesel::prelude::*;

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

const ORIGIN: &str = "https://www.network.example";

async fn with_origins(engine: Engine) -> TestApp {
    let settings = vec![("CONVOCA_EMBED_ORIGINS", format!("{ORIGIN}, http://127.0.0.1:9"))];
    TestApp::spawn_with(engine, Options { settings, ..Options::default() }).await
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn the_widget_lists_upcoming_sessions_and_may_be_framed_by_listed_origins(engine: Engine) {
    let app = with_origins(engine).await;
    let open = app.create_session("widget-open", 2, 10).await;
    let full = app.create_session("widget-full", 1, 12).await;
    app.create_session("widget-past", 30, -3).await;
    let member = app.create_member("Accra", "GH").await;
    app.register_and_confirm(&full.slug, "Ada Official", "ada@city.example", &member).await;

    let res = app.client().get(app.url("/embed/sessions?lang=fr")).send().await.expect("widget");
    assert_eq!(res.status(), 200);
    let policy = header(&res, "content-security-policy");
    assert!(
        policy.contains(&format!("frame-ancestors 'self' {ORIGIN} http://127.0.0.1:9")),
        "the listed origins may frame it: {policy}"
    );
    assert!(!policy.contains("frame-ancestors 'none'"));
    assert!(header(&res, "x-frame-options").is_empty(), "no X-Frame-Options on the widget");
    assert!(header(&res, "set-cookie").is_empty(), "a cacheable widget sets no cookie");
    let html = res.text().await.expect("body");
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Prochains webinaires"));
    let at_open = html.find("/sessions/widget-open\"").expect("the open session");
    let at_full = html.find("/sessions/widget-full\"").expect("the full session");
    assert!(at_open < at_full, "soonest first");
    assert!(!html.contains("widget-past"), "past sessions are not listed");
    assert!(
        html.contains(&format!(
            "href=\"{}\" target=\"_blank\" rel=\"noopener\">S&#39;inscrire",
            app.url("/sessions/widget-open/register")
        )) || html.contains(&format!(
            "href=\"{}\" target=\"_blank\" rel=\"noopener\">S'inscrire",
            app.url("/sessions/widget-open/register")
        )),
        "a Register link that opens Convoca"
    );
    assert!(html.contains("<p class=\"widget-seats\">2 places restantes sur 2</p>"), "seats left: {html}");
    let waitlist = html[at_full..].split("widget-seats\">").nth(1).expect("seats of the full session");
    assert!(waitlist.starts_with("Complet"), "the full session offers the waiting list: {waitlist}");
    assert!(html.contains(&format!("datetime=\"{}\"", open.starts_at.format("%Y-%m-%dT%H:%M:%SZ"))));
    assert!(html.contains("/embed/widget.js?v="), "the script that shows the visitor's zone");
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains("meet.example.org"), "never the join address");

    // Every other page still refuses to be framed.
    for path in ["/", "/sessions/widget-open", "/sessions.ics", "/admin/login"] {
        let res = app.client().get(app.url(path)).send().await.expect("page");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert!(header(&res, "content-security-policy").contains("frame-ancestors 'none'"), "{path}");
    }
    let head = app.client().head(app.url("/embed/sessions")).send().await.expect("HEAD");
    assert_eq!(head.status(), 200, "HEAD answers like GET");
    let script = app.client().get(app.url("/embed/widget.js")).send().await.expect("script");
    assert_eq!(script.status(), 200);
    assert!(header(&script, "content-type").starts_with("text/javascript"));
}

async fn the_widget_for_a_series_and_its_mistakes(engine: Engine) {
    let app = with_origins(engine).await;
    let in_series = app.create_session("in-series", 30, 10).await;
    app.create_session("not-in-series", 30, 11).await;
    let (series_id, now) = (uuid::Uuid::now_v7().to_string(), app.clock.now());
    let id = in_series.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::{series, sessions};
        diesel::insert_into(series::table)
            .values((
                series::id.eq(&series_id),
                series::slug.eq("urban-cycle"),
                series::title.eq("Urban cycle"),
                series::description.eq(""),
                series::is_demo.eq(false),
                series::created_at.eq(now - Duration::days(1)),
            ))
            .execute(conn)
            .expect("series");
        diesel::update(sessions::table.find(id)).set(sessions::series_id.eq(Some(series_id))).execute(conn)
    })
    .await
    .expect("in series");
    let res =
        app.client().get(app.url("/embed/sessions?series=urban-cycle&lang=en")).send().await.expect("widget");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains("<h1 class=\"widget-heading\">Urban cycle</h1>"));
    assert!(html.contains("/sessions/in-series\"") && !html.contains("not-in-series"));

    let unknown =
        app.client().get(app.url("/embed/sessions?series=nope&lang=en")).send().await.expect("unknown");
    assert_eq!(unknown.status(), 404);
    assert!(
        header(&unknown, "content-security-policy").contains(&format!("frame-ancestors 'self' {ORIGIN}"))
    );
    assert!(header(&unknown, "x-frame-options").is_empty(), "the short message shows in the frame too");
    let html = unknown.text().await.expect("body");
    assert!(html.contains("This series of webinars does not exist"), "a short message: {html}");
    assert!(html.contains("/embed/widget.css"), "the widget's own compact page, not a broken one");

    let bad = app.client().get(app.url("/embed/sessions?lang=xx")).send().await.expect("bad lang");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("body").contains("not available in that language"));
}

async fn without_allowed_origins_only_convoca_itself_may_frame_the_widget(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let res = app.client().get(app.url("/embed/sessions")).send().await.expect("widget");
    assert_eq!(res.status(), 200);
    let policy = header(&res, "content-security-policy");
    assert!(policy.ends_with("frame-ancestors 'self'"), "{policy}");

    let organiser = app.sign_in("organiser").await;
    let page = organiser.get(app.url("/admin/widget")).send().await.expect("admin page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("id=\"origins-warning\""), "a warning while no site is allowed");
    assert!(html.contains("CONVOCA_EMBED_ORIGINS"));
}

async fn the_organiser_page_gives_a_snippet_and_a_preview(engine: Engine) {
    let app = with_origins(engine).await;
    app.create_session("snippet", 30, 10).await;
    let organiser = app.sign_in("organiser").await;
    let menu = organiser.get(app.url("/admin")).send().await.expect("admin").text().await.expect("body");
    assert!(menu.contains("href=\"/admin/widget\""), "in the organisers' navigation");

    let page = organiser.get(app.url("/admin/widget?series=&lang=es")).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(!html.contains("id=\"origins-warning\""));
    assert!(html.contains(ORIGIN), "the allowed origins are shown");
    let src = app.url("/embed/sessions?lang=es");
    assert!(html.contains("<label for=\"snippet\">"), "the snippet has a label");
    // The snippet is text in a textarea: escaped once.
    assert!(html.contains(&format!("&#60;iframe src=&#34;{src}&#34;")), "the iframe code: {html}");
    assert!(html.contains("loading=&#34;lazy&#34;") && html.contains("title=&#34;Próximos webinarios&#34;"));
    assert!(html.contains("&#60;a href=&#34;"), "a link for pages without frames");
    assert!(html.contains("<iframe id=\"widget-preview\" src=\"/embed/sessions?lang=es\""), "a preview");
    assert!(
        html.contains(&format!("<code>{}</code>", app.url("/sessions.ics?lang=es"))),
        "the calendar address"
    );
    assert!(html.contains(&format!("<code>{}</code>", app.url("/feed?lang=es"))), "the Atom address");

    let wrong = organiser.get(app.url("/admin/widget?series=no-such&lang=es")).send().await.expect("wrong");
    assert_eq!(wrong.status(), 422);
    let html = wrong.text().await.expect("body");
    assert!(html.contains("id=\"series-error\""), "the message next to the field");
    assert!(!html.contains("widget-preview"), "no preview of a widget that does not exist");
    let bad_lang = organiser.get(app.url("/admin/widget?lang=de")).send().await.expect("bad lang");
    assert_eq!(bad_lang.status(), 422);
    assert!(bad_lang.text().await.expect("body").contains("id=\"lang-error\""));

    let stranger = app.client().get(app.url("/admin/widget")).send().await.expect("stranger");
    assert_eq!(stranger.status(), 303, "organisers only");
}

on_both_engines!(
    the_widget_lists_upcoming_sessions_and_may_be_framed_by_listed_origins,
    the_widget_for_a_series_and_its_mistakes,
    without_allowed_origins_only_convoca_itself_may_frame_the_widget,
    the_organiser_page_gives_a_snippet_and_a_preview,
);

#[test]
fn a_bad_allowed_origin_stops_the_start() {
    use convoca::config::{Inputs, Settings, Source};
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let inputs = Inputs::new().fill(Source::Program, |s| match s.env {
        "CONVOCA_EMBED_ORIGINS" => Some("https://ok.example, www.example.org/page".to_owned()),
        "CONVOCA_DATA_DIR" => Some(data_dir.clone()),
        _ => None,
    });
    let error = Settings::load(&inputs).expect_err("a bad origin is refused").to_string();
    assert!(error.contains("CONVOCA_EMBED_ORIGINS") && error.contains("www.example.org/page"), "{error}");
}
