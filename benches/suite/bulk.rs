//! Registrations and their mail in bulk: `INSERT ... SELECT` from a generated series of row
//! numbers (`generate_series` on PostgreSQL, a recursive CTE on SQLite, whose library has no
//! `generate_series`), a few hundred thousand rows per statement. Every value is a function of
//! the row number `n`, so each run seeds the same shapes, and every row is one the app could
//! have written: UUID v7-shaped text ids, statuses and kinds from the domain's words, country
//! codes, `YYYY-MM-DD HH:MM:SS` timestamps.
//!
//! Rows `0..spread` go round the sessions (`n % sessions`), as registrations arrive in a live
//! network; rows `spread..spread + export` go to the export session. Each registration has its
//! sent confirmation request; each one in the sessions also the message that followed (sent,
//! but one in a hundred failed for good and one in a hundred waiting for a retry later). The
//! due set: one reminder per confirmed registrant of one session, queued a minute ago, as the
//! scheduler leaves it for the worker.

use chrono::{Duration, NaiveDateTime};
use convoca::db::AnyConnection;
use diesel::prelude::*;

/// Rows per statement: large enough that statement overhead vanishes, small enough that
/// PostgreSQL's queue of deferred foreign-key checks stays a few megabytes.
const CHUNK: u64 = 200_000;

/// A session the rows can belong to, by position (the export session last).
pub struct SessionSlot {
    pub id: String,
    pub starts_at: NaiveDateTime,
}

/// What to write.
pub struct Plan<'a> {
    /// The sessions registrations go round, then the export session.
    pub sessions: &'a [SessionSlot],
    /// Organisations registrants belong to: (id, country code).
    pub organisations: &'a [(String, &'static str)],
    pub spread: u64,
    pub export: u64,
    pub outbox: bool,
    /// Whose confirmed registrants have a reminder due (an index into `sessions`).
    pub due_session: usize,
    pub now: NaiveDateTime,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub registrations: usize,
    pub outbox: usize,
    pub due: usize,
}

pub const FIRST: [&str; 12] =
    ["Ana", "José", "Zoë", "Kwame", "Mei", "Arjun", "Siti", "Reza", "Chloé", "Thabo", "Lucía", "Min-jun"];
pub const LAST: [&str; 12] = [
    "García", "Nguyen", "Mensah", "Okafor", "Dubois", "Kim", "Sharma", "Rahimi", "Silva", "Müller",
    "Dlamini", "O'Brien",
];
pub const LANGUAGES: [&str; 3] = ["en", "fr", "es"];
pub const ZONES: [&str; 6] = [
    "Europe/Paris",
    "America/Mexico_City",
    "Africa/Johannesburg",
    "Asia/Seoul",
    "America/Sao_Paulo",
    "Asia/Kolkata",
];
pub const COUNTRY_CODES: [&str; 16] =
    ["AR", "BE", "BR", "CN", "FR", "GH", "IN", "ID", "IR", "MX", "NP", "KR", "ZA", "ES", "GB", "UY"];

/// The SQL that differs between the engines.
#[derive(Clone, Copy)]
struct Dialect {
    pg: bool,
}

fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

impl Dialect {
    fn at(self, value: NaiveDateTime) -> String {
        let text = value.format("%Y-%m-%d %H:%M:%S").to_string();
        if self.pg { format!("TIMESTAMP '{text}'") } else { format!("'{text}'") }
    }

    fn plus_minutes(self, at: &str, minutes: &str) -> String {
        if self.pg {
            format!("({at} + ({minutes}) * INTERVAL '1 minute')")
        } else {
            format!("datetime({at}, ({minutes}) || ' minutes')")
        }
    }

    fn least(self, a: &str, b: &str) -> String {
        if self.pg { format!("LEAST({a}, {b})") } else { format!("min({a}, {b})") }
    }

    /// A UUID v7-shaped id: `millis` in the time field (so ids sort by it), `n` in the rest.
    fn uuid(self, millis: &str, n: &str) -> String {
        let parts = [
            (format!("({millis}) >> 16"), 8),
            (format!("({millis}) & 65535"), 4),
            (format!("({n}) & 4095"), 3),
            (format!("32768 | ((({n}) >> 12) & 16383)"), 4),
            (format!("(({n}) * 2654435761) % 281474976710656"), 12),
        ];
        if self.pg {
            let hex: Vec<String> =
                parts.iter().map(|(value, width)| format!("lpad(to_hex({value}), {width}, '0')")).collect();
            format!(
                "({} || '-' || {} || '-7' || {} || '-' || {} || '-' || {})",
                hex[0], hex[1], hex[2], hex[3], hex[4]
            )
        } else {
            let values: Vec<&str> = parts.iter().map(|(value, _)| value.as_str()).collect();
            format!("printf('%08x-%04x-7%03x-%04x-%012x', {})", values.join(", "))
        }
    }

