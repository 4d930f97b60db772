//! A headless Chromium driven through chromedriver (started as a child of the test), with the
//! few steps the tests need: open a page, find a field by its label, click and wait for the
//! next page, read text, screenshots, and the axe-core accessibility audit.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// One browser at a time: the machine may have two cores, and Chromium is heavy.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const INSTALL_HINT: &str = "scripts/test installs them (the Debian packages `chromium chromium-driver`, \
     and axe-core by `npm ci` in tests/browser), or point CHROMIUM and CHROMEDRIVER at the binaries";

/// A program on the PATH (or the path in `env_var`, which must then name a file).
fn program(env_var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "{env_var}={} is not a file; {INSTALL_HINT}", path.display());
        return Some(path);
    }
    let dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    names.iter().flat_map(|name| dirs.iter().map(move |dir| dir.join(name))).find(|c| c.is_file())
}

fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

/// Chromium and chromedriver, or why the browser tests are skipped on this machine (said once
/// per run, on the terminal itself: the test harness does not hide it).
fn programs() -> Option<(PathBuf, PathBuf)> {
    static FOUND: std::sync::OnceLock<Option<(PathBuf, PathBuf)>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let chromium = program("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
            let chromedriver = program("CHROMEDRIVER", &["chromedriver"]);
            let mut lacking = Vec::new();
            if chromium.is_none() {
                lacking.push("chromium");
            }
            if chromedriver.is_none() {
                lacking.push("chromedriver");
            }
            if !axe_path().is_file() {
                lacking.push("axe-core (npm ci in tests/browser)");
            }
            if !lacking.is_empty() {
                // scripts/test installs all three and says so: there a lack is a failure, never a skip.
                assert!(
                    std::env::var_os("CONVOCA_BROWSER_TESTS_REQUIRED").is_none_or(|v| v != "1"),
                    "the browser tests are required (CONVOCA_BROWSER_TESTS_REQUIRED=1) but this machine lacks {}; \
                     {INSTALL_HINT}",
                    lacking.join(", ")
                );
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\nSKIPPED: every browser test, because this machine lacks {}; {INSTALL_HINT}\n",
                    lacking.join(", ")
                );
                return None;
            }
            chromium.zip(chromedriver)
        })
        .clone()
}

/// Whether screenshots for the README are wanted (`CONVOCA_SCREENSHOTS=1`).
pub fn screenshots_wanted() -> bool {
    std::env::var("CONVOCA_SCREENSHOTS").is_ok_and(|v| v == "1")
}

