//! Participation reports: by member government, partner, free-text organisation and country,
//! over one session, one series, or everything.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{organisations, registrations, series, sessions};
use crate::domain::{CountryCode, Language, OrganisationKind, RegistrationStatus, country};

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Series(String),
    Session(String),
}

/// One line of a report. A registration counts as registered unless cancelled or declined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub country: String,
    pub registered: i64,
    pub confirmed: i64,
    pub attended: i64,
    /// Registered and never confirmed from their mailbox (the confirmation may not have
    /// arrived: `db::bounces`).
    pub never_confirmed: i64,
}

impl Line {
    fn add(&mut self, group: &Group) {
        if !group.status.is_active() {
            return;
        }
        self.registered += group.count;
        if group.status == RegistrationStatus::Confirmed {
            self.confirmed += group.count;
        }
        if group.status == RegistrationStatus::Pending {
            self.never_confirmed += group.count;
        }
        if group.attended == Some(true) {
            self.attended += group.count;
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub members: Vec<Line>,
    pub partners: Vec<Line>,
    /// Organisations typed in by registrants.
    pub other: Line,
    /// One line per country code (label: its name in the reader's language, `country`: the
    /// code), sorted for the reader; a line with an empty label counts "no country given".
    pub countries: Vec<Line>,
    /// Country texts typed before countries were codes that name no country, for organisers
    /// to fix (label: the text as typed).
    pub unmatched_countries: Vec<Line>,
    pub total: Line,
    /// Whether any attendance was recorded in the scope; if not, the headline counts
    /// confirmed registrations instead.
    pub attendance_recorded: bool,
    /// Members with at least one attendee (or confirmed registrant, see above).
    pub members_taking_part: usize,
    pub members_in_network: usize,
    /// quotas: member governments not taking part (no attendee, or no confirmed registrant
    /// while no attendance is recorded), by name, with their focal points.
    pub not_represented: Vec<Absent>,
}

/// A member government not represented in a report's scope, and whom to write to about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Absent {
    pub id: String,
    pub name: String,
    pub country: String,
    pub focal_name: String,
    pub focal_email: Option<String>,
}

/// Registrations counted by organisation, country, state and attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub organisation_id: Option<String>,
    /// The country code, or empty.
    pub country: String,
    /// Text from before codes that matched none (then `country` is empty).
    pub country_unmatched: Option<String>,
    pub status: RegistrationStatus,
    pub attended: Option<bool>,
    pub count: i64,
}

/// An organisation of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
}

/// Two queries: the grouped counts and the organisations.
pub fn report(conn: &mut AnyConnection, scope: &Scope, language: Language) -> QueryResult<Report> {
    // Grouping cannot follow boxing in diesel, so each scope spells its query out.
    macro_rules! grouped {
        ($query:expr) => {
            $query
                .group_by((
                    registrations::organisation_id,
                    registrations::country,
                    registrations::country_unmatched,
                    registrations::status,
                    registrations::attended,
                    registrations::erased_from,
                ))
                .select((
                    registrations::organisation_id,
                    registrations::country,
                    registrations::country_unmatched,
                    registrations::status,
                    registrations::attended,
                    registrations::erased_from,
                    diesel::dsl::count_star(),
                ))
                .load::<(
                    Option<String>,
                    String,
                    Option<String>,
                    RegistrationStatus,
                    Option<bool>,
                    Option<RegistrationStatus>,
                    i64,
                )>(conn)?
        };
    }
    let groups = match scope {
        Scope::All => grouped!(registrations::table),
        Scope::Series(id) => {
            grouped!(registrations::table.inner_join(sessions::table).filter(sessions::series_id.eq(id)))
        }
        Scope::Session(id) => grouped!(registrations::table.filter(registrations::session_id.eq(id))),
    };
    let organisations: Vec<(String, String, OrganisationKind, String)> = organisations::table
        .select((organisations::id, organisations::name, organisations::kind, organisations::country))
        .load(conn)?;
    let groups: Vec<Group> = groups
        .into_iter()
        // An erased registration counts, anonymously, as what it was when it was erased.
        .map(|(organisation_id, country, country_unmatched, status, attended, erased_from, count)| Group {
            organisation_id,
            country,
            country_unmatched,
            status: erased_from.unwrap_or(status),
            attended,
            count,
        })
        .collect();
    let organisations: Vec<Organisation> = organisations
        .into_iter()
        .map(|(id, name, kind, country)| Organisation { id, name, kind, country })
        .collect();
    let mut report = build(&groups, &organisations, language);
    let contacts: HashMap<String, (String, Option<String>)> = organisations::table
        .filter(organisations::kind.eq(OrganisationKind::Member))
        .select((organisations::id, organisations::focal_name, organisations::focal_email))
        .load::<(String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, name, email)| (id, (name, email)))
        .collect();
    for absent in &mut report.not_represented {
        if let Some((name, email)) = contacts.get(&absent.id) {
            absent.focal_name.clone_from(name);
            absent.focal_email.clone_from(email);
        }
    }
    Ok(report)
}

