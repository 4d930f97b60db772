//! Demo data drawn from the seed news item, loaded by `serve` into an empty database.
//! Every row is marked `is_demo`; facts the seed does not give (times, countries, links) are
//! plausible choices, and links point at example domains.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::models::{
    DEFAULT_REMINDER_OFFSETS, Organisation, PanelEntry, Registration, RegistrationDetails, Series, Session,
    SessionDocument, SessionTranslation, Speaker, new_id,
};
use super::schema::{
    organisations, panel_entries, registrations, series, session_documents, session_translations, sessions,
    speakers,
};
use super::{AnyConnection, write_tx};
use crate::domain::{
    ApprovalMode, OrganisationKind, PanelRole, RegistrationStatus, SessionId, SessionStatus,
};

/// The 26 members named in the seed, with their countries.
pub const MEMBERS: [(&str, &str); 26] = [
    ("Accra", "Ghana"),
    ("Àrea Metropolitana de Barcelona (AMB)", "Spain"),
    ("Johannesburg", "South Africa"),
    ("East Kalimantan", "Indonesia"),
    ("Ethekwini (Durban)", "South Africa"),
    ("Buenos Aires", "Argentina"),
    ("Ciudad de México - CDMX", "Mexico"),
    ("Brasília", "Brazil"),
    ("Minas Gerais", "Brazil"),
    ("Goyang", "Republic of Korea"),
    ("Hyderabad", "India"),
    ("Greater Manchester", "United Kingdom"),
    ("Guangzhou", "China"),
    ("Hangzhou", "China"),
    ("Montevideo", "Uruguay"),
    ("Kathmandu", "Nepal"),
    ("Grand Paris", "France"),
    ("Mashhad", "Iran"),
    ("Shiraz", "Iran"),
    ("Tehran", "Iran"),
    ("Rio de Janeiro", "Brazil"),
    ("Belo Horizonte", "Brazil"),
    ("Porto Alegre", "Brazil"),
    ("Bruxelles", "Belgium"),
    ("Seoul", "Republic of Korea"),
    ("Tangerang Selatan", "Indonesia"),
];

pub const PARTNERS: [(&str, &str); 2] =
    [("AL-LAs Project", "Mexico"), ("Chicago Council on Global Affairs", "United States")];

pub const SERIES_SLUG: &str = "internationalisation-of-metropolitan-spaces";
pub const ENGLISH_SLUG: &str = "internationalisation-and-metropolitan-spaces-2020-07-22";
pub const FRENCH_SLUG: &str = "internationalisation-des-espaces-metropolitains";

/// Participants of the July session: about 60, from all 26 members and the partners.
const JULY_PARTICIPANTS: usize = 60;

/// Loads the demo into an empty database. Returns false (and changes nothing) if the
/// database already holds sessions or organisations.
pub fn load_if_empty(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let sessions_count: i64 = sessions::table.count().get_result(conn)?;
        let organisations_count: i64 = organisations::table.count().get_result(conn)?;
        if sessions_count > 0 || organisations_count > 0 {
            return Ok(false);
        }
        load(conn, now)?;
        Ok(true)
    })
}