    /// `WITH` prefix and `FROM` item giving the row numbers `lo..hi` as `g.n`.
    fn numbers(self, lo: u64, hi: u64) -> (String, String) {
        if self.pg {
            (String::new(), format!("generate_series({lo}::bigint, {}) AS g (n)", hi.saturating_sub(1)))
        } else {
            (
                format!(
                    "WITH RECURSIVE g (n) AS (SELECT {lo} UNION ALL SELECT n + 1 FROM g WHERE n + 1 < {hi}) "
                ),
                "g".to_owned(),
            )
        }
    }
}

/// `CASE expr WHEN 0 THEN 'a' WHEN 1 THEN 'b' ... END`.
fn pick(expr: &str, words: &[&str]) -> String {
    let arms: String =
        words.iter().enumerate().map(|(i, word)| format!(" WHEN {i} THEN {}", quote(word))).collect();
    format!("CASE {expr}{arms} END")
}

fn millis(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_millis()
}

/// The `FROM` part that gives each row number its registration's values as `r.*`: n, id,
/// session_id, past, org_id, org_code, h (a hash of n), roll (0..100), status, created_at.
fn registration_rows(d: Dialect, plan: &Plan, lo: u64, hi: u64) -> (String, String) {
    let (with, numbers) = d.numbers(lo, hi);
    let sessions = plan.sessions.len() as u64 - 1;
    let organisations = plan.organisations.len().max(1);
    let base = millis(plan.now - Duration::days(2));
    let id = d.uuid(&format!("{base} + b.n"), "b.n");
    let created_at =
        d.least(&d.plus_minutes("b.starts_at", "-(60 + b.h % 43200)"), &d.at(plan.now - Duration::hours(2)));
    let status = "CASE WHEN c.past = 1 THEN 'confirmed' WHEN c.roll < 70 THEN 'confirmed' \
                  WHEN c.roll < 80 THEN 'pending' WHEN c.roll < 90 THEN 'waitlisted' ELSE 'cancelled' END";
    let from = format!(
        "(SELECT c.*, {status} AS status FROM \
           (SELECT b.n, {id} AS id, b.session_id, b.past, b.org_id, b.org_code, b.h, (b.h >> 8) % 100 AS roll, \
                   {created_at} AS created_at FROM \
             (SELECT g.n AS n, s.id AS session_id, s.starts_at AS starts_at, s.past AS past, o.id AS org_id, \
                     o.code AS org_code, (g.n * 2654435761) % 4294967296 AS h \
              FROM {numbers} \
              JOIN bulk_sessions s ON s.idx = CASE WHEN g.n < {spread} THEN g.n % {sessions} ELSE {sessions} END \
              JOIN bulk_organisations o ON o.idx = g.n % {organisations}) AS b) AS c) AS r",
        spread = plan.spread,
    );
    (with, from)
}

fn insert_registrations(
    conn: &mut AnyConnection,
    d: Dialect,
    plan: &Plan,
    lo: u64,
    hi: u64,
) -> QueryResult<usize> {
    let (with, rows) = registration_rows(d, plan, lo, hi);
    let name =
        format!("{} || ' ' || {} || ' ' || r.n", pick("r.n % 12", &FIRST), pick("(r.n / 12) % 12", &LAST));
    let email = "'official' || r.n || '@city' || (r.n % 97) || '.example.org'";
    let own = "r.roll % 5 = 0";
    let five_later = d.plus_minutes("r.created_at", "5");
    let day_later = d.plus_minutes("r.created_at", "1440");
    let sql = format!(
        "INSERT INTO registrations (id, session_id, status, name, email, email_normalized, organisation_id, \
           organisation_other, position, country, language, timezone, needs, consent_at, consent_version, \
           newsletter, created_at, updated_at, confirmed_at, waitlisted_at, cancelled_at, attended) \
         {with}SELECT r.id, r.session_id, r.status, {name}, {email}, {email}, \
           CASE WHEN {own} THEN NULL ELSE r.org_id END, \
           CASE WHEN {own} THEN 'Ministry of Urban Affairs' END, \
           'Policy officer', \
           CASE WHEN {own} THEN {country} ELSE r.org_code END, \
           {language}, {zone}, \
           CASE WHEN r.roll % 10 = 3 THEN 'Sign language interpretation' ELSE '' END, \
           r.created_at, {consent}, r.roll % 3 = 0, r.created_at, r.created_at, \
           CASE WHEN r.status <> 'pending' THEN {five_later} END, \
           CASE WHEN r.status = 'waitlisted' THEN {five_later} END, \
           CASE WHEN r.status = 'cancelled' THEN {day_later} END, \
           CASE WHEN r.past = 1 THEN r.roll % 4 <> 0 END \
         FROM {rows}",
        country = pick("r.n % 16", &COUNTRY_CODES),
        language = pick("r.n % 3", &LANGUAGES),
        zone = pick("r.n % 6", &ZONES),
        consent = quote(convoca::domain::CONSENT_VERSION),
    );
    diesel::sql_query(sql).execute(conn)
}

