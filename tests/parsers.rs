//! Property tests of the parsers that turn raw input into clean values: the registration and
//! session forms, text cleaning, email addresses, languages and `Accept-Language`, time zones,
//! reminder schedules, the `next` local-path check, attendance files and CSV cells.
//!
//! Each runs proptest's default 256 cases; arbitrary strings are mixed with hostile pieces
//! (line breaks, NUL, bidi and zero-width characters, markup, far dates) so that the edges are
//! reached often.

use std::collections::HashMap;

use chrono::Duration;
use convoca::domain::session::{SessionForm, format_reminders, parse_reminders};
use convoca::domain::{Language, RegistrationForm, clean_line, clean_text, parse_email};
use convoca::web::admin::context::page_number;
use convoca::web::csv::{neutralise, parse_attendance};
use convoca::web::public::is_local_path;
use proptest::prelude::*;

/// Pieces that parsers trip on.
const HOSTILE: &[&str] = &[
    "\r\n",
    "\n",
    "\r",
    "\0",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{7f}",
    "\u{9b}",
    " ",
    "  ",
    "\u{a0}",
    "\u{3000}",
    "<script>",
    "\"",
    "'",
    "&",
    "@",
    "@@",
    ".",
    "..",
    "-",
    "/",
    "//",
    "\\",
    "%2F",
    "%00",
    "é",
    "İ",
    "ẞ",
    "👩🏽‍💻",
    "\u{301}",
    ",",
    ";",
    "=",
    "+",
    "0",
    "9",
    "-1",
    "99999999999",
    "T",
    ":",
    "+262143",
    "-262143",
    "x",
];

/// Text made of arbitrary characters and hostile pieces.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
            2 => "[a-zA-Z0-9]{1,6}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Text that is sometimes very long.
fn any_length_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => hostile_text(),
        1 => (hostile_text(), 1usize..1200).prop_map(|(t, n)| t.repeat(n.min(12_000 / t.len().max(1)))),
    ]
}

fn is_single_line(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || (c.is_whitespace() && c != ' '))
        && !text.contains("  ")
        && text.trim() == text
}

// ---------------------------------------------------------------------------------------------
// Text, emails, languages

