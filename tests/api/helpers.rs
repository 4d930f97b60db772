//! The test harness: the real app on port 0 with a fresh database per test (SQLite file, or
//! a throwaway PostgreSQL database when TEST_DATABASE_URL is set), a real SMTP server on
//! 127.0.0.1 inside the test, a cookie-keeping client, and a clock the test moves.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use convoca::clock::Clock;
use convoca::config::{Inputs, RawSettings, Settings, Source};
use convoca::db::content_watch::ContentWatch;
use convoca::db::models::{Session, new_id};
use convoca::db::{AnyConnection, DbPool};
use convoca::jobs::Worker;
use convoca::startup::{Application, ServeOptions};
use diesel::prelude::*;
use mail_parser::MimeHeaders;
use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// Which database engine a test runs on.
#[derive(Debug, Clone)]
pub enum Engine {
    Sqlite,
    /// The URL of a PostgreSQL database we may create other databases from.
    Postgres(String),
}

impl Engine {
    /// PostgreSQL when TEST_DATABASE_URL is set (CI sets it), else `None`.
    pub fn postgres() -> Option<Engine> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Engine::Postgres(url)),
            _ => {
                // Once per run, on the terminal itself (the harness hides a passing test's output).
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "\nSKIPPED: the PostgreSQL half of every test, because TEST_DATABASE_URL is not set \
                         (scripts/test sets it, and starts PostgreSQL)\n"
                    );
                });
                None
            }
        }
    }
}

/// Generates one test per engine from an `async fn(Engine)` body.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Engine::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(engine) = $crate::helpers::Engine::postgres() {
                        super::$name(engine).await;
                    }
                }
            }
        )*
    };
}

/// A throwaway PostgreSQL database, dropped with the test.
struct PgTestDb {
    admin_url: String,
    name: String,
}

impl PgTestDb {
    fn create(admin_url: &str) -> (Self, String) {
        let name = format!("convoca_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = diesel::PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let mut url = url::Url::parse(admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        (Self { admin_url: admin_url.to_owned(), name }, url.to_string())
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .execute(&mut admin);
        }
    }
}

/// One message as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl ReceivedMail {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a parsable message")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        self.parsed().body_text(0).map(|t| t.into_owned()).unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed().body_html(0).map(|t| t.into_owned()).unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = self.parsed();
        parsed.header_raw(name).map(|v| v.trim().to_owned())
    }

    /// The iMIP calendar part (RFC 6047: `text/calendar` with a `method` parameter), wherever
    /// it sits, with that method; [`ReceivedMail::mime_tree`] tells where.
    pub fn calendar(&self) -> Option<(String, String)> {
        let parsed = self.parsed();
        parsed.parts.iter().find_map(|part| {
            let ct = part.content_type()?;
            let full = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
            if !full.eq_ignore_ascii_case("text/calendar") {
                return None;
            }
            let method = ct.attribute("method")?.to_owned();
            Some((String::from_utf8_lossy(part.contents()).into_owned(), method))
        })
    }

    /// The `invite.ics` file attached, if any.
    pub fn calendar_file(&self) -> Option<String> {
        let parsed = self.parsed();
        parsed.parts.iter().find_map(|part| {
            let disposition = part.content_disposition()?;
            (disposition.is_attachment() && disposition.attribute("filename") == Some("invite.ics"))
                .then(|| String::from_utf8_lossy(part.contents()).into_owned())
        })
    }

    /// The MIME structure as received, one part a line, indented by depth: its type (with a
    /// `method` parameter when it has one) and, for an attachment, `attachment <filename>`.
    pub fn mime_tree(&self) -> Vec<String> {
        fn walk(message: &mail_parser::Message<'_>, id: u32, depth: usize, out: &mut Vec<String>) {
            let Some(part) = message.part(id) else { return };
            let mut line = "  ".repeat(depth);
            if let Some(ct) = part.content_type() {
                line.push_str(&format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()).to_lowercase());
                if let Some(method) = ct.attribute("method") {
                    line.push_str(&format!("; method={method}"));
                }
            } else {
                line.push_str("text/plain");
            }
            if let Some(d) = part.content_disposition().filter(|d| d.is_attachment()) {
                line.push_str(&format!(" attachment {}", d.attribute("filename").unwrap_or_default()));
            }
            out.push(line);
            if let mail_parser::PartType::Multipart(children) = &part.body {
                for child in children {
                    walk(message, *child, depth + 1, out);
                }
            }
        }
        let parsed = self.parsed();
        let mut out = Vec::new();
        walk(&parsed, 0, 0, &mut out);
        out
    }

    /// The first link in the text body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        let rest = &text[start..];
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '"').unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }
}