const OUTBOX_COLUMNS: &str = "id, kind, registration_id, dedupe_key, payload, status, attempts, next_attempt_at, \
                              locked_until, last_error, message_id, sent_at, created_at, failed_at";

/// Each registration's confirmation request, sent when it registered.
fn insert_confirm_requests(
    conn: &mut AnyConnection,
    d: Dialect,
    plan: &Plan,
    lo: u64,
    hi: u64,
) -> QueryResult<usize> {
    let (with, rows) = registration_rows(d, plan, lo, hi);
    let base = millis(plan.now - Duration::days(1));
    let id = d.uuid(&format!("{base} + 2 * r.n"), "2 * r.n");
    let sql = format!(
        "INSERT INTO outbox ({OUTBOX_COLUMNS}) {with}SELECT m.id, 'confirm_request', m.registration_id, \
           'confirm_request:' || m.registration_id || ':' || m.created_at, '{{}}', 'sent', 1, m.created_at, \
           NULL, NULL, '<' || m.id || '@bench.example.org>', m.created_at, m.created_at, NULL \
         FROM (SELECT {id} AS id, r.id AS registration_id, r.created_at FROM {rows}) AS m"
    );
    diesel::sql_query(sql).execute(conn)
}

/// The message that followed in the sessions: the seat, the waiting list, the cancellation,
/// or (still pending) the form sent again. One in a hundred failed for good, one in a hundred
/// waits for a retry later today.
fn insert_follow_ups(
    conn: &mut AnyConnection,
    d: Dialect,
    plan: &Plan,
    lo: u64,
    hi: u64,
) -> QueryResult<usize> {
    let (with, rows) = registration_rows(d, plan, lo, hi);
    let base = millis(plan.now - Duration::days(1));
    let id = d.uuid(&format!("{base} + 2 * r.n + 1"), "2 * r.n + 1");
    let at = d.plus_minutes("r.created_at", "5");
    let failed_at = d.plus_minutes("m.at", "30");
    let retry_at = d.plus_minutes(&d.at(plan.now), "60 + m.h % 600");
    let sql = format!(
        "INSERT INTO outbox ({OUTBOX_COLUMNS}) {with}SELECT m.id, m.kind, m.registration_id, \
           m.kind || ':' || m.registration_id || ':' || m.at, '{{}}', m.state, \
           CASE m.state WHEN 'failed' THEN 5 WHEN 'queued' THEN 2 ELSE 1 END, \
           CASE WHEN m.state = 'queued' THEN {retry_at} ELSE m.at END, NULL, \
           CASE m.state WHEN 'failed' THEN '550 5.1.1 mailbox unavailable' \
             WHEN 'queued' THEN '421 4.7.0 try again later' END, \
           CASE WHEN m.state = 'sent' THEN '<' || m.id || '@bench.example.org>' END, \
           CASE WHEN m.state = 'sent' THEN m.at END, m.at, \
           CASE WHEN m.state = 'failed' THEN {failed_at} END \
         FROM (SELECT {id} AS id, r.id AS registration_id, r.h, {at} AS at, \
             CASE r.status WHEN 'confirmed' THEN 'registered' WHEN 'waitlisted' THEN 'waitlisted' \
               WHEN 'cancelled' THEN 'cancelled' ELSE 'already_registered' END AS kind, \
             CASE r.h % 100 WHEN 98 THEN 'failed' WHEN 99 THEN 'queued' ELSE 'sent' END AS state \
           FROM {rows}) AS m"
    );
    diesel::sql_query(sql).execute(conn)
}

