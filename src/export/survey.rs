//! The columns of a survey's answers export (a session's or a series'): no names, the
//! session, the two scores, the free texts, when.

use super::{Cell, Column};
use crate::db::feedback_results::AnswerRow;

pub const COLUMNS: &[Column] = &[
    Column::message("admin-feedback-col-session", 36.0),
    Column::message("admin-feedback-col-session-date", 20.0),
    Column::message("admin-feedback-col-rating", 10.0),
    Column::message("admin-feedback-col-usefulness", 10.0),
    Column::message("admin-feedback-col-comment", 60.0),
    Column::message("admin-feedback-col-topics", 40.0),
    Column::message("admin-feedback-col-answered-at", 20.0),
    Column::message("admin-feedback-col-changed-at", 20.0),
];

/// One answer's cells, in the order of [`COLUMNS`].
pub fn cells(row: &AnswerRow) -> Vec<Cell> {
    vec![
        Cell::text(row.session_title.as_str()),
        Cell::DateTime(row.session_starts_at),
        Cell::Number(i64::from(row.rating)),
        Cell::Number(i64::from(row.usefulness)),
        Cell::text(row.comment.as_str()),
        Cell::text(row.topics.as_str()),
        Cell::DateTime(row.answered_at),
        Cell::DateTime(row.updated_at),
    ]
}
