//! Hostile input: markup and script, SQL, CRLF, NUL and other control characters, overlong
//! text, odd Unicode, bytes that are not UTF-8, numbers where text is expected and text where
//! numbers and dates are, empty, missing, repeated and unknown fields, sent to every form
//! field, query parameter and path parameter, public and organiser.
//!
//! Whatever arrives: never a 500; no payload appears unescaped in a page; a refused request
//! (4xx) and every GET leave the database as it was; redirects stay on the site; accepted text
//! comes back escaped wherever it is shown, in pages and in emails.
//!
//! Free-text fields get every payload; fields that take a number, a date or a keyword get the
//! typed list, path segments and most query parameters a short list. `--nocapture` prints each
//! test's counts; with `HOSTILE_TARGETS=1` also every field and parameter tried.

use std::fmt::Write as _;

use convoca::db::models::{PanelEntry, Series, Session, SessionDocument, Speaker, new_id};
use convoca::db::schema;
use diesel::prelude::*;

use crate::helpers::{Engine, ORGANISER_PASSWORD, Options, TestApp, csrf_token};
use crate::on_both_engines;

// ---------------------------------------------------------------------------------------------
// Payloads

/// One hostile value.
#[derive(Debug, Clone)]
struct Payload {
    label: &'static str,
    /// The text sent, or, when `raw`, bytes already percent-encoded (not valid UTF-8).
    text: String,
    raw: bool,
}

impl Payload {
    fn text(label: &'static str, text: impl Into<String>) -> Self {
        Self { label, text: text.into(), raw: false }
    }

    fn raw(label: &'static str, encoded: &str) -> Self {
        Self { label, text: encoded.to_owned(), raw: true }
    }

    /// Percent-encoded, for a form body, a query string or a path segment.
    fn wire(&self) -> String {
        if self.raw { self.text.clone() } else { enc(&self.text) }
    }

    /// What must never appear as such in a page: the text, when it holds markup characters.
    fn markup(&self) -> Option<&str> {
        (!self.raw && self.text.contains(['<', '>', '"', '\'', '&'])).then_some(self.text.as_str())
    }

    /// The bytes of a file made of this payload.
    fn bytes(&self) -> Vec<u8> {
        if !self.raw {
            return self.text.as_bytes().to_vec();
        }
        let mut out = Vec::new();
        let mut rest = self.text.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            if b == b'%' && tail.len() >= 2 {
                let hex = std::str::from_utf8(&tail[..2]).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                rest = &tail[2..];
            } else {
                out.push(b);
                rest = tail;
            }
        }
        out
    }
}

/// Every byte but the unreserved ones as `%XX`.
fn enc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// HTML escaping as askama does it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn payloads() -> Vec<Payload> {
    vec![
        Payload::text("script", "<script>alert(1)</script>"),
        Payload::text("attribute-break", "\"><img src=x onerror=alert(1)>"),
        Payload::text("single-quote-attribute", "' autofocus onfocus='alert(1)"),
        Payload::text("svg", "<svg/onload=alert(1)>"),
        Payload::text("javascript-url", "javascript:alert(1)"),
        Payload::text("sql-drop", "'; DROP TABLE registrations; --"),
        Payload::text("sql-or", "1' OR '1'='1"),
        Payload::text("crlf-header", "a\r\nBcc: x@evil.test"),
        Payload::text("nul", "before\0after"),
        Payload::text("controls", "\u{1}\u{7}\u{8}\t\u{b}\u{c}\u{1b}[31m\u{7f}\u{9b}"),
        Payload::text("overlong", "x".repeat(10_001)),
        Payload::text("overlong-markup", format!("<b>{}</b>", "é".repeat(4_000))),
        Payload::text("rtl-override", "\u{202E}fdp.exe"),
        Payload::text("zero-width", "a\u{200B}b\u{200C}c\u{200D}d\u{FEFF}e\u{2060}"),
        Payload::text("combining", "Z\u{351}\u{352}\u{357}a\u{300}\u{301}\u{302}l\u{489}g\u{36D}o"),
        Payload::text("emoji", "👩🏽‍💻🇫🇷🏳️‍🌈"),
        Payload::text("line-separators", "a\u{2028}b\u{2029}c\u{85}d"),
        Payload::raw("invalid-utf8", "%FF%FE%C0%AF"),
        Payload::raw("encoded-surrogate", "%ED%A0%80x"),
        Payload::text("negative", "-1"),
        Payload::text("huge-number", "99999999999999999999999"),
        Payload::text("float", "1e309"),
        Payload::text("nan", "NaN"),
        Payload::text("bad-date", "2026-02-30"),
        Payload::text("far-future", "+262143-12-31"),
        Payload::text("far-future-datetime", "+262143-12-31T23:59"),
        Payload::text("far-past", "-262143-01-01"),
        Payload::text("text", "abc"),
        Payload::text("empty", ""),
        Payload::text("spaces", "   "),
        Payload::text("template", "{{7*7}}${7*7}{% raw %}"),
        Payload::text("traversal", "../../../etc/passwd"),
        Payload::text("percent-text", "%00%2e%2e%2f"),
        Payload::text("csv-formula", "=HYPERLINK(\"http://evil.test\",\"x\")"),
        Payload::text("email-like", "a@b.c\" <evil@evil.test>"),
    ]
}

/// The payloads for places that take an identifier or a keyword rather than free text (path
/// segments, most query parameters, the fields of forms already covered by another form with
/// the same parser): the ones that break parsers, encodings and queries.
fn short_list() -> Vec<Payload> {
    let all = payloads();
    [
        "script",
        "attribute-break",
        "sql-drop",
        "crlf-header",
        "nul",
        "overlong",
        "rtl-override",
        "emoji",
        "invalid-utf8",
        "encoded-surrogate",
        "negative",
        "far-future",
        "empty",
        "traversal",
        "percent-text",
    ]
    .iter()
    .map(|label| all.iter().find(|p| p.label == *label).expect("payload").clone())
    .collect()
}

/// The payloads for path segments (identifiers, slugs, tokens): what breaks routing, decoding
/// and queries.
fn path_list() -> Vec<Payload> {
    let all = payloads();
    [
        "script",
        "sql-drop",
        "crlf-header",
        "nul",
        "overlong",
        "invalid-utf8",
        "encoded-surrogate",
        "traversal",
        "empty",
        "emoji",
    ]
    .iter()
    .map(|label| all.iter().find(|p| p.label == *label).expect("payload").clone())
    .collect()
}

/// The payloads for fields that take a number, a date, a time or a keyword: wrong types, far
/// dates, and the ones that break parsers and encodings.
fn typed_list() -> Vec<Payload> {
    let all = payloads();
    [
        "script",
        "nul",
        "overlong",
        "invalid-utf8",
        "negative",
        "huge-number",
        "float",
        "nan",
        "bad-date",
        "far-future",
        "far-future-datetime",
        "far-past",
        "text",
        "empty",
        "spaces",
        "rtl-override",
        "emoji",
    ]
    .iter()
    .map(|label| all.iter().find(|p| p.label == *label).expect("payload").clone())
    .collect()
}

