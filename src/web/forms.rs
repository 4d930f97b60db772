//! What every form shares when it comes back with mistakes: the messages by field, in the
//! visitor's language, in the order of the form. The pages show them twice, in the error
//! summary (`templates/partials/error_summary.html`, each linking to its field by id) and next
//! to each field.

use crate::domain::{FieldError, clean_line, clean_text};
use crate::i18n::I18n;

/// The localised messages of a failed form, in the order they were found (the order of the
/// fields). A message with an empty field id concerns the whole form: the summary shows it
/// without a link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// The parser's errors, in its order, in the visitor's language.
    pub fn from_domain(errors: &[FieldError], i18n: I18n) -> Self {
        let mut all = Self::default();
        for error in errors {
            all.add_domain(error, i18n);
        }
        all
    }

    /// A message about one field (its id in the page).
    pub fn add(&mut self, field: impl Into<String>, message: String) {
        self.0.push((field.into(), message));
    }

    /// A message about the form as a whole, not one field.
    pub fn add_general(&mut self, message: String) {
        self.0.push((String::new(), message));
    }

    /// A parser's error, in the visitor's language.
    pub fn add_domain(&mut self, error: &FieldError, i18n: I18n) {
        self.add(error.field, localise(error, i18n));
    }

    /// The first message about `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| !f.is_empty() && f == field).map(|(_, m)| m.as_str())
    }

    /// Every message, as (field id, message); the field id is empty for the whole form.
    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A one-line field, whitespace folded. `required` is the message key for an empty value.
    pub fn line(
        &mut self,
        i18n: I18n,
        field: &'static str,
        raw: &str,
        max: usize,
        required: Option<&str>,
    ) -> String {
        let value = clean_line(field, raw, max);
        self.checked(i18n, field, value, max, required)
    }

    /// Free text over several lines. `required` is the message key for an empty value.
    pub fn text(
        &mut self,
        i18n: I18n,
        field: &'static str,
        raw: &str,
        max: usize,
        required: Option<&str>,
    ) -> String {
        let value = clean_text(field, raw, max);
        self.checked(i18n, field, value, max, required)
    }

    fn checked(
        &mut self,
        i18n: I18n,
        field: &'static str,
        value: Result<String, FieldError>,
        max: usize,
        required: Option<&str>,
    ) -> String {
        match value {
            Ok(value) => {
                if let (true, Some(key)) = (value.is_empty(), required) {
                    self.add(field, i18n.t(key));
                }
                value
            }
            Err(_) => {
                self.add(field, i18n.t1("error-too-long", "max", max));
                String::new()
            }
        }
    }
}

/// A parser's error in the visitor's language ("at most N characters" carries its N).
pub fn localise(error: &FieldError, i18n: I18n) -> String {
    match error.limit {
        Some(limit) => i18n.t1(error.message, "max", limit),
        None => i18n.t(error.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;

    #[test]
    fn messages_keep_the_order_of_the_form_and_are_found_by_field() {
        let i18n = I18n::new(Language::En);
        let parsed = [FieldError::new("name", "error-name-required"), FieldError::too_long("needs", 1000)];
        let mut errors = FieldErrors::from_domain(&parsed, i18n);
        errors.add_general("Try again.".into());
        let fields: Vec<&str> = errors.all().iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name", "needs", ""]);
        assert_eq!(errors.get("name"), Some(i18n.t("error-name-required").as_str()));
        assert!(errors.get("needs").is_some_and(|m| m.contains("1000")), "the limit is in the words");
        assert_eq!(errors.get(""), None, "a message about the whole form is no field's");
        assert_eq!(errors.get("email"), None);
        assert!(FieldErrors::default().is_empty());
    }

    #[test]
    fn lines_and_texts_are_cleaned_or_explained() {
        let i18n = I18n::new(Language::En);
        let mut errors = FieldErrors::default();
        assert_eq!(errors.line(i18n, "title", "  A   title ", 20, Some("error-name-required")), "A title");
        assert!(errors.is_empty());
        assert_eq!(errors.line(i18n, "title", "   ", 20, Some("error-name-required")), "");
        assert_eq!(errors.text(i18n, "bio", &"x".repeat(21), 20, None), "");
        assert_eq!(errors.all().len(), 2);
        assert!(errors.get("bio").is_some_and(|m| m.contains("20")));
    }
}
