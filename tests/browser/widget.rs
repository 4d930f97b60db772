//! The widget embedded in another site: a page served from another origin (another port of
//! 127.0.0.1) frames `/embed/sessions` and shows the sessions, in the visitor's time zone; a
//! page from an origin not listed in CONVOCA_EMBED_ORIGINS cannot frame Convoca at all.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::json;

use convoca::domain::Language;

use crate::browser::Browser;
use crate::helpers::{Engine, Options, TestApp};
use crate::words;

/// A tiny web server on its own port of 127.0.0.1 that answers every request with `page`.
fn host_site(page: String) -> (String, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the host site");
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    serve(&listener, page);
    (origin, listener)
}

/// Answers every request on `listener` with `page`, on a thread that lives as long as the test.
fn serve(listener: &TcpListener, page: String) {
    let serving = listener.try_clone().expect("listener");
    std::thread::spawn(move || {
        for stream in serving.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
}

fn host_page(widget: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The network's site</title></head>\
         <body><h1>Our agenda</h1><iframe id=\"widget\" src=\"{widget}\" title=\"Upcoming webinars\" width=\"600\" height=\"400\"></iframe></body></html>"
    )
}

/// What the framed document shows once the frame has settled: the widget's first title, or
/// where the frame ended up when it shows no widget (Chromium's error page for a refusal).
async fn framed(browser: &Browser) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let frame = browser.find("#widget").await;
        frame.enter_frame().await.expect("enter the frame");
        let seen = browser
            .execute(
                "var t = document.querySelector('.widget-title');
                 return t ? 'widget: ' + t.textContent : 'none: ' + location.href + ' ' + document.readyState;",
            )
            .await;
        browser.client.enter_parent_frame().await.expect("back to the host page");
        let seen = seen.as_str().unwrap_or_default().to_owned();
        if seen.starts_with("widget: ") || Instant::now() > deadline {
            return seen;
        }
        // A refused frame stays without a widget; give a slow machine time before saying so.
        if seen.starts_with("none: chrome-error:") && seen.ends_with("complete") {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_site_embeds_the_widget_and_an_unlisted_one_cannot_frame_convoca() {
    // The host sites' ports are known before the app starts: one is listed, one is not.
    let allowed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let allowed_port = allowed.local_addr().expect("addr").port();
    let allowed_origin = format!("http://127.0.0.1:{allowed_port}");
    let settings = vec![("CONVOCA_EMBED_ORIGINS", allowed_origin.clone())];
    let app = TestApp::spawn_with(Engine::Sqlite, Options { settings, ..Options::default() }).await;
    let session = app.create_session("embedded", 40, 10).await;
    let widget = app.url("/embed/sessions?lang=en");
    let Some(browser) = Browser::start(&app.address, 1024, 800, "America/Mexico_City").await else { return };

    serve(&allowed, host_page(&widget));
    let (unlisted_origin, _unlisted) = host_site(host_page(&widget));
    assert_ne!(unlisted_origin, allowed_origin);

    // The listed site shows the sessions, the time in the visitor's zone.
    browser.open(&format!("{allowed_origin}/")).await;
    let seen = framed(&browser).await;
    assert_eq!(seen, format!("widget: {}", session.title), "the listed site shows the widget");
    browser.find("#widget").await.enter_frame().await.expect("enter the frame");
    let zone = browser.execute("return document.querySelector('time').getAttribute('data-localised');").await;
    assert_eq!(zone, json!("America/Mexico_City"), "the date is rewritten in the visitor's zone");
    let when = browser.text("time").await;
    let local = session.starts_at.and_utc().with_timezone(&chrono_tz::America::Mexico_City);
    assert!(when.contains(&local.format("%H:%M").to_string()), "{when} shows {local}");
    let register = browser.find(".widget-register").await;
    assert_eq!(register.attr("target").await.expect("target").as_deref(), Some("_blank"));
    assert_eq!(register.attr("rel").await.expect("rel").as_deref(), Some("noopener"));
    assert!(
        register
            .attr("href")
            .await
            .expect("href")
            .is_some_and(|h| h == app.url("/sessions/embedded/register"))
    );
    let serious: Vec<String> =
        browser.axe().await.into_iter().filter(|v| v.is_serious()).map(|v| v.id.clone()).collect();
    assert!(serious.is_empty(), "the widget has no serious accessibility violation: {serious:?}");
    browser.client.enter_parent_frame().await.expect("back");

    // An unlisted site gets no widget: Chromium refuses to show Convoca in its frame.
    browser.open(&format!("{unlisted_origin}/")).await;
    let seen = framed(&browser).await;
    assert!(seen.starts_with("none: chrome-error:"), "an unlisted origin cannot frame the widget: {seen}");
    // Nor any other page of Convoca, listed site or not.
    let catalogue = host_page(&app.url("/"));
    let (other_origin, _other) =
        host_site(catalogue.replace("id=\"widget\"", "id=\"widget\" class=\"catalogue\""));
    browser.open(&format!("{other_origin}/")).await;
    let seen = framed(&browser).await;
    assert!(seen.starts_with("none: chrome-error:"), "the catalogue refuses every frame: {seen}");
    drop(allowed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_previews_the_widget_and_copies_its_code() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let session = app.create_session("previewed", 40, 10).await;
    let (en, es) = (words(Language::En), words(Language::Es));
    let Some(browser) = Browser::start(&app.address, 1024, 900, "Europe/Paris").await else { return };
    crate::organiser::sign_in(&app, &browser, "Wendy Widget", false).await;
    browser.click_link(&en("feeds-admin-nav")).await;
    assert_eq!(browser.text("h1").await, en("feeds-admin-title"));
    assert!(browser.has("#origins-warning").await, "no site is allowed yet: a warning says so");
    browser.choose(&en("feeds-admin-language"), "Español").await;
    browser.press(&en("feeds-admin-show")).await;
    let snippet = browser.field(&en("feeds-admin-snippet-label")).await.prop("value").await.expect("value");
    let snippet = snippet.unwrap_or_default();
    assert!(
        snippet.starts_with(&format!("<iframe src=\"{}\"", app.url("/embed/sessions?lang=es"))),
        "the code to paste: {snippet}"
    );
    let serious: Vec<String> =
        browser.axe().await.into_iter().filter(|v| v.is_serious()).map(|v| v.id.clone()).collect();
    assert!(serious.is_empty(), "the organiser's page has no serious accessibility violation: {serious:?}");
    // The preview is Convoca framing itself, which the policy allows.
    browser.find("#widget-preview").await.enter_frame().await.expect("enter the preview");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !browser.has(".widget-title").await && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(browser.text(".widget-title").await, session.title);
    let register = browser.text(".widget-register").await;
    assert!(
        register.starts_with(&es("feeds-widget-register")) && register.ends_with(&session.title),
        "a Register link in Spanish, naming its session for screen readers: {register}"
    );
}
