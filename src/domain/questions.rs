//! The organiser's own questions on a session's registration form: their kinds, their words in
//! the three languages, and the parsing of what a registrant answered.

use std::collections::BTreeSet;

use super::Language;
use super::field::{clean_line, clean_text};
use super::status::text_enum;

text_enum! {
    /// What a question asks for.
    pub enum QuestionKind {
        ShortText = "short_text",
        LongText = "long_text",
        OneChoice = "one_choice",
        SeveralChoices = "several_choices",
        YesNo = "yes_no",
        Number = "number",
    }
}

impl QuestionKind {
    pub fn has_choices(self) -> bool {
        matches!(self, Self::OneChoice | Self::SeveralChoices)
    }

    /// The message key of the kind's name, for the organiser.
    pub fn name_key(self) -> String {
        format!("admin-questions-kind-{}", self.as_str())
    }
}

/// The longest short-text answer, and the longest long-text one.
pub const SHORT_TEXT_MAX: usize = 200;
pub const LONG_TEXT_MAX: usize = 2000;
/// The longest label, help text or choice the organiser may write.
pub const LABEL_MAX: usize = 300;
pub const HELP_MAX: usize = 1000;

/// A text in the three languages; an empty one is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    pub en: String,
    pub fr: String,
    pub es: String,
}

impl Texts {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Fr => &self.fr,
            Language::Es => &self.es,
        }
    }

    pub fn set(&mut self, language: Language, text: String) {
        match language {
            Language::En => self.en = text,
            Language::Fr => self.fr = text,
            Language::Es => self.es = text,
        }
    }

    /// The text in the reader's language, else in the session's language (the fallback,
    /// marked `true` so the page can say which language it is in).
    pub fn shown(&self, reader: Language, session: Language) -> (&str, Option<Language>) {
        let own = self.get(reader);
        if !own.is_empty() || reader == session {
            return (own, None);
        }
        (self.get(session), Some(session))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub label: Texts,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub label: Texts,
    pub help: Texts,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub retired: bool,
    /// In order, retired ones included.
    pub choices: Vec<Choice>,
}

impl Question {
    /// The name of the question's field on the registration form.
    pub fn field(&self) -> String {
        format!("q-{}", self.id)
    }

    pub fn live_choices(&self) -> impl Iterator<Item = &Choice> {
        self.choices.iter().filter(|c| !c.retired)
    }
}

/// A registrant's answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    Number(i64),
    YesNo(bool),
    /// Choice ids, in the question's order.
    Choices(Vec<String>),
}

impl Answer {
    /// The stored value of a text, number or yes/no answer (`None` for choices).
    pub fn value(&self) -> Option<String> {
        match self {
            Answer::Text(text) => Some(text.clone()),
            Answer::Number(n) => Some(n.to_string()),
            Answer::YesNo(yes) => Some(if *yes { "yes" } else { "no" }.to_owned()),
            Answer::Choices(_) => None,
        }
    }

    /// Reads a stored value back for a question of `kind`.
    pub fn from_value(kind: QuestionKind, value: &str) -> Option<Answer> {
        match kind {
            QuestionKind::ShortText | QuestionKind::LongText => Some(Answer::Text(value.to_owned())),
            QuestionKind::Number => value.parse().ok().map(Answer::Number),
            QuestionKind::YesNo => match value {
                "yes" => Some(Answer::YesNo(true)),
                "no" => Some(Answer::YesNo(false)),
                _ => None,
            },
            QuestionKind::OneChoice | QuestionKind::SeveralChoices => None,
        }
    }
}

impl Question {
    /// An answer as words in `language` (the session's language as fallback): choices by
    /// their label, joined by "; ", yes/no as `yes`/`no` (for exports and the data download).
    pub fn answer_text(&self, answer: &Answer, language: Language, session: Language) -> String {
        match answer {
            Answer::Choices(ids) => ids
                .iter()
                .filter_map(|id| self.choices.iter().find(|c| c.id == *id))
                .map(|c| c.label.shown(language, session).0.to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            other => other.value().unwrap_or_default(),
        }
    }
}

/// One registration's answers to `questions` from what is stored: `plain` holds (question id,
/// stored value) of text, number and yes/no answers, `picked` (question id, choice id) of
/// choices. In the questions' order, choices in each question's order; a stored value that no
/// longer reads as its question's kind is left out.
pub fn stored_answers(
    questions: &[Question],
    plain: &[(String, String)],
    picked: &[(String, String)],
) -> Vec<(String, Answer)> {
    let mut answers = Vec::new();
    for question in questions {
        if question.kind.has_choices() {
            let ids: Vec<String> = question
                .choices
                .iter()
                .filter(|c| picked.iter().any(|(q, id)| *q == question.id && *id == c.id))
                .map(|c| c.id.clone())
                .collect();
            if !ids.is_empty() {
                answers.push((question.id.clone(), Answer::Choices(ids)));
            }
        } else if let Some((_, value)) = plain.iter().find(|(q, _)| *q == question.id)
            && let Some(answer) = Answer::from_value(question.kind, value)
        {
            answers.push((question.id.clone(), answer));
        }
    }
    answers
}

/// A refused answer: the question it belongs to and the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub question_id: String,
    pub message: &'static str,
    pub limit: Option<usize>,
}

