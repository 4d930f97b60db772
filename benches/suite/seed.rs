//! The data set, written through the library's pool in one transaction: sessions, speakers and
//! organisations with multi-row `INSERT`s (plain SQL that both engines accept: quoted text,
//! `TRUE`/`FALSE`, timestamps as `'YYYY-MM-DD HH:MM:SS'`), registrations and their mail with
//! `INSERT ... SELECT` over generated row numbers (`bulk.rs`). Columns added later with a
//! default keep it; only the columns named here are written.

use chrono::{Duration, NaiveDateTime};
use convoca::db::{AnyConnection, organisers, write_tx};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::bulk::{self, FIRST, LANGUAGES, LAST, ZONES};

/// How much to seed.
#[derive(Debug, Clone)]
pub struct Sizes {
    pub sessions: usize,
    pub speakers_per_session: usize,
    pub organisations: usize,
    /// Spread over the sessions (the hot one included).
    pub registrations: usize,
    /// In one more (past) session, whose CSV export is timed.
    pub export_rows: usize,
    /// One sent confirmation email in the outbox per registration, as a live database has.
    pub outbox_history: bool,
}

/// What the benchmarks need to know about the seeded data.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub hot_slug: String,
    pub export_id: String,
    pub export_rows: usize,
    /// A member government from the list, chosen on the registration form.
    pub organisation_id: String,
    /// The signed-in organiser's cookie value (`convoca_admin`).
    pub admin_token: String,
    pub registrations: usize,
    pub outbox: usize,
    pub speakers: usize,
    /// Reminders queued and due (the worker's next claims), for the session `due_slug`.
    pub due: usize,
    pub due_slug: String,
    /// The series of the member report timed, and how many registrations it covers.
    pub series_id: String,
    pub series_registrations: usize,
}

/// Rows per `INSERT` statement (far below both engines' limits on bound values: none are bound).
const ROWS_PER_STATEMENT: usize = 500;

/// A multi-row `INSERT` being filled; sent every [`ROWS_PER_STATEMENT`] rows.
struct Insert {
    head: String,
    rows: Vec<String>,
    written: usize,
}

impl Insert {
    fn new(table: &str, columns: &[&str]) -> Self {
        Self {
            head: format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")),
            rows: Vec::new(),
            written: 0,
        }
    }

    fn row(&mut self, conn: &mut AnyConnection, values: &[String]) -> QueryResult<()> {
        self.rows.push(format!("({})", values.join(", ")));
        if self.rows.len() >= ROWS_PER_STATEMENT {
            self.flush(conn)?;
        }
        Ok(())
    }

    fn flush(&mut self, conn: &mut AnyConnection) -> QueryResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let sql = format!("{}{}", self.head, self.rows.join(", "));
        diesel::sql_query(sql).execute(conn)?;
        self.written += self.rows.len();
        self.rows.clear();
        Ok(())
    }

    fn finish(mut self, conn: &mut AnyConnection) -> QueryResult<usize> {
        self.flush(conn)?;
        Ok(self.written)
    }
}

fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn at(value: NaiveDateTime) -> String {
    format!("'{}'", value.format("%Y-%m-%d %H:%M:%S"))
}

fn text_opt(value: Option<&str>) -> String {
    value.map(text).unwrap_or_else(|| "NULL".into())
}

fn flag(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.into()
}

fn int(value: impl std::fmt::Display) -> String {
    value.to_string()
}

/// Ids in the shape the app uses (UUID v7, text).
fn id() -> String {
    convoca::db::models::new_id()
}

const COUNTRIES: [&str; 16] = [
    "Argentina",
    "Belgium",
    "Brazil",
    "China",
    "France",
    "Ghana",
    "India",
    "Indonesia",
    "Iran",
    "Mexico",
    "Nepal",
    "Republic of Korea",
    "South Africa",
    "Spain",
    "United Kingdom",
    "Uruguay",
];