/// The few tried on CSRF tokens (refused whatever they are).
fn token_payloads() -> Vec<Payload> {
    let all = payloads();
    ["script", "nul", "overlong", "invalid-utf8", "empty"]
        .iter()
        .map(|label| all.iter().find(|p| p.label == *label).expect("payload").clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The database, before and after

/// One fingerprint per table whose rows a request may change (sign-in sessions, sign-in
/// failures and rate-limit counters are left out: refused requests rightly write those).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot(Vec<(&'static str, String)>);

/// A number that changes when a text column's length does: cheap enough to take after every
/// request. Statuses and roles, whose values can have one length, are told apart by [`status`].
fn text(column: &str) -> String {
    format!("COALESCE(LENGTH({column}), -1)")
}

/// A number for each value of a status column.
fn status(column: &str, values: &[&str]) -> String {
    let cases: String =
        values.iter().enumerate().map(|(i, v)| format!(" WHEN '{v}' THEN {}", i + 1)).collect();
    format!("(CASE {column}{cases} ELSE 0 END)")
}

fn flag(column: &str) -> String {
    format!("(CASE WHEN {column} IS NULL THEN 2 WHEN {column} THEN 1 ELSE 0 END)")
}

/// The tables and what identifies the content of their rows.
fn fingerprinted() -> Vec<(&'static str, Vec<String>)> {
    let columns = |texts: &[&str], others: &[String]| {
        texts.iter().map(|c| text(c)).chain(others.iter().cloned()).collect::<Vec<_>>()
    };
    let plain = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let registration_statuses =
        ["pending", "awaiting_approval", "confirmed", "waitlisted", "declined", "cancelled"];
    vec![
        ("organisations", columns(&["name", "kind", "country", "focal_email"], &[])),
        ("series", columns(&["slug", "title", "description"], &[])),
        (
            "sessions",
            columns(
                &[
                    "slug",
                    "title",
                    "summary",
                    "description",
                    "language",
                    "timezone",
                    "join_url",
                    "recording_url",
                    "reminder_offsets",
                    "approval_mode",
                    "series_id",
                ],
                &[
                    plain(&["version", "capacity", "duration_minutes", "follow_up_delay_minutes"]),
                    vec![status("status", &["draft", "published", "cancelled"])],
                ]
                .concat(),
            ),
        ),
        ("session_documents", columns(&["title", "url"], &plain(&["position"]))),
        ("session_translations", columns(&["language", "title", "summary", "description"], &[])),
        ("speakers", columns(&["name", "honorific", "position", "organisation", "bio", "photo_path"], &[])),
        (
            "panel_entries",
            columns(
                &["speaker_id"],
                &[plain(&["position"]), vec![status("role", &["host", "moderator", "keynote", "speaker"])]]
                    .concat(),
            ),
        ),
        (
            "registrations",
            columns(
                &[
                    "name",
                    "email",
                    "position",
                    "country",
                    "needs",
                    "organisation_id",
                    "organisation_other",
                    "language",
                    "timezone",
                ],
                &[
                    flag("newsletter"),
                    flag("attended"),
                    flag("reminders_opt_out"),
                    status("status", &registration_statuses),
                ],
            ),
        ),
        ("consents", columns(&["purpose", "notice_version"], &[flag("granted")])),
        (
            "organisers",
            columns(
                &["email", "name", "password_hash"],
                &[flag("active"), status("role", &["admin", "organiser"])],
            ),
        ),
        ("registration_tokens", plain(&["1"])),
        ("outbox", plain(&["1"])),
        // Security events (a refused sign-in or CSRF token) are recorded by design; the
        // business entries are the ones a refused request must not add.
        (business_audit(), plain(&["1"])),
    ]
}

fn business_audit() -> &'static str {
    static QUERY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let events: Vec<String> =
            convoca::domain::SecurityEvent::ALL.iter().map(|e| format!("'{}'", e.as_str())).collect();
        format!("(SELECT * FROM audit_log WHERE action NOT IN ({})) AS business_audit", events.join(", "))
    });
    QUERY.as_str()
}

/// All the fingerprints in one query, the same SQL on both engines.
fn snapshot_sql() -> String {
    let parts: Vec<String> = fingerprinted()
        .into_iter()
        .map(|(table, columns)| {
            let row: Vec<String> =
                columns.iter().enumerate().map(|(i, c)| format!("({c}) * {}", 2 * i + 3)).collect();
            format!(
                "CAST((SELECT CAST(COUNT(*) AS BIGINT) * 1000003 + CAST(COALESCE(SUM({}), 0) AS BIGINT) \
                 FROM {table}) AS TEXT)",
                row.join(" + ")
            )
        })
        .collect();
    parts.join(" || ',' || ")
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let sql = snapshot_sql();
    let values: String = app
        .db(move |conn| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(&sql))
                .get_result(conn)
                .expect("snapshot")
        })
        .await;
    Snapshot(fingerprinted().into_iter().map(|(t, _)| t).zip(values.split(',').map(str::to_owned)).collect())
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

/// What came back.
struct Reply {
    status: u16,
    location: String,
    content_type: String,
    body: String,
}

/// Sends requests, judges every answer, and counts them.
struct Probe<'a> {
    app: &'a TestApp,
    payloads: Vec<Payload>,
    requests: usize,
    before: Snapshot,
    started: std::time::Instant,
    /// Requests that changed the database (the fingerprint is not blind).
    changes: usize,
    /// Each form field, query parameter and path parameter tried.
    targets: std::collections::BTreeSet<String>,
}

/// A short description of a request for messages (paths may be 30 000 characters long).
fn short(text: &str) -> String {
    if text.chars().count() <= 160 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(160).collect::<String>())
    }
}

/// No payload's markup unescaped, every `<script>` one of ours, no script URL in a link.
fn assert_safe_html(what: &str, body: &str, payloads: &[Payload]) {
    for payload in payloads {
        if let Some(markup) = payload.markup() {
            assert!(!body.contains(markup), "{what}: the {} payload is in the page unescaped", payload.label);
        }
    }
    for (at, _) in body.match_indices("<script") {
        assert!(
            body[at..].starts_with("<script src=\"/static/"),
            "{what}: a script element that is not ours"
        );
    }
    let lower = body.to_lowercase();
    for bad in ["href=\"javascript:", "src=\"javascript:", "<img src=x", "<svg/onload", " onfocus='"] {
        assert!(!lower.contains(bad), "{what}: {bad:?} in the page");
    }
}

#[test]
#[should_panic(expected = "unescaped")]
fn the_page_check_sees_a_payload_left_unescaped() {
    assert_safe_html("a page", "<p>Hello <script>alert(1)</script></p>", &payloads());
}

/// Redirects go to a path on this site.
fn is_local(location: &str) -> bool {
    location.starts_with('/') && !location.starts_with("//") && !location.starts_with("/\\")
}

impl<'a> Probe<'a> {
    async fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            payloads: payloads(),
            requests: 0,
            before: snapshot(app).await,
            started: std::time::Instant::now(),
            changes: 0,
            targets: Default::default(),
        }
    }

    /// The database changed on purpose outside a request (mail delivered, set-up).
    async fn resync(&mut self) {
        self.before = snapshot(self.app).await;
    }

    async fn send(&mut self, what: &str, request: reqwest::RequestBuilder, may_write: bool) -> Reply {
        let res = request.send().await.unwrap_or_else(|e| panic!("{}: no answer: {e}", short(what)));
        let status = res.status().as_u16();
        let header =
            |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let (location, content_type) = (header("location"), header("content-type"));
        let body = res.text().await.unwrap_or_default();
        self.requests += 1;
        let reply = Reply { status, location, content_type, body };
        self.judge(what, &reply, may_write).await;
        reply
    }

    async fn judge(&mut self, what: &str, reply: &Reply, may_write: bool) {
        let what = short(what);
        assert!(reply.status < 500, "{what}: status {}: {}", reply.status, short(&reply.body));
        if reply.content_type.starts_with("text/html") {
            assert_safe_html(&what, &reply.body, &self.payloads);
        }
        if (300..400).contains(&reply.status) {
            assert!(is_local(&reply.location), "{what}: redirected off the site to {:?}", reply.location);
        }
        let after = snapshot(self.app).await;
        if !may_write || (400..500).contains(&reply.status) {
            let changed: Vec<_> =
                after.0.iter().zip(&self.before.0).filter(|(a, b)| a != b).map(|(a, _)| a.0).collect();
            assert!(changed.is_empty(), "{what}: answered {} but changed {changed:?}", reply.status);
        }
        if after != self.before {
            self.changes += 1;
        }
        self.before = after;
    }

    async fn get(&mut self, client: &reqwest::Client, path: &str) -> Reply {
        let what = format!("GET {path}");
        self.send(&what, client.get(self.app.url(path)), false).await
    }

    async fn post(&mut self, client: &reqwest::Client, path: &str, body: String, what: &str) -> Reply {
        let request = client
            .post(self.app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(&format!("POST {path} {what}"), request, true).await
    }

    async fn post_multipart(
        &mut self,
        client: &reqwest::Client,
        path: &str,
        (content_type, body): (String, Vec<u8>),
        what: &str,
    ) -> Reply {
        let request = client.post(self.app.url(path)).header("content-type", content_type).body(body);
        self.send(&format!("POST {path} (multipart) {what}"), request, true).await
    }
}

// ---------------------------------------------------------------------------------------------
// Forms