pub struct Browser {
    pub client: Client,
    /// Where the app under test answers (`http://127.0.0.1:PORT`).
    base: String,
    driver: Child,
    driver_port: u16,
    session: Option<String>,
    _profile: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile, with a window of
    /// `width` x `height` CSS pixels, speaking English (`Accept-Language: en-US`), on a computer
    /// set to the time zone `timezone`. `None` when the machine lacks what the browser tests
    /// need (said once on the terminal): the test then passes without running.
    pub async fn start(base: &str, width: u32, height: u32, timezone: &str) -> Option<Browser> {
        let (chromium, chromedriver) = programs()?;
        let turn = TURN.lock().await;
        let profile = tempfile::tempdir().expect("temporary browser profile");
        let log = profile.path().join("chromedriver.log");
        let port = crate::helpers::free_port();
        let driver = {
            use std::os::unix::process::CommandExt;
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .env("TZ", timezone)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so the browsers it starts can be ended with it.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL_HINT}", chromedriver.display()))
        };
        let user_data = profile.path().join("profile");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-extensions".into(),
            "--disable-features=Translate,MediaRouter,OptimizationHints".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-quic".into(),
            "--disable-breakpad".into(),
            "--disable-crash-reporter".into(),
            "--password-store=basic".into(),
            "--force-device-scale-factor=1".into(),
            // As on a phone, scroll bars take no room from the page.
            "--hide-scrollbars".into(),
            "--lang=en-US".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", user_data.display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium.to_string_lossy(), "args": args, "prefs": { "intl.accept_languages": "en-US,en" } }),
        );
        let client = connect(port, capabilities, &log).await;
        let session = client.session_id().await.ok().flatten();
        let browser = Browser {
            client,
            base: base.trim_end_matches('/').to_owned(),
            driver,
            driver_port: port,
            session,
            _profile: profile,
            _turn: turn,
        };
        browser.resize(width, height).await;
        Some(browser)
    }

    /// Makes the viewport (not the outer window) `width` x `height`.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("resize the window");
        let (w, h) = self.viewport().await;
        if (w, h) != (width, height) {
            // The window's frame takes some room: grow the window by the difference.
            let outer = (2 * width).saturating_sub(w).max(width);
            let outer_h = (2 * height).saturating_sub(h).max(height);
            self.client.set_window_size(outer, outer_h).await.expect("resize the window");
        }
        assert_eq!(self.viewport().await.0, width, "the viewport is {width} CSS pixels wide");
    }

    /// The viewport's size in CSS pixels.
    pub async fn viewport(&self) -> (u32, u32) {
        let inner = self.execute("return [window.innerWidth, window.innerHeight];").await;
        let size = |v: &Value| u32::try_from(v.as_u64().unwrap_or(0)).unwrap_or(0);
        (size(&inner[0]), size(&inner[1]))
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") || path.starts_with("file:") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Opens a page by its address (as a person following a link from elsewhere, e.g. an email).
    pub async fn open(&self, path: &str) {
        self.client.goto(&self.url(path)).await.unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn execute(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no `{css}` on {}: {e}\n{}", self.path().await, self.main_text().await),
        }
    }

    pub async fn text(&self, css: &str) -> String {
        clean(&self.find(css).await.text().await.expect("text"))
    }

    /// The visible text of the page's main region, whitespace collapsed.
    pub async fn main_text(&self) -> String {
        match self.client.find(Locator::Css("main")).await {
            Ok(main) => clean(&main.text().await.unwrap_or_default()),
            Err(_) => String::new(),
        }
    }

    pub async fn title(&self) -> String {
        self.client.title().await.expect("title")
    }

    /// The `lang` of the document.
    pub async fn lang(&self) -> String {
        self.execute("return document.documentElement.lang;").await.as_str().unwrap_or_default().to_owned()
    }

    /// The form control tied to the visible label whose text is `label` (ignoring a trailing
    /// "(optional)"): people, screen readers and this test find fields the same way.
    pub async fn field(&self, label: &str) -> Element {
        let found = self
            .client
            .execute(
                "const want = arguments[0];
                 const norm = s => s.replace(/\\s+/g, ' ').trim();
                 for (const l of document.querySelectorAll('label')) {
                   const text = norm(l.innerText);
                   if ((text === want || text.startsWith(want + ' ')) && l.control) {
                     if (!l.control.id) { return 'label without a for/id pair'; }
                     return ['#' + CSS.escape(l.control.id)];
                   }
                 }
                 return null;",
                vec![json!(label)],
            )
            .await
            .expect("label lookup");
        match found {
            Value::Array(selector) => self.find(selector[0].as_str().unwrap_or_default()).await,
            other => panic!("no field labelled {label:?} on {} ({other})", self.path().await),
        }
    }

    /// Types into the field labelled `label`, replacing what it held.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        field.clear().await.expect("clear");
        field.send_keys(value).await.unwrap_or_else(|e| panic!("type into {label:?}: {e}"));
    }

    /// Picks the option shown as `option` in the list labelled `label`.
    pub async fn choose(&self, label: &str, option: &str) {
        let xpath = format!(".//option[normalize-space(.)={}]", xpath_literal(option));
        let field = self.field(label).await;
        field
            .select_by(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("choose {option:?} in {label:?}: {e}"));
    }

    /// Picks the first option whose text contains `part` in the list labelled `label`.
    pub async fn choose_containing(&self, label: &str, part: &str) {
        let xpath = format!(".//option[contains(normalize-space(.), {})]", xpath_literal(part));
        let field = self.field(label).await;
        field
            .select_by(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("choose {part:?} in {label:?}: {e}"));
    }

    /// Ticks the checkbox labelled `label`.
    pub async fn tick(&self, label: &str) {
        let field = self.field(label).await;
        if !field.is_selected().await.expect("checked?") {
            field.click().await.unwrap_or_else(|e| panic!("tick {label:?}: {e}"));
        }
        assert!(field.is_selected().await.expect("checked?"), "{label:?} is ticked");
    }

    /// Clicks `element` and waits until the next page has loaded.
    pub async fn click_and_wait(&self, element: Element) {
        self.execute("window.__convocaOldPage = true;").await;
        element.click().await.expect("click");
        self.wait_for_new_page().await;
    }

    async fn wait_for_new_page(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let state = self
                .client
                .execute("return window.__convocaOldPage ? 'old' : document.readyState;", vec![])
                .await;
            if let Ok(Value::String(s)) = &state
                && s == "complete"
            {
                return;
            }
            if Instant::now() >= deadline {
                let invalid = self
                    .execute("return Array.from(document.querySelectorAll(':invalid')).map(e => e.id || e.name || e.tagName);")
                    .await;
                panic!(
                    "the next page did not load ({state:?}) after {}; fields the browser finds invalid: {invalid}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Follows the link whose visible text is `text` (exactly, whitespace collapsed).
    pub async fn click_link(&self, text: &str) {
        let link = self.by_text("a", text).await;
        self.click_and_wait(link).await;
    }

    /// Presses the button whose visible text is `text`.
    pub async fn press(&self, text: &str) {
        let button = self.by_text("button", text).await;
        self.click_and_wait(button).await;
    }

    /// The first visible `tag` element whose text is `text`: in the main region if there is
    /// one there, else anywhere (the header's language switcher, the organiser menu).
    pub async fn by_text(&self, tag: &str, text: &str) -> Element {
        for scope in ["//main//", "//"] {
            let xpath = format!("{scope}{tag}[normalize-space(.)={}]", xpath_literal(text));
            for element in self.client.find_all(Locator::XPath(&xpath)).await.expect("find") {
                if element.is_displayed().await.unwrap_or(false) {
                    return element;
                }
            }
        }
        panic!("no visible <{tag}> {text:?} on {}:\n{}", self.path().await, self.main_text().await)
    }

    /// Fails when the page is wider than the window (WCAG 1.4.10: no scrolling in two
    /// directions at 320 CSS pixels). Names the elements that stick out.
    pub async fn assert_fits_width(&self) {
        let overflow = self
            .execute(
                "const w = document.documentElement.clientWidth;
                 const page = document.documentElement.scrollWidth;
                 if (page <= w) { return []; }
                 // What reaches the page's right edge is what makes it scroll.
                 const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                   (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().replace(/\\s+/g, '.') : '');
                 const out = [];
                 for (const e of document.querySelectorAll('body *')) {
                   if (e.getBoundingClientRect().right >= page - 1) { out.push(name(e)); }
                 }
                 const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                 for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                   const range = document.createRange();
                   range.selectNodeContents(t);
                   if (range.getBoundingClientRect().right >= page - 1) {
                     out.push('text ' + JSON.stringify(t.textContent.trim().slice(0, 40)) + ' in ' + name(t.parentElement));
                   }
                 }
                 return [w, document.documentElement.scrollWidth, out.slice(0, 10)];",
            )
            .await;
        let overflow = overflow.as_array().cloned().unwrap_or_default();
        assert!(
            overflow.is_empty(),
            "{} scrolls sideways: window {} px, page {} px, reaching the right edge: {}",
            self.path().await,
            overflow[0],
            overflow[1],
            overflow[2]
        );
    }

    /// Saves a screenshot of the window to docs/screenshots/NAME.png when CONVOCA_SCREENSHOTS=1.
    pub async fn screenshot(&self, name: &str) {
        if !screenshots_wanted() {
            return;
        }
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join("screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Runs axe-core on the page shown; returns its violations of WCAG 2.x A and AA.
    pub async fn axe(&self) -> Vec<Violation> {
        let source = axe_source();
        let loaded = self.execute("return typeof window.axe;").await;
        if loaded != json!("object") {
            // WebDriver runs this outside the page's Content-Security-Policy (which forbids
            // inline script): the file's text is the body of the injected function.
            self.client.execute(source, vec![]).await.expect("inject axe-core");
            let loaded = self.execute("return typeof window.axe;").await;
            assert_eq!(loaded, json!("object"), "axe-core did not load into {}", self.path().await);
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {
                   runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                   resultTypes: ['violations', 'incomplete']
                 }).then(r => done({ incomplete: r.incomplete.map(v => v.id + ' (' + v.nodes.length + ')'), violations: r.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary || '' }))
                   })) }),
                   e => done({ error: String(e) }));",
                vec![],
            )
            .await
            .expect("run axe");
        if let Some(error) = result.get("error") {
            panic!("axe-core failed on {}: {error}", self.path().await);
        }
        if std::env::var_os("CONVOCA_AXE_INCOMPLETE").is_some() {
            eprintln!("axe could not decide on {}: {}", self.path().await, result["incomplete"]);
        }
        serde_json::from_value(result["violations"].clone()).expect("axe results")
    }

    /// Whether an element matching `css` is on the page.
    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// The computed `display` of each of `selectors` once the page's print rules apply: every
    /// rule inside an `@media print` block is copied into the screen's style sheet (through the
    /// CSSOM, which the Content-Security-Policy allows), so the browser computes the printed page.
    pub async fn printed_display(&self, selectors: &[&str]) -> Vec<String> {
        let script = r#"
            const printed = [];
            for (const sheet of document.styleSheets)
              for (const rule of sheet.cssRules)
                if (rule instanceof CSSMediaRule && rule.media.mediaText.includes('print'))
                  for (const inner of rule.cssRules) printed.push(inner.cssText);
            const target = document.styleSheets[0];
            for (const text of printed) target.insertRule(text, target.cssRules.length);
            return arguments[0].map(s => {
              const el = document.querySelector(s);
              return el ? getComputedStyle(el).display : 'missing';
            });
        "#;
        let value =
            self.client.execute(script, vec![serde_json::json!(selectors)]).await.expect("print rules");
        serde_json::from_value(value).expect("a list of display values")
    }
}

