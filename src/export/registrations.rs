//! The columns of a session's registrations export: the fixed ones, what each person will
//! follow (language, sign language, captions), then one column per question of the session.

use super::{Cell, Column, ExportLabels, Header};
use crate::db::AnyConnection;
use crate::db::admin_registrations::Filters;
use crate::db::export_lines::ExportRow;
use crate::db::export_lines::{ExportLine, chunk};
use crate::db::models::Session;
use crate::domain::interpretation::{ChannelLanguage, Offered};
use crate::domain::questions::{Answer, Question, QuestionKind};
use crate::domain::{Language, SessionId};

/// Registrations read per query.
pub const CHUNK: i64 = 1000;

/// The export's columns, in order.
pub const COLUMNS: &[Column] = &[
    Column::message("export-col-name", 28.0),
    Column::message("export-col-email", 32.0),
    Column::message("export-col-organisation", 32.0),
    Column::message("export-col-country", 20.0),
    Column::message("export-col-position", 24.0),
    Column::message("export-col-language", 12.0),
    Column::message("export-col-status", 22.0),
    Column::message("export-col-registered-at", 20.0),
    Column::message("export-col-confirmed-at", 20.0),
    Column::message("export-col-attended", 10.0),
    Column::message("export-col-needs", 32.0),
    Column::message("export-col-newsletter", 12.0),
    Column::message("export-col-listed", 12.0),
];

/// What each person will follow, after [`COLUMNS`].
pub const NEEDS_COLUMNS: &[Column] = &[
    Column::message("export-col-follows", 16.0),
    Column::message("export-col-sign-language", 14.0),
    Column::message("export-col-captions", 12.0),
];

/// The name of the workbook's sheet.
pub const SHEET: &str = "export-sheet-registrations";

/// One session's export in one organiser's language: [`COLUMNS`], [`NEEDS_COLUMNS`], then a
/// column per question of the session in its order, retired ones included (their answers
/// stay), headed by the question's label in the organiser's language or, missing, the
/// session's.
#[derive(Debug, Clone)]
pub struct Layout {
    questions: Vec<Question>,
    session_language: Language,
    offered: Offered,
    columns: Vec<Column>,
}

impl Layout {
    pub fn new(
        questions: Vec<Question>,
        session_language: Language,
        offered: Offered,
        labels: &ExportLabels,
    ) -> Self {
        let mut columns: Vec<Column> = COLUMNS.iter().chain(NEEDS_COLUMNS).cloned().collect();
        columns.extend(questions.iter().map(|q| Column {
            header: Header::Text(q.label.shown(labels.language(), session_language).0.to_owned()),
            width: if q.kind == QuestionKind::LongText { 48.0 } else { 24.0 },
        }));
        Self { questions, session_language, offered, columns }
    }

    /// The layout of `session`'s export: its questions and languages, read once per export.
    pub fn load(
        conn: &mut AnyConnection,
        session: &Session,
        labels: &ExportLabels,
    ) -> diesel::QueryResult<Self> {
        let questions = crate::db::questions::of_session(conn, session.id.as_str())?;
        let offered = crate::db::interpretation::offered(conn, session)?;
        let language = Language::parse(&session.language).unwrap_or(Language::En);
        Ok(Self::new(questions, language, offered, labels))
    }

    /// The session's questions, in the columns' order.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The session's own language (the fallback of its questions' words).
    pub fn session_language(&self) -> Language {
        self.session_language
    }

    /// The language a person follows: the one chosen while the session offers it, else the
    /// spoken one.
    pub fn followed(&self, chosen: Option<ChannelLanguage>) -> ChannelLanguage {
        self.offered.followed(chosen)
    }

    /// The language a person follows, by its name in the organiser's language.
    fn follows(&self, chosen: Option<ChannelLanguage>, labels: &ExportLabels) -> String {
        labels.t(&self.followed(chosen).name_key())
    }

