//! A speaker's profile in every language: the speaker's own row holds the texts in their
//! language (`speakers.language`), `speaker_translations` the position and bio in the others,
//! as sessions and `session_translations` do. Saved from the organiser's form or the speaker's
//! own page; erased with the person.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Speaker;
use super::schema::{outbox, panel_entries, speaker_translations, speakers};
use super::{AnyConnection, write_tx};
use crate::domain::{Language, MessageKind, OutboxStatus};

/// A speaker's position and bio in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = speaker_translations)]
pub struct SpeakerTranslation {
    pub speaker_id: String,
    pub language: String,
    pub position: String,
    pub bio: String,
}

/// The address and language of a speaker (what their mail needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerContact {
    pub email: String,
    pub language: Language,
}

pub fn contact(conn: &mut AnyConnection, speaker_id: &str) -> QueryResult<Option<SpeakerContact>> {
    let row: Option<(String, String)> = speakers::table
        .find(speaker_id)
        .select((speakers::email, speakers::language))
        .first(conn)
        .optional()?;
    Ok(row.map(|(email, language)| SpeakerContact {
        email,
        language: Language::parse(&language).unwrap_or(Language::En),
    }))
}

/// The contacts of several speakers, by id.
pub fn contacts(conn: &mut AnyConnection, ids: &[&str]) -> QueryResult<HashMap<String, SpeakerContact>> {
    let rows: Vec<(String, String, String)> = speakers::table
        .filter(speakers::id.eq_any(ids))
        .select((speakers::id, speakers::email, speakers::language))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, language)| {
            (id, SpeakerContact { email, language: Language::parse(&language).unwrap_or(Language::En) })
        })
        .collect())
}

/// The texts of a speaker in every language other than their own.
pub fn translations(conn: &mut AnyConnection, speaker_id: &str) -> QueryResult<Vec<SpeakerTranslation>> {
    speaker_translations::table
        .filter(speaker_translations::speaker_id.eq(speaker_id))
        .order(speaker_translations::language.asc())
        .select(SpeakerTranslation::as_select())
        .load(conn)
}

/// The translations of several speakers into `language`, by speaker id.
pub fn translations_into(
    conn: &mut AnyConnection,
    ids: &[&str],
    language: &str,
) -> QueryResult<HashMap<String, SpeakerTranslation>> {
    let rows: Vec<SpeakerTranslation> = speaker_translations::table
        .filter(speaker_translations::speaker_id.eq_any(ids))
        .filter(speaker_translations::language.eq(language))
        .select(SpeakerTranslation::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|t| (t.speaker_id.clone(), t)).collect())
}

/// Everything a speaker's profile holds, as validated by a form: the texts in `language`
/// (the speaker's own) and, for each other language, position and bio.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: String,
    pub honorific: String,
    pub organisation: String,
    pub email: String,
    pub language: Option<Language>,
    /// Position and bio by language, every one of the three.
    pub texts: Vec<(Language, String, String)>,
}

/// Writes a profile inside the caller's transaction: the row's texts in the speaker's own
/// language, the other languages as translations (an empty one is deleted). Returns `false`
/// when there is no such speaker.
pub fn write_profile(conn: &mut AnyConnection, speaker_id: &str, profile: &Profile) -> QueryResult<bool> {
    let Some(stored) = super::speakers::speaker(conn, speaker_id)? else {
        return Ok(false);
    };
    let stored_language: String = speakers::table.find(speaker_id).select(speakers::language).first(conn)?;
    let language = profile.language.map_or(stored_language, |l| l.code().to_owned());
    let own = profile.texts.iter().find(|(l, _, _)| l.code() == language);
    let (position, bio) =
        own.map_or((stored.position.clone(), stored.bio.clone()), |(_, p, b)| (p.clone(), b.clone()));
    diesel::update(speakers::table.find(speaker_id))
        .set((
            speakers::name.eq(&profile.name),
            speakers::honorific.eq(&profile.honorific),
            speakers::organisation.eq(&profile.organisation),
            speakers::position.eq(&position),
            speakers::bio.eq(&bio),
            speakers::email.eq(&profile.email),
            speakers::language.eq(&language),
        ))
        .execute(conn)?;
    for (lang, position, bio) in &profile.texts {
        let code = lang.code();
        let target = speaker_translations::table.find((speaker_id, code));
        diesel::delete(target).execute(conn)?;
        if code == language || (position.is_empty() && bio.is_empty()) {
            continue;
        }
        diesel::insert_into(speaker_translations::table)
            .values(&SpeakerTranslation {
                speaker_id: speaker_id.to_owned(),
                language: code.to_owned(),
                position: position.clone(),
                bio: bio.clone(),
            })
            .execute(conn)?;
    }
    Ok(true)
}

