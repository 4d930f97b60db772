//! Static assets, embedded in the binary and served with long-lived cache headers. Their
//! URLs carry a content hash, so a new release is fetched at once.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");
const FAVICON_ICO: &[u8] = include_bytes!("../../static/favicon.ico");
const ROBOTS: &str = include_str!("../../static/robots.txt");

fn short_hash(content: &str) -> String {
    Sha256::digest(content.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

static CSS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/app.css?v={}", short_hash(CSS)));
static JS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/app.js?v={}", short_hash(JS)));
static ICON_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/favicon.svg?v={}", short_hash(FAVICON_SVG)));

pub fn css_url() -> &'static str {
    CSS_URL.as_str()
}

pub fn js_url() -> &'static str {
    JS_URL.as_str()
}

/// The scalable icon pages link to; `/favicon.ico` stays for clients that ask for it by name.
pub fn icon_url() -> &'static str {
    ICON_URL.as_str()
}

/// `/favicon.ico`: at a fixed address, so cached for a day rather than for ever.
pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/x-icon"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_ICO)
}

/// `/robots.txt`: the public pages may be indexed; personal links and the organiser area not.
pub async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ROBOTS)
}

pub async fn serve(path: web::Path<String>) -> HttpResponse {
    let (body, content_type) = match path.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON_SVG, "image/svg+xml"),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}