    /// An answer's cell: a choice by its label (several joined with "; "), yes/no in the
    /// organiser's words, a number as a number, text as typed.
    pub fn answer_cell(&self, question: &Question, answer: &Answer, labels: &ExportLabels) -> Cell {
        match answer {
            Answer::Number(n) => Cell::Number(*n),
            Answer::YesNo(yes) => Cell::text(labels.yes_no(*yes)),
            Answer::Text(text) => Cell::text(text.as_str()),
            Answer::Choices(_) => {
                Cell::text(question.answer_text(answer, labels.language(), self.session_language))
            }
        }
    }

    /// One registration's cells, in the order of [`Layout::columns`].
    pub fn cells(&self, line: &ExportLine, labels: &ExportLabels) -> Vec<Cell> {
        let mut cells = cells(&line.row, labels);
        cells.push(Cell::text(self.follows(line.needs.follows, labels)));
        cells.push(Cell::text(labels.yes_no(line.needs.sign_language)));
        cells.push(Cell::text(labels.yes_no(line.needs.captions)));
        cells.extend(self.questions.iter().map(|q| match line.answer(&q.id) {
            Some(answer) => self.answer_cell(q, answer, labels),
            None => Cell::Empty,
        }));
        cells
    }
}

/// One registration's cells, in the order of [`COLUMNS`].
pub fn cells(row: &ExportRow, labels: &ExportLabels) -> Vec<Cell> {
    let organisation = row.organisation_name.as_deref().or(row.organisation_other.as_deref()).unwrap_or("");
    vec![
        Cell::text(row.name.as_str()),
        Cell::text(row.email.as_str()),
        Cell::text(organisation),
        Cell::text(labels.country(&row.country)),
        Cell::text(row.position.as_str()),
        Cell::text(labels.language_name(&row.language)),
        Cell::text(labels.status(row.status)),
        Cell::DateTime(row.created_at),
        Cell::date(row.confirmed_at),
        row.attended.map_or(Cell::Empty, |a| Cell::text(labels.yes_no(a))),
        Cell::text(row.needs.as_str()),
        Cell::text(labels.yes_no(row.newsletter)),
        Cell::text(labels.yes_no(row.listed)),
    ]
}

