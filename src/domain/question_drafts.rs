//! The organiser's form for one question, as posted, and its checks: a label in the session's
//! language, choices for a choice question, a minimum not above the maximum.

use super::Language;
use super::field::{clean_line, clean_text};
use super::questions::{HELP_MAX, LABEL_MAX, Question, QuestionKind, Texts};

/// An existing choice as posted: its stable id, its words, whether the organiser removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChoiceDraft {
    pub id: String,
    pub label: Texts,
    pub remove: bool,
    pub retired: bool,
}

/// The question form exactly as posted, to show again when refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionDraft {
    pub kind: String,
    pub required: bool,
    pub label: Texts,
    pub help: Texts,
    pub min: String,
    pub max: String,
    pub choices: Vec<ChoiceDraft>,
    /// New choices, one a line, line N of each language making choice N.
    pub new_choices: Texts,
}

/// A question as checked, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSpec {
    pub kind: QuestionKind,
    pub required: bool,
    pub label: Texts,
    pub help: Texts,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Existing choices kept (their new words) and removed (their ids).
    pub kept: Vec<(String, Texts)>,
    pub removed: Vec<String>,
    pub added: Vec<Texts>,
}

/// A refused field of the question form and its message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftError {
    pub field: String,
    pub message: &'static str,
}

fn texts_from(pairs: &[(String, String)], prefix: &str) -> Texts {
    let mut texts = Texts::default();
    for language in Language::ALL {
        let name = format!("{prefix}_{}", language.code());
        let value = pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        texts.set(language, value);
    }
    texts
}

impl QuestionDraft {
    /// Reads the form; `existing` names the choices the question has, so that only those are
    /// read back (a posted id of another question's choice is ignored).
    pub fn from_pairs(pairs: &[(String, String)], existing: Option<&Question>) -> Self {
        let first = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let choices = existing
            .map(|q| {
                q.choices
                    .iter()
                    .map(|c| ChoiceDraft {
                        id: c.id.clone(),
                        label: texts_from(pairs, &format!("choice-{}", c.id)),
                        remove: first(&format!("remove-{}", c.id)).is_some(),
                        retired: c.retired,
                    })
                    .collect()
            })
            .unwrap_or_default();
        QuestionDraft {
            kind: existing.map_or_else(|| first("kind").unwrap_or_default(), |q| q.kind.as_str().to_owned()),
            required: first("required").is_some(),
            label: texts_from(pairs, "label"),
            help: texts_from(pairs, "help"),
            min: first("min").unwrap_or_default(),
            max: first("max").unwrap_or_default(),
            choices,
            new_choices: texts_from(pairs, "new_choices"),
        }
    }

    /// The form filled with a stored question.
    pub fn of_question(question: &Question) -> Self {
        QuestionDraft {
            kind: question.kind.as_str().to_owned(),
            required: question.required,
            label: question.label.clone(),
            help: question.help.clone(),
            min: question.min.map(|n| n.to_string()).unwrap_or_default(),
            max: question.max.map(|n| n.to_string()).unwrap_or_default(),
            choices: question
                .choices
                .iter()
                .map(|c| ChoiceDraft {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    remove: false,
                    retired: c.retired,
                })
                .collect(),
            new_choices: Texts::default(),
        }
    }