/// The answers as posted: the values of each `q-{id}` field, kept to fill the form again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswersForm(pub Vec<(String, String)>);

impl AnswersForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        AnswersForm(pairs.iter().filter(|(k, _)| k.starts_with("q-")).cloned().collect())
    }

    /// The form filled with stored answers.
    pub fn of_answers(answers: &[(String, Answer)]) -> Self {
        let mut pairs = Vec::new();
        for (question_id, answer) in answers {
            let field = format!("q-{question_id}");
            match answer {
                Answer::Choices(ids) => pairs.extend(ids.iter().map(|id| (field.clone(), id.clone()))),
                other => pairs.extend(other.value().map(|v| (field.clone(), v))),
            }
        }
        AnswersForm(pairs)
    }

    fn values(&self, field: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == field).map(|(_, v)| v.as_str()).collect()
    }

    /// The first value posted for a question (what a text box shows again).
    pub fn value(&self, question: &Question) -> &str {
        self.values(&question.field()).first().copied().unwrap_or_default()
    }

    /// Whether a choice (or "yes"/"no") was ticked for a question.
    pub fn picked(&self, question: &Question, value: &str) -> bool {
        self.values(&question.field()).contains(&value)
    }

    /// The answers to the questions still asked (`questions` not retired), checked; an
    /// answer posted for a question that no longer exists or is retired is ignored. An
    /// optional question left empty has no answer.
    pub fn parse(&self, questions: &[Question]) -> Result<Vec<(String, Answer)>, Vec<AnswerError>> {
        let mut answers = Vec::new();
        let mut errors = Vec::new();
        for question in questions.iter().filter(|q| !q.retired) {
            match parse_one(question, &self.values(&question.field())) {
                Ok(Some(answer)) => answers.push((question.id.clone(), answer)),
                Ok(None) => {}
                Err((message, limit)) => {
                    errors.push(AnswerError { question_id: question.id.clone(), message, limit })
                }
            }
        }
        if errors.is_empty() { Ok(answers) } else { Err(errors) }
    }
}