/// An organiser saves a speaker's profile (audited).
pub fn save_by_organiser(
    conn: &mut AnyConnection,
    speaker_id: &str,
    profile: &Profile,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        if !write_profile(conn, speaker_id, profile)? {
            return Ok(false);
        }
        audit::record(conn, actor, "speaker.update", &profile.name, speaker_id, now)?;
        Ok(true)
    })
}

/// The speaker saves their own page (one transaction): the profile, the new photo path when
/// one was sent, their answer about recording and publication, and the invitation marked
/// answered. Returns the previous photo path, or `None` when there is no such speaker.
pub fn save_by_speaker(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
    profile: &Profile,
    photo_path: Option<&str>,
    consent: Option<(bool, bool)>,
    now: NaiveDateTime,
) -> QueryResult<Option<Option<String>>> {
    write_tx(conn, |conn| {
        let Some(stored) = super::speakers::speaker(conn, speaker_id)? else {
            return Ok(None);
        };
        write_profile(conn, speaker_id, profile)?;
        if let Some(path) = photo_path {
            diesel::update(speakers::table.find(speaker_id))
                .set(speakers::photo_path.eq(path))
                .execute(conn)?;
        }
        super::speaker_consent::record_answer(conn, session_id, speaker_id, consent, now)?;
        Ok(Some(stored.photo_path))
    })
}

/// The texts of a speaker in each of the three languages, for a form: the row's in their
/// own language, the translations in the others (empty when not given).
pub fn texts_by_language(
    speaker: &Speaker,
    own: Language,
    translations: &[SpeakerTranslation],
) -> Vec<(Language, String, String)> {
    Language::ALL
        .iter()
        .map(|&lang| {
            if lang == own {
                (lang, speaker.position.clone(), speaker.bio.clone())
            } else {
                let t = translations.iter().find(|t| t.language == lang.code());
                (
                    lang,
                    t.map(|t| t.position.clone()).unwrap_or_default(),
                    t.map(|t| t.bio.clone()).unwrap_or_default(),
                )
            }
        })
        .collect()
}

/// What erasing a speaker removed.
#[derive(Debug, Clone)]
pub struct Erased {
    pub photo_path: Option<String>,
    pub panels: usize,
}

/// Erases a speaker (an administrator's data request): off every panel, their profile,
/// translations, invitations, consents and links deleted, undelivered mail to them skipped,
/// their name pseudonymised in the audit log. The caller removes the photo file after the
/// commit. `None` when there is no such speaker.
pub fn erase(
    conn: &mut AnyConnection,
    speaker_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<Erased>> {
    write_tx(conn, |conn| {
        let Some(speaker) = super::speakers::speaker(conn, speaker_id)? else {
            return Ok(None);
        };
        let email: String = speakers::table.find(speaker_id).select(speakers::email).first(conn)?;
        let panels = diesel::delete(panel_entries::table.filter(panel_entries::speaker_id.eq(speaker_id)))
            .execute(conn)?;
        // Queued mail names the speaker by id only; it is skipped rather than sent.
        let kinds = [
            MessageKind::SpeakerInvitation,
            MessageKind::SpeakerReminder,
            MessageKind::SpeakerSessionUpdated,
            MessageKind::SpeakerSessionCancelled,
        ];
        let pattern = format!("%\"speaker_id\":\"{speaker_id}\"%");
        diesel::update(
            outbox::table
                .filter(outbox::kind.eq_any(kinds))
                .filter(outbox::status.eq(OutboxStatus::Queued))
                .filter(outbox::payload.like(pattern)),
        )
        .set((
            outbox::status.eq(OutboxStatus::Skipped),
            outbox::last_error.eq(Some("the speaker was erased")),
        ))
        .execute(conn)?;
        // Translations, invitations (consents) and links go with the row (ON DELETE CASCADE).
        diesel::delete(speakers::table.find(speaker_id)).execute(conn)?;
        let pseudonym = format!("erased speaker {speaker_id}");
        let names: Vec<&str> =
            [speaker.name.as_str(), email.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        audit::pseudonymise(conn, &names, &pseudonym)?;
        audit::record(conn, actor, "speaker.erase", &pseudonym, "", now)?;
        Ok(Some(Erased { photo_path: speaker.photo_path, panels }))
    })
}