/// Folds grouped counts into report lines, sorted by name; countries are grouped by code and
/// named and sorted in `language`.
pub fn build(groups: &[Group], organisations: &[Organisation], language: Language) -> Report {
    let by_id: HashMap<&str, &Organisation> = organisations.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut members: BTreeMap<(String, String), Line> = BTreeMap::new();
    let mut partners: BTreeMap<(String, String), Line> = BTreeMap::new();
    let mut countries: BTreeMap<String, Line> = BTreeMap::new();
    let mut unmatched: BTreeMap<(String, String), Line> = BTreeMap::new();
    let mut report = Report {
        members_in_network: organisations.iter().filter(|o| o.kind == OrganisationKind::Member).count(),
        ..Report::default()
    };
    for group in groups {
        report.attendance_recorded |= group.attended.is_some();
        report.total.add(group);
        match (CountryCode::parse(&group.country), &group.country_unmatched) {
            (None, Some(text)) if !text.trim().is_empty() => unmatched
                .entry((sort_key(text), text.clone()))
                .or_insert_with(|| Line { label: text.clone(), ..Line::default() })
                .add(group),
            (code, _) => countries
                .entry(code.map(|c| c.as_str().to_owned()).unwrap_or_default())
                .or_insert_with(|| Line {
                    label: code.map(|c| c.name(language).to_owned()).unwrap_or_default(),
                    country: code.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                    ..Line::default()
                })
                .add(group),
        }
        let organisation = group.organisation_id.as_deref().and_then(|id| by_id.get(id));
        match organisation {
            Some(o) => {
                let lines = if o.kind == OrganisationKind::Member { &mut members } else { &mut partners };
                lines
                    .entry((sort_key(&o.name), o.id.clone()))
                    .or_insert_with(|| Line {
                        label: o.name.clone(),
                        country: o.country.clone(),
                        ..Line::default()
                    })
                    .add(group);
            }
            None => report.other.add(group),
        }
    }
    let keep = |line: &Line| line.registered > 0 || line.attended > 0;
    let taking_part =
        |line: &Line| if report.attendance_recorded { line.attended > 0 } else { line.confirmed > 0 };
    let represented: std::collections::HashSet<&str> =
        members.iter().filter(|(_, line)| taking_part(line)).map(|((_, id), _)| id.as_str()).collect();
    let mut absent: Vec<&Organisation> = organisations
        .iter()
        .filter(|o| o.kind == OrganisationKind::Member && !represented.contains(o.id.as_str()))
        .collect();
    absent.sort_by_key(|o| (sort_key(&o.name), o.id.clone()));
    report.not_represented = absent
        .into_iter()
        .map(|o| Absent {
            id: o.id.clone(),
            name: o.name.clone(),
            country: o.country.clone(),
            ..Absent::default()
        })
        .collect();
    report.members = members.into_values().filter(keep).collect();
    report.partners = partners.into_values().filter(keep).collect();
    report.countries = countries.into_values().filter(keep).collect();
    // "No country" last; the others as a reader of the language orders their names.
    report.countries.sort_by(|a, b| {
        a.label
            .is_empty()
            .cmp(&b.label.is_empty())
            .then_with(|| country::compare_names(language, &a.label, &b.label))
    });
    report.unmatched_countries = unmatched.into_values().filter(keep).collect();
    report.members_taking_part = report
        .members
        .iter()
        .filter(|m| if report.attendance_recorded { m.attended > 0 } else { m.confirmed > 0 })
        .count();
    report
}