/// The day-before reminder of one session, queued a minute ago for each confirmed registrant.
fn insert_due_reminders(conn: &mut AnyConnection, d: Dialect, plan: &Plan) -> QueryResult<usize> {
    let session = &plan.sessions[plan.due_session];
    let queued = plan.now - Duration::minutes(1);
    let base = millis(queued);
    let id = d.uuid(&format!("{base} + x.k"), "x.k + 16777216");
    let sql = format!(
        "INSERT INTO outbox ({OUTBOX_COLUMNS}) SELECT {id}, 'reminder', x.id, \
           'reminder:' || x.id || ':1440:1', '{{\"offset\":1440,\"version\":1}}', 'queued', 0, {queued}, \
           NULL, NULL, NULL, NULL, {queued}, NULL \
         FROM (SELECT r.id, ROW_NUMBER() OVER (ORDER BY r.id) AS k FROM registrations r \
               WHERE r.session_id = {session} AND r.status = 'confirmed' AND r.reminders_opt_out = {no}) AS x",
        queued = d.at(queued),
        session = quote(&session.id),
        no = if d.pg { "FALSE" } else { "0" },
    );
    diesel::sql_query(sql).execute(conn)
}

/// Writes the registrations and the outbox of `plan`, inside the caller's transaction.
pub fn load(conn: &mut AnyConnection, plan: &Plan) -> anyhow::Result<Written> {
    anyhow::ensure!(plan.sessions.len() >= 2, "bulk: at least one session and the export session");
    let d = Dialect { pg: matches!(conn, AnyConnection::Postgresql(_)) };
    diesel::sql_query(
        "CREATE TEMPORARY TABLE bulk_sessions (idx INTEGER PRIMARY KEY NOT NULL, id TEXT NOT NULL, \
         starts_at TIMESTAMP NOT NULL, past INTEGER NOT NULL)",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TEMPORARY TABLE bulk_organisations (idx INTEGER PRIMARY KEY NOT NULL, id TEXT NOT NULL, \
         code TEXT NOT NULL)",
    )
    .execute(conn)?;
    let values: Vec<String> = plan
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!("({i}, {}, {}, {})", quote(&s.id), d.at(s.starts_at), u8::from(s.starts_at < plan.now))
        })
        .collect();
    diesel::sql_query(format!(
        "INSERT INTO bulk_sessions (idx, id, starts_at, past) VALUES {}",
        values.join(", ")
    ))
    .execute(conn)?;
    let values: Vec<String> = plan
        .organisations
        .iter()
        .enumerate()
        .map(|(i, (id, code))| format!("({i}, {}, {})", quote(id), quote(code)))
        .collect();
    diesel::sql_query(format!("INSERT INTO bulk_organisations (idx, id, code) VALUES {}", values.join(", ")))
        .execute(conn)?;

    // PostgreSQL: the row trigger that raises `content_version` for each confirmed registration
    // updates one row once per registration, and each update of a row already updated in the
    // same transaction walks the chain of its versions: quadratic over a bulk load. The triggers
    // are off during the load, and the version is raised once after it.
    if d.pg {
        diesel::sql_query("ALTER TABLE registrations DISABLE TRIGGER USER").execute(conn)?;
    }
    let total = plan.spread + plan.export;
    let mut written = Written::default();
    let mut lo = 0;
    while lo < total {
        let hi = (lo + CHUNK).min(total);
        written.registrations += insert_registrations(conn, d, plan, lo, hi)?;
        if plan.outbox {
            written.outbox += insert_confirm_requests(conn, d, plan, lo, hi)?;
            if lo < plan.spread {
                written.outbox += insert_follow_ups(conn, d, plan, lo, hi.min(plan.spread))?;
            }
        }
        lo = hi;
    }
    if d.pg {
        diesel::sql_query("ALTER TABLE registrations ENABLE TRIGGER USER").execute(conn)?;
        diesel::sql_query("UPDATE content_version SET version = version + 1 WHERE id = 1").execute(conn)?;
    }
    if plan.outbox {
        written.due = insert_due_reminders(conn, d, plan)?;
        written.outbox += written.due;
    }
    diesel::sql_query("DROP TABLE bulk_sessions").execute(conn)?;
    diesel::sql_query("DROP TABLE bulk_organisations").execute(conn)?;
    Ok(written)
}