async fn connect(port: u16, capabilities: serde_json::Map<String, Value>, log: &Path) -> Client {
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::native().capabilities(capabilities.clone()).connect(&url).await {
            Ok(client) => return client,
            Err(e) if Instant::now() < deadline => {
                // Not listening yet, most likely; anything else shows up at the deadline.
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                let tail: String = log
                    .lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                panic!("cannot start a Chromium session through chromedriver: {e}\n{INSTALL_HINT}\n{tail}");
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session first (also when the test failed), so that chromedriver closes
        // Chromium and reaps its processes; then whatever is left of the process group.
        if let Some(session) = &self.session {
            end_session(self.driver_port, session);
        }
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `DELETE /session/ID` to chromedriver, blocking (a `Drop` cannot wait for a future).
fn end_session(port: u16, session: &str) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

/// One axe-core rule broken on a page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ViolationNode {
    pub target: String,
    pub summary: String,
}

impl Violation {
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

/// axe-core's browser bundle, installed by `npm ci` in tests/browser.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = axe_path();
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}. The accessibility tests need axe-core: run `npm ci` in tests/browser \
                 (or run scripts/test)",
                path.display()
            )
        })
    })
}

/// Whitespace collapsed, as a person reads it; also drops Fluent's invisible isolation marks.
pub fn clean(text: &str) -> String {
    text.replace(['\u{2068}', '\u{2069}'], "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` as an XPath string literal (which has no escapes).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
