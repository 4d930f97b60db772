//! What the messages of one claimed batch read alike, read once for the whole batch inside the
//! claim's transaction: the registrations with their sessions, the suppressed addresses among
//! them, what each person said they follow; the sessions' translations and channels once per
//! session and language. The links' new tokens are kept and stored together at the end.
//!
//! One message at a time, a batch of 100 reminders took about 800 statements (its
//! registration, the translation, the suppression list, two tokens, the channel): on
//! PostgreSQL each a round trip, and the database's share of the work. Now it takes a dozen.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::bounces::Suppressed;
use crate::db::models::{OutboxMessage, Registration, Session, SessionTranslation};
use crate::db::tokens::NewToken;
use crate::db::{self, AnyConnection};
use crate::domain::interpretation::{ChannelLanguage, InterpretationChoice, Offered};
use crate::domain::{RegistrationId, SessionId, TokenPurpose};

#[derive(Default)]
pub(super) struct BatchReads {
    registrations: HashMap<RegistrationId, (Registration, Session)>,
    /// The addresses looked up (the registrations' own and pending new ones, normalized),
    /// and those of them that are suppressed.
    looked_up: HashSet<String>,
    suppressed: HashMap<String, Suppressed>,
    /// By registration id.
    choices: HashMap<String, InterpretationChoice>,
    translations: HashMap<(SessionId, String), Option<SessionTranslation>>,
    offered: HashMap<SessionId, Offered>,
    tokens: Vec<NewToken>,
}

impl BatchReads {
    /// Reads what the batch's messages about a registration need (three statements).
    pub(super) fn load(conn: &mut AnyConnection, messages: &[OutboxMessage]) -> QueryResult<Self> {
        let mut ids: Vec<RegistrationId> =
            messages.iter().filter_map(|m| m.registration_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let registrations = db::registrations::with_sessions(conn, &ids)?;
        let looked_up: HashSet<String> = registrations
            .values()
            .flat_map(|(registration, _)| {
                let pending = registration.pending_email.as_ref().map(|e| e.to_lowercase());
                [Some(registration.email_normalized.clone()), pending]
            })
            .flatten()
            .collect();
        let addresses: Vec<String> = looked_up.iter().cloned().collect();
        let suppressed = db::bounces::suppressions_of(conn, &addresses)?;
        let id_texts: Vec<&str> = ids.iter().map(RegistrationId::as_str).collect();
        let choices = db::interpretation::choices_of(conn, &id_texts)?;
        Ok(Self { registrations, looked_up, suppressed, choices, ..Self::default() })
    }

    /// The registration with its session, as the batch found them; `None` when it is gone.
    pub(super) fn registration(&self, id: &RegistrationId) -> Option<(Registration, Session)> {
        self.registrations.get(id).cloned()
    }

    /// `catalogue::localize`, each session's translation read once per language.
    pub(super) fn localize(
        &mut self,
        conn: &mut AnyConnection,
        session: &mut Session,
        language: &str,
    ) -> QueryResult<()> {
        if session.language == language {
            return Ok(());
        }
        let key = (session.id.clone(), language.to_owned());
        let translation = match self.translations.get(&key) {
            Some(found) => found.clone(),
            None => {
                let found = db::catalogue::translation(conn, &session.id, language)?;
                self.translations.insert(key, found.clone());
                found
            }
        };
        if let Some(t) = translation {
            db::catalogue::translate(session, t);
        }
        Ok(())
    }

    /// Whether the address (normalized) bounced for good. Only the batch's registrations'
    /// addresses are known here; any other is read.
    pub(super) fn suppression(
        &mut self,
        conn: &mut AnyConnection,
        address: &str,
    ) -> QueryResult<Option<Suppressed>> {
        if self.looked_up.contains(address) {
            return Ok(self.suppressed.get(address).cloned());
        }
        db::bounces::suppression_of(conn, address)
    }

    /// A new token for one of the message's links; stored with the batch's others by
    /// [`BatchReads::store_tokens`], in the same transaction.
    pub(super) fn mint(
        &mut self,
        registration_id: &RegistrationId,
        purpose: TokenPurpose,
        session: &Session,
        now: NaiveDateTime,
    ) -> String {
        let (token, row) = db::tokens::new_token_for(registration_id, purpose, session, now);
        self.tokens.push(row);
        token
    }

    /// `interpretation::channel_of`: the channel the person should choose, if they follow one
    /// the session offers.
    pub(super) fn channel(
        &mut self,
        conn: &mut AnyConnection,
        registration_id: &RegistrationId,
        session: &Session,
    ) -> QueryResult<Option<ChannelLanguage>> {
        let Some(chosen) = self.choices.get(registration_id.as_str()).and_then(|c| c.follows) else {
            return Ok(None);
        };
        if !self.offered.contains_key(&session.id) {
            let offered = db::interpretation::offered(conn, session)?;
            self.offered.insert(session.id.clone(), offered);
        }
        Ok(self.offered.get(&session.id).and_then(|offered| offered.channel_for(Some(chosen))))
    }

    /// Stores the tokens minted for the batch's links.
    pub(super) fn store_tokens(&self, conn: &mut AnyConnection) -> QueryResult<()> {
        db::tokens::store(conn, &self.tokens)
    }
}
