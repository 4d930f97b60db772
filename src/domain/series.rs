//! The organiser's series form, parsed into a clean [`SeriesInput`]: a title and description in
//! the series' own language, and optionally in each other language.

use super::{FieldError, Language, clean_line, clean_text};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2000;

/// The form as posted: every field is text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesForm {
    pub title: String,
    pub description: String,
    pub language: String,
    /// The texts in each language, in [`Language::ALL`] order (the own language left empty).
    pub translations: Vec<SeriesTranslationForm>,
}

/// A series' texts in one more language, as posted.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesTranslationForm {
    pub language: Language,
    pub title: String,
    pub description: String,
}

impl SeriesTranslationForm {
    /// The form fields of a language's texts: title, description.
    pub fn field_names(language: Language) -> [&'static str; 2] {
        match language {
            Language::En => ["title_en", "description_en"],
            Language::Fr => ["title_fr", "description_fr"],
            Language::Es => ["title_es", "description_es"],
        }
    }

    fn is_empty(&self) -> bool {
        self.title.trim().is_empty() && self.description.trim().is_empty()
    }
}

/// A series' texts in a language other than its own, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesTranslationInput {
    pub language: Language,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInput {
    pub title: String,
    pub description: String,
    pub language: Language,
    pub translations: Vec<SeriesTranslationInput>,
}

impl SeriesForm {
    pub fn from_pairs(get: impl Fn(&str) -> String) -> Self {
        Self {
            title: get("title"),
            description: get("description"),
            language: get("language"),
            translations: Language::ALL
                .iter()
                .map(|&language| {
                    let [title, description] = SeriesTranslationForm::field_names(language);
                    SeriesTranslationForm { language, title: get(title), description: get(description) }
                })
                .collect(),
        }
    }

    /// The form of a stored series: its own texts, then the translations it has.
    pub fn of_stored(
        title: &str,
        description: &str,
        language: &str,
        translations: &[(String, String, String)],
    ) -> Self {
        Self {
            title: title.to_owned(),
            description: description.to_owned(),
            language: language.to_owned(),
            translations: Language::ALL
                .iter()
                .map(|&language| {
                    let found = translations.iter().find(|(code, _, _)| code == language.code());
                    SeriesTranslationForm {
                        language,
                        title: found.map(|(_, t, _)| t.clone()).unwrap_or_default(),
                        description: found.map(|(_, _, d)| d.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }

    /// `default`: the language of a form sent without one (the series' stored language, or
    /// the organiser's for a new series).
    pub fn parse(&self, default: Language) -> Result<SeriesInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = match clean_line("title", &self.title, TITLE_MAX) {
            Ok(title) if !title.is_empty() => title,
            _ => {
                errors.push(FieldError::new("title", "admin-error-series-title"));
                String::new()
            }
        };
        let description = clean_text("description", &self.description, DESCRIPTION_MAX).unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
        let language = if self.language.trim().is_empty() {
            Some(default)
        } else {
            Language::parse(&self.language).filter(|_| self.language.len() <= 8)
        };
        if language.is_none() {
            errors.push(FieldError::new("language", "error-language"));
        }
        let mut translations = Vec::new();
        for form in self.translations.iter().filter(|f| !f.is_empty()) {
            let [title_field, description_field] = SeriesTranslationForm::field_names(form.language);
            if language == Some(form.language) {
                errors.push(FieldError::new(title_field, "admin-texts-error-series-own-language"));
                continue;
            }
            let title = match clean_line(title_field, &form.title, TITLE_MAX) {
                Ok(title) if !title.is_empty() => title,
                Ok(_) => {
                    errors.push(FieldError::new(title_field, "admin-texts-error-series-translation-title"));
                    String::new()
                }
                Err(e) => {
                    errors.push(e);
                    String::new()
                }
            };
            let description = clean_text(description_field, &form.description, DESCRIPTION_MAX)
                .unwrap_or_else(|e| {
                    errors.push(e);
                    String::new()
                });
            translations.push(SeriesTranslationInput { language: form.language, title, description });
        }
        match language {
            Some(language) if errors.is_empty() => {
                Ok(SeriesInput { title, description, language, translations })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> SeriesForm {
        SeriesForm::from_pairs(|key| {
            pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned()).unwrap_or_default()
        })
    }

    #[test]
    fn a_series_is_parsed_with_its_translations() {
        let input = form(&[
            ("title", " Cities  abroad "),
            ("language", "en"),
            ("title_fr", "Villes à l'étranger"),
            ("description_es", ""),
        ])
        .parse(Language::En)
        .expect("valid");
        assert_eq!(input.title, "Cities abroad");
        assert_eq!(input.language, Language::En);
        assert_eq!(input.translations.len(), 1, "an empty language is no translation");
        assert_eq!(input.translations[0].language, Language::Fr);
    }

    #[test]
    fn a_translation_needs_a_title_and_not_the_own_language() {
        let errors = form(&[
            ("title", "Cities"),
            ("language", "fr"),
            ("title_fr", "Villes"),
            ("description_es", "Sin título"),
        ])
        .parse(Language::En)
        .expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.message)).collect();
        assert!(fields.contains(&("title_fr", "admin-texts-error-series-own-language")));
        assert!(fields.contains(&("title_es", "admin-texts-error-series-translation-title")));
    }

    #[test]
    fn the_title_and_language_are_required() {
        let errors = form(&[("title", "  "), ("language", "de")]).parse(Language::En).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "language"]);
        let kept = form(&[("title", "Villes")]).parse(Language::Fr).expect("valid");
        assert_eq!(kept.language, Language::Fr, "a form without a language keeps the default");
    }
}