#[derive(Clone, Default)]
struct SmtpState {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    /// Answers to give to the next RCPT commands instead of OK (to simulate failures).
    rcpt_answers: Arc<Mutex<VecDeque<Response>>>,
    sessions: Arc<Mutex<usize>>,
    /// Connections opened up to this one (by their EHLO's number, from 1) answer their next
    /// MAIL command 421, which closes them: a server dropping the connections it kept open.
    close_up_to: Arc<Mutex<usize>>,
}

#[derive(Clone)]
struct SmtpHandler {
    /// The state of the test that holds the server now (a server serves one test at a time and
    /// is then handed to the next, see [`MailServer::start`]).
    slot: Arc<Mutex<SmtpState>>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    rejected: bool,
    /// This connection's number among the test's SMTP sessions (0 before its EHLO).
    session: usize,
}

impl SmtpHandler {
    fn state(&self) -> SmtpState {
        self.slot.lock().expect("lock").clone()
    }
}

impl Handler for SmtpHandler {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        let state = self.state();
        let mut sessions = state.sessions.lock().expect("lock");
        *sessions += 1;
        self.session = *sessions;
        OK
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        if self.session > 0 && self.session <= *self.state().close_up_to.lock().expect("lock") {
            return mailin_embedded::response::NO_SERVICE;
        }
        OK
    }

    fn rcpt(&mut self, _to: &str) -> Response {
        match self.state().rcpt_answers.lock().expect("lock").pop_front() {
            Some(answer) => {
                self.rejected = true;
                answer
            }
            None => OK,
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.state().received.lock().expect("lock").push(ReceivedMail {
            from: std::mem::take(&mut self.from),
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        });
        OK
    }
}

/// A real SMTP server on 127.0.0.1, in threads of the test process.
#[derive(Clone)]
pub struct MailServer {
    pub port: u16,
    state: SmtpState,
    /// Hands the running server to the next test when the last clone of this one goes.
    _lease: Arc<Lease>,
}

/// A running server (its port and the slot its handlers read the current test's state from).
struct Running {
    port: u16,
    slot: Arc<Mutex<SmtpState>>,
}

/// Servers no test holds now. mailin's server cannot be stopped and starts all its threads at
/// once, so one server per test added up, over the suite, to the process's limit of memory maps
/// (vm.max_map_count: 65,530 here) and the test binary aborted. A test takes an idle server and
/// gives it back when it ends: the suite runs as many servers as tests run at once.
static IDLE: Mutex<Vec<Running>> = Mutex::new(Vec::new());

struct Lease(Option<Running>);

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(running) = self.0.take() {
            // The next test's state replaces this one's when it takes the server.
            IDLE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(running);
        }
    }
}

impl MailServer {
    /// A server on a free port: an idle one, with a fresh state, or a new one.
    pub fn start() -> Self {
        let idle = IDLE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let running = idle.unwrap_or_else(|| Self::run(0));
        let state = SmtpState::default();
        *running.slot.lock().expect("lock") = state.clone();
        Self { port: running.port, state, _lease: Arc::new(Lease(Some(running))) }
    }

    /// Starts on a given port, e.g. one the app was told about earlier (never handed on: the
    /// port was the test's choice).
    pub fn start_on(port: u16) -> Self {
        let running = Self::run(port);
        let state = running.slot.lock().expect("lock").clone();
        Self { port: running.port, state, _lease: Arc::new(Lease(None)) }
    }

