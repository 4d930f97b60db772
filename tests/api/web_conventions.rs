//! What browsers, crawlers and shared caches expect of any site: an icon, robots.txt, and
//! `Vary` where the language is negotiated.

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

async fn the_site_has_an_icon_and_a_robots_file_that_keeps_personal_links_out(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let client = app.client();

    let icon = client.get(app.url("/favicon.ico")).send().await.expect("favicon");
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    let bytes = icon.bytes().await.expect("icon bytes");
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file (reserved 0, type 1)");
    assert!(u16::from_le_bytes([bytes[4], bytes[5]]) >= 2, "several sizes in the icon");

    let home = client.get(app.url("/")).send().await.expect("home").text().await.expect("body");
    let marker = "<link rel=\"icon\" href=\"";
    let start = home.find(marker).expect("pages link their icon") + marker.len();
    let svg_url = &home[start..start + home[start..].find('"').expect("end of href")];
    let svg = client.get(app.url(&svg_url.replace("&amp;", "&"))).send().await.expect("svg icon");
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");

    let robots = client.get(app.url("/robots.txt")).send().await.expect("robots");
    assert_eq!(robots.status(), 200);
    assert!(robots.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain"));
    let robots = robots.text().await.expect("robots body");
    let disallowed: Vec<&str> =
        robots.lines().filter_map(|line| line.strip_prefix("Disallow:")).map(str::trim).collect();
    for private in ["/admin/", "/manage/", "/confirm/"] {
        assert!(disallowed.contains(&private), "{private} is excluded: {robots}");
    }
    assert!(!disallowed.iter().any(|path| *path == "/" || path.starts_with("/sessions/{")));
    assert!(!disallowed.contains(&"/sessions/"), "session pages stay indexable");
}

async fn pages_in_the_negotiated_language_tell_caches_they_vary(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let client = app.client();
    let varies = |res: &reqwest::Response| -> Vec<String> {
        res.headers()
            .get_all("vary")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or_default().split(',').map(|s| s.trim().to_ascii_lowercase()))
            .collect()
    };
    for path in
        ["/", "/sessions/internationalisation-des-espaces-metropolitains", "/privacy", "/no-such-page"]
    {
        // Twice: the second answer for the catalogue and session page comes from the page cache.
        for _ in 0..2 {
            let res = client.get(app.url(path)).header("accept-language", "es").send().await.expect(path);
            let vary = varies(&res);
            if path == "/no-such-page" {
                assert_eq!(res.status(), 404);
                continue;
            }
            assert_eq!(res.status(), 200, "{path}");
            assert!(vary.contains(&"accept-language".into()), "{path}: {vary:?}");
            assert!(vary.contains(&"cookie".into()), "{path}: the language cookie decides too: {vary:?}");
        }
    }
    let css = client.get(app.url("/robots.txt")).send().await.expect("robots");
    assert!(!varies(&css).contains(&"accept-language".into()), "robots.txt is the same in every language");
}

on_both_engines!(
    the_site_has_an_icon_and_a_robots_file_that_keeps_personal_links_out,
    pages_in_the_negotiated_language_tell_caches_they_vary,
);
