//! The organiser's lists as files for a spreadsheet, in the organiser's language: the columns
//! of each export (`registrations`, `reports`, `newsletter`), typed [`Cell`]s, the translated
//! words ([`ExportLabels`]) and the Excel writer (`xlsx`). No HTTP here: the web layer streams
//! the CSV and serves the files, and the worker can build the same workbook in the background.

pub mod labels;
pub mod newsletter;
pub mod registrations;
pub mod reports;
pub mod survey;
pub mod xlsx;

use chrono::NaiveDateTime;

pub use labels::ExportLabels;

/// One cell of an export, typed: a workbook gets real dates and numbers, a CSV their text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An instant in UTC: an Excel date in a workbook, ISO 8601 in CSV.
    DateTime(NaiveDateTime),
    Number(i64),
    Empty,
}

impl Cell {
    /// The cell as CSV text (the CSV writer neutralises formulas).
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::DateTime(at) => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as CSV text, without copying its text.
    pub fn into_csv_text(self) -> String {
        match self {
            Cell::Text(text) => text,
            other => other.csv_text(),
        }
    }

    /// Text, or nothing when empty.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() { Cell::Empty } else { Cell::Text(text) }
    }

    pub fn date(at: Option<NaiveDateTime>) -> Cell {
        at.map_or(Cell::Empty, Cell::DateTime)
    }
}

/// What a column's header says: one of our messages, translated when the file is written, or
/// a text given as it is (an organiser's question, already in the organiser's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    Message(&'static str),
    Text(String),
}

impl Header {
    /// The header's words in `labels`' language.
    pub fn words(&self, labels: &ExportLabels) -> String {
        match self {
            Header::Message(key) => labels.t(key),
            Header::Text(text) => text.clone(),
        }
    }
}

/// A column of an export: its header and its width in a workbook.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: Header,
    /// In characters, as Excel counts them.
    pub width: f64,
}

impl Column {
    /// A column headed by the message `key`.
    pub const fn message(key: &'static str, width: f64) -> Self {
        Column { header: Header::Message(key), width }
    }
}

/// The headers of `columns` in the organiser's language.
pub fn header(columns: &[Column], labels: &ExportLabels) -> Vec<String> {
    columns.iter().map(|c| c.header.words(labels)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_csv_text() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 7, 22).and_then(|d| d.and_hms_opt(14, 5, 0));
        assert_eq!(Cell::date(at).csv_text(), "2026-07-22T14:05:00Z");
        assert_eq!(Cell::Number(26).csv_text(), "26");
        assert_eq!(Cell::text(""), Cell::Empty);
        assert_eq!(Cell::text("Ciudad de México").csv_text(), "Ciudad de México");
    }
}