const PARAGRAPH: &str = "Metropolitan governments increasingly act beyond national borders: they sign \
    agreements with their peers, join networks, attract investment and talent, and speak for their \
    residents in international negotiations on climate, migration and public health. This session looks \
    at how they organise that work, who pays for it, and what it changes for the people who live there.";

const BIO: &str = "Has led the international relations office of a metropolitan government for a decade, \
    after years in urban planning and regional development. Writes on city diplomacy, metropolitan \
    governance and the financing of public services, and advises networks of local governments on their \
    strategies abroad.";

/// Seeds everything in one transaction. `now` is the wall clock (the server runs on it too).
pub fn seed(conn: &mut AnyConnection, sizes: &Sizes, now: NaiveDateTime) -> anyhow::Result<Seeded> {
    let password_hash = convoca::security::hash_password("bench-organiser-password")?;
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    // A bulk load into indexes far larger than the app's 1 MiB page cache per connection: this
    // connection gets 256 MiB while it seeds, then the app's setting back.
    if sqlite {
        diesel::sql_query("PRAGMA cache_size = -262144").execute(conn)?;
    }
    let seeded = write_tx(conn, |conn| seed_in_tx(conn, sizes, now, &password_hash));
    if sqlite {
        diesel::sql_query("PRAGMA cache_size = -1024").execute(conn)?;
    }
    let seeded = seeded?;
    write_tx(conn, |conn| seed_rate_events(conn, now, 20_000))?;
    // A database in service has planner statistics (autovacuum gathers them on PostgreSQL,
    // `PRAGMA optimize` on SQLite) and, on PostgreSQL, a visibility map that lets index-only
    // scans skip the table; a freshly bulk-loaded one has neither until then.
    diesel::sql_query(if sqlite { "ANALYZE" } else { "VACUUM ANALYZE" }).execute(conn)?;
    // A database in service has also written its changes out to its files; a bulk load and its
    // VACUUM leave gigabytes to write (PostgreSQL's spread checkpoint, SQLite's WAL), which would
    // otherwise be written during the measured runs that follow.
    conn.batch_execute(if sqlite { "PRAGMA wal_checkpoint(TRUNCATE)" } else { "CHECKPOINT" })?;
    Ok(seeded)
}

/// The rate events of a day in service (every registration, sign-in and form counts one,
/// kept for the limit's window): a freshly seeded database had none, so PostgreSQL, told by
/// VACUUM ANALYZE that the table was empty, planned the registration's rate count as a scan of
/// it and kept that plan while the POST run filled it (10,000 rows read per registration).
fn seed_rate_events(conn: &mut AnyConnection, now: NaiveDateTime, count: usize) -> QueryResult<usize> {
    let at = (now - Duration::minutes(30)).format("%Y-%m-%d %H:%M:%S");
    let at = if matches!(conn, AnyConnection::Postgresql(_)) {
        format!("TIMESTAMP '{at}'")
    } else {
        format!("'{at}'")
    };
    diesel::sql_query(format!(
        "WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {count}) \
         INSERT INTO rate_events (id, key, at) SELECT 'seed-' || g, 'register:seed-' || (g % 5000), {at} FROM n"
    ))
    .execute(conn)
}

