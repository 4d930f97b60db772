//! The words of an export in the organiser's language, looked up once per export (a long list
//! asks for the same few words on every line).

use crate::domain::country::display as country_name;
use crate::domain::{Language, RegistrationStatus};
use crate::i18n::I18n;

/// Translated words for one export.
#[derive(Debug, Clone)]
pub struct ExportLabels {
    i18n: I18n,
    yes: String,
    no: String,
    /// In the order of [`RegistrationStatus::ALL`].
    statuses: Vec<String>,
    /// In the order of [`Language::ALL`].
    languages: Vec<String>,
}

impl ExportLabels {
    pub fn new(language: Language) -> Self {
        let i18n = I18n::new(language);
        Self {
            yes: i18n.t("export-yes"),
            no: i18n.t("export-no"),
            statuses: RegistrationStatus::ALL.iter().map(|&s| status_label(i18n, s)).collect(),
            languages: Language::ALL.iter().map(|l| i18n.language_name(l.code())).collect(),
            i18n,
        }
    }

    pub fn language(&self) -> Language {
        self.i18n.lang
    }

    /// Any message of the organiser's language.
    pub fn t(&self, key: &str) -> String {
        self.i18n.t(key)
    }

    /// A message of the organiser's language with one text argument.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.i18n.t1(key, name, value)
    }

    pub fn yes_no(&self, value: bool) -> &str {
        if value { &self.yes } else { &self.no }
    }

    pub fn status(&self, status: RegistrationStatus) -> &str {
        let index = RegistrationStatus::ALL.iter().position(|s| *s == status).unwrap_or(0);
        self.statuses.get(index).map_or("", String::as_str)
    }

    /// A language's name for a stored code; an unknown code as it is.
    pub fn language_name(&self, code: &str) -> String {
        match Language::parse(code).and_then(|l| Language::ALL.iter().position(|x| *x == l)) {
            Some(index) => self.languages.get(index).cloned().unwrap_or_default(),
            None => code.to_owned(),
        }
    }

    /// A country's name for a stored code; text that is not a code as it is.
    pub fn country(&self, stored: &str) -> String {
        country_name(stored, &self.i18n.lang)
    }
}

/// A status's short name in the organiser's language.
pub fn status_label(i18n: I18n, status: RegistrationStatus) -> String {
    i18n.t(match status {
        RegistrationStatus::Pending => "admin-reg-status-pending",
        RegistrationStatus::AwaitingApproval => "admin-reg-status-awaiting-approval",
        RegistrationStatus::Confirmed => "admin-reg-status-confirmed",
        RegistrationStatus::Waitlisted => "admin-reg-status-waitlisted",
        RegistrationStatus::Declined => "admin-reg-status-declined",
        RegistrationStatus::Cancelled => "admin-reg-status-cancelled",
        RegistrationStatus::Erased => "admin-reg-status-erased",
    })
}