    fn run(port: u16) -> Running {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP port");
        let port = listener.local_addr().expect("addr").port();
        let slot = Arc::new(Mutex::new(SmtpState::default()));
        let handler = SmtpHandler {
            slot: slot.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
            rejected: false,
            session: 0,
        };
        let mut server = Server::new(handler);
        // One thread per open SMTP connection: an app keeps at most CONVOCA_SMTP_CONCURRENCY (8)
        // open, so a test with two instances and workers needs a few dozen.
        server.with_name("smtp.test").with_num_threads(48).with_tcp_listener(listener);
        server.with_ssl(SslConfig::None).expect("no TLS");
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Running { port, slot }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.state.received.lock().expect("lock").clone()
    }

    pub fn to(&self, address: &str) -> Vec<ReceivedMail> {
        self.received().into_iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address))).collect()
    }

    /// How many SMTP sessions (EHLO) were opened.
    pub fn sessions(&self) -> usize {
        *self.state.sessions.lock().expect("lock")
    }

    /// The connections open now answer their next MAIL command "421 closing connection" and
    /// are closed, as a server does when it drops the connections kept open; the connections
    /// opened after this call are served.
    pub fn close_open_connections_at_next_mail(&self) {
        *self.state.close_up_to.lock().expect("lock") = self.sessions();
    }

    /// The next `answers.len()` recipients get these answers instead of OK.
    pub fn answer_next_recipients(&self, answers: Vec<Response>) {
        self.state.rcpt_answers.lock().expect("lock").extend(answers);
    }
}

pub struct TestApp {
    pub address: String,
    /// The metrics listener (`CONVOCA_METRICS_BIND`, on a port of its own in tests), e.g.
    /// `http://127.0.0.1:4321`; none when a test turned it off.
    pub metrics_address: Option<String>,
    pub pool: DbPool,
    pub clock: Clock,
    pub worker: Worker,
    pub mail: Option<MailServer>,
    pub settings: Arc<Settings>,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    /// What this instance's page cache knows of the content version.
    pub content_watch: Arc<ContentWatch>,
    _pg: Option<PgTestDb>,
}

pub struct Options {
    /// Registrations allowed per client address per hour (tests all come from 127.0.0.1).
    pub registration_limit: u32,
    pub demo: bool,
    pub smtp: bool,
    /// Point the app at this SMTP port without starting a server there (a server that is down).
    pub smtp_port: Option<u16>,
    /// `CONVOCA_TRUSTED_PROXIES`: with "127.0.0.1", a test speaks as any client through
    /// `X-Forwarded-For`.
    pub trusted_proxies: Option<&'static str>,
    /// More settings, by environment variable name (e.g. `CONVOCA_DKIM_KEY_FILE`).
    pub settings: Vec<(&'static str, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            registration_limit: 100_000,
            demo: false,
            smtp: true,
            smtp_port: None,
            trusted_proxies: None,
            settings: Vec::new(),
        }
    }
}

