//! Excel workbooks (.xlsx) of the exports, written by rust_xlsxwriter: one sheet, its header
//! row bold, frozen and filterable, dates as real Excel dates, counts as numbers, text as
//! text (a string cell is never run as a formula, so text goes in as typed). Rows go to a
//! temporary file (0600, removed when done) as they are written, so memory stays flat however
//! long the list; the finished file is returned as bytes.

use anyhow::Context as _;
use rust_xlsxwriter::{Format, Workbook};

use super::registrations::{self, Layout};
use super::{Cell, Column, ExportLabels};
use crate::db::export_lines::ExportLine;

/// The most data rows a sheet holds (Excel's 1,048,576 rows, less the header).
pub const MAX_ROWS: usize = 1_048_575;

/// Progress is reported every this many rows (and once at the end).
pub const PROGRESS_EVERY: usize = 1000;

/// The longest text a cell holds, in characters.
const MAX_CELL_CHARS: usize = 32_767;

/// A workbook of the registrations export: the columns of `layout` with headers and values in
/// `labels`' language. `progress` is told how many rows are written so far, every
/// [`PROGRESS_EVERY`] rows and once at the end. Needs no HTTP request: the worker can call it
/// with rows from [`registrations::from_database`].
pub fn registrations_workbook(
    rows: impl Iterator<Item = ExportLine>,
    layout: &Layout,
    labels: &ExportLabels,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<Vec<u8>> {
    let cells = rows.map(|line| layout.cells(&line, labels));
    workbook(registrations::SHEET, layout.columns(), labels, cells, progress)
}

/// A one-sheet workbook: the sheet named by the message `sheet`, a header row of `columns`,
/// then one row per item of `rows` (cells in the order of `columns`).
pub fn workbook(
    sheet: &str,
    columns: &[Column],
    labels: &ExportLabels,
    rows: impl Iterator<Item = Vec<Cell>>,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format(labels.t("export-date-format"));
    let worksheet = workbook.add_worksheet_with_constant_memory().context("creating the sheet")?;
    worksheet.set_name(labels.t(sheet)).context("naming the sheet")?;
    let last_column = u16::try_from(columns.len().saturating_sub(1)).context("too many columns")?;
    for (index, column) in columns.iter().enumerate() {
        let index = u16::try_from(index).context("too many columns")?;
        worksheet.set_column_width(index, column.width)?;
        worksheet.write_string_with_format(0, index, column.header.words(labels), &bold)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    let mut done = 0usize;
    for cells in rows {
        anyhow::ensure!(done < MAX_ROWS, "more than {MAX_ROWS} rows do not fit in one sheet");
        let row = u32::try_from(done + 1).context("row number")?;
        for (index, cell) in cells.iter().enumerate().take(columns.len()) {
            let index = u16::try_from(index).context("too many columns")?;
            match cell {
                Cell::Text(text) if text.chars().count() > MAX_CELL_CHARS => {
                    let cut: String = text.chars().take(MAX_CELL_CHARS).collect();
                    worksheet.write_string(row, index, cut)?
                }
                Cell::Text(text) => worksheet.write_string(row, index, text)?,
                Cell::DateTime(at) => worksheet.write_datetime_with_format(row, index, at, &date)?,
                // Counts are far below 2^53, where a float stops holding every integer.
                Cell::Number(n) => worksheet.write_number(row, index, *n as f64)?,
                Cell::Empty => continue,
            };
        }
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done);
        }
    }
    worksheet.autofilter(0, 0, u32::try_from(done).context("row number")?, last_column)?;
    let bytes = workbook.save_to_buffer().context("writing the workbook")?;
    progress(done);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;
    use crate::domain::interpretation::{ChannelLanguage, Offered};

    #[test]
    fn progress_is_reported_and_the_file_is_a_zip() {
        let labels = ExportLabels::new(Language::Es);
        let rows = (0..2500).map(|n| vec![Cell::Text(format!("fila {n}")), Cell::Number(n)]);
        let columns =
            [Column::message("export-col-name", 10.0), Column::message("export-report-col-registered", 10.0)];
        let mut seen = Vec::new();
        let bytes =
            workbook(registrations::SHEET, &columns, &labels, rows, &mut |n| seen.push(n)).expect("workbook");
        assert_eq!(seen, [1000, 2000, 2500]);
        assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
    }

    #[test]
    fn an_empty_list_is_a_header_alone() {
        let labels = ExportLabels::new(Language::En);
        let offered = Offered::new(ChannelLanguage::En, []);
        let layout = Layout::new(Vec::new(), Language::En, offered, &labels);
        let mut seen = Vec::new();
        let bytes = registrations_workbook(std::iter::empty(), &layout, &labels, &mut |n| seen.push(n))
            .expect("workbook");
        assert_eq!(seen, [0]);
        assert!(bytes.starts_with(b"PK"));
    }
}
