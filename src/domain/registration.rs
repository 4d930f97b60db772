use super::Language;
use super::country::{CountryCode, parse_country};
use super::field::{FieldError, clean_line, clean_text, parse_email, required_line};
use super::interpretation::{InterpretationChoice, InterpretationForm};
use super::questions::{Answer, AnswersForm};
use super::time_zone::parse_time_zone;

/// The registration form exactly as posted. Every field is optional text so that a missing or
/// odd field becomes a message next to it, never a rejected request.
#[derive(Debug, Clone, Default)]
pub struct RegistrationForm {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub organisation_other: String,
    pub position: String,
    pub country: String,
    pub language: String,
    pub timezone: String,
    pub needs: String,
    pub consent: Option<String>,
    pub newsletter: Option<String>,
    pub listed: Option<String>,
    /// Honeypot: hidden from people, filled by naive bots.
    pub website: String,
    pub csrf_token: String,
    /// The language followed and the needs ticked; parsed against the session's languages.
    pub interpretation: InterpretationForm,
    /// qforms: the answers to the organiser's own questions, as posted.
    pub answers: AnswersForm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganisationChoice {
    /// A member government or partner from the list, by id.
    Listed(String),
    /// Typed by the registrant because theirs is not in the list.
    Other(String),
}

/// A registration request after parsing: every field is clean and within bounds.
#[derive(Debug, Clone)]
pub struct RegistrationInput {
    pub name: String,
    pub email: String,
    pub email_normalized: String,
    pub organisation: OrganisationChoice,
    pub position: String,
    pub country: Option<CountryCode>,
    pub language: Language,
    /// A canonical zone name.
    pub timezone: Option<String>,
    pub needs: String,
    pub newsletter: bool,
    /// Agreed to be listed among the session's participants.
    pub listed: bool,
    /// The language followed and the sign-language and caption needs; checked against the
    /// session's languages by the web layer, which knows them (`InterpretationForm::parse`).
    pub interpretation: InterpretationChoice,
    /// qforms: the answers, checked against the session's questions by the web layer.
    pub answers: Vec<(String, Answer)>,
}

impl RegistrationInput {
    /// A valid submission for tests and benchmarks: a person at an organisation typed by name,
    /// in English, with every optional detail empty; set what matters with struct update syntax.
    pub fn sample(name: &str, email: &str, organisation: &str) -> Self {
        RegistrationInput {
            name: name.to_owned(),
            email: email.to_owned(),
            email_normalized: email.to_lowercase(),
            organisation: OrganisationChoice::Other(organisation.to_owned()),
            position: String::new(),
            country: None,
            language: Language::En,
            timezone: None,
            needs: String::new(),
            newsletter: false,
            listed: false,
            interpretation: InterpretationChoice::default(),
            answers: Vec::new(),
        }
    }
}

pub const NAME_MAX: usize = 120;
pub const ORGANISATION_MAX: usize = 160;
pub const POSITION_MAX: usize = 160;
pub const NEEDS_MAX: usize = 1000;

impl RegistrationForm {
    /// Builds the form from posted pairs. A repeated field keeps its first value, and unknown
    /// fields are ignored, so an odd submission is answered with messages, not refused whole.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = RegistrationForm {
            interpretation: InterpretationForm::from_pairs(&pairs),
            answers: AnswersForm::from_pairs(&pairs),
            ..Default::default()
        };
        let mut seen = std::collections::HashSet::new();
        for (key, value) in pairs {
            if !seen.insert(key.clone()) {
                continue;
            }
            match key.as_str() {
                "name" => form.name = value,
                "email" => form.email = value,
                "organisation" => form.organisation = value,
                "organisation_other" => form.organisation_other = value,
                "position" => form.position = value,
                "country" => form.country = value,
                "language" => form.language = value,
                "timezone" => form.timezone = value,
                "needs" => form.needs = value,
                "consent" => form.consent = Some(value),
                "newsletter" => form.newsletter = Some(value),
                "listed" => form.listed = Some(value),
                "website" => form.website = value,
                "csrf_token" => form.csrf_token = value,
                _ => {}
            }
        }
        form
    }

    /// Parses the form. Collects every field's error at once, so the person fixes them in one go.
    pub fn parse(&self) -> Result<RegistrationInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let details = DetailFields {
            name: &self.name,
            organisation: &self.organisation,
            organisation_other: &self.organisation_other,
            position: &self.position,
            country: &self.country,
            language: &self.language,
            timezone: &self.timezone,
            needs: &self.needs,
        }
        .parse(&mut errors);
        let email = parse_email("email", &self.email).map_err(|e| errors.push(e)).ok();
        if self.consent.is_none() {
            errors.push(FieldError::new("consent", "error-consent"));
        }
        match (details, email) {
            (Some(d), Some(email)) if errors.is_empty() => Ok(RegistrationInput {
                name: d.name,
                email_normalized: email.to_lowercase(),
                email,
                organisation: d.organisation,
                position: d.position,
                country: d.country,
                language: d.language,
                timezone: d.timezone,
                needs: d.needs,
                newsletter: self.newsletter.is_some(),
                listed: self.listed.is_some(),
                interpretation: InterpretationChoice::default(),
                answers: Vec::new(),
            }),
            _ => Err(errors),
        }
    }

    pub fn is_bot(&self) -> bool {
        !self.website.trim().is_empty()
    }
}

