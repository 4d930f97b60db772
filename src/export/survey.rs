//! The columns of a survey's answers export (a session's or a series'): no names, the
//! session, the two scores, the free texts, when.

use super::{Cell, Column};
use crate::db::feedback_results::AnswerRow;

pub const COLUMNS: &[Column] = &[
    Column { header: "admin-feedback-col-session", width: 36.0 },
    Column { header: "admin-feedback-col-session-date", width: 20.0 },
    Column { header: "admin-feedback-col-rating", width: 10.0 },
    Column { header: "admin-feedback-col-usefulness", width: 10.0 },
    Column { header: "admin-feedback-col-comment", width: 60.0 },
    Column { header: "admin-feedback-col-topics", width: 40.0 },
    Column { header: "admin-feedback-col-answered-at", width: 20.0 },
    Column { header: "admin-feedback-col-changed-at", width: 20.0 },
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