fn load(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<()> {
    let member_ids = insert_organisations(conn, now, &MEMBERS, OrganisationKind::Member)?;
    let partner_ids = insert_organisations(conn, now, &PARTNERS, OrganisationKind::Partner)?;

    let series_id = new_id();
    diesel::insert_into(series::table)
        .values(&Series {
            id: series_id.clone(),
            slug: SERIES_SLUG.into(),
            title: "Internationalisation of metropolitan spaces".into(),
            description: "A webinar cycle on international action as a public policy of \
                          metropolitan governments, in English and in French."
                .into(),
            is_demo: true,
            created_at: now,
            language: "en".into(),
        })
        .execute(conn)?;

    let madrid: Tz = chrono_tz::Europe::Madrid;
    let paris: Tz = chrono_tz::Europe::Paris;
    let july_start = local_to_utc(madrid, NaiveDate::from_ymd_opt(2020, 7, 22), 16);
    let english = Session {
        id: SessionId::new(),
        series_id: Some(series_id.clone()),
        slug: ENGLISH_SLUG.into(),
        title: "Internationalisation and metropolitan spaces".into(),
        summary: "International action is not an end in itself, it's a means: how metropolitan \
                  governments make internationalisation a public policy."
            .into(),
        description: "Based on Issue paper 9, \"The internationalisation of metropolitan \
                      spaces\", speakers from Greater Manchester and Tehran present their \
                      international strategies, and the AL-LAs Project and the Chicago Council \
                      on Global Affairs discuss the twelve ideas of international action as a \
                      public policy: aligned, participatory, with a territorial vision, tuned \
                      with the global agendas, flexible, focused, multidimensional, transversal, \
                      professional, visible, measurable and sustainable."
            .into(),
        language: "en".into(),
        starts_at: july_start,
        timezone: madrid.name().into(),
        duration_minutes: 90,
        capacity: 100,
        registration_opens_at: None,
        registration_closes_at: None,
        status: SessionStatus::Published,
        join_url: Some("https://meet.example.org/convoca-demo/2020-07-22".into()),
        recording_url: Some("https://video.example.org/convoca-demo/internationalisation-2020-07-22".into()),
        version: 1,
        is_demo: true,
        created_at: now,
        updated_at: now,
        reminder_offsets: DEFAULT_REMINDER_OFFSETS.into(),
        follow_up_delay_minutes: 120,
        approval_mode: ApprovalMode::Automatic,
    };
    let french_start = local_to_utc(paris, Some(next_wednesday_after(now + Duration::days(21))), 15);
    let french = Session {
        id: SessionId::new(),
        series_id: Some(series_id),
        slug: FRENCH_SLUG.into(),
        title: "Internationalisation des espaces métropolitains".into(),
        summary: "Pour clore le cycle sur ce thème : l'action internationale comme politique \
                  publique des gouvernements métropolitains, en français."
            .into(),
        description: "La deuxième session du cycle, en français, revient sur les idées du \
                      Issue paper 9 et sur les stratégies internationales des membres."
            .into(),
        language: "fr".into(),
        starts_at: french_start,
        timezone: paris.name().into(),
        duration_minutes: 90,
        capacity: 100,
        registration_opens_at: None,
        registration_closes_at: Some(french_start - Duration::hours(1)),
        status: SessionStatus::Published,
        join_url: Some("https://meet.example.org/convoca-demo/fr".into()),
        recording_url: None,
        version: 1,
        is_demo: true,
        created_at: now,
        updated_at: now,
        reminder_offsets: DEFAULT_REMINDER_OFFSETS.into(),
        follow_up_delay_minutes: 120,
        approval_mode: ApprovalMode::Automatic,
    };
    for session in [&english, &french] {
        diesel::insert_into(sessions::table).values(session).execute(conn)?;
    }
    // The catalogue reads in three languages: titles and summaries translated, the French
    // description left in French (shown as such) to show the fallback.
    let translations = [
        (&english.id, "fr", "L'internationalisation et les espaces métropolitains", ""),
        (&english.id, "es", "La internacionalización y los espacios metropolitanos", ""),
        (
            &french.id,
            "en",
            "Internationalisation of metropolitan spaces: the session in French",
            "To close the cycle on this topic: international action as a public policy of \
             metropolitan governments, in French.",
        ),
        (
            &french.id,
            "es",
            "Internacionalización de los espacios metropolitanos",
            "Para cerrar el ciclo sobre este tema: la acción internacional como política pública \
             de los gobiernos metropolitanos, en francés.",
        ),
    ];
    for (session_id, language, title, summary) in translations {
        diesel::insert_into(session_translations::table)
            .values(&SessionTranslation {
                session_id: session_id.clone(),
                language: language.into(),
                title: title.into(),
                summary: summary.into(),
                description: String::new(),
            })
            .execute(conn)?;
    }

    diesel::insert_into(session_documents::table)
        .values(&SessionDocument {
            id: new_id(),
            session_id: english.id.clone(),
            title: "Issue paper 9: The internationalisation of metropolitan spaces".into(),
            url: "https://docs.example.org/convoca-demo/issue-paper-9.pdf".into(),
            position: 1,
        })
        .execute(conn)?;

    let speaker = |name: &str, honorific: &str, position: &str, organisation: &str, bio: &str| Speaker {
        id: new_id(),
        name: name.into(),
        honorific: honorific.into(),
        position: position.into(),
        organisation: organisation.into(),
        bio: bio.into(),
        photo_path: None,
        is_demo: true,
        created_at: now,
    };
    let secretary_general = speaker(
        "Octavi de la Varga",
        "",
        "Secretary General",
        "Metropolis",
        "Opened the webinar: \"International action is not an end in itself, it's a means.\"",
    );
    let arjona = speaker(
        "Paola Arjona",
        "",
        "Director",
        "AL-LAs Project",
        "Presented the research behind Issue paper 9 on the internationalisation of local and regional governments.",
    );
    let klaus = speaker(
        "Ian Klaus",
        "",
        "Senior Fellow",
        "Chicago Council on Global Affairs",
        "Works on city diplomacy and on how cities engage in international affairs.",
    );
    let gonzalez = speaker(
        "María González",
        "",
        "International relations department",
        "Greater Manchester Combined Authority",
        "Presented the Greater Manchester internationalisation strategy 2017-2020 and the aim of a top 20 global city by 2035.",
    );
    let fakhari = speaker(
        "Elham Fakhari",
        "Dr.",
        "Member of the City Council",
        "Tehran City Council",
        "Presented Tehran's relations with diverse international stakeholders: diaspora communities, businesses, non-profits and artists.",
    );
    // One row per statement: diesel's MultiBackend has no batch insert for SQLite.
    for speaker in [&secretary_general, &arjona, &klaus, &gonzalez, &fakhari] {
        diesel::insert_into(speakers::table).values(speaker).execute(conn)?;
    }

    let entry = |session: &Session, speaker: &Speaker, role: PanelRole, position: i32| PanelEntry {
        id: new_id(),
        session_id: session.id.clone(),
        speaker_id: speaker.id.clone(),
        role,
        position,
    };
    for panel_entry in [
        entry(&english, &secretary_general, PanelRole::Host, 1),
        entry(&english, &arjona, PanelRole::Keynote, 2),
        entry(&english, &klaus, PanelRole::Speaker, 3),
        entry(&english, &gonzalez, PanelRole::Speaker, 4),
        entry(&english, &fakhari, PanelRole::Speaker, 5),
        entry(&french, &secretary_general, PanelRole::Host, 1),
        entry(&french, &arjona, PanelRole::Keynote, 2),
    ] {
        diesel::insert_into(panel_entries::table).values(&panel_entry).execute(conn)?;
    }
    // The July session's recording is public: its speakers' consent was obtained offline.
    for speaker in [&secretary_general, &arjona, &klaus, &gonzalez, &fakhari] {
        super::speaker_consent::offline_consent(conn, &english.id, &speaker.id, now)?;
    }

    // Participants of the July session: every member represented, some from the partners,
    // a few from other organisations, as the seed's "almost 60 people" describes.
    let confirmed_at = july_start - Duration::days(2);
    let mut rows = Vec::with_capacity(JULY_PARTICIPANTS);
    for n in 0..JULY_PARTICIPANTS {
        let (organisation_id, organisation_other, country) = if n < 52 {
            let m = n % MEMBERS.len();
            (Some(member_ids[m].clone()), None, MEMBERS[m].1)
        } else if n < 56 {
            let p = n % PARTNERS.len();
            (Some(partner_ids[p].clone()), None, PARTNERS[p].1)
        } else {
            (None, Some("Other stakeholder (demo)".to_owned()), "Spain")
        };
        let email = format!("participant{:02}@demo.example.org", n + 1);
        let details = RegistrationDetails {
            organisation_id,
            organisation_other,
            position: "International relations officer".into(),
            country: country.into(),
            language: ["en", "fr", "es"][n % 3].into(),
            newsletter: n % 4 == 0,
            ..RegistrationDetails::sample(&format!("Demo participant {}", n + 1), &email, confirmed_at)
        };
        rows.push(Registration {
            status: RegistrationStatus::Confirmed,
            confirmed_at: Some(confirmed_at),
            // The seed's participants "listened": all of them attended.
            attended: Some(true),
            ..Registration::pending(&english.id, details, confirmed_at)
        });
    }
    for row in &rows {
        diesel::insert_into(registrations::table).values(row).execute(conn)?;
    }
    Ok(())
}

fn insert_organisations(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    list: &[(&str, &str)],
    kind: OrganisationKind,
) -> QueryResult<Vec<String>> {
    let rows: Vec<Organisation> = list
        .iter()
        .map(|(name, country)| Organisation {
            id: new_id(),
            name: (*name).into(),
            kind,
            country: (*country).into(),
            focal_email: None,
            is_demo: true,
            created_at: now,
            focal_name: String::new(),
            focal_language: "en".into(),
        })
        .collect();
    for row in &rows {
        diesel::insert_into(organisations::table).values(row).execute(conn)?;
    }
    Ok(rows.into_iter().map(|o| o.id).collect())
}

fn next_wednesday_after(at: NaiveDateTime) -> NaiveDate {
    let mut day = at.date();
    while day.weekday() != Weekday::Wed {
        day = day.succ_opt().unwrap_or(day);
    }
    day
}

/// A wall-clock hour on a date in `zone`, as naive UTC. Demo hours are never in a DST gap.
fn local_to_utc(zone: Tz, date: Option<NaiveDate>, hour: u32) -> NaiveDateTime {
    let local =
        date.and_then(|d| d.and_hms_opt(hour, 0, 0)).unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
    zone.from_local_datetime(&local).earliest().map(|t| t.naive_utc()).unwrap_or(local)
}