/// The person's own details, shared by the registration form and the manage page's edit form:
/// one parser per field, the same limits and messages in both.
struct DetailFields<'a> {
    name: &'a str,
    organisation: &'a str,
    organisation_other: &'a str,
    position: &'a str,
    country: &'a str,
    language: &'a str,
    timezone: &'a str,
    needs: &'a str,
}

/// [`DetailFields`] parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub name: String,
    pub organisation: OrganisationChoice,
    pub position: String,
    pub country: Option<CountryCode>,
    pub language: Language,
    /// A canonical zone name.
    pub timezone: Option<String>,
    pub needs: String,
}

impl DetailFields<'_> {
    fn parse(&self, errors: &mut Vec<FieldError>) -> Option<Details> {
        let before = errors.len();
        let name = required_line("name", self.name, NAME_MAX, "error-name-required")
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let organisation =
            parse_organisation(self.organisation, self.organisation_other).map_err(|e| errors.push(e)).ok();
        let position = clean_line("position", self.position, POSITION_MAX)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let country = parse_country("country", self.country).map_err(|e| errors.push(e)).ok().flatten();
        // A listed organisation knows its country, so only people from elsewhere must give one.
        if matches!(organisation, Some(OrganisationChoice::Other(_)))
            && country.is_none()
            && !errors.iter().any(|e| e.field == "country")
        {
            errors.push(FieldError::new("country", "error-country-required"));
        }
        let language = parse_language("language", self.language).map_err(|e| errors.push(e)).ok();
        let timezone = parse_time_zone("timezone", self.timezone).map_err(|e| errors.push(e)).ok().flatten();
        let needs =
            clean_text("needs", self.needs, NEEDS_MAX).map_err(|e| errors.push(e)).unwrap_or_default();
        match (organisation, language) {
            (Some(organisation), Some(language)) if errors.len() == before => {
                Some(Details { name, organisation, position, country, language, timezone, needs })
            }
            _ => None,
        }
    }
}

/// The organisation fields: a listed organisation's id, or `other` with the typed name.
pub fn parse_organisation(choice: &str, other: &str) -> Result<OrganisationChoice, FieldError> {
    match choice.trim() {
        "" => Err(FieldError::new("organisation", "error-organisation-required")),
        "other" => {
            required_line("organisation_other", other, ORGANISATION_MAX, "error-organisation-other-required")
                .map(OrganisationChoice::Other)
        }
        id if id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
            Ok(OrganisationChoice::Listed(id.to_owned()))
        }
        _ => Err(FieldError::new("organisation", "error-organisation-unknown")),
    }
}

/// The language for emails: `en`, `fr` or `es`.
pub fn parse_language(field: &'static str, raw: &str) -> Result<Language, FieldError> {
    match Language::parse(raw) {
        Some(lang) if raw.trim().len() <= 8 => Ok(lang),
        _ => Err(FieldError::new(field, "error-language")),
    }
}

/// The manage page's form to change one's details, exactly as posted. The email address is
/// there too: a new one is confirmed by its mailbox before it replaces the old one.
#[derive(Debug, Clone, Default)]
pub struct DetailsForm {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub organisation_other: String,
    pub position: String,
    pub country: String,
    pub language: String,
    pub timezone: String,
    pub needs: String,
    pub csrf_token: String,
    /// The language followed and the needs ticked; parsed against the session's languages.
    pub interpretation: InterpretationForm,
    /// qforms: the answers to the organiser's own questions, as posted.
    pub answers: AnswersForm,
}

/// A details change after parsing. Seats, status and consents are not part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsInput {
    pub details: Details,
    pub email: String,
    pub email_normalized: String,
    /// The language followed and the needs ticked, when the form carried them (set by the web
    /// layer, which knows the session's languages); `None` leaves what is stored.
    pub interpretation: Option<InterpretationChoice>,
    /// qforms: the answers, checked by the web layer; `None` leaves what is stored.
    pub answers: Option<Vec<(String, Answer)>>,
}