proptest! {
    #[test]
    fn a_clean_line_is_one_trimmed_line_within_its_limit(raw in any_length_text(), max in 0usize..300) {
        if let Ok(line) = clean_line("f", &raw, max) {
            prop_assert!(is_single_line(&line), "{line:?}");
            prop_assert!(!line.chars().any(convoca::domain::is_invisible_trick), "{line:?}");
            prop_assert!(line.chars().count() <= max);
            prop_assert_eq!(clean_line("f", &line, max), Ok(line.clone()), "idempotent");
        } else {
            prop_assert!(raw.chars().count() > max, "refused only when too long");
        }
    }

    #[test]
    fn clean_text_keeps_line_breaks_only(raw in any_length_text(), max in 0usize..2000) {
        if let Ok(text) = clean_text("f", &raw, max) {
            prop_assert!(!text.contains('\r'));
            prop_assert!(text.chars().all(|c| c == '\n' || !c.is_control()), "{text:?}");
            prop_assert_eq!(text.trim(), text.as_str());
            prop_assert!(text.chars().count() <= max);
            prop_assert_eq!(clean_text("f", &text, max), Ok(text.clone()), "idempotent");
        }
    }

    #[test]
    fn an_accepted_email_is_one_plain_address(raw in prop_oneof![
        hostile_text(),
        ("[a-z0-9.+_-]{0,12}", prop::sample::select(HOSTILE), "[a-z0-9-]{0,8}", "(\\.[a-z]{1,4}){0,3}")
            .prop_map(|(a, b, c, d)| format!("{a}{b}@{c}{d}")),
        ("[a-zA-Z0-9.+_-]{1,70}", "[a-zA-Z0-9-]{1,70}", "(\\.[a-zA-Z0-9-]{1,70}){1,4}")
            .prop_map(|(a, b, c)| format!(" {a}@{b}{c} ")),
    ]) {
        if let Ok(email) = parse_email("email", &raw) {
            prop_assert_eq!(email.trim(), email.as_str());
            prop_assert!(!email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:\\[]".contains(c)), "{email:?}");
            prop_assert!(email.chars().count() <= 254);
            let (local, domain) = email.rsplit_once('@').expect("an @");
            prop_assert!(!local.is_empty() && local.len() <= 64 && domain.contains('.'));
            prop_assert!(email.parse::<lettre::Address>().is_ok());
            prop_assert_eq!(parse_email("email", &email), Ok(email.clone()), "idempotent");
            let normalised = email.to_lowercase();
            prop_assert_eq!(normalised.to_lowercase(), normalised, "normalising is idempotent");
        }
    }

    #[test]
    fn languages_parse_to_one_of_ours(tag in prop_oneof![
        hostile_text(),
        ("(en|fr|es|EN|Fr|eS|de|e|enx)", "([-_][A-Za-z0-9]{0,8}){0,2}", prop::sample::select(HOSTILE))
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]) {
        if let Some(lang) = Language::parse(&tag) {
            let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            prop_assert_eq!(primary.as_str(), lang.code());
            prop_assert_eq!(Language::parse(lang.code()), Some(lang), "idempotent");
        }
    }

    #[test]
    fn accept_language_picks_a_listed_language_or_none(header in prop_oneof![
        hostile_text(),
        prop::collection::vec(
            ("(en|fr|es|de|ja|\\*|fr-CA|es-419)", prop::option::of("(0(\\.[0-9]{1,3})?|1(\\.0)?|-1|NaN|inf|[a-z]{1,3})")),
            0..6,
        )
        .prop_map(|items| items.into_iter().map(|(tag, q)| match q {
            Some(q) => format!("{tag};q={q}"),
            None => tag,
        }).collect::<Vec<_>>().join(", ")),
    ]) {
        if let Some(lang) = Language::negotiate(&header) {
            prop_assert!(header.to_ascii_lowercase().contains(lang.code()), "{header:?} gave {lang:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The registration form

fn registration_field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_text(),
        1 => any_length_text(),
        1 => prop::sample::select(vec![
            "other", "en", "fr-CA", "Europe/Paris", "America/Argentina/Buenos_Aires", "Mars/Olympus", "UTC",
            "yes", "", "amina@accra.gov.gh", "0193a1b2-0000-7000-8000-000000000001",
            "US/Pacific", "Etc/GMT+5", "GH", "ke", "ZZ", "Côte d'Ivoire",
        ]).prop_map(str::to_owned),
    ]
}

const FIELDS: [&str; 13] = [
    "name",
    "email",
    "organisation",
    "organisation_other",
    "position",
    "country",
    "language",
    "timezone",
    "needs",
    "consent",
    "newsletter",
    "website",
    "csrf_token",
];

proptest! {
    #[test]
    fn an_accepted_registration_is_clean_and_within_bounds(
        changes in prop::collection::vec((prop::sample::select(FIELDS.to_vec()), registration_field()), 0..6),
        other in any::<bool>(),
    ) {
        // A valid form, then a few fields changed, added or repeated.
        let valid = [
            ("name", "Amina Diallo"),
            ("email", "amina@accra.gov.gh"),
            ("organisation", if other { "other" } else { "0193a1b2-0000-7000-8000-000000000001" }),
            ("organisation_other", "Ciudad de Ejemplo"),
            ("country", "Ghana"),
            ("language", "fr"),
            ("timezone", "Africa/Accra"),
            ("consent", "yes"),
        ];
        let mut pairs: Vec<(String, String)> = changes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        pairs.extend(valid.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        let form = RegistrationForm::from_pairs(pairs.clone());
        // A repeated field keeps its first value.
        let first = pairs.iter().find(|(k, _)| k == "name").map(|(_, v)| v.clone()).unwrap_or_default();
        prop_assert_eq!(&form.name, &first);
        let _ = form.is_bot();
        let Ok(input) = form.parse() else { return Ok(()) };
        for (text, max) in [(&input.name, 120), (&input.position, 160)] {
            prop_assert!(is_single_line(text), "{text:?}");
            prop_assert!(text.chars().count() <= max);
        }
        prop_assert!(!input.name.is_empty());
        prop_assert!(input.needs.chars().all(|c| c == '\n' || !c.is_control()));
        prop_assert!(input.needs.chars().count() <= 1000);
        prop_assert_eq!(input.email_normalized.clone(), input.email.to_lowercase());
        prop_assert_eq!(parse_email("email", &input.email), Ok(input.email.clone()));
        match &input.organisation {
            convoca::domain::OrganisationChoice::Listed(id) => {
                prop_assert!(!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
            }
            convoca::domain::OrganisationChoice::Other(name) => {
                prop_assert!(is_single_line(name) && !name.is_empty() && name.chars().count() <= 160);
                prop_assert!(input.country.is_some(), "someone from elsewhere names a country");
            }
        }
        if let Some(zone) = &input.timezone {
            // Stored as the canonical name of a zone of the picker's list.
            let canonical = convoca::domain::time_zone::canonical(zone).map(|z| z.name);
            prop_assert_eq!(canonical, Some(zone.as_str()));
        }
        if let Some(country) = input.country {
            prop_assert!(convoca::domain::CountryCode::parse(country.as_str()) == Some(country));
        }
        prop_assert!(Language::ALL.contains(&input.language));
    }
}

// ---------------------------------------------------------------------------------------------
// The session form and reminder schedules

/// Values for the session form: sometimes right, often nearly right, sometimes anything.
fn session_value(field: &'static str) -> BoxedStrategy<String> {
    let right: &'static [&'static str] = match field {
        "language" => &["en", "fr", "es", "de", " fr ", "fr-CA"],
        "date" => &[
            "2026-03-29",
            "2099-12-31",
            "1970-01-01",
            "2026-02-30",
            "+262143-12-31",
            "-262143-01-01",
            "0000-01-01",
            "9999-12-31",
            "+10000-01-01",
        ],
        "time" => &["15:00", "02:30", "23:59", "00:00", "24:00", "7:5", "15:00:00"],
        "timezone" => &[
            "Europe/Paris",
            "UTC",
            "Pacific/Kiritimati",
            "Etc/GMT+12",
            "America/Sao_Paulo",
            "Mars/Olympus",
            "",
        ],
        "duration" => &["90", "5", "1440", "4", "1441", "-90", "2147483647", ""],
        "capacity" => &["100", "0", "100000", "100001", "-1", ""],
        "opens" | "closes" => &[
            "",
            "2026-03-20T10:00",
            "+262143-12-31T23:59",
            "-262143-01-01T00:00",
            "2026-03-29T02:30",
            "9999-12-31T23:59",
        ],
        "approval" => &["", "automatic", "manual", "Manual"],
        "reminders" => &["7d, 1d, 1h", "", "30", "60d", "61d", "0", "2x", "2147483647w", "1h;1h,1H"],
        "follow_up_delay" => &["120", "", "0", "43200", "43201", "-5"],
        "join_url" | "recording_url" => &[
            "",
            "https://meet.example.org/x",
            "javascript:alert(1)",
            "http://",
            "ftp://x.org",
            "https://x.org/<script>",
        ],
        _ => &["A title", "", "  ", "Internationalisation des espaces métropolitains"],
    };
    prop_oneof![
        3 => prop::sample::select(right).prop_map(str::to_owned),
        1 => (prop::sample::select(right), prop::sample::select(HOSTILE)).prop_map(|(a, b)| format!("{a}{b}")),
        1 => any_length_text(),
    ]
    .boxed()
}

const SESSION_FIELDS: [&str; 17] = [
    "title",
    "series_id",
    "summary",
    "description",
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

/// A valid session form with a few fields changed (each with a chance of one in eight).
fn session_form() -> impl Strategy<Value = HashMap<&'static str, String>> {
    let valid: HashMap<&'static str, &'static str> = [
        ("title", "Internationalisation des espaces métropolitains"),
        ("language", "fr"),
        ("date", "2026-03-29"),
        ("time", "15:00"),
        ("timezone", "Europe/Paris"),
        ("duration", "90"),
        ("capacity", "100"),
        ("reminders", "7d, 1d, 1h"),
        ("join_url", "https://meet.example.org/x"),
    ]
    .into_iter()
    .collect();
    SESSION_FIELDS
        .iter()
        .map(move |field| {
            let base = valid.get(field).copied().unwrap_or_default().to_owned();
            prop::option::weighted(0.12, session_value(field))
                .prop_map(move |changed| (*field, changed.unwrap_or_else(|| base.clone())))
        })
        .collect::<Vec<_>>()
        .prop_map(|pairs| pairs.into_iter().collect())
}

proptest! {
    #[test]
    fn an_accepted_session_is_within_bounds_and_its_dates_compute(values in session_form()) {
        let form = SessionForm::from_pairs(|name| values.get(name).cloned().unwrap_or_default());
        let Ok(input) = form.parse() else { return Ok(()) };
        prop_assert!(is_single_line(&input.title) && !input.title.is_empty() && input.title.chars().count() <= 200);
        prop_assert!(is_single_line(&input.summary) && input.summary.chars().count() <= 500);
        prop_assert!(input.description.chars().count() <= 10_000);
        prop_assert!((5..=1440).contains(&input.duration_minutes));
        prop_assert!((0..=100_000).contains(&input.capacity));
        prop_assert!((0..=43_200).contains(&input.follow_up_delay_minutes));
        prop_assert!(chrono_tz::TZ_VARIANTS.iter().any(|tz| tz.name() == input.timezone));
        for url in [&input.join_url, &input.recording_url].into_iter().flatten() {
            prop_assert!(url.starts_with("https://") || url.starts_with("http://"), "{url:?}");
        }
        // Every date the app derives from a session exists: its end, reminders up to 60 days
        // before, links that work 90 days after, the follow-up; and it is stored as text.
        for at in [Some(input.starts_at), input.registration_opens_at, input.registration_closes_at].into_iter().flatten() {
            prop_assert!(at.checked_add_signed(Duration::days(100)).is_some(), "{at} + 100 days");
            prop_assert!(at.checked_sub_signed(Duration::days(100)).is_some(), "{at} - 100 days");
            use chrono::Datelike;
            prop_assert!((1..=9999).contains(&at.year()), "{at}: a year that fits in four digits");
        }
        let offsets: Vec<i32> = if input.reminder_offsets.is_empty() {
            Vec::new()
        } else {
            input.reminder_offsets.split(',').map(|m| m.parse().expect("minutes")).collect()
        };
        prop_assert_eq!(parse_reminders(&format_reminders(&offsets)), Some(input.reminder_offsets.clone()));
    }

    #[test]
    fn reminder_schedules_are_normalised(raw in prop_oneof![
        hostile_text(),
        prop::collection::vec(("-?[0-9]{1,11}", "(m|min|h|d|j|w|H|D|x|)"), 0..6)
            .prop_map(|parts| parts.into_iter().map(|(n, u)| format!("{n}{u}")).collect::<Vec<_>>().join(", ")),
    ]) {
        if let Some(normal) = parse_reminders(&raw) {
            let minutes: Vec<i32> = if normal.is_empty() {
                Vec::new()
            } else {
                normal.split(',').map(|m| m.parse().expect("minutes")).collect()
            };
            prop_assert!(minutes.iter().all(|m| (1..=60 * 24 * 60).contains(m)));
            prop_assert!(minutes.windows(2).all(|w| w[0] > w[1]), "descending, no repeats: {normal}");
            prop_assert_eq!(parse_reminders(&normal), Some(normal.clone()), "idempotent");
            prop_assert_eq!(parse_reminders(&format_reminders(&minutes)), Some(normal.clone()), "round trip");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redirect targets

/// Paths that try to lead elsewhere, with arbitrary tails.
fn off_site_attempt() -> impl Strategy<Value = String> {
    let prefixes = prop::sample::select(vec![
        "//",
        "/\\",
        "\\\\",
        "\\/",
        "https://",
        "http:",
        "javascript:",
        "/%2F%2F",
        "/%5C",
        "/\t/",
        "/\r\n/",
        "/\n/",
        " //",
        "/ /",
        "//\u{3000}",
        "/\u{0}/",
        "%2F%2F",
        "/.//",
        "/..//",
        "\u{FEFF}//",
        "/\u{2028}/",
        "//@",
        "/@",
        "https:/",
        "/\\/",
        "/.\\",
        "",
        "/",
    ]);
    (
        prefixes,
        prop::sample::select(vec!["evil.test", "evil.test/admin", "@evil.test", "evil.test:443", "admin"]),
        hostile_text(),
    )
        .prop_map(|(prefix, host, tail)| format!("{prefix}{host}{tail}"))
}

proptest! {
    #[test]
    fn a_local_path_never_leads_off_the_site(next in prop_oneof![off_site_attempt(), hostile_text()]) {
        if is_local_path(&next) {
            // What a browser makes of it (the url crate follows the WHATWG URL standard).
            let base = url::Url::parse("https://convoca.example/sessions/x?lang=fr").expect("base");
            if let Ok(target) = base.join(&next) {
                prop_assert_eq!(target.scheme(), "https", "{:?} -> {}", next, target);
                prop_assert_eq!(target.host_str(), Some("convoca.example"), "{:?} -> {}", next, target);
            }
            prop_assert!(next.starts_with('/') && !next.starts_with("//"));
            prop_assert!(!next.chars().any(|c| c.is_control() || c == '\\'));
            // It can be sent in a Location header.
            prop_assert!(actix_web::http::header::HeaderValue::from_str(&next).is_ok(), "{next:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attendance files, CSV cells, page numbers

fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_text(),
        "[a-z]{1,8}@[a-z]{1,8}\\.org",
        Just("\"quoted, \"\"cell\"\"\"".to_owned()),
        Just("=HYPERLINK(\"x\")".to_owned()),
    ]
}

proptest! {
    #[test]
    fn attendance_files_never_break_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_attendance(&bytes);
    }

    #[test]
    fn the_email_column_is_read_from_any_file_that_has_one(
        before in prop::collection::vec(csv_cell(), 0..3),
        header in prop::sample::select(vec!["Email", "E-mail", "User Email", "Courriel", "correo electrónico", "Attendee Email"]),
        rows in prop::collection::vec((csv_cell(), "[a-z]{1,8}@[a-z]{1,8}\\.org"), 0..12),
        separator in prop::sample::select(vec![",", ";", "\t"]),
        line_end in prop::sample::select(vec!["\n", "\r\n"]),
        bom in any::<bool>(),
    ) {
        let quote = |cell: &str| format!("\"{}\"", cell.replace('"', "\"\""));
        let mut file = if bom { "\u{feff}".to_owned() } else { String::new() };
        for cell in &before {
            // Summary lines before the header (Zoom's reports), none naming an email column.
            let cell = cell.replace('\0', "");
            file.push_str(&format!("Meeting{separator}{}{line_end}", quote(&cell)));
        }
        file.push_str(&format!("Name{separator}{header}{line_end}"));
        for (name, email) in &rows {
            file.push_str(&format!("{}{separator}{email}{line_end}", quote(&name.replace('\0', ""))));
        }
        let lines = parse_attendance(file.as_bytes());
        let Ok(lines) = lines else {
            // A summary cell may itself read as an email header; then nothing is lost either.
            return Ok(());
        };
        let emails: Vec<&str> = lines.iter().map(|l| l.email.as_str()).collect();
        let expected: Vec<&str> = rows.iter().map(|(_, e)| e.as_str()).collect();
        if before.is_empty() {
            prop_assert_eq!(emails, expected);
        }
        prop_assert!(lines.windows(2).all(|w| w[0].line < w[1].line), "line numbers increase");
    }

    #[test]
    fn no_exported_cell_starts_a_formula(cell in csv_cell()) {
        let safe = neutralise(&cell);
        prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']), "{safe:?}");
        prop_assert_eq!(neutralise(&safe), safe.clone(), "idempotent");
        let quoted = format!("'{cell}");
        prop_assert!(safe == cell || safe == quoted);
    }

    #[test]
    fn page_numbers_stay_in_range(raw in prop::option::of(prop_oneof![hostile_text(), "-?[0-9]{1,20}"])) {
        let page = page_number(raw.as_deref());
        prop_assert!((1..=100_000).contains(&page));
    }
}

/// Found by the session property: dates at the ends of chrono's range were accepted, and the
/// dates derived from them (reminders, link expiry) overflowed.
#[test]
fn implausible_session_dates_are_refused() {
    let valid: HashMap<&str, &str> = [
        ("title", "A session"),
        ("language", "en"),
        ("date", "2026-03-29"),
        ("time", "15:00"),
        ("timezone", "Europe/Paris"),
        ("duration", "90"),
        ("capacity", "100"),
    ]
    .into_iter()
    .collect();
    let parse = |field: &str, value: &str| {
        SessionForm::from_pairs(|name| {
            if name == field {
                value.to_owned()
            } else {
                valid.get(name).copied().unwrap_or_default().to_owned()
            }
        })
        .parse()
    };
    assert!(parse("date", "2026-03-29").is_ok());
    for date in ["+262143-12-31", "-262143-01-01", "20266-03-29", "0226-03-29", "9999-12-31"] {
        let errors = parse("date", date).expect_err(date);
        assert_eq!(errors[0].field, "date", "{date}");
    }
    for at in ["+262143-12-31T23:59", "-262143-01-01T00:00", "1969-12-31T23:59"] {
        let errors = parse("opens", at).expect_err(at);
        assert_eq!(errors[0].field, "opens", "{at}");
    }
}

// ---------------------------------------------------------------------------------------------
// Countries and time zones (the registration form and the manage page's details form)

proptest! {
    #[test]
    fn a_country_field_gives_a_real_code_or_a_message(raw in registration_field()) {
        use convoca::domain::country::{match_free_text, match_key, parse_country};
        match parse_country("country", &raw) {
            Ok(Some(code)) => prop_assert_eq!(convoca::domain::CountryCode::parse(code.as_str()), Some(code)),
            Ok(None) => prop_assert!(raw.trim().is_empty()),
            Err(e) => prop_assert_eq!((e.field, e.message), ("country", "error-country-unknown")),
        }
        // Matching looks at the folded text only: folding again changes nothing.
        let key = match_key(&raw);
        prop_assert_eq!(match_key(&key), key.clone());
        prop_assert_eq!(match_free_text(&raw), match_free_text(&key));
    }

    #[test]
    fn a_time_zone_field_gives_a_canonical_zone_or_a_message(raw in registration_field()) {
        use convoca::domain::time_zone::{canonical, parse_time_zone, search};
        match parse_time_zone("timezone", &raw) {
            Ok(Some(zone)) => {
                prop_assert_eq!(canonical(&zone).map(|z| z.name), Some(zone.as_str()));
                prop_assert!(zone.parse::<chrono_tz::Tz>().is_ok());
            }
            Ok(None) => prop_assert!(raw.trim().is_empty()),
            Err(e) => prop_assert_eq!(e.field, "timezone"),
        }
        prop_assert!(search(&raw, 25).len() <= 25);
    }
}
