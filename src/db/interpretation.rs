//! Interpretation as data: the channels booked for a session (`session_channels`) and what
//! each registrant follows (`interpretation_choices`), counted for the organiser.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Session;
use super::schema::{
    interpretation_choices, organisations, registrations, series, session_channels, sessions,
};
use super::{AnyConnection, write_tx};
use crate::domain::interpretation::{ChannelLanguage, InterpretationChoice, Offered};
use crate::domain::{OrganisationKind, RegistrationId, RegistrationStatus, SessionId};

/// The languages `session` can be followed in.
pub fn offered(conn: &mut AnyConnection, session: &Session) -> QueryResult<Offered> {
    let booked: Vec<ChannelLanguage> = session_channels::table
        .filter(session_channels::session_id.eq(&session.id))
        .select(session_channels::language)
        .load(conn)?;
    Ok(Offered::new(ChannelLanguage::spoken(&session.language), booked))
}

/// Replaces the channels booked for a session, audited; `None` when the session is gone.
/// The choices of people who picked a channel now cancelled stay stored: they count under the
/// spoken language until the channel is booked again.
pub fn set_booked(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    booked: &[ChannelLanguage],
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<Offered>> {
    write_tx(conn, |conn| {
        let Some(session) =
            sessions::table.find(session_id).select(Session::as_select()).first(conn).optional()?
        else {
            return Ok(None);
        };
        let offered = Offered::new(ChannelLanguage::spoken(&session.language), booked.iter().copied());
        diesel::delete(session_channels::table.filter(session_channels::session_id.eq(session_id)))
            .execute(conn)?;
        // One row at a time: diesel's batch insert is not portable over both engines.
        for language in &offered.booked {
            diesel::insert_into(session_channels::table)
                .values((
                    session_channels::session_id.eq(session_id),
                    session_channels::language.eq(*language),
                ))
                .execute(conn)?;
        }
        let words: Vec<&str> = offered.booked.iter().map(|l| l.as_str()).collect();
        audit::record(conn, actor, "session.interpretation", &session.title, &words.join(", "), now)?;
        Ok(Some(offered))
    })
}

/// Books for the session `to` the channels `from` has (a duplicate of a session offers the
/// same languages). Called inside the transaction that creates `to`.
pub fn copy_booked(conn: &mut AnyConnection, from: &SessionId, to: &SessionId) -> QueryResult<()> {
    let booked: Vec<ChannelLanguage> = session_channels::table
        .filter(session_channels::session_id.eq(from))
        .select(session_channels::language)
        .load(conn)?;
    for language in booked {
        diesel::insert_into(session_channels::table)
            .values((session_channels::session_id.eq(to), session_channels::language.eq(language)))
            .execute(conn)?;
    }
    Ok(())
}

/// Stores what the form said, inside the registration's transaction, checked against the
/// session's languages as they are now: a channel cancelled while the person filled the form
/// is not kept (they follow the spoken language). A choice saying nothing is not stored.
pub fn store_choice(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session: &Session,
    choice: &InterpretationChoice,
) -> QueryResult<()> {
    let offered = offered(conn, session)?;
    let follows = choice.follows.filter(|l| offered.offers(*l));
    diesel::delete(interpretation_choices::table.find(registration_id)).execute(conn)?;
    if follows.is_some() || choice.sign_language || choice.captions {
        diesel::insert_into(interpretation_choices::table)
            .values((
                interpretation_choices::registration_id.eq(registration_id),
                interpretation_choices::language.eq(follows),
                interpretation_choices::sign_language.eq(choice.sign_language),
                interpretation_choices::captions.eq(choice.captions),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What a registration said it needs (nothing when it said nothing).
pub fn choice_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<InterpretationChoice> {
    let row: Option<(Option<ChannelLanguage>, bool, bool)> = interpretation_choices::table
        .find(registration_id)
        .select((
            interpretation_choices::language,
            interpretation_choices::sign_language,
            interpretation_choices::captions,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(InterpretationChoice::default, |(follows, sign_language, captions)| {
        InterpretationChoice { follows, sign_language, captions }
    }))
}

/// The interpretation channel a registration should choose when it joins `session`: the
/// language it follows when that is a channel still booked, else `None` (it follows the
/// spoken language). For the emails and the join page, with
/// [`crate::interpretation::channel_note`].
pub fn channel_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session: &Session,
) -> QueryResult<Option<ChannelLanguage>> {
    let chosen = choice_of(conn, registration_id)?.follows;
    if chosen.is_none() {
        return Ok(None);
    }
    Ok(offered(conn, session)?.channel_for(chosen))
}

/// [`choice_of`] for several registrations at once (a worker's batch, an export's chunk), by
/// registration id; those that said nothing are missing.
pub fn choices_of(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> QueryResult<std::collections::HashMap<String, InterpretationChoice>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(String, Option<ChannelLanguage>, bool, bool)> = interpretation_choices::table
        .filter(interpretation_choices::registration_id.eq_any(ids))
        .select((
            interpretation_choices::registration_id,
            interpretation_choices::language,
            interpretation_choices::sign_language,
            interpretation_choices::captions,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, follows, sign_language, captions)| {
            (id, InterpretationChoice { follows, sign_language, captions })
        })
        .collect())
}

/// Erasure and retention: what the person said they need goes with them.
pub fn forget(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<()> {
    diesel::delete(interpretation_choices::table.find(registration_id)).execute(conn).map(|_| ())
}

/// Confirmed people of one member organisation (or of none: partners and organisations typed
/// in), by the language they follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLine {
    /// `None`: not a member government.
    pub member: Option<String>,
    pub by_language: BTreeMap<ChannelLanguage, i64>,
    pub total: i64,
}

/// A session's demand for interpretation, counted now from its confirmed registrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDemand {
    pub offered: Offered,
    pub by_language: BTreeMap<ChannelLanguage, i64>,
    /// Members by name, then everyone else in one line.
    pub members: Vec<MemberLine>,
    pub sign_language: i64,
    pub captions: i64,
    pub confirmed: i64,
}

/// One confirmed registration as the counts see it.
type Need = (
    Option<String>,
    Option<OrganisationKind>,
    Option<String>,
    Option<ChannelLanguage>,
    Option<bool>,
    Option<bool>,
);

fn confirmed_needs(
    conn: &mut AnyConnection,
    session_ids: &[SessionId],
) -> QueryResult<Vec<(SessionId, Need)>> {
    registrations::table
        .left_join(organisations::table)
        .left_join(interpretation_choices::table)
        .filter(registrations::session_id.eq_any(session_ids))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select((
            registrations::session_id,
            (
                registrations::organisation_id,
                organisations::kind.nullable(),
                organisations::name.nullable(),
                interpretation_choices::language.nullable(),
                interpretation_choices::sign_language.nullable(),
                interpretation_choices::captions.nullable(),
            ),
        ))
        .load(conn)
}

/// How many confirmed people follow each language of `session`, by member organisation, and
/// how many need sign-language interpretation or captions; counted at each request.
pub fn session_demand(conn: &mut AnyConnection, session: &Session) -> QueryResult<SessionDemand> {
    let offered = offered(conn, session)?;
    let needs = confirmed_needs(conn, std::slice::from_ref(&session.id))?;
    let mut demand = SessionDemand {
        by_language: offered.all().into_iter().map(|l| (l, 0)).collect(),
        offered,
        members: Vec::new(),
        sign_language: 0,
        captions: 0,
        confirmed: 0,
    };
    let mut members: BTreeMap<Option<String>, MemberLine> = BTreeMap::new();
    for (_, (_, kind, name, chosen, sign, captions)) in needs {
        let language = demand.offered.followed(chosen);
        *demand.by_language.entry(language).or_default() += 1;
        demand.confirmed += 1;
        demand.sign_language += i64::from(sign.unwrap_or(false));
        demand.captions += i64::from(captions.unwrap_or(false));
        let member = name.filter(|_| kind == Some(OrganisationKind::Member));
        let line = members.entry(member.clone()).or_insert_with(|| MemberLine {
            member,
            by_language: BTreeMap::new(),
            total: 0,
        });
        *line.by_language.entry(language).or_default() += 1;
        line.total += 1;
    }
    // Members by name, the others last.
    let (mut named, others): (Vec<_>, Vec<_>) = members.into_values().partition(|l| l.member.is_some());
    named.sort_by(|a, b| a.member.cmp(&b.member));
    named.extend(others);
    demand.members = named;
    Ok(demand)
}

/// One session of a series in the series' report.
#[derive(Debug, Clone)]
pub struct SeriesLine {
    pub session: Session,
    pub offered: Offered,
    pub by_language: BTreeMap<ChannelLanguage, i64>,
    pub sign_language: i64,
    pub captions: i64,
    pub confirmed: i64,
}

/// A series' title and its sessions by date, each with the confirmed people following each
/// language: whether a session in a second language is needed, or interpretation suffices.
pub fn series_demand(
    conn: &mut AnyConnection,
    series_id: &str,
) -> QueryResult<Option<(String, Vec<SeriesLine>)>> {
    let Some(title) = series::table.find(series_id).select(series::title).first::<String>(conn).optional()?
    else {
        return Ok(None);
    };
    let list: Vec<Session> = sessions::table
        .filter(sessions::series_id.eq(series_id))
        .order(sessions::starts_at.asc())
        .select(Session::as_select())
        .load(conn)?;
    let ids: Vec<SessionId> = list.iter().map(|s| s.id.clone()).collect();
    let needs = confirmed_needs(conn, &ids)?;
    let mut lines = Vec::with_capacity(list.len());
    for session in list {
        let offered = offered(conn, &session)?;
        let mut line = SeriesLine {
            by_language: BTreeMap::new(),
            sign_language: 0,
            captions: 0,
            confirmed: 0,
            offered,
            session,
        };
        for (_, (_, _, _, chosen, sign, captions)) in needs.iter().filter(|(id, _)| *id == line.session.id) {
            *line.by_language.entry(line.offered.followed(*chosen)).or_default() += 1;
            line.confirmed += 1;
            line.sign_language += i64::from(sign.unwrap_or(false));
            line.captions += i64::from(captions.unwrap_or(false));
        }
        lines.push(line);
    }
    Ok(Some((title, lines)))
}
