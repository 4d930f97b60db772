//! Interpretation as data: the languages a session can be followed in (the one it is spoken in
//! and the interpretation channels booked), and what a registrant says they will follow.

use std::collections::BTreeSet;

use super::FieldError;
use super::status::text_enum;

text_enum! {
    /// A language a session can be spoken in or interpreted into (ISO 639-1 codes). Wider than
    /// the interface's three languages: interpreters are booked into the network's other
    /// working languages too.
    pub enum ChannelLanguage {
        En = "en",
        Fr = "fr",
        Es = "es",
        Pt = "pt",
        Ar = "ar",
    }
}

impl ChannelLanguage {
    /// The spoken language of a session stored as `sessions.language` (`en`, `fr`, `es`);
    /// English for anything else, as the session pages read it.
    pub fn spoken(stored: &str) -> Self {
        Self::parse(stored).unwrap_or(Self::En)
    }

    /// The message key of the language's name in the reader's language ("French", "français").
    pub fn name_key(self) -> String {
        format!("interpretation-language-{}", self.as_str())
    }
}

/// The languages a session can be followed in: its spoken language and the interpretation
/// channels booked (never containing the spoken one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub spoken: ChannelLanguage,
    pub booked: BTreeSet<ChannelLanguage>,
}

impl Offered {
    pub fn new(spoken: ChannelLanguage, booked: impl IntoIterator<Item = ChannelLanguage>) -> Self {
        let booked = booked.into_iter().filter(|l| *l != spoken).collect();
        Self { spoken, booked }
    }

    /// Whether the registration form asks which language the person will follow: only when
    /// there is a choice.
    pub fn asks(&self) -> bool {
        !self.booked.is_empty()
    }

    pub fn offers(&self, language: ChannelLanguage) -> bool {
        language == self.spoken || self.booked.contains(&language)
    }

    /// The spoken language first, then the channels in the closed set's order.
    pub fn all(&self) -> Vec<ChannelLanguage> {
        std::iter::once(self.spoken).chain(self.booked.iter().copied()).collect()
    }

    /// What a person follows, as counted: the language they chose while it is offered, else
    /// the spoken one (nobody was asked, or the channel they chose was cancelled).
    pub fn followed(&self, chosen: Option<ChannelLanguage>) -> ChannelLanguage {
        chosen.filter(|l| self.offers(*l)).unwrap_or(self.spoken)
    }

    /// The channel to tell a person to choose: the language they follow when it is not the
    /// spoken one and is still offered.
    pub fn channel_for(&self, chosen: Option<ChannelLanguage>) -> Option<ChannelLanguage> {
        Some(self.followed(chosen)).filter(|l| *l != self.spoken)
    }
}

impl InterpretationChoice {
    /// Whether two choices come to the same for a session offering `offered` (a channel since
    /// cancelled and the spoken language are followed alike).
    pub fn same_for(&self, other: &Self, offered: &Offered) -> bool {
        offered.followed(self.follows) == offered.followed(other.follows)
            && self.sign_language == other.sign_language
            && self.captions == other.captions
    }
}

/// The interpretation part of a registration form, as posted.
#[derive(Debug, Clone, Default)]
pub struct InterpretationForm {
    pub follows: String,
    pub sign_language: bool,
    pub captions: bool,
}

/// What a person needs to follow the session, parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InterpretationChoice {
    /// `None` when the form did not ask (a session offering its spoken language only).
    pub follows: Option<ChannelLanguage>,
    pub sign_language: bool,
    pub captions: bool,
}