    /// Checks the form; `language` is the session's (or series') language, whose label is
    /// required. Every refused field is reported at once.
    pub fn parse(&self, language: Language) -> Result<QuestionSpec, Vec<DraftError>> {
        let mut errors = Vec::new();
        let mut refuse = |field: String, message| errors.push(DraftError { field, message });
        let kind = QuestionKind::parse(self.kind.trim());
        if kind.is_none() {
            refuse("kind".into(), "admin-questions-error-kind");
        }
        let mut label = Texts::default();
        let mut help = Texts::default();
        for l in Language::ALL {
            match clean_line("label", self.label.get(l), LABEL_MAX) {
                Ok(text) => label.set(l, text),
                Err(_) => refuse(format!("label_{}", l.code()), "admin-questions-error-too-long"),
            }
            match clean_text("help", self.help.get(l), HELP_MAX) {
                Ok(text) => help.set(l, text),
                Err(_) => refuse(format!("help_{}", l.code()), "admin-questions-error-too-long"),
            }
        }
        if label.get(language).is_empty() && self.label.get(language).chars().count() <= LABEL_MAX {
            refuse(format!("label_{}", language.code()), "admin-questions-error-label-required");
        }
        let number = |field: &str, text: &str, refuse: &mut dyn FnMut(String, &'static str)| {
            let text = text.trim();
            if text.is_empty() || kind != Some(QuestionKind::Number) {
                return None;
            }
            let parsed = text.parse::<i64>().ok();
            if parsed.is_none() {
                refuse(field.into(), "admin-questions-error-not-number");
            }
            parsed
        };
        let min = number("min", &self.min, &mut refuse);
        let max = number("max", &self.max, &mut refuse);
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            refuse("min".into(), "admin-questions-error-min-above-max");
        }
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        let mut added = Vec::new();
        if kind.is_some_and(QuestionKind::has_choices) {
            for choice in &self.choices {
                if choice.remove {
                    removed.push(choice.id.clone());
                    continue;
                }
                let mut words = Texts::default();
                for l in Language::ALL {
                    words.set(l, clean_line("choice", choice.label.get(l), LABEL_MAX).unwrap_or_default());
                }
                if words.get(language).is_empty() {
                    refuse(format!("choice-{}", choice.id), "admin-questions-error-choice-label");
                }
                kept.push((choice.id.clone(), words));
            }
            let lines: Vec<Vec<&str>> = Language::ALL
                .iter()
                .map(|l| self.new_choices.get(*l).lines().map(str::trim).collect())
                .collect();
            let count = lines.iter().map(Vec::len).max().unwrap_or(0);
            for n in 0..count {
                let mut words = Texts::default();
                for (i, l) in Language::ALL.iter().enumerate() {
                    let line = lines[i].get(n).copied().unwrap_or_default();
                    words.set(*l, clean_line("choice", line, LABEL_MAX).unwrap_or_default());
                }
                if words == Texts::default() {
                    continue;
                }
                if words.get(language).is_empty() {
                    refuse(format!("new_choices_{}", language.code()), "admin-questions-error-choice-label");
                }
                added.push(words);
            }
            let live = self.choices.iter().filter(|c| !c.remove && !c.retired).count() + added.len();
            if live == 0 {
                refuse(format!("new_choices_{}", language.code()), "admin-questions-error-no-choices");
            }
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(QuestionSpec {
                kind,
                required: self.required,
                label,
                help,
                min,
                max,
                kept,
                removed,
                added,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str) -> QuestionDraft {
        QuestionDraft {
            kind: kind.into(),
            label: Texts { en: "Topic".into(), ..Default::default() },
            ..Default::default()
        }
    }

    fn fields(result: Result<QuestionSpec, Vec<DraftError>>) -> Vec<(String, &'static str)> {
        result.expect_err("refused").into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_label_in_the_session_language_is_required() {
        assert!(draft("short_text").parse(Language::En).is_ok());
        assert_eq!(
            fields(draft("short_text").parse(Language::Fr)),
            [("label_fr".to_owned(), "admin-questions-error-label-required")]
        );
    }

    #[test]
    fn a_choice_question_needs_choices_lined_up_by_language() {
        assert_eq!(
            fields(draft("one_choice").parse(Language::En)),
            [("new_choices_en".to_owned(), "admin-questions-error-no-choices")]
        );
        let mut with = draft("several_choices");
        with.new_choices =
            Texts { en: "Climate\nHousing\n".into(), fr: "Climat\nLogement".into(), es: String::new() };
        let spec = with.parse(Language::En).expect("accepted");
        assert_eq!(spec.added.len(), 2);
        assert_eq!(spec.added[1].fr, "Logement");
    }

    #[test]
    fn min_above_max_or_not_a_number_is_refused() {
        let mut number = draft("number");
        number.min = "10".into();
        number.max = "2".into();
        assert_eq!(
            fields(number.parse(Language::En)),
            [("min".to_owned(), "admin-questions-error-min-above-max")]
        );
        number.max = "many".into();
        assert_eq!(
            fields(number.parse(Language::En)),
            [("max".to_owned(), "admin-questions-error-not-number")]
        );
        number.max = "12".into();
        let spec = number.parse(Language::En).expect("accepted");
        assert_eq!((spec.min, spec.max), (Some(10), Some(12)));
    }

    #[test]
    fn an_unknown_kind_is_refused() {
        assert_eq!(
            fields(draft("essay").parse(Language::En)),
            [("kind".to_owned(), "admin-questions-error-kind")]
        );
    }
}