/// A port on 127.0.0.1 with nothing listening (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The fixed "now" of tests unless they move the clock.
pub fn test_now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(0)
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        Self::spawn_with(engine, Options::default()).await
    }

    pub async fn spawn_with(engine: Engine, options: Options) -> Self {
        let data_dir = tempfile::tempdir().expect("tempdir");
        let (database_url, pg) = match &engine {
            Engine::Sqlite => (data_dir.path().join("test.db").to_string_lossy().into_owned(), None),
            Engine::Postgres(admin) => {
                let (db, url) = PgTestDb::create(admin);
                (url, Some(db))
            }
        };
        let mail = (options.smtp && options.smtp_port.is_none()).then(MailServer::start);
        let smtp_url = match options.smtp_port {
            Some(port) => Some(format!("smtp://127.0.0.1:{port}")),
            None => mail.as_ref().map(MailServer::url),
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind app port");
        let port = listener.local_addr().expect("addr").port();
        let address = format!("http://127.0.0.1:{port}");
        let raw = RawSettings {
            database_url: Some(database_url.clone()),
            bind: Some(format!("127.0.0.1:{port}")),
            base_url: Some(address.clone()),
            data_dir: Some(data_dir.path().to_string_lossy().into_owned()),
            smtp_url,
            mail_from: Some("Metropolis webinars <webinars@convoca.test>".into()),
            secret_key: Some("test-secret-key-that-is-long-enough-0123456789".into()),
            smtp_concurrency: Some(
                options
                    .settings
                    .iter()
                    .find(|(name, _)| *name == "CONVOCA_SMTP_CONCURRENCY")
                    .map_or_else(|| "8".to_owned(), |(_, value)| value.clone()),
            ),
            metrics_token: None,
            retention_days: None,
            trusted_proxies: options.trusted_proxies.map(str::to_owned),
            registration_limit: Some(options.registration_limit.to_string()),
            organizer_email: Some("secretariat@convoca.test".into()),
        };
        let mut extra = options.settings;
        // Every test app has its own metrics listener, on a port of its own.
        extra.push(("CONVOCA_METRICS_BIND", "127.0.0.1:0".into()));
        let inputs = Inputs::from(raw).fill(Source::Program, |s| {
            extra.iter().find(|(name, _)| *name == s.env).map(|(_, value)| value.clone())
        });
        let settings = Settings::load(&inputs).expect("settings");
        let clock = Clock::fixed(test_now());
        let app_options = ServeOptions {
            worker: false,
            demo: options.demo,
            clock: clock.clone(),
            pool: convoca::db::PoolSettings { max_size: 24, ..Default::default() },
        };
        let app =
            Application::build_with_listener(settings, app_options, listener).await.expect("app starts");
        let pool = app.pool.clone();
        let worker = app.worker.clone();
        let settings = app.settings.clone();
        let metrics_address = app.metrics_address.map(|a| format!("http://{a}"));
        let content_watch = app.content_watch.clone();
        tokio::spawn(app.into_server());
        Self {
            address,
            metrics_address,
            pool,
            clock,
            worker,
            mail,
            settings,
            data_dir,
            database_url,
            content_watch,
            _pg: pg,
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.address) }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests check them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }

    /// Delivers every due email now.
    pub async fn deliver_mail(&self) -> usize {
        self.worker.run_until_idle().await.expect("worker runs")
    }

    /// Runs a database function (for setting up and checking state directly). Its writes show
    /// on this instance's next page as a request's would (on SQLite the connection's trigger
    /// tells the page cache; on PostgreSQL this does, as the app does after a request).
    pub async fn db<T, F>(&self, f: F) -> T
    where
        F: FnOnce(&mut AnyConnection) -> T + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("connection");
            f(&mut conn)
        })
        .await
        .expect("db task");
        self.content_watch.after_request_write();
        result
    }

    /// A published session open for registration, starting in `days` days.
    pub async fn create_session(&self, slug: &str, capacity: i32, days: i64) -> Session {
        let now = self.clock.now();
        let session = Session {
            id: convoca::domain::SessionId::new(),
            series_id: None,
            slug: slug.to_owned(),
            title: format!("Webinar {slug}"),
            summary: "A test session".into(),
            description: "First paragraph.\n\nSecond paragraph.".into(),
            language: "en".into(),
            starts_at: now + chrono::Duration::days(days),
            timezone: "Europe/Paris".into(),
            duration_minutes: 90,
            capacity,
            registration_opens_at: None,
            registration_closes_at: None,
            status: convoca::domain::SessionStatus::Published,
            join_url: Some(format!("https://meet.example.org/{slug}")),
            recording_url: None,
            version: 1,
            is_demo: false,
            created_at: now,
            updated_at: now,
            reminder_offsets: convoca::db::models::DEFAULT_REMINDER_OFFSETS.into(),
            follow_up_delay_minutes: 120,
            approval_mode: convoca::domain::ApprovalMode::Automatic,
        };
        let row = session.clone();
        self.db(move |conn| {
            diesel::insert_into(convoca::db::schema::sessions::table)
                .values(&row)
                .execute(conn)
                .expect("insert session");
        })
        .await;
        session
    }

    /// A member government to pick in the form.
    pub async fn create_member(&self, name: &str, country: &str) -> String {
        let id = new_id();
        let (row_id, name, country, now) =
            (id.clone(), name.to_owned(), country.to_owned(), self.clock.now());
        self.db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            diesel::insert_into(o::organisations)
                .values((
                    o::id.eq(row_id),
                    o::name.eq(name),
                    o::kind.eq("member"),
                    o::country.eq(country),
                    o::is_demo.eq(false),
                    o::created_at.eq(now),
                ))
                .execute(conn)
                .expect("insert organisation");
        })
        .await;
        id
    }

    /// Registration status by email, for one session.
    pub async fn status_of(&self, session_id: &str, email: &str) -> Option<String> {
        let (session_id, email) = (session_id.to_owned(), email.to_lowercase());
        self.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations
                .filter(r::session_id.eq(session_id))
                .filter(r::email_normalized.eq(email))
                .select(r::status)
                .first::<String>(conn)
                .optional()
                .expect("query")
        })
        .await
    }

    pub async fn count_registrations(&self, session_id: &str, status: &str) -> i64 {
        let (session_id, status) = (session_id.to_owned(), status.to_owned());
        self.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations
                .filter(r::session_id.eq(session_id))
                .filter(r::status.eq(status))
                .count()
                .get_result::<i64>(conn)
                .expect("count")
        })
        .await
    }

    pub fn mail(&self) -> &MailServer {
        self.mail.as_ref().expect("this app has an SMTP server")
    }

    /// Adds `n` confirmed registrations (as if they had confirmed `ago` before now).
    pub async fn insert_confirmed(
        &self,
        session_id: &str,
        n: usize,
        language: &str,
        ago: chrono::Duration,
    ) -> Vec<String> {
        let (session_id, language) = (session_id.to_owned(), language.to_owned());
        let at = self.clock.now() - ago;
        self.db(move |conn| {
            use convoca::db::models::{Registration, RegistrationDetails};
            use convoca::db::schema::registrations;
            use convoca::domain::RegistrationStatus;
            (0..n)
                .map(|i| {
                    let id = new_id();
                    let email = format!("bulk{i}-{}@members.example.org", &id[id.len() - 6..]);
                    let details = RegistrationDetails {
                        organisation_other: Some("Somewhere".into()),
                        country: "ES".into(),
                        language: language.clone(),
                        ..RegistrationDetails::sample(&format!("Bulk {i}"), &email, at)
                    };
                    diesel::insert_into(registrations::table)
                        .values(&Registration {
                            status: RegistrationStatus::Confirmed,
                            confirmed_at: Some(at),
                            ..Registration::pending(&sid(&session_id), details, at)
                        })
                        .execute(conn)
                        .expect("insert registration");
                    email
                })
                .collect()
        })
        .await
    }

    /// Messages of one kind in the outbox, by status.
    pub async fn outbox_statuses(&self, kind: &str) -> Vec<String> {
        let kind = kind.to_owned();
        self.db(move |conn| {
            use convoca::db::schema::outbox::dsl as o;
            o::outbox.filter(o::kind.eq(kind)).select(o::status).load::<String>(conn).expect("outbox")
        })
        .await
    }
}

