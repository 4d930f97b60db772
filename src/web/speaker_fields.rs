//! A speaker's profile fields as typed (or as stored), shared by the organiser's speaker form
//! and the speaker's own page: name, honorific, organisation, and position and bio in each of
//! English, French and Spanish, with their limits and messages by the field.

use crate::db::models::Speaker;
use crate::db::speaker_profiles::{Profile, SpeakerTranslation, texts_by_language};
use crate::domain::Language;
use crate::i18n::I18n;
use crate::web::forms::FieldErrors;

pub const NAME_MAX: usize = 120;
pub const HONORIFIC_MAX: usize = 40;
pub const POSITION_MAX: usize = 160;
pub const ORGANISATION_MAX: usize = 160;
pub const BIO_MAX: usize = 2000;

/// The field names of each language's texts (the form's inputs and the messages' anchors).
const TEXT_FIELDS: [(Language, &str, &str); 3] = [
    (Language::En, "position_en", "bio_en"),
    (Language::Fr, "position_fr", "bio_fr"),
    (Language::Es, "position_es", "bio_es"),
];

/// One language's position and bio, for the form.
#[derive(Debug, Clone)]
pub struct LanguageTexts {
    pub code: &'static str,
    /// The language's name in the reader's language.
    pub label: String,
    pub position_field: &'static str,
    pub bio_field: &'static str,
    pub position: String,
    pub bio: String,
    /// The speaker's own language: what other languages fall back to.
    pub own: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub name: String,
    pub honorific: String,
    pub organisation: String,
    pub email: String,
    pub language: String,
    /// Position and bio by language, in [`Language::ALL`] order.
    pub texts: Vec<(Language, String, String)>,
}

impl ProfileFields {
    /// What was typed, from any form's text fields.
    pub fn from_fields<'a>(get: impl Fn(&str) -> &'a str) -> Self {
        let language = get("language").trim().to_owned();
        let mut texts: Vec<(Language, String, String)> = TEXT_FIELDS
            .iter()
            .map(|(lang, position, bio)| (*lang, get(position).to_owned(), get(bio).to_owned()))
            .collect();
        // A form of one language only (`position`, `bio`): its texts are the speaker's own.
        let (position, bio) = (get("position"), get("bio"));
        if texts.iter().all(|(_, p, b)| p.is_empty() && b.is_empty())
            && !(position.is_empty() && bio.is_empty())
        {
            let own = Language::parse(&language).unwrap_or(Language::En);
            if let Some(t) = texts.iter_mut().find(|(l, _, _)| *l == own) {
                (t.1, t.2) = (position.to_owned(), bio.to_owned());
            }
        }
        Self {
            name: get("name").to_owned(),
            honorific: get("honorific").to_owned(),
            organisation: get("organisation").to_owned(),
            email: get("email").to_owned(),
            language,
            texts,
        }
    }

    /// What is stored.
    pub fn from_stored(
        speaker: &Speaker,
        email: &str,
        language: Language,
        translations: &[SpeakerTranslation],
    ) -> Self {
        Self {
            name: speaker.name.clone(),
            honorific: speaker.honorific.clone(),
            organisation: speaker.organisation.clone(),
            email: email.to_owned(),
            language: language.code().to_owned(),
            texts: texts_by_language(speaker, language, translations),
        }
    }

    /// The three languages' texts for the form, labelled in the reader's language.
    pub fn language_texts(&self, i18n: I18n) -> Vec<LanguageTexts> {
        TEXT_FIELDS
            .iter()
            .map(|(lang, position_field, bio_field)| {
                let typed = self.texts.iter().find(|(l, _, _)| l == lang);
                LanguageTexts {
                    code: lang.code(),
                    label: i18n.t(&format!("speaker-texts-in-{}", lang.code())),
                    position_field,
                    bio_field,
                    position: typed.map(|t| t.1.clone()).unwrap_or_default(),
                    bio: typed.map(|t| t.2.clone()).unwrap_or_default(),
                    own: self.language == lang.code(),
                }
            })
            .collect()
    }

    /// The profile, or the messages by the field: an address is checked when typed (and
    /// required when `email_required`); `name_required` is the message key for an empty name
    /// (the organiser's words or the speaker's).
    pub fn parse(
        &self,
        i18n: I18n,
        errors: &mut FieldErrors,
        email_required: bool,
        name_required: &str,
    ) -> Profile {
        let email = if email_required || !self.email.trim().is_empty() {
            parse_email_field(i18n, errors, &self.email)
        } else {
            String::new()
        };
        // Not sent: the stored language stays (English for a new speaker).
        let language = Language::parse(self.language.trim());
        if language.is_none() && !self.language.trim().is_empty() {
            errors.add("language", i18n.t("speaker-language-invalid"));
        }
        let texts = TEXT_FIELDS
            .iter()
            .map(|(lang, position_field, bio_field)| {
                let typed = self.texts.iter().find(|(l, _, _)| l == lang);
                let (position, bio) = typed.map_or(("", ""), |t| (t.1.as_str(), t.2.as_str()));
                (
                    *lang,
                    errors.line(i18n, position_field, position, POSITION_MAX, None),
                    errors.text(i18n, bio_field, bio, BIO_MAX, None),
                )
            })
            .collect();
        Profile {
            name: errors.line(i18n, "name", &self.name, NAME_MAX, Some(name_required)),
            honorific: errors.line(i18n, "honorific", &self.honorific, HONORIFIC_MAX, None),
            organisation: errors.line(i18n, "organisation", &self.organisation, ORGANISATION_MAX, None),
            email,
            language,
            texts,
        }
    }
}