/// The registrations of a session that the list's `filters` show, with their answers to
/// `questions`, read `CHUNK` at a time as the iterator is consumed (for a workbook, which is
/// written on the connection's thread). A failed query ends the rows and is left in `failed`:
/// check it once the rows are used.
pub fn from_database<'a>(
    conn: &'a mut AnyConnection,
    session_id: &'a SessionId,
    filters: &'a Filters,
    questions: &'a [Question],
    failed: &'a mut Option<diesel::result::Error>,
) -> impl Iterator<Item = ExportLine> + 'a {
    let mut after: Option<String> = None;
    let mut finished = false;
    let chunks = std::iter::from_fn(move || {
        if finished {
            return None;
        }
        match chunk(conn, session_id, filters, after.as_deref(), CHUNK, questions) {
            Ok(rows) => {
                finished = rows.len() < CHUNK as usize;
                after = rows.last().map(|r| r.row.id.clone());
                (!rows.is_empty()).then_some(rows)
            }
            Err(e) => {
                *failed = Some(e);
                finished = true;
                None
            }
        }
    });
    chunks.flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RegistrationStatus;
    use crate::domain::interpretation::InterpretationChoice;
    use crate::domain::questions::{Choice, Texts};

    fn row() -> ExportRow {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 7, 22).and_then(|d| d.and_hms_opt(9, 0, 0));
        ExportRow {
            id: "1".into(),
            name: "Claire Dubois".into(),
            email: "claire@grandparis.fr".into(),
            organisation_name: None,
            organisation_other: Some("Métropole du Grand Paris".into()),
            country: "FR".into(),
            position: String::new(),
            language: "fr".into(),
            status: RegistrationStatus::Confirmed,
            created_at: at.unwrap_or_default(),
            confirmed_at: None,
            attended: Some(true),
            needs: String::new(),
            newsletter: false,
            listed: true,
        }
    }

    #[test]
    fn values_are_in_the_organisers_language() {
        let labels = ExportLabels::new(Language::Fr);
        let cells = cells(&row(), &labels);
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(cells[3], Cell::Text("France".into()));
        assert_eq!(cells[5], Cell::Text("français".into()));
        assert_eq!(cells[6], Cell::Text(labels.t("admin-reg-status-confirmed")));
        assert_eq!(cells[8], Cell::Empty);
        assert_eq!(cells[9], Cell::Text("Oui".into()));
        assert_eq!(cells[11], Cell::Text("Non".into()));
        let headers = super::super::header(COLUMNS, &labels);
        assert!(headers.iter().all(|h| !h.contains('_') && !h.is_empty()), "{headers:?}");
    }

    fn words(en: &str, fr: &str) -> Texts {
        Texts { en: en.into(), fr: fr.into(), es: String::new() }
    }

    fn question(id: &str, kind: QuestionKind, label: Texts, choices: Vec<Choice>) -> Question {
        Question {
            id: id.into(),
            kind,
            required: false,
            label,
            help: Texts::default(),
            min: None,
            max: None,
            retired: false,
            choices,
        }
    }

    #[test]
    fn each_question_has_its_column_and_each_answer_its_cell() {
        let choice =
            |id: &str, en: &str, fr: &str, retired| Choice { id: id.into(), label: words(en, fr), retired };
        let questions = vec![
            question(
                "formats",
                QuestionKind::SeveralChoices,
                words("Formats", "Formats"),
                vec![choice("t", "Talks", "Exposés", false), choice("w", "Workshops", "Ateliers", true)],
            ),
            question("first", QuestionKind::YesNo, words("First time?", ""), Vec::new()),
            question("size", QuestionKind::Number, words("Team size", "Taille de l'équipe"), Vec::new()),
            question("topics", QuestionKind::LongText, words("Topics", "Sujets"), Vec::new()),
        ];
        let labels = ExportLabels::new(Language::Fr);
        let offered = Offered::new(ChannelLanguage::En, [ChannelLanguage::Fr]);
        let layout = Layout::new(questions, Language::En, offered, &labels);
        let headers = super::super::header(layout.columns(), &labels);
        let fixed = COLUMNS.len() + NEEDS_COLUMNS.len();
        assert_eq!(headers.len(), fixed + 4);
        // The organiser's language, else the session's.
        assert_eq!(headers[fixed..], ["Formats", "First time?", "Taille de l'équipe", "Sujets"]);

        let line = ExportLine {
            row: row(),
            answers: vec![
                ("formats".into(), Answer::Choices(vec!["t".into(), "w".into()])),
                ("first".into(), Answer::YesNo(true)),
                ("size".into(), Answer::Number(12)),
            ],
            needs: InterpretationChoice {
                follows: Some(ChannelLanguage::Fr),
                sign_language: true,
                captions: false,
            },
        };
        let cells = layout.cells(&line, &labels);
        assert_eq!(cells.len(), headers.len());
        let n = COLUMNS.len();
        assert_eq!(cells[n], Cell::Text(labels.t("interpretation-language-fr")));
        assert_eq!((&cells[n + 1], &cells[n + 2]), (&Cell::Text("Oui".into()), &Cell::Text("Non".into())));
        assert_eq!(cells[fixed], Cell::Text("Exposés; Ateliers".into()), "a retired choice keeps its label");
        assert_eq!(cells[fixed + 1], Cell::Text("Oui".into()));
        assert_eq!(cells[fixed + 2], Cell::Number(12));
        assert_eq!(cells[fixed + 3], Cell::Empty, "not answered");

        // Nothing said: the spoken language, no needs.
        let quiet = ExportLine { row: row(), answers: Vec::new(), needs: InterpretationChoice::default() };
        let cells = layout.cells(&quiet, &labels);
        assert_eq!(cells[n], Cell::Text(labels.t("interpretation-language-en")));
    }
}
