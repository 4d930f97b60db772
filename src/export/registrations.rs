//! The columns of a session's registrations export.

use super::{Cell, Column, ExportLabels};
use crate::db::AnyConnection;
use crate::db::admin_registrations::{ExportRow, Filters, export_chunk};
use crate::domain::SessionId;

/// Registrations read per query.
pub const CHUNK: i64 = 1000;

/// The export's columns, in order.
pub const COLUMNS: &[Column] = &[
    Column { header: "export-col-name", width: 28.0 },
    Column { header: "export-col-email", width: 32.0 },
    Column { header: "export-col-organisation", width: 32.0 },
    Column { header: "export-col-country", width: 20.0 },
    Column { header: "export-col-position", width: 24.0 },
    Column { header: "export-col-language", width: 12.0 },
    Column { header: "export-col-status", width: 22.0 },
    Column { header: "export-col-registered-at", width: 20.0 },
    Column { header: "export-col-confirmed-at", width: 20.0 },
    Column { header: "export-col-attended", width: 10.0 },
    Column { header: "export-col-needs", width: 32.0 },
    Column { header: "export-col-newsletter", width: 12.0 },
    Column { header: "export-col-listed", width: 12.0 },
];

/// The name of the workbook's sheet.
pub const SHEET: &str = "export-sheet-registrations";

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

/// The registrations of a session that the list's `filters` show, read `CHUNK` at a time as
/// the iterator is consumed (for a workbook, which is written on the connection's thread). A
/// failed query ends the rows and is left in `failed`: check it once the rows are used.
pub fn from_database<'a>(
    conn: &'a mut AnyConnection,
    session_id: &'a SessionId,
    filters: &'a Filters,
    failed: &'a mut Option<diesel::result::Error>,
) -> impl Iterator<Item = ExportRow> + 'a {
    let mut after: Option<String> = None;
    let mut finished = false;
    let chunks = std::iter::from_fn(move || {
        if finished {
            return None;
        }
        match export_chunk(conn, session_id, filters, after.as_deref(), CHUNK) {
            Ok(rows) => {
                finished = rows.len() < CHUNK as usize;
                after = rows.last().map(|r| r.id.clone());
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
    use crate::domain::{Language, RegistrationStatus};

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
}