fn seed_in_tx(
    conn: &mut AnyConnection,
    sizes: &Sizes,
    now: NaiveDateTime,
    password_hash: &str,
) -> anyhow::Result<Seeded> {
    anyhow::ensure!(sizes.sessions >= 2, "BENCH_SESSIONS: at least 2");

    // Organisations: four members for each partner.
    let mut organisations = Vec::new();
    let mut insert = Insert::new(
        "organisations",
        &["id", "name", "kind", "country", "focal_email", "is_demo", "created_at"],
    );
    for i in 0..sizes.organisations.max(1) {
        let kind = if i % 5 == 4 { "partner" } else { "member" };
        let country = COUNTRIES[i % COUNTRIES.len()];
        let org_id = id();
        insert.row(
            conn,
            &[
                text(&org_id),
                text(&format!(
                    "{} {} {}",
                    if kind == "member" { "City of" } else { "Partner" },
                    LAST[i % 12],
                    i
                )),
                text(kind),
                text(country),
                text_opt(Some(&format!("focal{i}@city{i}.example.org"))),
                flag(false),
                at(now - Duration::days(400)),
            ],
        )?;
        organisations.push((org_id, kind, bulk::COUNTRY_CODES[i % COUNTRIES.len()]));
    }
    insert.finish(conn)?;

    // Series: one for every ten sessions; one session in five has none.
    let series_count = sizes.sessions.div_ceil(10);
    let mut series_ids = Vec::new();
    let mut insert = Insert::new("series", &["id", "slug", "title", "description", "is_demo", "created_at"]);
    for i in 0..series_count {
        let series_id = id();
        insert.row(
            conn,
            &[
                text(&series_id),
                text(&format!("bench-series-{i}")),
                text(&format!("Metropolitan governance, part {}", i + 1)),
                text(PARAGRAPH),
                flag(false),
                at(now - Duration::days(400)),
            ],
        )?;
        series_ids.push(series_id);
    }
    insert.finish(conn)?;

    // Sessions: the first third in the past, the rest upcoming; the middle one is the hot one
    // (open for registration, the page benchmarked); one cancelled, one draft. Plus the export
    // session, in the past.
    let hot = sizes.sessions / 2;
    // The first upcoming session (tomorrow): its day-before reminders are due.
    let due_session = sizes.sessions / 3;
    let per_session = sizes.registrations.div_ceil(sizes.sessions);
    // Registrations go round the sessions: session `i` gets this many.
    let share = |i: usize| {
        sizes.registrations / sizes.sessions + usize::from(i < sizes.registrations % sizes.sessions)
    };
    let description = [PARAGRAPH; 3].join("\n\n");
    let mut sessions = Vec::new();
    let mut insert = Insert::new(
        "sessions",
        &[
            "id",
            "series_id",
            "slug",
            "title",
            "summary",
            "description",
            "language",
            "starts_at",
            "timezone",
            "duration_minutes",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "status",
            "join_url",
            "recording_url",
            "version",
            "is_demo",
            "created_at",
            "updated_at",
        ],
    );
    for i in 0..=sizes.sessions {
        let export = i == sizes.sessions;
        let starts_at = if export {
            now - Duration::days(60)
        } else {
            now + Duration::days(7 * (i as i64 - (sizes.sessions / 3) as i64)) + Duration::hours(14)
        };
        let status = match i {
            _ if i == hot || export => "published",
            _ if i == hot + 1 => "cancelled",
            _ if i == hot + 2 => "draft",
            _ => "published",
        };
        let slug = if export { "bench-export".to_owned() } else { format!("bench-session-{i}") };
        let title = if export {
            "Annual assembly of the network".to_owned()
        } else {
            format!("City diplomacy and metropolitan spaces, session {}", i + 1)
        };
        let session_id = id();
        insert.row(
            conn,
            &[
                text(&session_id),
                text_opt((i % 5 != 0).then(|| series_ids[i / 10 % series_ids.len()].as_str())),
                text(&slug),
                text(&title),
                text("How metropolitan governments act internationally, and what it changes for their residents."),
                text(&description),
                text(if i == hot { "en" } else { LANGUAGES[i % 3] }),
                at(starts_at),
                text(ZONES[i % ZONES.len()]),
                int(90),
                int(if export { sizes.export_rows.max(1) * 2 } else { per_session.saturating_mul(2).max(5000) }),
                "NULL".into(),
                "NULL".into(),
                text(status),
                text_opt(Some("https://meet.example.org/bench")),
                text_opt((starts_at < now).then_some("https://video.example.org/bench")),
                int(1),
                flag(false),
                at(now - Duration::days(120)),
                at(now - Duration::days(120)),
            ],
        )?;
        sessions.push((session_id, slug, starts_at, export));
    }
    insert.finish(conn)?;

    // Speakers, ten to a panel, and two documents per session.
    let mut speakers = Insert::new(
        "speakers",
        &[
            "id",
            "name",
            "honorific",
            "position",
            "organisation",
            "bio",
            "photo_path",
            "is_demo",
            "created_at",
        ],
    );
    let mut panel = Insert::new("panel_entries", &["id", "session_id", "speaker_id", "role", "position"]);
    let mut documents = Insert::new("session_documents", &["id", "session_id", "title", "url", "position"]);
    let mut speaker_number = 0;
    for (session_id, _, _, export) in &sessions {
        if *export {
            continue;
        }
        for position in 0..sizes.speakers_per_session {
            let speaker_id = id();
            speaker_number += 1;
            speakers.row(
                conn,
                &[
                    text(&speaker_id),
                    text(&format!("{} {}", FIRST[speaker_number % 12], LAST[(speaker_number / 12) % 12])),
                    text(["Dr.", "Mayor", "", "Prof."][speaker_number % 4]),
                    text("Director of international relations"),
                    text(&format!("City of {} {}", LAST[speaker_number % 12], speaker_number % 40)),
                    text(BIO),
                    "NULL".into(),
                    flag(false),
                    at(now - Duration::days(200)),
                ],
            )?;
            let role = match position {
                0 => "host",
                1 => "moderator",
                2 => "keynote",
                _ => "speaker",
            };
            panel
                .row(conn, &[text(&id()), text(session_id), text(&speaker_id), text(role), int(position)])?;
        }
        for position in 0..2 {
            documents.row(
                conn,
                &[
                    text(&id()),
                    text(session_id),
                    text(&format!("Background paper {}", position + 1)),
                    text(&format!("https://docs.example.org/bench/{position}.pdf")),
                    int(position),
                ],
            )?;
        }
    }
    let speakers = speakers.finish(conn)?;
    panel.finish(conn)?;
    documents.finish(conn)?;

    // Registrations and their mail, in bulk SQL (`bulk.rs`).
    let slots: Vec<bulk::SessionSlot> = sessions
        .iter()
        .map(|(id, _, starts_at, _)| bulk::SessionSlot { id: id.clone(), starts_at: *starts_at })
        .collect();
    let registrants: Vec<(String, &'static str)> =
        organisations.iter().map(|(id, _, code)| (id.clone(), *code)).collect();
    let written = bulk::load(
        conn,
        &bulk::Plan {
            sessions: &slots,
            organisations: &registrants,
            spread: sizes.registrations as u64,
            export: sizes.export_rows as u64,
            outbox: sizes.outbox_history,
            due_session,
            now,
        },
    )?;

    // The organiser who downloads the export, signed in.
    let organiser_id = match organisers::add(
        conn,
        "bench-organiser@example.org",
        "Bench Organiser",
        password_hash,
        false,
        now,
    )? {
        organisers::AddOutcome::Added(id) => id,
        organisers::AddOutcome::EmailTaken => anyhow::bail!("the database was not empty"),
    };
    let origin = organisers::SessionOrigin { user_agent: String::new(), client_address: String::new() };
    let stage = convoca::domain::SignInStage::Complete;
    let admin_token = organisers::start_session(conn, &organiser_id, stage, &origin, now)?;

    let organisation_id = organisations
        .iter()
        .find(|(_, kind, _)| *kind == "member")
        .map(|(id, _, _)| id.clone())
        .ok_or_else(|| anyhow::anyhow!("no member organisation"))?;
    let (export_id, _, _, _) = sessions.last().cloned().ok_or_else(|| anyhow::anyhow!("no session"))?;
    Ok(Seeded {
        hot_slug: sessions[hot].1.clone(),
        export_id,
        export_rows: sizes.export_rows,
        organisation_id,
        admin_token,
        registrations: written.registrations,
        outbox: written.outbox,
        due: written.due,
        due_slug: sessions[due_session].1.clone(),
        series_id: series_ids[0].clone(),
        series_registrations: sessions
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != 0 && i / 10 % series_ids.len() == 0)
            .map(|(i, _)| if i == sizes.sessions { sizes.export_rows } else { share(i) })
            .sum(),
        speakers,
    })
}