impl DetailsForm {
    /// Builds the form from posted pairs (first value of a repeated field; others ignored).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = DetailsForm {
            interpretation: InterpretationForm::from_pairs(&pairs),
            answers: AnswersForm::from_pairs(&pairs),
            ..Default::default()
        };
        let mut seen = std::collections::HashSet::new();
        for (key, value) in pairs {
            if !seen.insert(key.clone()) {
                continue;
            }
            match key.as_str() {
                "name" => form.name = value,
                "email" => form.email = value,
                "organisation" => form.organisation = value,
                "organisation_other" => form.organisation_other = value,
                "position" => form.position = value,
                "country" => form.country = value,
                "language" => form.language = value,
                "timezone" => form.timezone = value,
                "needs" => form.needs = value,
                "csrf_token" => form.csrf_token = value,
                _ => {}
            }
        }
        form
    }

    /// Parses every field with the registration form's parsers, collecting every error.
    pub fn parse(&self) -> Result<DetailsInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let details = DetailFields {
            name: &self.name,
            organisation: &self.organisation,
            organisation_other: &self.organisation_other,
            position: &self.position,
            country: &self.country,
            language: &self.language,
            timezone: &self.timezone,
            needs: &self.needs,
        }
        .parse(&mut errors);
        let email = parse_email("email", &self.email).map_err(|e| errors.push(e)).ok();
        match (details, email) {
            (Some(details), Some(email)) if errors.is_empty() => Ok(DetailsInput {
                details,
                email_normalized: email.to_lowercase(),
                email,
                interpretation: None,
                answers: None,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_form() -> RegistrationForm {
        RegistrationForm {
            name: "Amina Diallo".into(),
            email: "amina.diallo@accra.gov.gh".into(),
            organisation: "0193a1b2-0000-7000-8000-000000000001".into(),
            country: "GH".into(),
            language: "fr".into(),
            consent: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let input = valid_form().parse().expect("valid");
        assert_eq!(input.name, "Amina Diallo");
        assert_eq!(input.language, Language::Fr);
        assert!(!input.newsletter);
    }

    #[test]
    fn emails_are_checked_and_normalised_for_lookup() {
        let mut form = valid_form();
        form.email = "  Amina.Diallo@Accra.GOV.gh ".into();
        let input = form.parse().expect("valid");
        assert_eq!(input.email, "Amina.Diallo@Accra.GOV.gh");
        assert_eq!(input.email_normalized, "amina.diallo@accra.gov.gh");
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let errors = RegistrationForm::default().parse().expect_err("empty form");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        for field in ["name", "email", "organisation", "language", "consent"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn line_breaks_in_names_are_folded_and_overlong_values_refused() {
        let mut form = valid_form();
        form.name = "Mallory\r\nBcc: victim@example.org".into();
        assert_eq!(form.parse().expect("valid").name, "Mallory Bcc: victim@example.org");

        form.name = "x".repeat(NAME_MAX + 1);
        let errors = form.parse().expect_err("too long");
        assert_eq!(errors, vec![FieldError::too_long("name", NAME_MAX)]);
    }

    #[test]
    fn the_country_is_required_only_for_an_organisation_outside_the_list() {
        let mut form = valid_form();
        form.country = String::new();
        assert_eq!(form.parse().expect("listed member").country, None);
        form.organisation = "other".into();
        form.organisation_other = "Ciudad de Ejemplo".into();
        assert_eq!(
            form.parse().expect_err("no country")[0],
            FieldError::new("country", "error-country-required")
        );
    }

    #[test]
    fn other_organisation_needs_its_name() {
        let mut form = valid_form();
        form.organisation = "other".into();
        let errors = form.parse().expect_err("missing other");
        assert_eq!(errors[0].field, "organisation_other");
        form.organisation_other = "Ciudad de Ejemplo".into();
        assert_eq!(
            form.parse().expect("valid").organisation,
            OrganisationChoice::Other("Ciudad de Ejemplo".into())
        );
    }

    #[test]
    fn unknown_time_zones_are_refused_and_known_ones_kept() {
        let mut form = valid_form();
        form.timezone = "Mars/Olympus".into();
        assert_eq!(form.parse().expect_err("bad tz")[0].field, "timezone");
        form.timezone = "America/Mexico_City".into();
        assert_eq!(form.parse().expect("valid").timezone.as_deref(), Some("America/Mexico_City"));
    }
}