type Refusal = (&'static str, Option<usize>);

fn parse_one(question: &Question, posted: &[&str]) -> Result<Option<Answer>, Refusal> {
    let missing = || if question.required { Err(("error-question-required", None)) } else { Ok(None) };
    let first = posted.first().copied().unwrap_or_default();
    match question.kind {
        QuestionKind::ShortText | QuestionKind::LongText => {
            let cleaned = if question.kind == QuestionKind::ShortText {
                clean_line("q", first, SHORT_TEXT_MAX)
            } else {
                clean_text("q", first, LONG_TEXT_MAX)
            };
            match cleaned {
                Err(error) => Err(("error-question-too-long", error.limit)),
                Ok(text) if text.is_empty() => missing(),
                Ok(text) => Ok(Some(Answer::Text(text))),
            }
        }
        QuestionKind::Number => {
            let text = first.trim();
            if text.is_empty() {
                return missing();
            }
            let Ok(number) = text.parse::<i64>() else {
                return Err(("error-question-not-number", None));
            };
            if question.min.is_some_and(|min| number < min) || question.max.is_some_and(|max| number > max) {
                return Err(("error-question-out-of-range", None));
            }
            Ok(Some(Answer::Number(number)))
        }
        QuestionKind::YesNo => match first.trim() {
            "" => missing(),
            "yes" => Ok(Some(Answer::YesNo(true))),
            "no" => Ok(Some(Answer::YesNo(false))),
            _ => Err(("error-question-not-a-choice", None)),
        },
        QuestionKind::OneChoice | QuestionKind::SeveralChoices => {
            let picked: BTreeSet<&str> = posted.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
            if picked.is_empty() {
                return missing();
            }
            if question.kind == QuestionKind::OneChoice && picked.len() > 1 {
                return Err(("error-question-not-a-choice", None));
            }
            if picked.iter().any(|id| !question.live_choices().any(|c| c.id == *id)) {
                return Err(("error-question-not-a-choice", None));
            }
            let ids = question
                .live_choices()
                .filter(|c| picked.contains(c.id.as_str()))
                .map(|c| c.id.clone())
                .collect();
            Ok(Some(Answer::Choices(ids)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind, required: bool) -> Question {
        Question {
            id: "q1".into(),
            kind,
            required,
            label: Texts { en: "Topic".into(), ..Default::default() },
            help: Texts::default(),
            min: None,
            max: None,
            retired: false,
            choices: vec![
                Choice { id: "a".into(), label: Texts::default(), retired: false },
                Choice { id: "b".into(), label: Texts::default(), retired: true },
                Choice { id: "c".into(), label: Texts::default(), retired: false },
            ],
        }
    }

    fn posted(values: &[&str]) -> AnswersForm {
        AnswersForm(values.iter().map(|v| ("q-q1".to_owned(), (*v).to_owned())).collect())
    }

    fn refusal(q: &Question, values: &[&str]) -> &'static str {
        posted(values).parse(std::slice::from_ref(q)).expect_err("refused")[0].message
    }

    #[test]
    fn every_kind_is_read() {
        let parse = |q: Question, v: &[&str]| posted(v).parse(&[q]).map(|a| a[0].1.clone());
        assert_eq!(
            parse(question(QuestionKind::ShortText, true), &[" a  b "]),
            Ok(Answer::Text("a b".into()))
        );
        assert_eq!(parse(question(QuestionKind::LongText, true), &["x\ny"]), Ok(Answer::Text("x\ny".into())));
        assert_eq!(parse(question(QuestionKind::Number, true), &[" 12 "]), Ok(Answer::Number(12)));
        assert_eq!(parse(question(QuestionKind::YesNo, true), &["no"]), Ok(Answer::YesNo(false)));
        assert_eq!(
            parse(question(QuestionKind::OneChoice, true), &["c"]),
            Ok(Answer::Choices(vec!["c".into()]))
        );
        assert_eq!(
            parse(question(QuestionKind::SeveralChoices, true), &["c", "a"]),
            Ok(Answer::Choices(vec!["a".into(), "c".into()]))
        );
    }

    #[test]
    fn each_refusal_has_its_message() {
        assert_eq!(refusal(&question(QuestionKind::ShortText, true), &["  "]), "error-question-required");
        assert_eq!(refusal(&question(QuestionKind::OneChoice, true), &[]), "error-question-required");
        assert_eq!(refusal(&question(QuestionKind::OneChoice, true), &["z"]), "error-question-not-a-choice");
        assert_eq!(
            refusal(&question(QuestionKind::OneChoice, true), &["b"]),
            "error-question-not-a-choice",
            "retired"
        );
        assert_eq!(
            refusal(&question(QuestionKind::OneChoice, true), &["a", "c"]),
            "error-question-not-a-choice"
        );
        assert_eq!(refusal(&question(QuestionKind::Number, true), &["ten"]), "error-question-not-number");
        let mut ranged = question(QuestionKind::Number, false);
        ranged.min = Some(1);
        ranged.max = Some(5);
        assert_eq!(refusal(&ranged, &["6"]), "error-question-out-of-range");
        assert_eq!(refusal(&ranged, &["0"]), "error-question-out-of-range");
        let long = "x".repeat(SHORT_TEXT_MAX + 1);
        assert_eq!(refusal(&question(QuestionKind::ShortText, false), &[&long]), "error-question-too-long");
    }

    #[test]
    fn optional_empty_and_unknown_or_retired_questions_give_no_answer_and_no_error() {
        assert_eq!(posted(&[""]).parse(&[question(QuestionKind::Number, false)]), Ok(vec![]));
        let form = AnswersForm(vec![("q-gone".into(), "x".into())]);
        assert_eq!(form.parse(&[question(QuestionKind::ShortText, false)]), Ok(vec![]));
        let mut retired = question(QuestionKind::ShortText, true);
        retired.retired = true;
        assert_eq!(posted(&[]).parse(&[retired]), Ok(vec![]));
    }

    #[test]
    fn the_session_language_is_the_marked_fallback() {
        let texts = Texts { en: "Topic".into(), fr: "Sujet".into(), es: String::new() };
        assert_eq!(texts.shown(Language::Fr, Language::En), ("Sujet", None));
        assert_eq!(texts.shown(Language::Es, Language::En), ("Topic", Some(Language::En)));
        assert_eq!(texts.shown(Language::En, Language::En), ("Topic", None));
    }
}
