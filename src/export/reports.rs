//! The columns of the participation report's export: one line per member, partner, "other"
//! and country, then the total.

use super::{Cell, Column, ExportLabels};
use crate::db::reports::{Line, Report};

pub const COLUMNS: &[Column] = &[
    Column { header: "export-report-col-section", width: 22.0 },
    Column { header: "export-report-col-name", width: 36.0 },
    Column { header: "export-report-col-country", width: 20.0 },
    Column { header: "export-report-col-registered", width: 12.0 },
    Column { header: "export-report-col-confirmed", width: 12.0 },
    Column { header: "export-report-col-attended", width: 12.0 },
    Column { header: "export-report-col-never-confirmed", width: 14.0 },
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

/// Every line of the report, in the order of [`COLUMNS`].
pub fn rows(report: &Report, labels: &ExportLabels) -> Vec<Vec<Cell>> {
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
    rows
}
