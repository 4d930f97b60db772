//! The registration form's and the change form's fields for the organiser's own questions,
//! in the reader's language (the session's language, marked, where a text is missing).

use crate::domain::Language;
use crate::domain::questions::{AnswerError, AnswersForm, Question, QuestionKind, Texts};
use crate::i18n::I18n;

pub struct QuestionOption {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// What `templates/partials/question_fields.html` shows for one question.
pub struct QuestionField {
    pub field: String,
    pub kind: &'static str,
    pub label: String,
    /// The language the label is shown in when it is not the reader's ("(in English)").
    pub fallback: Option<String>,
    pub help: String,
    pub required: bool,
    pub value: String,
    pub options: Vec<QuestionOption>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub error: Option<String>,
}

fn shown(i18n: I18n, texts: &Texts, session: Language) -> (String, Option<String>) {
    let (text, fallback) = texts.shown(i18n.lang, session);
    (text.to_owned(), fallback.map(|l| i18n.t(&format!("in-language-{}", l.code()))))
}

/// The fields of the questions still asked, filled with `form`, with `errors` by their field.
pub fn fields(
    i18n: I18n,
    session_language: &str,
    questions: &[Question],
    form: &AnswersForm,
    errors: &[AnswerError],
) -> Vec<QuestionField> {
    let session = Language::parse(session_language).unwrap_or(Language::En);
    questions
        .iter()
        .filter(|q| !q.retired)
        .map(|q| {
            let (label, fallback) = shown(i18n, &q.label, session);
            let options = match q.kind {
                QuestionKind::YesNo => [("yes", "questions-yes"), ("no", "questions-no")]
                    .iter()
                    .map(|(value, key)| QuestionOption {
                        value: (*value).to_owned(),
                        label: i18n.t(key),
                        checked: form.picked(q, value),
                    })
                    .collect(),
                _ => q
                    .live_choices()
                    .map(|c| QuestionOption {
                        value: c.id.clone(),
                        label: shown(i18n, &c.label, session).0,
                        checked: form.picked(q, &c.id),
                    })
                    .collect(),
            };
            QuestionField {
                field: q.field(),
                kind: q.kind.as_str(),
                fallback,
                help: shown(i18n, &q.help, session).0,
                required: q.required,
                value: form.value(q).to_owned(),
                options,
                min: q.min,
                max: q.max,
                error: errors.iter().find(|e| e.question_id == q.id).map(|e| i18n.t(e.message)),
                label,
            }
        })
        .collect()
}