/// The CSRF token of the first form on a page.
/// The CSRF token of the confirmation page an emailed confirmation link opens (the link itself
/// changes nothing; the page's button confirms).
pub async fn confirmation_form(client: &reqwest::Client, link: &str) -> Vec<(String, String)> {
    let page = client.get(link).send().await.expect("confirmation page");
    assert_eq!(page.status(), 200, "a confirmation link opens its page");
    let html = page.text().await.expect("body");
    assert!(
        html.contains(&format!(
            "action=\"{}\"",
            link.rsplit_once("/confirm/").map(|(_, t)| format!("/confirm/{t}")).unwrap_or_default()
        )),
        "the page's button posts to the link"
    );
    vec![("csrf_token".to_owned(), csrf_token(&html))]
}

/// Follows an emailed confirmation link as a person does: opens the page, presses its button.
pub async fn confirm(client: &reqwest::Client, link: &str) -> reqwest::Response {
    let form = confirmation_form(client, link).await;
    client.post(link).form(&form).send().await.expect("confirm")
}

/// A session id a test holds as text, as the app's type.
pub fn sid(text: &str) -> convoca::domain::SessionId {
    convoca::domain::SessionId::parse(text).expect("a session id")
}

pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF token") + marker.len();
    let end = html[start..].find('"').expect("token ends") + start;
    html[start..end].to_owned()
}

