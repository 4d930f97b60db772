//! The organiser's downloads of a list: which CSV separator, the links a list page offers
//! (carrying its search and filters), and the responses. What goes in each file is in
//! `crate::export`.

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::http::header;

use super::csv::{CsvStream, UTF8_BOM, csv_bytes_with};
use super::errors::AppError;
use crate::db::admin_registrations::Filters;
use crate::db::export_lines::ExportLine;
use crate::domain::Language;
use crate::domain::SessionId;
use crate::domain::text_enum;
use crate::export::registrations::{CHUNK, Layout};
use crate::export::{Cell, Column, ExportLabels};
use crate::i18n::I18n;
use crate::web::state::{AppState, run_db};

text_enum! {
    /// What separates a CSV file's cells. Excel in French or Spanish reads the list separator
    /// of its region, the semicolon (the comma is their decimal mark).
    pub enum Separator {
        Comma = "comma",
        Semicolon = "semicolon",
    }
}

impl Separator {
    /// What Excel in the organiser's language expects.
    pub fn default_for(language: Language) -> Self {
        match language {
            Language::En => Separator::Comma,
            Language::Fr | Language::Es => Separator::Semicolon,
        }
    }

    /// The separator asked for in the query, else the language's.
    pub fn chosen(query: &SeparatorQuery, language: Language) -> Self {
        query.separator.as_deref().and_then(Separator::parse).unwrap_or_else(|| Self::default_for(language))
    }

    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }
}

/// The `separator` of a CSV download's query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SeparatorQuery {
    separator: Option<String>,
}

/// One download a list page offers.
#[derive(Debug, Clone)]
pub struct ExportLink {
    pub href: String,
    pub label: String,
}

/// The downloads of a list: CSV with the separator the organiser's Excel expects first, the
/// other CSV, then the workbook. `csv` and `xlsx` are the paths; `query` the list's filters
/// (a query string without `?`, may be empty).
pub fn links(i18n: I18n, csv: &str, xlsx: &str, query: &str) -> Vec<ExportLink> {
    let with = |path: &str, extra: Option<&str>| {
        let mut parts: Vec<&str> = Vec::new();
        if !query.is_empty() {
            parts.push(query);
        }
        parts.extend(extra);
        if parts.is_empty() { path.to_owned() } else { format!("{path}?{}", parts.join("&")) }
    };
    let preferred = Separator::default_for(i18n.lang);
    let mut separators = vec![preferred];
    separators.extend(Separator::ALL.iter().copied().filter(|s| *s != preferred));
    let mut links: Vec<ExportLink> = separators
        .into_iter()
        .map(|separator| {
            let param = format!("separator={}", separator.as_str());
            let label = match separator {
                Separator::Comma => i18n.t("export-csv-comma"),
                Separator::Semicolon => i18n.t("export-csv-semicolon"),
            };
            ExportLink { href: with(csv, Some(&param)), label }
        })
        .collect();
    links.push(ExportLink { href: with(xlsx, None), label: i18n.t("export-xlsx") });
    links
}

/// A whole (short) CSV file: byte-order mark, translated header, rows.
pub fn csv_file(
    columns: &[Column],
    labels: &ExportLabels,
    rows: impl Iterator<Item = Vec<Cell>>,
    separator: Separator,
) -> Result<Vec<u8>, AppError> {
    let header = crate::export::header(columns, labels);
    let rows = std::iter::once(header).chain(rows.map(|cells| cells.iter().map(Cell::csv_text).collect()));
    let mut body = UTF8_BOM.to_vec();
    body.extend(csv_bytes_with(rows, separator.byte())?);
    Ok(body)
}

/// The file name in a header: only characters that need no quoting rules.
fn safe_name(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.')).take(120).collect()
}

fn attachment(name: &str) -> (header::HeaderName, String) {
    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", safe_name(name)))
}

/// A CSV download (`name` ends in `.csv`).
pub fn csv_response(name: &str, body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(attachment(name))
        .body(body)
}

/// A workbook download (`name` ends in `.xlsx`).
pub fn xlsx_response(name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header(attachment(name))
        .body(body)
}

/// A session's registrations (those `filters` keep) as a streamed CSV in `layout`'s columns,
/// read in keyset chunks: the organiser's list and the organiser API give the same file.
pub fn registrations_csv(
    state: actix_web::web::Data<AppState>,
    session_id: SessionId,
    filters: Filters,
    layout: std::sync::Arc<Layout>,
    labels: ExportLabels,
    separator: Separator,
) -> CsvStream<ExportLine> {
    let asked = layout.clone();
    let fetch = Box::new(move |after: Option<String>| {
        let (state, id, filters, asked) = (state.clone(), session_id.clone(), filters.clone(), asked.clone());
        Box::pin(async move {
            run_db(&state, move |conn| {
                crate::db::export_lines::chunk(
                    conn,
                    &id,
                    &filters,
                    after.as_deref(),
                    CHUNK,
                    asked.questions(),
                )
            })
            .await
        }) as _
    });
    let header = crate::export::header(layout.columns(), &labels);
    let cells = Box::new(move |line: &ExportLine| {
        layout.cells(line, &labels).into_iter().map(Cell::into_csv_text).collect()
    });
    CsvStream::new(header, separator.byte(), CHUNK as usize, fetch, |line| line.row.id.clone(), cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_spanish_excel_get_semicolons_first() {
        let query = SeparatorQuery::default();
        assert_eq!(Separator::chosen(&query, Language::Fr), Separator::Semicolon);
        assert_eq!(Separator::chosen(&query, Language::Es), Separator::Semicolon);
        assert_eq!(Separator::chosen(&query, Language::En), Separator::Comma);
        let asked = SeparatorQuery { separator: Some("comma".into()) };
        assert_eq!(Separator::chosen(&asked, Language::Fr), Separator::Comma);
        let odd = SeparatorQuery { separator: Some("tab".into()) };
        assert_eq!(Separator::chosen(&odd, Language::En), Separator::Comma);

        let french = links(I18n::new(Language::Fr), "/x.csv", "/x.xlsx", "status=pending");
        let hrefs: Vec<&str> = french.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "/x.csv?status=pending&separator=semicolon",
                "/x.csv?status=pending&separator=comma",
                "/x.xlsx?status=pending"
            ]
        );
        assert_eq!(links(I18n::new(Language::En), "/x.csv", "/x.xlsx", "")[2].href, "/x.xlsx");
    }

    #[test]
    fn file_names_need_no_quoting() {
        assert_eq!(safe_name("registrations-\"a\";b.csv"), "registrations-ab.csv");
    }
}