/// An address as the registration form checks it; the message by the `email` field.
pub fn parse_email_field(i18n: I18n, errors: &mut FieldErrors, raw: &str) -> String {
    match crate::domain::parse_email("email", raw) {
        Ok(email) => email,
        Err(error) => {
            errors.add_domain(&error, i18n);
            String::new()
        }
    }
}

/// The language choices of a speaker (the language of their mail and of their main texts).
pub fn language_choices(i18n: I18n, chosen: &str) -> Vec<(&'static str, String, bool)> {
    Language::ALL
        .iter()
        .map(|lang| {
            (lang.code(), i18n.t(&format!("speaker-texts-in-{}", lang.code())), lang.code() == chosen)
        })
        .collect()
}

/// A panel speaker's position and bio as a public page shows them.
pub struct ShownTexts {
    pub position: String,
    pub bio: String,
    /// The language they are in.
    pub lang: String,
    /// Said when they are not in the visitor's language.
    pub fallback_note: Option<String>,
}

/// The speakers of a panel: their own language and their texts in the visitor's language.
pub struct PanelTexts {
    contacts: std::collections::HashMap<String, crate::db::speaker_profiles::SpeakerContact>,
    translations: std::collections::HashMap<String, SpeakerTranslation>,
}

impl PanelTexts {
    /// Two queries whatever the size of the panel.
    pub fn load(
        conn: &mut crate::db::AnyConnection,
        ids: &[&str],
        language: &str,
    ) -> diesel::QueryResult<Self> {
        Ok(Self {
            contacts: crate::db::speaker_profiles::contacts(conn, ids)?,
            translations: crate::db::speaker_profiles::translations_into(conn, ids, language)?,
        })
    }

    /// The visitor's language where given (each text on its own), else the speaker's own
    /// texts with the note saying in which language they are, as session texts do.
    pub fn of(&self, i18n: I18n, speaker: &Speaker) -> ShownTexts {
        let own = self.contacts.get(&speaker.id).map_or(Language::En, |c| c.language);
        let wanted = i18n.code();
        let translation = self.translations.get(&speaker.id).filter(|_| own.code() != wanted);
        let pick = |t: Option<&String>, original: &String| match t {
            Some(text) if !text.is_empty() => (text.clone(), true),
            _ => (original.clone(), own.code() == wanted),
        };
        let (position, position_wanted) = pick(translation.map(|t| &t.position), &speaker.position);
        let (bio, bio_wanted) = pick(translation.map(|t| &t.bio), &speaker.bio);
        let fallback = (!position.is_empty() && !position_wanted) || (!bio.is_empty() && !bio_wanted);
        let lang = if fallback { own.code() } else { wanted };
        ShownTexts {
            position,
            bio,
            lang: lang.to_owned(),
            fallback_note: fallback.then(|| {
                i18n.t1("speaker-texts-fallback", "language", i18n.t(&format!("in-language-{}", own.code())))
            }),
        }
    }
}