/// A registration form's fields, valid unless a test changes them.
pub fn valid_form(name: &str, email: &str, organisation_id: &str) -> Vec<(String, String)> {
    [
        ("name", name),
        ("email", email),
        ("organisation", organisation_id),
        ("organisation_other", ""),
        ("position", "International relations officer"),
        ("country", "Ghana"),
        ("language", "en"),
        ("timezone", "Africa/Accra"),
        ("needs", ""),
        ("consent", "yes"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

pub fn set(form: &mut Vec<(String, String)>, key: &str, value: &str) {
    form.retain(|(k, _)| k != key);
    form.push((key.to_owned(), value.to_owned()));
}

impl TestApp {
    /// Opens the form (for its CSRF cookie and token) and submits `fields`.
    pub async fn submit_registration(
        &self,
        client: &reqwest::Client,
        slug: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let page =
            client.get(self.url(&format!("/sessions/{slug}/register"))).send().await.expect("form page");
        assert_eq!(page.status(), 200, "the registration form opens");
        let token = csrf_token(&page.text().await.expect("body"));
        let mut fields = fields.to_vec();
        fields.push(("csrf_token".into(), token));
        client.post(self.url(&format!("/sessions/{slug}/register"))).form(&fields).send().await.expect("post")
    }

    /// Registers and confirms through the emailed link; returns the manage page URL.
    pub async fn register_and_confirm(
        &self,
        slug: &str,
        name: &str,
        email: &str,
        organisation_id: &str,
    ) -> String {
        let client = self.client();
        let res = self.submit_registration(&client, slug, &valid_form(name, email, organisation_id)).await;
        assert_eq!(res.status(), 303, "a valid registration redirects");
        self.deliver_mail().await;
        let link = self
            .mail()
            .to(email)
            .iter()
            .rev()
            .find_map(|m| m.link(&format!("{}/confirm/", self.address)))
            .expect("a confirmation link was mailed");
        let res = confirm(&client, &link).await;
        assert_eq!(res.status(), 303);
        let location = res.headers()["location"].to_str().expect("location").to_owned();
        self.url(&location)
    }
}

/// The password of every organiser the tests create.
pub const ORGANISER_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Creates an organiser account (`role`: "admin" or "organiser") and signs it in through
    /// the sign-in form; returns the signed-in client.
    pub async fn sign_in(&self, role: &str) -> reqwest::Client {
        let email = format!("{role}-{}@secretariat.example.org", &new_id()[24..]);
        let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
        let (address, now, admin) = (email.clone(), self.clock.now(), role == "admin");
        self.db(move |conn| {
            convoca::db::organisers::add(conn, &address, "Test Organiser", &hash, admin, now).expect("add")
        })
        .await;
        let client = self.client();
        let page = client
            .get(self.url("/admin/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("body");
        let res = client
            .post(self.url("/admin/login"))
            .form(&[
                ("csrf_token", csrf_token(&page).as_str()),
                ("email", email.as_str()),
                ("password", ORGANISER_PASSWORD),
                ("next", "/admin"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 303, "signed in as {role}");
        client
    }

    /// The CSRF token on an organiser page (for posting its forms).
    pub async fn csrf_for(&self, client: &reqwest::Client, path: &str) -> String {
        let res = client.get(self.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 200, "{path} opens");
        csrf_token(&res.text().await.expect("body"))
    }
}

impl TestApp {
    /// A second instance of the app on the same database, SMTP server, secret and clock, as
    /// behind a load balancer. The first instance owns (and drops) the database.
    pub async fn another_instance(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("tempdir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind app port");
        let port = listener.local_addr().expect("addr").port();
        let address = format!("http://127.0.0.1:{port}");
        let raw = RawSettings {
            database_url: Some(self.database_url.clone()),
            bind: Some(format!("127.0.0.1:{port}")),
            // Links in emails name one public address whichever instance writes them.
            base_url: Some(self.address.clone()),
            data_dir: Some(data_dir.path().to_string_lossy().into_owned()),
            smtp_url: self.mail.as_ref().map(MailServer::url),
            mail_from: Some("Metropolis webinars <webinars@convoca.test>".into()),
            secret_key: Some("test-secret-key-that-is-long-enough-0123456789".into()),
            smtp_concurrency: Some("8".into()),
            metrics_token: None,
            retention_days: None,
            trusted_proxies: None,
            registration_limit: Some("100000".into()),
            organizer_email: Some("secretariat@convoca.test".into()),
        };
        let inputs = Inputs::from(raw)
            .fill(Source::Program, |s| (s.env == "CONVOCA_METRICS_BIND").then(|| "127.0.0.1:0".to_owned()));
        let settings = Settings::load(&inputs).expect("settings");
        let options = ServeOptions {
            worker: false,
            demo: false,
            clock: self.clock.clone(),
            pool: convoca::db::PoolSettings { max_size: 24, ..Default::default() },
        };
        let app =
            Application::build_with_listener(settings, options, listener).await.expect("second instance");
        let (pool, worker, settings) = (app.pool.clone(), app.worker.clone(), app.settings.clone());
        let metrics_address = app.metrics_address.map(|a| format!("http://{a}"));
        let content_watch = app.content_watch.clone();
        tokio::spawn(app.into_server());
        TestApp {
            address,
            metrics_address,
            pool,
            clock: self.clock.clone(),
            worker,
            mail: self.mail.clone(),
            settings,
            data_dir,
            database_url: self.database_url.clone(),
            content_watch,
            _pg: None,
        }
    }
}

/// The `convoca serve` binary in a process of its own, on a test app's database and with its
/// secret (so the test app's cookies and links work there too): for what must be measured
/// apart from the other tests of this process, such as its metrics or its memory.
pub struct ServedBinary {
    child: std::process::Child,
    pub address: String,
    pub metrics_address: String,
    _data_dir: tempfile::TempDir,
}

impl ServedBinary {
    pub async fn start(app: &TestApp) -> Self {
        let data_dir = tempfile::tempdir().expect("tempdir");
        let (port, metrics_port) = (free_port(), free_port());
        let address = format!("http://127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
            .args(["serve", "--no-worker", "--no-demo"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &app.database_url)
            .env("CONVOCA_DATA_DIR", data_dir.path())
            .env("CONVOCA_BIND", format!("127.0.0.1:{port}"))
            .env("CONVOCA_BASE_URL", &address)
            .env("CONVOCA_METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
            .env("CONVOCA_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn convoca");
        let served = Self {
            child,
            address,
            metrics_address: format!("http://127.0.0.1:{metrics_port}"),
            _data_dir: data_dir,
        };
        let started = std::time::Instant::now();
        loop {
            if let Ok(res) = reqwest::get(format!("{}/healthz", served.address)).await
                && res.status() == 200
            {
                return served;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "convoca serve answers /healthz");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Its resident memory, in bytes (`VmRSS` of /proc/PID/status).
    pub fn resident_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kb * 1024
    }
}

impl Drop for ServedBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
