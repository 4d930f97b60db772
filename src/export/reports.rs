//! The columns of the participation report's export: one line per member, partner, "other"
//! and country, then the total; for a session, then a line per answer to each of its own
//! questions (the question as the section, the answer as the name, confirmed people counted),
//! as the report page shows them.

use super::{Cell, Column, ExportLabels};
use crate::db::question_report::QuestionSummary;
use crate::db::reports::{Line, Report};

pub const COLUMNS: &[Column] = &[
    Column::message("export-report-col-section", 22.0),
    Column::message("export-report-col-name", 36.0),
    Column::message("export-report-col-country", 20.0),
    Column::message("export-report-col-registered", 12.0),
    Column::message("export-report-col-confirmed", 12.0),
    Column::message("export-report-col-attended", 12.0),
    Column::message("export-report-col-never-confirmed", 14.0),
];

pub const SHEET: &str = "export-sheet-report";

fn line(section: &str, line: &Line, labels: &ExportLabels) -> Vec<Cell> {
    vec![
        Cell::text(section),
        Cell::text(line.label.as_str()),
        Cell::text(labels.country(&line.country)),
        Cell::Number(line.registered),
        Cell::Number(line.confirmed),
        Cell::Number(line.attended),
        Cell::Number(line.never_confirmed),
    ]
}

/// A label marked retired when it is, in the organiser's words.
fn marked(label: &str, retired: bool, labels: &ExportLabels) -> String {
    if retired { labels.t1("export-report-retired", "name", label) } else { label.to_owned() }
}

/// A question's lines: one per choice or yes/no with the confirmed people who gave it, else
/// how many confirmed people answered.
fn question_lines(question: &QuestionSummary, labels: &ExportLabels) -> Vec<Vec<Cell>> {
    let section = marked(&question.label, question.retired, labels);
    let line = |answer: String, count: i64| {
        vec![
            Cell::text(section.as_str()),
            Cell::text(answer),
            Cell::Empty,
            Cell::Empty,
            Cell::Number(count),
            Cell::Empty,
            Cell::Empty,
        ]
    };
    if !question.counts.is_empty() {
        return question
            .counts
            .iter()
            .map(|(answer, retired, count)| line(marked(answer, *retired, labels), *count))
            .collect();
    }
    vec![line(labels.t("export-report-answered"), question.answered)]
}

/// Every line of the report, in the order of [`COLUMNS`], then those of the session's
/// `questions` (none outside a session's report).
pub fn rows(report: &Report, questions: &[QuestionSummary], labels: &ExportLabels) -> Vec<Vec<Cell>> {
    let section = |key: &str| labels.t(key);
    let (member, partner) = (section("export-report-member"), section("export-report-partner"));
    let country = section("export-report-country");
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    rows.extend(report.members.iter().map(|l| line(&member, l, labels)));
    rows.extend(report.partners.iter().map(|l| line(&partner, l, labels)));
    if report.other.registered > 0 {
        rows.push(line(&section("export-report-other"), &report.other, labels));
    }
    let no_country = section("export-report-no-country");
    for l in &report.countries {
        let mut cells = line(&country, l, labels);
        // The name is the line's label; its column holds the ISO code, for maps and lookups.
        cells[2] = Cell::text(l.country.as_str());
        if l.label.is_empty() {
            cells[1] = Cell::Text(no_country.clone());
        }
        rows.push(cells);
    }
    let unmatched = section("export-report-unmatched");
    rows.extend(report.unmatched_countries.iter().map(|l| line(&unmatched, l, labels)));
    // quotas: the members not represented, with no counts.
    let absent = section("export-report-not-represented");
    for a in &report.not_represented {
        let empty = Line { label: a.name.clone(), country: a.country.clone(), ..Line::default() };
        rows.push(line(&absent, &empty, labels));
    }
    rows.push(line(&section("export-report-total"), &report.total, labels));
    rows.extend(questions.iter().flat_map(|q| question_lines(q, labels)));
    rows
}