/// Where the value of an accepted field is shown again.
#[derive(Debug, Clone)]
enum View {
    /// The page the form redirected to.
    Location,
    /// The page the form redirected to, plus this suffix on its path.
    LocationPlus(&'static str),
    /// A fixed page.
    Page(String),
    /// The answer itself (a 200 page, such as a preview).
    Answer,
}

/// A urlencoded form: its address, valid values (`{n}` becomes a number unique to the
/// request), fields that are absent unless ticked, and where accepted fields are shown.
struct Form {
    path: String,
    fields: Vec<(&'static str, String)>,
    optional: Vec<&'static str>,
    shown: Vec<(&'static str, View)>,
    /// Fields that take a number, a date or a keyword: they get [`typed_list`].
    typed: Vec<&'static str>,
    few: Vec<&'static str>,
}

impl Form {
    fn new(path: impl Into<String>, fields: &[(&'static str, &str)]) -> Self {
        Self {
            path: path.into(),
            fields: fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            optional: Vec::new(),
            shown: Vec::new(),
            typed: Vec::new(),
            few: Vec::new(),
        }
    }

    /// Fields whose parser another field of the form shares: they get [`short_list`].
    fn few(mut self, fields: &[&'static str]) -> Self {
        self.few.extend_from_slice(fields);
        self
    }

    fn typed(mut self, fields: &[&'static str]) -> Self {
        self.typed.extend_from_slice(fields);
        self
    }

    fn optional(mut self, fields: &[&'static str]) -> Self {
        self.optional.extend_from_slice(fields);
        self
    }

    fn shown(mut self, fields: &[&'static str], view: View) -> Self {
        self.shown.extend(fields.iter().map(|f| (*f, view.clone())));
        self
    }
}

/// Encoded `key=value` pairs joined with `&`.
fn body_of(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// A value that [`convoca::domain::clean_line`] keeps as it is.
fn kept_as_typed(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= 100
        && !text.contains("  ")
        && text.trim() == text
        && !text.chars().any(|c| c.is_control())
}

/// Sends the form with each payload in each field, then with fields missing, repeated and
/// unknown, and with hostile CSRF tokens.
async fn fuzz_form(probe: &mut Probe<'_>, client: &reqwest::Client, token: &str, form: &Form) {
    fuzz_form_with(probe, client, token, form, payloads()).await;
}

/// [`fuzz_form`] with these payloads in the fields.
async fn fuzz_form_with(
    probe: &mut Probe<'_>,
    client: &reqwest::Client,
    token: &str,
    form: &Form,
    list: Vec<Payload>,
) {
    let mut n = 0usize;
    let mut valid = |field: &str, value: &str| -> (String, String) {
        n += 1;
        (enc(field), enc(&value.replace("{n}", &format!("{n}"))))
    };
    let token_pair = ("csrf_token".to_owned(), enc(token));
    let names: Vec<&'static str> =
        form.fields.iter().map(|(k, _)| *k).chain(form.optional.iter().copied()).collect();
    for field in &names {
        let list = if form.typed.contains(field) {
            typed_list()
        } else if form.few.contains(field) {
            short_list()
        } else {
            list.clone()
        };
        probe.targets.insert(format!("POST {} {field}", form.path));
        for payload in list {
            let mut pairs = vec![token_pair.clone()];
            for (k, v) in &form.fields {
                if k != field {
                    pairs.push(valid(k, v));
                }
            }
            pairs.push((enc(field), payload.wire()));
            let what = format!("[{field} = {}]", payload.label);
            let reply = probe.post(client, &form.path, body_of(&pairs), &what).await;
            let accepted = reply.status < 400;
            let Some((_, view)) = form.shown.iter().find(|(f, _)| f == field) else { continue };
            let Some(markup) = payload.markup().filter(|m| accepted && kept_as_typed(m)) else { continue };
            let page = match view {
                View::Answer if reply.status == 200 => reply.body,
                View::Answer => continue,
                View::Location | View::LocationPlus(_) if reply.location.is_empty() => continue,
                View::Location => probe.get(client, &reply.location).await.body,
                View::LocationPlus(suffix) => {
                    let path = reply.location.split('?').next().unwrap_or_default();
                    probe.get(client, &format!("{path}{suffix}")).await.body
                }
                View::Page(path) => probe.get(client, path).await.body,
            };
            assert!(
                page.contains(&escaped(markup)),
                "POST {} {what}: accepted, but not shown back escaped",
                form.path
            );
        }
    }
    let script = "<script>alert(1)</script>";
    // Only the token; then each field left out in turn.
    probe.post(client, &form.path, body_of(std::slice::from_ref(&token_pair)), "[no fields]").await;
    for left_out in form.fields.iter().map(|(k, _)| *k) {
        let mut pairs = vec![token_pair.clone()];
        pairs.extend(form.fields.iter().filter(|(k, _)| *k != left_out).map(|(k, v)| valid(k, v)));
        probe.post(client, &form.path, body_of(&pairs), &format!("[without {left_out}]")).await;
    }
    // Each field twice: valid then hostile, hostile then valid.
    for (field, value) in &form.fields {
        for hostile_first in [false, true] {
            let mut pairs = vec![token_pair.clone()];
            for (k, v) in &form.fields {
                if k == field {
                    let (good, bad) = (valid(k, value), (enc(k), enc(script)));
                    if hostile_first {
                        pairs.extend([bad, good]);
                    } else {
                        pairs.extend([good, bad]);
                    }
                } else {
                    pairs.push(valid(k, v));
                }
            }
            let what = format!("[{field} twice, hostile {}]", if hostile_first { "first" } else { "second" });
            probe.post(client, &form.path, body_of(&pairs), &what).await;
        }
    }
    // An unknown field, and a field name that is itself hostile.
    let mut pairs = vec![token_pair.clone()];
    pairs.extend(form.fields.iter().map(|(k, v)| valid(k, v)));
    pairs.push(("zzz".into(), enc(script)));
    pairs.push((enc(script), enc(script)));
    probe.post(client, &form.path, body_of(&pairs), "[unknown fields]").await;
    // Without a token, and with hostile ones: refused, nothing changes.
    let fields: Vec<_> = form.fields.iter().map(|(k, v)| valid(k, v)).collect();
    let reply = probe.post(client, &form.path, body_of(&fields), "[no CSRF token]").await;
    assert!((400..500).contains(&reply.status), "POST {} without a token: {}", form.path, reply.status);
    for payload in token_payloads() {
        let mut pairs = vec![("csrf_token".to_owned(), payload.wire())];
        pairs.extend(form.fields.iter().map(|(k, v)| valid(k, v)));
        let what = format!("[csrf_token = {}]", payload.label);
        let reply = probe.post(client, &form.path, body_of(&pairs), &what).await;
        assert!((400..500).contains(&reply.status), "POST {} {what}: {}", form.path, reply.status);
    }
}

/// Each payload as the value of each query parameter, then repeated and unknown parameters.
async fn fuzz_query(probe: &mut Probe<'_>, client: &reqwest::Client, path: &str, params: &[&str]) {
    fuzz_query_with(probe, client, path, params, short_list()).await;
}

/// [`fuzz_query`] with these payloads.
async fn fuzz_query_with(
    probe: &mut Probe<'_>,
    client: &reqwest::Client,
    path: &str,
    params: &[&str],
    list: Vec<Payload>,
) {
    let separator = if path.contains('?') { '&' } else { '?' };
    for param in params {
        probe.targets.insert(format!("GET {path}?{param}"));
        for payload in list.clone() {
            probe.get(client, &format!("{path}{separator}{param}={}", payload.wire())).await;
        }
        probe.get(client, &format!("{path}{separator}{param}=1&{param}=%3Cscript%3E")).await;
        probe.get(client, &format!("{path}{separator}{param}")).await;
    }
    probe.get(client, &format!("{path}{separator}zzz=%3Cscript%3Ealert(1)%3C%2Fscript%3E&%3Cb%3E=1")).await;
}

/// A multipart/form-data body: (name, optional (file name, content type), bytes).
/// One part of a multipart body: its name, its file name and content type if it is a file, and
/// its bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----convoca-hostile-5e1f";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        let disposition = match file {
            Some((file_name, content_type)) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
        };
        body.extend_from_slice(format!("--{boundary}\r\n{disposition}\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Path templates with one `{x}`: each payload in that place.
async fn fuzz_paths(
    probe: &mut Probe<'_>,
    client: &reqwest::Client,
    token: &str,
    routes: &[(&str, String, String)],
) {
    for (method, template, body) in routes {
        probe.targets.insert(format!("{method} {template}"));
        for payload in path_list() {
            let path = template.replace("{x}", &payload.wire());
            let what = format!("[path = {}]", payload.label);
            match *method {
                "GET" => {
                    probe.get(client, &path).await;
                }
                "MULTIPART" => {
                    let parts = multipart(&[("csrf_token", None, token.as_bytes())]);
                    probe.post_multipart(client, &path, parts, &what).await;
                }
                _ => {
                    let body = if body.is_empty() {
                        format!("csrf_token={}", enc(token))
                    } else {
                        format!("csrf_token={}&{body}", enc(token))
                    };
                    probe.post(client, &path, body, &what).await;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Set-up

/// An app without an SMTP server, for tests that send no mail (each server's threads live as
/// long as the test process).
fn no_mail() -> Options {
    Options { smtp: false, ..Options::default() }
}

/// One of everything the routes act on.
struct Fixture {
    /// Published, open for registration, with a confirmed registrant and a panel.
    session: Session,
    /// Edited by the session forms.
    other: Session,
    member: String,
    speaker: String,
    /// Not on the panel yet.
    free_speaker: String,
    entry: String,
    registration: String,
    document: String,
    series: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let session = app.create_session("hostile-open", 50, 10).await;
    let other = app.create_session("hostile-other", 50, 20).await;
    let member = app.create_member("Hostile City", "Spain").await;
    app.insert_confirmed(&session.id, 1, "en", chrono::Duration::hours(1)).await;
    let (session_id, now) = (session.id.clone(), app.clock.now());
    let (speaker, free_speaker, entry, registration, document, series) = app
        .db(move |conn| {
            use schema::{panel_entries, registrations, series, session_documents, speakers};
            let speaker = |name: &str| Speaker {
                id: new_id(),
                name: name.into(),
                honorific: String::new(),
                position: "Mayor".into(),
                organisation: "Hostile City".into(),
                bio: "Bio.".into(),
                photo_path: None,
                is_demo: false,
                created_at: now,
            };
            let (on_panel, free) = (speaker("Panel Speaker"), speaker("Free Speaker"));
            diesel::insert_into(speakers::table).values(&on_panel).execute(conn).expect("speaker");
            diesel::insert_into(speakers::table).values(&free).execute(conn).expect("speaker");
            let entry = PanelEntry {
                id: new_id(),
                session_id: session_id.clone(),
                speaker_id: on_panel.id.clone(),
                role: convoca::domain::PanelRole::Speaker,
                position: 1,
            };
            diesel::insert_into(panel_entries::table).values(&entry).execute(conn).expect("entry");
            let registration: String = registrations::table
                .filter(registrations::session_id.eq(&session_id))
                .select(registrations::id)
                .first(conn)
                .expect("registration");
            let document = SessionDocument {
                id: new_id(),
                session_id: session_id.clone(),
                title: "Slides".into(),
                url: "https://example.org/slides.pdf".into(),
                position: 1,
            };
            diesel::insert_into(session_documents::table).values(&document).execute(conn).expect("document");
            let series = Series {
                id: new_id(),
                slug: "hostile-series".into(),
                title: "Hostile series".into(),
                description: String::new(),
                is_demo: false,
                created_at: now,
                language: "en".into(),
            };
            diesel::insert_into(series::table).values(&series).execute(conn).expect("series");
            (on_panel.id, free.id, entry.id, registration, document.id, series.id)
        })
        .await;
    Fixture { session, other, member, speaker, free_speaker, entry, registration, document, series }
}

/// Every page that shows stored text, checked after a round of hostile submissions.
async fn sweep(probe: &mut Probe<'_>, admin: &reqwest::Client, public: &reqwest::Client) {
    let sessions: Vec<(String, String, String)> = probe
        .app
        .db(|conn| {
            use schema::sessions;
            sessions::table
                .select((sessions::id, sessions::slug, sessions::status))
                .load(conn)
                .expect("sessions")
        })
        .await;
    let speakers: Vec<String> = probe
        .app
        .db(|conn| schema::speakers::table.select(schema::speakers::id).load(conn).expect("ids"))
        .await;
    let organisations: Vec<String> = probe
        .app
        .db(|conn| schema::organisations::table.select(schema::organisations::id).load(conn).expect("ids"))
        .await;
    for page in [
        "/",
        "/admin",
        "/admin/speakers",
        "/admin/organisations",
        "/admin/series",
        "/admin/reports",
        "/admin/audit",
        "/admin/accounts",
    ] {
        let client = if page == "/" { public } else { admin };
        let reply = probe.get(client, page).await;
        assert_eq!(reply.status, 200, "GET {page}");
    }
    for (id, slug, status) in &sessions {
        for page in ["", "/edit"] {
            let reply = probe.get(admin, &format!("/admin/sessions/{id}{page}")).await;
            assert_eq!(reply.status, 200, "GET /admin/sessions/{id}{page}");
        }
        if status != "draft" {
            let reply = probe.get(public, &format!("/sessions/{slug}")).await;
            assert_eq!(reply.status, 200, "GET /sessions/{slug}");
        }
    }
    for id in &speakers {
        probe.get(admin, &format!("/admin/speakers/{id}")).await;
    }
    for id in &organisations {
        probe.get(admin, &format!("/admin/organisations/{id}")).await;
    }
}

/// Delivers the queued mail and checks each message: no payload markup unescaped in the HTML
/// part, no header added by a line break, nothing sent to an address hidden in a field.
async fn check_mail(probe: &mut Probe<'_>) -> usize {
    let app = probe.app;
    app.deliver_mail().await;
    probe.resync().await;
    let mails = app.mail().received();
    for mail in &mails {
        assert!(mail.to.iter().all(|to| !to.contains("evil.test")), "mail sent to {:?}", mail.to);
        assert!(mail.header("Bcc").is_none(), "a Bcc header in {}", mail.subject());
        assert_safe_html(&format!("mail {:?}", mail.subject()), &mail.html(), &payloads());
    }
    mails.len()
}

/// Prints what was tried; `accepted`: some requests were meant to change the database.
fn report(test: &str, probe: &Probe<'_>, accepted: bool) {
    eprintln!(
        "hostile {test}: {} payloads, {} fields and parameters, {} requests ({} changed the database) \
         in {:.1} s",
        probe.payloads.len(),
        probe.targets.len(),
        probe.requests,
        probe.changes,
        probe.started.elapsed().as_secs_f64()
    );
    if std::env::var_os("HOSTILE_TARGETS").is_some() {
        for target in &probe.targets {
            eprintln!("  {}", short(target));
        }
    }
    if accepted {
        assert!(probe.changes > 0, "{test}: the fingerprint of the database never changed");
    }
}

// ---------------------------------------------------------------------------------------------
// Public: the registration form, the manage page and its forms, the language switch

async fn the_registration_form_survives_every_payload(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("hostile-public", 500, 10).await;
    let member = app.create_member("Hostile City", "Spain").await;
    let client = app.client();
    let page = client.get(app.url("/sessions/hostile-public/register")).send().await.expect("form");
    let token = csrf_token(&page.text().await.expect("body"));
    let admin = app.sign_in("admin").await;
    let mut probe = Probe::new(&app).await;

    let form = Form::new(
        "/sessions/hostile-public/register",
        &[
            ("name", "Amina Diallo"),
            ("email", "hostile@members.example.org"),
            ("organisation", "other"),
            ("organisation_other", "Ciudad de Ejemplo"),
            ("position", "Officer"),
            ("country", "Ghana"),
            ("language", "en"),
            ("timezone", "Africa/Accra"),
            ("needs", ""),
            ("consent", "yes"),
        ],
    )
    .optional(&["newsletter", "listed", "website"])
    .typed(&[
        "organisation",
        "country",
        "language",
        "timezone",
        "consent",
        "newsletter",
        "listed",
        "website",
    ]);
    fuzz_form(&mut probe, &client, &token, &form).await;
    let mut listed = form;
    listed.fields.retain(|(k, _)| *k != "organisation");
    listed.fields.push(("organisation", member.clone()));
    listed.fields.retain(|(k, _)| *k != "country");
    listed.optional = vec!["country"];
    fuzz_form(&mut probe, &client, &token, &listed).await;

    // What is accepted is shown escaped to the registrant and to the organisers.
    let hostile = [
        ("name", "<script>alert(1)</script> Diallo"),
        ("position", "\"><img src=x onerror=alert(1)>"),
        ("organisation_other", "' autofocus onfocus='alert(1)"),
        ("needs", "Line one\r\n<script>alert(2)</script>"),
    ];
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), enc(&token)),
        ("email".into(), enc("amina.hostile@members.example.org")),
        ("organisation".into(), "other".into()),
        ("country".into(), "GH".into()),
        ("language".into(), "en".into()),
        ("timezone".into(), enc("Africa/Accra")),
        ("consent".into(), "yes".into()),
    ];
    fields.extend(hostile.iter().map(|(k, v)| ((*k).to_owned(), enc(v))));
    let reply =
        probe.post(&client, "/sessions/hostile-public/register", body_of(&fields), "[all hostile]").await;
    assert_eq!(reply.status, 303);
    assert!(check_mail(&mut probe).await > 0, "confirmation messages were sent");
    let confirm = app
        .mail()
        .to("amina.hostile@members.example.org")
        .iter()
        .rev()
        .find_map(|m| m.link(&format!("{}/confirm/", app.address)))
        .expect("a confirmation link");
    // The link's page writes nothing (link scanners open it); its button confirms.
    let page = probe.send("GET confirm", client.get(&confirm), false).await;
    assert_eq!(page.status, 200, "the link opens the confirmation page");
    let confirm_csrf = crate::helpers::csrf_token(&page.body);
    let reply =
        probe.send("POST confirm", client.post(&confirm).form(&[("csrf_token", confirm_csrf)]), true).await;
    assert_eq!(reply.status, 303);
    let manage = reply.location.split('?').next().unwrap_or_default().to_owned();
    let id: String = {
        let session_id = session.id.clone();
        app.db(move |conn| {
            use schema::registrations as r;
            r::table
                .filter(r::session_id.eq(session_id))
                .filter(r::email_normalized.eq("amina.hostile@members.example.org"))
                .select(r::id)
                .first(conn)
                .expect("registration")
        })
        .await
    };
    let manage_page = probe.get(&client, &manage).await.body;
    let admin_page =
        probe.get(&admin, &format!("/admin/sessions/{}/registrations/{id}", session.id)).await.body;
    let list = format!("/admin/sessions/{}/registrations?q=amina.hostile", session.id);
    let list = probe.get(&admin, &list).await.body;
    for (field, value) in &hostile[..3] {
        for (page, html) in [("manage", &manage_page), ("admin registration", &admin_page)] {
            assert!(html.contains(&escaped(value)), "{field} shown escaped on the {page} page");
        }
    }
    assert!(list.contains(&escaped(hostile[0].1)), "the name is shown escaped in the list");
    assert!(check_mail(&mut probe).await > 0);
    let registered = app.mail().to("amina.hostile@members.example.org");
    let last = registered.last().expect("the 'you are registered' message");
    assert!(last.html().contains(&escaped(hostile[0].1)), "the name is escaped in the HTML mail");

    // The manage page's forms, with a real token.
    let token_segment = manage.trim_start_matches("/manage/").to_owned();
    fuzz_query(&mut probe, &client, &manage, &["done"]).await;
    for path in ["reminders/off", "reminders/on"] {
        let form = Form::new(format!("{manage}/{path}"), &[]).optional(&["List-Unsubscribe"]);
        fuzz_form(&mut probe, &client, &token, &form).await;
    }
    let erase = Form::new(format!("{manage}/erase"), &[]).optional(&["confirm"]);
    fuzz_form(&mut probe, &client, &token, &erase).await;
    for payload in token_payloads() {
        let body = format!("csrf_token={}", payload.wire());
        let reply = probe
            .post(&client, &format!("{manage}/cancel"), body, &format!("[csrf_token = {}]", payload.label))
            .await;
        assert_eq!(reply.status, 403);
    }
    let reply =
        probe.post(&client, &format!("{manage}/cancel"), "zzz=%3Cscript%3E".into(), "[no token]").await;
    assert_eq!(reply.status, 403);
    assert!(!token_segment.is_empty());
    report("registration form", &probe, true);
}

// ---------------------------------------------------------------------------------------------
// Organiser forms: sessions, documents, series

async fn the_session_forms_survive_every_payload(engine: Engine) {
    let app = TestApp::spawn_with(engine, no_mail()).await;
    let fx = fixture(&app).await;
    let admin = app.sign_in("admin").await;
    let public = app.client();
    let token = app.csrf_for(&admin, "/admin").await;
    let mut probe = Probe::new(&app).await;

    let session_fields: [(&'static str, &str); 17] = [
        ("title", "Hostile session {n}"),
        ("series_id", ""),
        ("summary", "A summary"),
        ("description", "A description."),
        ("language", "en"),
        ("date", "2099-03-29"),
        ("time", "15:00"),
        ("timezone", "Europe/Paris"),
        ("duration", "90"),
        ("capacity", "100"),
        ("opens", ""),
        ("closes", ""),
        ("approval", "automatic"),
        ("reminders", "7d, 1d, 1h"),
        ("follow_up_delay", "120"),
        ("join_url", "https://meet.example.org/hostile"),
        ("recording_url", ""),
    ];
    // The texts in other languages too (fields the form may or may not have).
    let typed = [
        "series_id",
        "language",
        "date",
        "time",
        "timezone",
        "duration",
        "capacity",
        "opens",
        "closes",
        "approval",
        "reminders",
        "follow_up_delay",
        "join_url",
        "recording_url",
    ];
    let create = Form::new("/admin/sessions", &session_fields)
        .optional(&["title_fr", "description_fr"])
        .typed(&typed)
        .few(&["summary", "title_fr", "description_fr"])
        .shown(&["title", "summary", "description"], View::LocationPlus("/edit"));
    fuzz_form(&mut probe, &admin, &token, &create).await;
    let update = Form::new(format!("/admin/sessions/{}", fx.other.id), &session_fields).shown(
        &["title", "summary", "description"],
        View::Page(format!("/admin/sessions/{}/edit", fx.other.id)),
    );
    fuzz_form_with(&mut probe, &admin, &token, &update, short_list()).await;
    let status = Form::new(format!("/admin/sessions/{}/status", fx.other.id), &[("action", "cancel")])
        .typed(&["action", "confirm"])
        .optional(&["confirm"]);
    fuzz_form(&mut probe, &admin, &token, &status).await;
    let documents = Form::new(
        format!("/admin/sessions/{}/documents", fx.other.id),
        &[("doc_title", "Slides {n}"), ("doc_url", "https://example.org/slides.pdf")],
    )
    .shown(&["doc_title"], View::Location);
    fuzz_form(&mut probe, &admin, &token, &documents).await;
    let series = Form::new("/admin/series", &[("title", "Series {n}"), ("description", "About it")])
        .shown(&["title"], View::Location);
    fuzz_form(&mut probe, &admin, &token, &series).await;
    let series_update =
        Form::new(format!("/admin/series/{}", fx.series), &[("title", "Renamed"), ("description", "")])
            .shown(&["title"], View::Location);
    fuzz_form(&mut probe, &admin, &token, &series_update).await;

    // Forms without fields of their own.
    for path in [format!("/admin/sessions/{}/duplicate", fx.other.id), "/admin/logout".to_owned()] {
        for payload in token_payloads() {
            let body = format!("csrf_token={}", payload.wire());
            let reply = probe.post(&admin, &path, body, &format!("[csrf_token = {}]", payload.label)).await;
            assert_eq!(reply.status, 403, "POST {path}");
        }
    }
    let body = format!("csrf_token={}&zzz=%3Cscript%3E", enc(&token));
    let reply = probe
        .post(&admin, &format!("/admin/sessions/{}/duplicate", fx.other.id), body, "[unknown field]")
        .await;
    assert_eq!(reply.status, 303);

    fuzz_query(&mut probe, &admin, "/admin/sessions/new", &["series"]).await;
    fuzz_query(&mut probe, &admin, "/admin", &["done"]).await;
    fuzz_query(&mut probe, &admin, &format!("/admin/sessions/{}", fx.other.id), &["done"]).await;

    // Published, the hostile sessions show on the public pages too: a few through the form,
    // the rest directly.
    let ids: Vec<String> = app
        .db(|conn| {
            use schema::sessions;
            sessions::table.filter(sessions::status.eq("draft")).select(sessions::id).load(conn).expect("ids")
        })
        .await;
    for id in ids.iter().take(5) {
        let body = format!("csrf_token={}&action=publish", enc(&token));
        probe.post(&admin, &format!("/admin/sessions/{id}/status"), body, "[publish]").await;
    }
    app.db(|conn| {
        use schema::sessions;
        diesel::update(sessions::table.filter(sessions::status.eq("draft")))
            .set(sessions::status.eq("published"))
            .execute(conn)
            .expect("publish")
    })
    .await;
    probe.resync().await;
    sweep(&mut probe, &admin, &public).await;
    assert_eq!(fx.session.status, convoca::domain::SessionStatus::Published);
    report("session forms", &probe, true);
}

// ---------------------------------------------------------------------------------------------
// Organiser forms: speakers, photos, panels, organisations

async fn the_directory_forms_survive_every_payload(engine: Engine) {
    let app = TestApp::spawn_with(engine, no_mail()).await;
    let fx = fixture(&app).await;
    let admin = app.sign_in("admin").await;
    let public = app.client();
    let token = app.csrf_for(&admin, "/admin").await;
    // A registrant who typed an organisation that is not in the list, for the merge form.
    let free_text = app.insert_confirmed(&fx.session.id, 1, "fr", chrono::Duration::hours(2)).await;
    let mut probe = Probe::new(&app).await;

    let speaker_fields = [
        ("name", "Ana {n}"),
        ("honorific", "Dr"),
        ("position", "Mayor"),
        ("organisation", "Ciudad"),
        ("bio", "A bio."),
    ];
    let create = Form::new("/admin/speakers", &speaker_fields)
        .shown(&["name", "honorific", "position", "organisation", "bio"], View::Location);
    fuzz_form(&mut probe, &admin, &token, &create).await;
    let update = Form::new(format!("/admin/speakers/{}", fx.speaker), &speaker_fields).shown(
        &["name", "honorific", "position", "organisation", "bio"],
        View::Page(format!("/sessions/{}", fx.session.slug)),
    );
    fuzz_form_with(&mut probe, &admin, &token, &update, short_list()).await;
    fuzz_query_with(&mut probe, &admin, "/admin/speakers", &["q"], payloads()).await;
    fuzz_query(&mut probe, &admin, "/admin/speakers", &["page"]).await;

    // Photos: hostile content, file names, content types; broken bodies.
    let photo = format!("/admin/speakers/{}/photo", fx.speaker);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    for part in ["photo (content)", "photo (file name)", "photo (content type)", "csrf_token"] {
        probe.targets.insert(format!("POST {photo} {part}"));
    }
    for payload in probe.payloads.clone() {
        let bytes = payload.bytes();
        let what = format!("[photo = {}]", payload.label);
        let parts = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("photo", Some(("a.png", "image/png")), &bytes),
        ]);
        let reply = probe.post_multipart(&admin, &photo, parts, &what).await;
        assert_eq!(reply.status, 422, "{what}");
    }
    for payload in short_list() {
        let file_name = payload.text.replace(['"', '\r', '\n', '\0'], "_");
        let what = format!("[photo file name = {}]", payload.label);
        let parts = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("photo", Some((&file_name, "image/png")), &png),
        ]);
        probe.post_multipart(&admin, &photo, parts, &what).await;
        let content_type = payload.text.replace(['\r', '\n', '\0'], "_");
        let what = format!("[photo content type = {}]", payload.label);
        let parts = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("photo", Some(("a.png", &content_type)), &png),
        ]);
        probe.post_multipart(&admin, &photo, parts, &what).await;
    }
    for payload in token_payloads() {
        let parts = multipart(&[
            ("csrf_token", None, &payload.bytes()),
            ("photo", Some(("a.png", "image/png")), &png),
        ]);
        let reply =
            probe.post_multipart(&admin, &photo, parts, &format!("[csrf_token = {}]", payload.label)).await;
        assert_eq!(reply.status, 403);
    }
    let parts = multipart(&[("csrf_token", None, token.as_bytes())]);
    assert_eq!(probe.post_multipart(&admin, &photo, parts, "[no photo]").await.status, 422);
    let parts = multipart(&[
        ("csrf_token", None, token.as_bytes()),
        ("photo", Some(("a.png", "image/png")), &png),
        ("photo", Some(("b.svg", "image/svg+xml")), b"<svg onload=alert(1)>"),
    ]);
    probe.post_multipart(&admin, &photo, parts, "[two photos]").await;
    for (content_type, body) in [
        ("multipart/form-data", b"--x\r\n".to_vec()),
        ("multipart/form-data; boundary=zz", b"garbage".to_vec()),
        ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\nx".to_vec()),
        ("application/x-www-form-urlencoded", format!("csrf_token={}", enc(&token)).into_bytes()),
        ("text/plain", b"<script>alert(1)</script>".to_vec()),
    ] {
        probe
            .post_multipart(
                &admin,
                &photo,
                (content_type.to_owned(), body),
                &format!("[broken: {content_type}]"),
            )
            .await;
    }
    let reply = probe.get(&public, &format!("/speakers/{}/photo", fx.speaker)).await;
    assert!(reply.status == 200 || reply.status == 404);

    // Panels.
    let panel = format!("/admin/sessions/{}/panel", fx.session.id);
    let add = Form::new(panel.clone(), &[("speaker", fx.free_speaker.as_str()), ("role", "speaker")])
        .typed(&["speaker", "role"]);
    fuzz_form(&mut probe, &admin, &token, &add).await;
    let entry = format!("{panel}/{}", fx.entry);
    let direction = Form::new(format!("{entry}/move"), &[("direction", "down")]).typed(&["direction"]);
    fuzz_form(&mut probe, &admin, &token, &direction).await;
    let role = Form::new(format!("{entry}/role"), &[("role", "host")]).typed(&["role"]);
    fuzz_form(&mut probe, &admin, &token, &role).await;

    // Organisations and the merging of typed names.
    let organisation_fields = [
        ("name", "City {n}"),
        ("kind", "member"),
        ("country", "Chile"),
        ("focal_email", "focal-{n}@city.example.org"),
    ];
    let create = Form::new("/admin/organisations", &organisation_fields)
        .typed(&["kind"])
        .shown(&["name", "country"], View::Location);
    fuzz_form(&mut probe, &admin, &token, &create).await;
    let update = Form::new(format!("/admin/organisations/{}", fx.member), &organisation_fields)
        .shown(&["name", "country"], View::Page(format!("/admin/organisations/{}", fx.member)));
    fuzz_form_with(&mut probe, &admin, &token, &update, short_list()).await;
    let merge = Form::new(
        "/admin/organisations/merge",
        &[("text", "Somewhere"), ("organisation", fx.member.as_str())],
    )
    .typed(&["organisation"]);
    fuzz_form(&mut probe, &admin, &token, &merge).await;
    assert_eq!(free_text.len(), 1);

    sweep(&mut probe, &admin, &public).await;
    for path in [format!("{entry}/remove"), format!("/admin/speakers/{}/photo/remove", fx.speaker)] {
        for payload in token_payloads() {
            let body = format!("csrf_token={}", payload.wire());
            let reply = probe.post(&admin, &path, body, &format!("[csrf_token = {}]", payload.label)).await;
            assert_eq!(reply.status, 403, "POST {path}");
        }
        let body = format!("csrf_token={}&zzz=%3Cscript%3E", enc(&token));
        assert_eq!(probe.post(&admin, &path, body, "[unknown field]").await.status, 303);
    }
    report("directory forms", &probe, true);
}

// ---------------------------------------------------------------------------------------------
// Organiser forms: registrations, attendance, export, announcements, reports

async fn the_registration_pages_survive_every_payload(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let fx = fixture(&app).await;
    let admin = app.sign_in("admin").await;
    let public = app.client();
    let token = app.csrf_for(&admin, "/admin").await;
    let mut probe = Probe::new(&app).await;
    let base = format!("/admin/sessions/{}", fx.session.id);

    let list = format!("{base}/registrations");
    fuzz_query_with(&mut probe, &admin, &list, &["q", "organisation", "country"], payloads()).await;
    fuzz_query(&mut probe, &admin, &list, &["status", "page"]).await;
    let filters =
        [("q", "bulk"), ("status", "confirmed"), ("organisation", ""), ("country", "Spain"), ("page", "1")];
    let mut decide: Vec<(&'static str, &str)> = vec![("decision", "approve")];
    decide.extend(filters);
    let typed = ["decision", "attended", "registration", "status", "organisation", "page"];
    let decide =
        Form::new(format!("{base}/registrations/{}/decision", fx.registration), &decide).typed(&typed);
    fuzz_form(&mut probe, &admin, &token, &decide).await;
    let mut attendance: Vec<(&'static str, &str)> =
        vec![("attended", "yes"), ("registration", fx.registration.as_str())];
    attendance.extend(filters);
    let attendance = Form::new(format!("{base}/attendance"), &attendance).typed(&typed);
    fuzz_form(&mut probe, &admin, &token, &attendance).await;

    // The attendance file: hostile addresses, hostile headers, hostile bytes.
    let import = format!("{base}/attendance/import");
    for part in ["file (an address)", "file (whole)", "others_absent", "csrf_token"] {
        probe.targets.insert(format!("POST {import} {part}"));
    }
    for payload in probe.payloads.clone() {
        let mut csv = b"Name,Email\r\nAna,".to_vec();
        csv.extend(payload.bytes());
        csv.extend_from_slice(b"\r\n");
        let what = format!("[file email = {}]", payload.label);
        let parts =
            multipart(&[("csrf_token", None, token.as_bytes()), ("file", Some(("a.csv", "text/csv")), &csv)]);
        probe.post_multipart(&admin, &import, parts, &what).await;
    }
    for payload in short_list() {
        let what = format!("[file = {}]", payload.label);
        let bytes = payload.bytes();
        let parts = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("file", Some(("a.csv", "text/csv")), &bytes),
        ]);
        probe.post_multipart(&admin, &import, parts, &what).await;
        let what = format!("[others_absent = {}]", payload.label);
        let parts = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("others_absent", None, &bytes),
            ("file", Some(("a.csv", "text/csv")), b"Email\nnobody@example.org\n"),
        ]);
        probe.post_multipart(&admin, &import, parts, &what).await;
    }
    for payload in token_payloads() {
        let parts = multipart(&[
            ("csrf_token", None, &payload.bytes()),
            ("file", Some(("a.csv", "text/csv")), b"Email\n"),
        ]);
        let reply =
            probe.post_multipart(&admin, &import, parts, &format!("[csrf_token = {}]", payload.label)).await;
        assert_eq!(reply.status, 403);
    }
    for (what, body) in [("[not a multipart body]", b"csrf_token=x".to_vec()), ("[no file]", Vec::new())] {
        let parts = if body.is_empty() {
            multipart(&[("csrf_token", None, token.as_bytes())])
        } else {
            ("multipart/form-data; boundary=zz".to_owned(), body)
        };
        let reply = probe.post_multipart(&admin, &import, parts, what).await;
        assert!((400..500).contains(&reply.status), "{what}: {}", reply.status);
    }

    // The export is audited: a GET that writes.
    let export = admin.get(app.url(&format!("{base}/registrations.csv")));
    assert_eq!(probe.send("GET registrations.csv", export, true).await.status, 200);

    // Announcements: previewed (the page shows them), then one sent.
    let announce = Form::new(
        format!("{base}/announcements"),
        &[
            ("action", "preview"),
            ("subject", "Subject {n}"),
            ("body", "Body"),
            ("recipients", "confirmed"),
            ("announcement_id", ""),
        ],
    )
    .typed(&["action", "recipients", "announcement_id"])
    .shown(&["subject", "body"], View::Answer);
    fuzz_form(&mut probe, &admin, &token, &announce).await;
    let send = [
        ("csrf_token", token.as_str()),
        ("action", "send"),
        ("subject", "<script>alert(1)</script>\r\nBcc: x@evil.test"),
        ("body", "\"><img src=x onerror=alert(1)>\r\n\r\n' autofocus onfocus='alert(1)"),
        ("recipients", "confirmed"),
        ("recipients", "<script>"),
    ];
    let body = body_of(&send.iter().map(|(k, v)| (enc(k), enc(v))).collect::<Vec<_>>());
    assert_eq!(probe.post(&admin, &format!("{base}/announcements"), body, "[send]").await.status, 303);
    assert!(check_mail(&mut probe).await >= 1);
    let retry = format!("{base}/announcements/{}/retry", new_id());
    for payload in token_payloads() {
        let body = format!("csrf_token={}", payload.wire());
        assert_eq!(
            probe.post(&admin, &retry, body, &format!("[csrf_token = {}]", payload.label)).await.status,
            403
        );
    }

    fuzz_query(&mut probe, &admin, "/admin/reports", &["session", "series"]).await;
    fuzz_query(&mut probe, &admin, "/admin/reports.csv", &["session", "series"]).await;
    sweep(&mut probe, &admin, &public).await;
    assert!(!fx.document.is_empty() && !fx.other.id.is_empty());
    report("registration pages", &probe, true);
}

// ---------------------------------------------------------------------------------------------
// Accounts, passwords, signing in

async fn the_account_forms_and_sign_in_survive_every_payload(engine: Engine) {
    let app = TestApp::spawn_with(engine, no_mail()).await;
    let admin = app.sign_in("admin").await;
    let changer = app.sign_in("organiser").await;
    let public = app.client();
    let token = app.csrf_for(&admin, "/admin").await;
    let changer_token = app.csrf_for(&changer, "/admin").await;
    let now = app.clock.now();
    let other = app
        .db(move |conn| {
            let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
            convoca::db::organisers::add(conn, "other@secretariat.example.org", "Other", &hash, false, now)
                .expect("add");
            schema::organisers::table
                .filter(schema::organisers::email.eq("other@secretariat.example.org"))
                .select(schema::organisers::id)
                .first::<String>(conn)
                .expect("id")
        })
        .await;
    let mut probe = Probe::new(&app).await;

    // The whole matrix with a password too short (no hashing); then hostile names accepted.
    let accounts = Form::new(
        "/admin/accounts",
        &[
            ("name", "Person {n}"),
            ("email", "person-{n}@secretariat.example.org"),
            ("password", "short"),
            ("role", "organiser"),
        ],
    )
    .typed(&["role"]);
    fuzz_form(&mut probe, &admin, &token, &accounts).await;
    for (i, payload) in
        probe.payloads.clone().into_iter().filter(|p| p.markup().is_some()).take(4).enumerate()
    {
        let fields = [
            ("csrf_token".to_owned(), enc(&token)),
            ("name".to_owned(), payload.wire()),
            ("email".to_owned(), enc(&format!("hostile-name-{i}@secretariat.example.org"))),
            ("password".to_owned(), enc(ORGANISER_PASSWORD)),
            ("role".to_owned(), "organiser".to_owned()),
        ];
        let what = format!("[name = {}, accepted]", payload.label);
        let reply = probe.post(&admin, "/admin/accounts", body_of(&fields), &what).await;
        if reply.status == 303 && kept_as_typed(&payload.text) {
            let page = probe.get(&admin, "/admin/accounts").await.body;
            assert!(page.contains(&escaped(&payload.text)), "{what}: shown escaped");
        }
    }
    let update = Form::new(format!("/admin/accounts/{other}"), &[("role", "organiser"), ("active", "yes")])
        .typed(&["role", "active"]);
    fuzz_form(&mut probe, &admin, &token, &update).await;
    fuzz_query(&mut probe, &admin, "/admin/audit", &["page"]).await;
    fuzz_query(&mut probe, &admin, "/admin/accounts", &["done"]).await;

    // Changing one's password: the matrix with a wrong current password, then hostile new ones
    // that are accepted and work for signing in.
    let password = Form::new(
        "/admin/password",
        &[("current", "not the password"), ("new", "a new password 1"), ("confirm", "a new password 1")],
    );
    // Every request checks the current password (argon2): the short list.
    fuzz_form_with(&mut probe, &changer, &changer_token, &password, short_list()).await;
    let email: String = app
        .db(|conn| {
            schema::organisers::table
                .filter(schema::organisers::email.like("organiser-%"))
                .select(schema::organisers::email)
                .first(conn)
                .expect("email")
        })
        .await;
    let mut current = ORGANISER_PASSWORD.to_owned();
    for new in ["<script>alert(1)</script>é", "a\r\nBcc: x@evil.test 👩🏽‍💻", "' OR '1'='1 --  \u{202E}"]
    {
        let client = app.client();
        let login = probe.get(&client, "/admin/login").await.body;
        let fields = [
            ("csrf_token", csrf_token(&login)),
            ("email", email.clone()),
            ("password", current.clone()),
            ("next", "/admin/password".into()),
        ];
        let body = body_of(&fields.iter().map(|(k, v)| (enc(k), enc(v))).collect::<Vec<_>>());
        assert_eq!(
            probe.post(&client, "/admin/login", body, "[sign in]").await.status,
            303,
            "signed in with {current:?}"
        );
        let token = app.csrf_for(&client, "/admin/password").await;
        let fields = [
            ("csrf_token", token),
            ("current", current.clone()),
            ("new", new.into()),
            ("confirm", new.into()),
        ];
        let body = body_of(&fields.iter().map(|(k, v)| (enc(k), enc(v))).collect::<Vec<_>>());
        let reply = probe.post(&client, "/admin/password", body, "[hostile new password]").await;
        assert_eq!(reply.status, 303, "{new:?} accepted");
        current = new.to_owned();
    }

    // Signing in: the `next` field first (with the right password), then the others, which end
    // in the sign-in throttle.
    fuzz_query_with(&mut probe, &public, "/admin/login", &["next"], payloads()).await;
    fuzz_query(&mut probe, &public, "/admin/login", &["done"]).await;
    let login = probe.get(&public, "/admin/login").await.body;
    let sign_in_token = csrf_token(&login);
    let form = Form::new("/admin/login", &[("email", &email), ("password", &current), ("next", "/admin")]);
    for payload in short_list() {
        let fields = [
            ("csrf_token".to_owned(), enc(&sign_in_token)),
            ("email".to_owned(), enc(&email)),
            ("password".to_owned(), enc(&current)),
            ("next".to_owned(), payload.wire()),
        ];
        let what = format!("[next = {}]", payload.label);
        let reply = probe.post(&public, "/admin/login", body_of(&fields), &what).await;
        if payload.label == "nul" {
            assert_eq!(reply.status, 400, "{what}: an organiser form with NUL is refused");
            continue;
        }
        assert_eq!(reply.status, 303, "{what}");
        assert!(reply.location.starts_with("/admin"), "{what}: {}", reply.location);
    }
    for extra in [
        "//evil.test",
        "/\\evil.test",
        "https://evil.test/admin",
        "/admin\r\nSet-Cookie: x=1",
        "/%2F%2Fevil.test",
    ] {
        let fields = [
            ("csrf_token".to_owned(), enc(&sign_in_token)),
            ("email".to_owned(), enc(&email)),
            ("password".to_owned(), enc(&current)),
            ("next".to_owned(), enc(extra)),
        ];
        let reply =
            probe.post(&public, "/admin/login", body_of(&fields), &format!("[next = {extra:?}]")).await;
        assert!(
            reply.location == "/admin" || reply.location.starts_with("/admin/"),
            "{extra:?}: {}",
            reply.location
        );
    }
    fuzz_form(&mut probe, &public, &sign_in_token, &form).await;
    sweep(&mut probe, &admin, &public).await;
    report("accounts and sign-in", &probe, true);
}

// ---------------------------------------------------------------------------------------------
// Path parameters and the public query parameters

async fn every_path_and_query_parameter_survives_every_payload(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let fx = fixture(&app).await;
    let admin = app.sign_in("admin").await;
    let public = app.client();
    let token = app.csrf_for(&admin, "/admin").await;
    let manage =
        app.register_and_confirm("hostile-open", "Path Person", "path@members.example.org", &fx.member).await;
    let manage = manage.trim_start_matches(&app.address).split('?').next().unwrap_or_default().to_owned();
    let public_token = {
        let page = public.get(app.url("/sessions/hostile-open/register")).send().await.expect("form");
        csrf_token(&page.text().await.expect("body"))
    };
    let mut probe = Probe::new(&app).await;

    // Query parameters of the public pages (the catalogue's filters included).
    fuzz_query_with(&mut probe, &public, "/", &["q"], payloads()).await;
    fuzz_query(&mut probe, &public, "/", &["series", "language", "lang", "when", "past", "country", "page"])
        .await;
    fuzz_query_with(&mut probe, &public, "/language/fr", &["next"], payloads()).await;
    for next in [
        "//evil.test",
        "/\\evil.test",
        "https://evil.test",
        "/%2F%2Fevil.test",
        "/%5Cevil.test",
        "%2F%2Fevil.test",
        "/\t/evil.test",
    ] {
        let reply = probe.get(&public, &format!("/language/es?next={}", enc(next))).await;
        assert_eq!(reply.status, 303);
        assert!(is_local(&reply.location), "{next:?} led to {}", reply.location);
    }
    for page in
        ["/sessions/hostile-open", "/sessions/hostile-open/register", "/privacy", "/healthz", "/livez"]
    {
        fuzz_query(&mut probe, &public, page, &["x"]).await;
    }
    fuzz_query(&mut probe, &public, &manage, &["done"]).await;

    let s = fx.session.id.as_str();
    let public_form = format!(
        "name=Ana&email=ana-path%40members.example.org&organisation={}&language=en&consent=yes",
        fx.member
    );
    let public_routes: Vec<(&str, String, String)> = vec![
        ("GET", "/sessions/{x}".into(), String::new()),
        ("GET", "/sessions/{x}/register".into(), String::new()),
        ("GET", "/sessions/{x}/registered".into(), String::new()),
        ("GET", "/language/{x}".into(), String::new()),
        ("GET", "/static/{x}".into(), String::new()),
        ("GET", "/speakers/{x}/photo".into(), String::new()),
        ("GET", "/{x}".into(), String::new()),
    ];
    fuzz_paths(&mut probe, &public, &public_token, &public_routes).await;
    let post_public: Vec<(&str, String, String)> =
        vec![("POST", "/sessions/{x}/register".into(), public_form)];
    fuzz_paths(&mut probe, &public, &public_token, &post_public).await;

    let session_form =
        "title=T&language=en&date=2099-01-01&time=10%3A00&timezone=UTC&duration=60&capacity=10";
    let admin_routes: Vec<(&str, String, String)> = vec![
        ("GET", "/admin/sessions/{x}".into(), String::new()),
        ("GET", "/admin/sessions/{x}/edit".into(), String::new()),
        ("GET", "/admin/sessions/{x}/panel".into(), String::new()),
        ("GET", "/admin/sessions/{x}/registrations".into(), String::new()),
        ("GET", "/admin/sessions/{x}/registrations.csv".into(), String::new()),
        ("GET", format!("/admin/sessions/{s}/registrations/{{x}}"), String::new()),
        ("GET", "/admin/sessions/{x}/registrations/{x}".into(), String::new()),
        ("GET", "/admin/sessions/{x}/announcements".into(), String::new()),
        ("GET", "/admin/speakers/{x}".into(), String::new()),
        ("GET", "/admin/organisations/{x}".into(), String::new()),
        ("GET", "/admin/{x}".into(), String::new()),
        ("POST", "/admin/sessions/{x}".into(), session_form.into()),
        ("POST", "/admin/sessions/{x}/status".into(), "action=publish".into()),
        ("POST", "/admin/sessions/{x}/duplicate".into(), String::new()),
        (
            "POST",
            "/admin/sessions/{x}/documents".into(),
            "doc_title=A&doc_url=https%3A%2F%2Fexample.org".into(),
        ),
        ("POST", format!("/admin/sessions/{s}/documents/{{x}}/delete"), String::new()),
        ("POST", "/admin/sessions/{x}/documents/{x}/delete".into(), String::new()),
        ("POST", "/admin/series/{x}".into(), "title=A".into()),
        ("POST", "/admin/accounts/{x}".into(), "role=organiser&active=yes".into()),
        ("POST", "/admin/speakers/{x}".into(), "name=A".into()),
        ("POST", "/admin/speakers/{x}/delete".into(), String::new()),
        ("MULTIPART", "/admin/speakers/{x}/photo".into(), String::new()),
        ("POST", "/admin/speakers/{x}/photo/remove".into(), String::new()),
        ("POST", "/admin/sessions/{x}/panel".into(), format!("speaker={}&role=host", fx.free_speaker)),
        ("POST", format!("/admin/sessions/{s}/panel/{{x}}/move"), "direction=up".into()),
        ("POST", format!("/admin/sessions/{{x}}/panel/{}/move", fx.entry), "direction=up".into()),
        ("POST", format!("/admin/sessions/{s}/panel/{{x}}/role"), "role=host".into()),
        ("POST", format!("/admin/sessions/{s}/panel/{{x}}/remove"), String::new()),
        ("POST", format!("/admin/sessions/{{x}}/panel/{}/remove", fx.entry), String::new()),
        ("POST", "/admin/organisations/{x}".into(), "name=A&kind=member&country=Chile".into()),
        ("POST", format!("/admin/sessions/{s}/registrations/{{x}}/decision"), "decision=approve".into()),
        (
            "POST",
            format!("/admin/sessions/{{x}}/registrations/{}/decision", fx.registration),
            "decision=approve".into(),
        ),
        (
            "POST",
            "/admin/sessions/{x}/attendance".into(),
            format!("attended=yes&registration={}", fx.registration),
        ),
        ("MULTIPART", "/admin/sessions/{x}/attendance/import".into(), String::new()),
        (
            "POST",
            "/admin/sessions/{x}/announcements".into(),
            "action=preview&subject=A&body=B&recipients=confirmed".into(),
        ),
        ("POST", format!("/admin/sessions/{s}/announcements/{{x}}/retry"), String::new()),
        ("POST", format!("/admin/sessions/{{x}}/announcements/{}/retry", new_id()), String::new()),
    ];
    fuzz_paths(&mut probe, &admin, &token, &admin_routes).await;

    // The token routes last: wrong tokens are counted per address, and then refused for a while.
    let manage_token = manage.trim_start_matches("/manage/").to_owned();
    let token_routes: Vec<(&str, String, String)> = vec![
        ("GET", "/confirm/{x}".into(), String::new()),
        ("GET", "/manage/{x}".into(), String::new()),
        ("GET", "/manage/{x}/calendar.ics".into(), String::new()),
        ("GET", "/manage/{x}/data.json".into(), String::new()),
        ("GET", "/manage/{x}/reminders/off".into(), String::new()),
        ("POST", "/manage/{x}/cancel".into(), String::new()),
        ("POST", "/manage/{x}/reminders/off".into(), String::new()),
        ("POST", "/manage/{x}/reminders/on".into(), String::new()),
        ("GET", "/manage/{x}/announcements/off".into(), String::new()),
        ("POST", "/manage/{x}/announcements/off".into(), "List-Unsubscribe=One-Click".into()),
        ("POST", "/manage/{x}/announcements/on".into(), String::new()),
        ("POST", "/confirm/{x}".into(), String::new()),
        ("POST", "/manage/{x}/choices".into(), "newsletter=yes".into()),
        ("POST", "/manage/{x}/erase".into(), "confirm=yes".into()),
    ];
    fuzz_paths(&mut probe, &public, &public_token, &token_routes).await;
    assert!(!manage_token.is_empty());
    sweep(&mut probe, &admin, &public).await;
    report("paths and query parameters", &probe, false);
}

// The public form and every path and query parameter on both engines (PostgreSQL refuses what
// SQLite takes, such as NUL in text); the organiser forms, whose parsing does not depend on the
// engine, on SQLite only, to keep the suite quick.
on_both_engines!(
    the_registration_form_survives_every_payload,
    every_path_and_query_parameter_survives_every_payload
);

/// Generates the SQLite test of an `async fn(Engine)` body.
macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Engine::Sqlite).await;
                }
            }
        )*
    };
}

on_sqlite!(
    the_session_forms_survive_every_payload,
    the_directory_forms_survive_every_payload,
    the_registration_pages_survive_every_payload,
    the_account_forms_and_sign_in_survive_every_payload,
);
