//! The columns of the newsletter list's export.

use super::{Cell, Column, ExportLabels};
use crate::db::newsletter::Subscriber;

pub const COLUMNS: &[Column] = &[
    Column::message("export-col-email", 32.0),
    Column::message("export-col-name", 28.0),
    Column::message("export-col-language", 12.0),
    Column::message("export-col-consented-at", 20.0),
    Column::message("export-col-notice-version", 14.0),
];

pub const SHEET: &str = "export-sheet-newsletter";

/// One subscriber's cells, in the order of [`COLUMNS`].
pub fn cells(subscriber: &Subscriber, labels: &ExportLabels) -> Vec<Cell> {
    vec![
        Cell::text(subscriber.email.as_str()),
        Cell::text(subscriber.name.as_str()),
        Cell::text(labels.language_name(&subscriber.language)),
        Cell::DateTime(subscriber.consented_at),
        Cell::text(subscriber.notice_version.as_str()),
    ]
}