impl InterpretationForm {
    /// Reads the form's fields (`follows`, `sign_language`, `captions`); a repeated field keeps
    /// its first value, as the rest of the form does.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let first = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        InterpretationForm {
            follows: first("follows").unwrap_or_default().to_owned(),
            sign_language: first("sign_language").is_some(),
            captions: first("captions").is_some(),
        }
    }

    /// The form as it starts: the language the person reads email in when the session offers
    /// it, else the spoken language.
    pub fn preselected(offered: &Offered, email_language: &str) -> Self {
        let follows =
            ChannelLanguage::parse(email_language).filter(|l| offered.offers(*l)).unwrap_or(offered.spoken);
        InterpretationForm { follows: follows.as_str().to_owned(), ..Default::default() }
    }

    /// The form filled with what is stored: the language followed as counted.
    pub fn of_choice(choice: &InterpretationChoice, offered: &Offered) -> Self {
        InterpretationForm {
            follows: offered.followed(choice.follows).as_str().to_owned(),
            sign_language: choice.sign_language,
            captions: choice.captions,
        }
    }

    /// The form's values checked against what the session offers now. When the form does
    /// not ask (a single language), whatever was posted for `follows` is ignored.
    pub fn parse(&self, offered: &Offered) -> Result<InterpretationChoice, FieldError> {
        let follows = if offered.asks() {
            match ChannelLanguage::parse(self.follows.trim()) {
                Some(language) if offered.offers(language) => Some(language),
                Some(_) => return Err(FieldError::new("follows", "error-follows-not-offered")),
                None if self.follows.trim().is_empty() => {
                    return Err(FieldError::new("follows", "error-follows-required"));
                }
                None => return Err(FieldError::new("follows", "error-follows-not-offered")),
            }
        } else {
            None
        };
        Ok(InterpretationChoice { follows, sign_language: self.sign_language, captions: self.captions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_with(booked: &[ChannelLanguage]) -> Offered {
        Offered::new(ChannelLanguage::En, booked.iter().copied())
    }

    fn form(follows: &str) -> InterpretationForm {
        InterpretationForm { follows: follows.into(), ..Default::default() }
    }

    #[test]
    fn a_booked_language_or_the_spoken_one_is_accepted() {
        let offered = english_with(&[ChannelLanguage::Fr, ChannelLanguage::Ar]);
        assert_eq!(form("ar").parse(&offered).map(|c| c.follows), Ok(Some(ChannelLanguage::Ar)));
        assert_eq!(form("en").parse(&offered).map(|c| c.follows), Ok(Some(ChannelLanguage::En)));
    }

    #[test]
    fn a_language_not_offered_or_unknown_or_missing_is_refused_by_its_field() {
        let offered = english_with(&[ChannelLanguage::Fr]);
        for (posted, message) in [
            ("es", "error-follows-not-offered"),
            ("klingon", "error-follows-not-offered"),
            (" ", "error-follows-required"),
        ] {
            let error = form(posted).parse(&offered).expect_err(posted);
            assert_eq!((error.field, error.message), ("follows", message), "{posted}");
        }
    }

    #[test]
    fn a_single_language_session_asks_nothing_and_ignores_what_is_posted() {
        let offered = english_with(&[]);
        assert_eq!(form("zz").parse(&offered).map(|c| c.follows), Ok(None));
    }

    #[test]
    fn the_email_language_is_preselected_only_when_offered() {
        let offered = english_with(&[ChannelLanguage::Fr]);
        assert_eq!(InterpretationForm::preselected(&offered, "fr").follows, "fr");
        assert_eq!(InterpretationForm::preselected(&offered, "es").follows, "en");
    }

    #[test]
    fn the_channel_is_named_only_for_an_offered_language_other_than_the_spoken_one() {
        let offered = english_with(&[ChannelLanguage::Fr]);
        assert_eq!(offered.channel_for(Some(ChannelLanguage::Fr)), Some(ChannelLanguage::Fr));
        assert_eq!(offered.channel_for(Some(ChannelLanguage::En)), None);
        assert_eq!(offered.channel_for(Some(ChannelLanguage::Es)), None, "a cancelled channel");
        assert_eq!(offered.channel_for(None), None);
        assert!(
            !Offered::new(ChannelLanguage::Fr, [ChannelLanguage::Fr]).asks(),
            "the spoken one is no channel"
        );
    }
}
