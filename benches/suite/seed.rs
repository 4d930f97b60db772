//! The data set, written through the library's pool in one transaction with multi-row
//! `INSERT`s (plain SQL that both engines accept: quoted text, `TRUE`/`FALSE`, timestamps as
//! `'YYYY-MM-DD HH:MM:SS'`). Columns added later with a default keep it; only the columns named
//! here are written.

use chrono::{Duration, NaiveDateTime};
use convoca::db::{AnyConnection, organisers, write_tx};
use diesel::prelude::*;

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

fn at_opt(value: Option<NaiveDateTime>) -> String {
    value.map(at).unwrap_or_else(|| "NULL".into())
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

/// A small deterministic generator (xorshift), so that every run seeds the same shapes.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
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
const LANGUAGES: [&str; 3] = ["en", "fr", "es"];
const ZONES: [&str; 6] = [
    "Europe/Paris",
    "America/Mexico_City",
    "Africa/Johannesburg",
    "Asia/Seoul",
    "America/Sao_Paulo",
    "Asia/Kolkata",
];
const FIRST: [&str; 12] =
    ["Ana", "José", "Zoë", "Kwame", "Mei", "Arjun", "Siti", "Reza", "Chloé", "Thabo", "Lucía", "Min-jun"];
const LAST: [&str; 12] = [
    "García", "Nguyen", "Mensah", "Okafor", "Dubois", "Kim", "Sharma", "Rahimi", "Silva", "Müller",
    "Dlamini", "O'Brien",
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
    write_tx(conn, |conn| seed_in_tx(conn, sizes, now, &password_hash))
}

fn seed_in_tx(
    conn: &mut AnyConnection,
    sizes: &Sizes,
    now: NaiveDateTime,
    password_hash: &str,
) -> anyhow::Result<Seeded> {
    anyhow::ensure!(sizes.sessions >= 2, "BENCH_SESSIONS: at least 2");
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);

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
        organisations.push((org_id, kind, country));
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
                int(if export { sizes.export_rows.max(1) * 2 } else { 5000 }),
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

    // Registrations: spread evenly over the sessions, then the export session's.
    let mut registrations = Insert::new(
        "registrations",
        &[
            "id",
            "session_id",
            "status",
            "name",
            "email",
            "email_normalized",
            "organisation_id",
            "organisation_other",
            "position",
            "country",
            "language",
            "timezone",
            "needs",
            "consent_at",
            "consent_version",
            "newsletter",
            "created_at",
            "updated_at",
            "confirmed_at",
            "waitlisted_at",
            "cancelled_at",
            "attended",
        ],
    );
    let mut outbox = Insert::new(
        "outbox",
        &[
            "id",
            "kind",
            "registration_id",
            "dedupe_key",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "message_id",
            "sent_at",
            "created_at",
        ],
    );
    let spread = sizes.sessions;
    let mut number = 0usize;
    for (index, (session_id, _, starts_at, export)) in sessions.iter().enumerate() {
        let count = if *export {
            sizes.export_rows
        } else {
            sizes.registrations / spread + usize::from(index < sizes.registrations % spread)
        };
        let past = *starts_at < now;
        for _ in 0..count {
            number += 1;
            let registration_id = id();
            let created_at = (*starts_at - Duration::minutes(60 + dice.below(60 * 24 * 30) as i64))
                .min(now - Duration::hours(2));
            let roll = dice.below(100);
            let status = match roll {
                _ if past => "confirmed",
                0..70 => "confirmed",
                70..80 => "pending",
                80..90 => "waitlisted",
                _ => "cancelled",
            };
            let (organisation_id, organisation_other, country) = if roll.is_multiple_of(5) {
                (None, Some("Ministry of Urban Affairs"), COUNTRIES[number % COUNTRIES.len()])
            } else {
                let (org_id, _, country) = &organisations[number % organisations.len()];
                (Some(org_id.as_str()), None, *country)
            };
            let name = format!("{} {} {number}", FIRST[number % 12], LAST[(number / 12) % 12]);
            let email = format!("official{number}@city{}.example.org", number % 97);
            let confirmed = matches!(status, "confirmed" | "waitlisted" | "cancelled");
            registrations.row(
                conn,
                &[
                    text(&registration_id),
                    text(session_id),
                    text(status),
                    text(&name),
                    text(&email),
                    text(&email.to_lowercase()),
                    text_opt(organisation_id),
                    text_opt(organisation_other),
                    text("Policy officer"),
                    text(country),
                    text(LANGUAGES[number % 3]),
                    text_opt(Some(ZONES[number % ZONES.len()])),
                    text(if roll % 10 == 3 { "Sign language interpretation" } else { "" }),
                    at(created_at),
                    text("bench"),
                    flag(roll.is_multiple_of(3)),
                    at(created_at),
                    at(created_at),
                    at_opt(confirmed.then(|| created_at + Duration::minutes(5))),
                    at_opt((status == "waitlisted").then(|| created_at + Duration::minutes(5))),
                    at_opt((status == "cancelled").then(|| created_at + Duration::days(1))),
                    if past { flag(!roll.is_multiple_of(4)) } else { "NULL".into() },
                ],
            )?;
            if sizes.outbox_history {
                outbox.row(
                    conn,
                    &[
                        text(&id()),
                        text("confirm_request"),
                        text(&registration_id),
                        text(&format!("confirm_request:{registration_id}:seed")),
                        text("{}"),
                        text("sent"),
                        int(1),
                        at(created_at),
                        text(&format!("<{registration_id}@bench.example.org>")),
                        at(created_at),
                        at(created_at),
                    ],
                )?;
            }
        }
    }
    let registrations = registrations.finish(conn)?;
    let outbox = outbox.finish(conn)?;

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
    // A database in service has planner statistics (autovacuum gathers them on PostgreSQL,
    // `PRAGMA optimize` on SQLite); a freshly bulk-loaded one has none until then.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(Seeded {
        hot_slug: sessions[hot].1.clone(),
        export_id,
        export_rows: sizes.export_rows,
        organisation_id,
        admin_token,
        registrations,
        outbox,
        speakers,
    })
}