/// Orders names the way a reader expects: case and common accents aside ("Àrea" next to
/// "Accra", not after "Tehran"), which neither engine's default collation does on both.
pub fn sort_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// What a report's scope is chosen from: series (id, title) and sessions (id, title, start).
#[derive(Debug, Clone, Default)]
pub struct Scopes {
    pub series: Vec<(String, String)>,
    pub sessions: Vec<(String, String, NaiveDateTime)>,
}

/// Series by title and sessions newest first.
pub fn scopes(conn: &mut AnyConnection) -> QueryResult<Scopes> {
    let series = series::table.select((series::id, series::title)).order(series::title.asc()).load(conn)?;
    let sessions = sessions::table
        .select((sessions::id, sessions::title, sessions::starts_at))
        .order(sessions::starts_at.desc())
        .load(conn)?;
    Ok(Scopes { series, sessions })
}

#[cfg(test)]
mod tests {
    use super::*;

    use OrganisationKind::{Member, Partner};
    use RegistrationStatus::{Cancelled, Confirmed, Pending, Waitlisted};

    fn org(id: &str, kind: OrganisationKind) -> Organisation {
        Organisation { id: id.into(), name: format!("Org {id}"), kind, country: "Ghana".into() }
    }

    fn group(org: Option<&str>, status: RegistrationStatus, attended: Option<bool>, count: i64) -> Group {
        Group {
            organisation_id: org.map(str::to_owned),
            country: "GH".into(),
            country_unmatched: None,
            status,
            attended,
            count,
        }
    }

    #[test]
    fn members_count_by_attendance_when_it_was_recorded() {
        let orgs = [org("a", Member), org("b", Member), org("c", Member), org("p", Partner)];
        let groups = [
            group(Some("a"), Confirmed, Some(true), 2),
            group(Some("b"), Confirmed, Some(false), 1),
            group(Some("c"), Cancelled, Some(true), 1),
            group(Some("p"), Confirmed, Some(true), 1),
            group(None, Waitlisted, None, 3),
        ];
        let report = build(&groups, &orgs, Language::En);
        assert!(report.attendance_recorded);
        assert_eq!(report.members_taking_part, 1);
        assert_eq!(report.members_in_network, 3);
        assert_eq!(report.members.len(), 2, "a cancelled-only member is not listed");
        let absent: Vec<_> = report.not_represented.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(absent, ["b", "c"], "members without an attendee, partners aside");
        assert_eq!(report.partners[0].attended, 1);
        assert_eq!((report.other.registered, report.other.confirmed), (3, 0));
        assert_eq!((report.total.registered, report.total.confirmed, report.total.attended), (7, 4, 3));
    }

    #[test]
    fn countries_group_by_code_named_in_the_readers_language() {
        let with = |country: &str, unmatched: Option<&str>, count| Group {
            country: country.into(),
            country_unmatched: unmatched.map(str::to_owned),
            ..group(None, Confirmed, None, count)
        };
        let groups =
            [with("DE", None, 2), with("EG", None, 1), with("DE", None, 1), with("", Some("Atlantis"), 4)];
        let report = build(&groups, &[], Language::Fr);
        let lines: Vec<_> =
            report.countries.iter().map(|l| (l.label.as_str(), l.country.as_str(), l.registered)).collect();
        assert_eq!(lines, [("Allemagne", "DE", 3), ("Égypte", "EG", 1)]);
        assert_eq!(report.unmatched_countries.len(), 1);
        assert_eq!(
            (report.unmatched_countries[0].label.as_str(), report.unmatched_countries[0].registered),
            ("Atlantis", 4)
        );
    }

    #[test]
    fn names_sort_without_regard_to_case_or_accents() {
        let mut names = vec!["Tehran", "Àrea Metropolitana", "accra", "Brasília"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["accra", "Àrea Metropolitana", "Brasília", "Tehran"]);
    }

    #[test]
    fn members_count_by_confirmation_when_no_attendance_was_recorded() {
        let orgs = [org("a", Member), org("b", Member)];
        let groups = [group(Some("a"), Confirmed, None, 1), group(Some("b"), Pending, None, 1)];
        let report = build(&groups, &orgs, Language::En);
        assert!(!report.attendance_recorded);
        assert_eq!(report.members_taking_part, 1);
    }
}
