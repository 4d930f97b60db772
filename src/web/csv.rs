//! CSV in and out: reading the attendance lists that video platforms export, and writing
//! spreadsheets (the registrations export, the reports) with every cell safe to open.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;

use super::errors::AppError;
use crate::db::admin_registrations::AttendanceLine;

/// Why an attendance file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvProblem {
    /// No header row names an email column.
    NoEmailColumn,
    Unreadable,
}

/// Header names of the email column in the exports of common video platforms.
const EMAIL_HEADERS: [&str; 10] = [
    "email",
    "e-mail",
    "user email",
    "correo",
    "courriel",
    "attendee email",
    "email address",
    "e-mail address",
    "correo electrónico",
    "adresse e-mail",
];

/// Reads the addresses out of an attendance CSV: UTF-8 with or without BOM, separated by commas
/// or semicolons (or tabs), the email column found by its header, which may follow a few lines
/// of meeting summary (as in Zoom's reports). Each data line keeps its line number.
pub fn parse_attendance(bytes: &[u8]) -> Result<Vec<AttendanceLine>, CsvProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(CsvProblem::Unreadable);
    }
    for delimiter in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut column: Option<usize> = None;
        let mut lines = Vec::new();
        // The reader's own line numbers lag behind after CRLF endings, so lines are counted
        // here from each record's byte offset (past the line breaks that precede it).
        let (mut counted_to, mut line) = (0usize, 1u64);
        for record in reader.byte_records() {
            let Ok(record) = record else { return Err(CsvProblem::Unreadable) };
            let mut start =
                record.position().map(|p| p.byte()).and_then(|b| usize::try_from(b).ok()).unwrap_or(0);
            while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                start += 1;
            }
            if start > counted_to {
                line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u64;
                counted_to = start;
            }
            let cells: Vec<String> =
                record.iter().map(|cell| String::from_utf8_lossy(cell).trim().to_owned()).collect();
            match column {
                None => {
                    column = cells.iter().position(|cell| {
                        let header = cell.trim_matches('"').trim().to_lowercase();
                        EMAIL_HEADERS.contains(&header.as_str())
                    });
                }
                Some(c) => {
                    if cells.iter().all(String::is_empty) {
                        continue;
                    }
                    let email = cells.get(c).cloned().unwrap_or_default();
                    lines.push(AttendanceLine { line, email });
                }
            }
        }
        if column.is_some() {
            return Ok(lines);
        }
    }
    Err(CsvProblem::NoEmailColumn)
}

/// A cell a spreadsheet would run as a formula starts with a quote instead (any other cell is
/// not copied).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes CSV rows (each cell neutralised) into bytes, separated by commas.
pub fn csv_bytes<I, R>(rows: I) -> Result<Vec<u8>, AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    csv_bytes_with(rows, b',')
}

/// Writes CSV rows (each cell neutralised) into bytes, separated by `delimiter`.
pub fn csv_bytes_with<I, R>(rows: I, delimiter: u8) -> Result<Vec<u8>, AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        for cell in row {
            writer
                .write_field(neutralise(cell.as_ref()).as_bytes())
                .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
        }
        writer.write_record(None::<&[u8]>).map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
    }
    writer.into_inner().map_err(|e| AppError::Unexpected(anyhow::anyhow!("writing CSV: {e}")))
}

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Rows on their way from the database.
pub type Page<R> = Pin<Box<dyn Future<Output = Result<Vec<R>, AppError>>>>;

/// One page of rows, fetched after the key of the last row sent (`None`: from the start).
pub type FetchPage<R> = Box<dyn FnMut(Option<String>) -> Page<R>>;

/// A row's cells as text.
pub type RowCells<R> = Box<dyn Fn(&R) -> Vec<String>>;

/// A CSV file as a streamed body: a byte-order mark and the header, then pages of rows, so
/// that memory stays flat however long the list: the next page is asked for as soon as one
/// arrives, and read from the database while this one is formatted, written out and sent (at
/// most two pages in memory). A page shorter than `page_size` is the last.
pub struct CsvStream<R> {
    header: Vec<String>,
    delimiter: u8,
    page_size: usize,
    fetch: FetchPage<R>,
    key: fn(&R) -> String,
    cells: RowCells<R>,
    after: Option<String>,
    started: bool,
    finished: bool,
    pending: Option<Page<R>>,
}

impl<R> CsvStream<R> {
    /// A stream of `header`, then the rows `fetch` gives, as `cells`, separated by `delimiter`.
    pub fn new(
        header: Vec<String>,
        delimiter: u8,
        page_size: usize,
        fetch: FetchPage<R>,
        key: fn(&R) -> String,
        cells: RowCells<R>,
    ) -> Self {
        Self {
            header,
            delimiter,
            page_size,
            fetch,
            key,
            cells,
            after: None,
            started: false,
            finished: false,
            pending: None,
        }
    }
}

/// Starts reading `page` now: a future does nothing until it is polled, so it is polled once
/// here, which hands its query to the blocking pool before this page is formatted (a task
/// spawned on this thread would only start once the formatting is done, and the database
/// would wait for it). A page read at once is kept as it came.
fn started<R: 'static>(mut page: Page<R>, cx: &mut Context<'_>) -> Page<R> {
    match page.as_mut().poll(cx) {
        Poll::Pending => page,
        Poll::Ready(rows) => Box::pin(std::future::ready(rows)),
    }
}

impl<R: 'static> MessageBody for CsvStream<R> {
    type Error = AppError;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, AppError>>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        let pending = match &mut this.pending {
            Some(pending) => pending,
            None => this.pending.insert((this.fetch)(this.after.clone())),
        };
        let rows = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => {
                this.finished = true;
                return Poll::Ready(Some(Err(e)));
            }
            Poll::Ready(Ok(rows)) => rows,
        };
        this.pending = None;
        this.finished = rows.len() < this.page_size;
        this.after = rows.last().map(this.key).or(this.after.take());
        if !this.finished {
            this.pending = Some(started((this.fetch)(this.after.clone()), cx));
        }
        let mut chunk = Vec::new();
        if !this.started {
            this.started = true;
            chunk.extend_from_slice(UTF8_BOM);
            match csv_bytes_with([&this.header], this.delimiter) {
                Ok(header) => chunk.extend(header),
                Err(e) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
        match csv_bytes_with(rows.iter().map(|row| (this.cells)(row)), this.delimiter) {
            Ok(body) => chunk.extend(body),
            Err(e) => {
                this.finished = true;
                return Poll::Ready(Some(Err(e)));
            }
        }
        if chunk.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Bytes::from(chunk))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Log = std::rc::Rc<std::cell::RefCell<Vec<String>>>;

    /// A stream of the numbers `0..total`, `page` at a time. `log` records every page read
    /// (`read after …`), when the read runs rather than when it is asked for, and every row
    /// formatted (`row …`).
    fn numbers(total: u32, page: usize, log: Log) -> CsvStream<u32> {
        let reads = log.clone();
        let fetch: FetchPage<u32> = Box::new(move |after: Option<String>| {
            let reads = reads.clone();
            Box::pin(async move {
                let from = after.as_deref().and_then(|a| a.parse::<u32>().ok()).map_or(0, |a| a + 1);
                reads.borrow_mut().push(format!("read after {}", after.as_deref().unwrap_or("start")));
                Ok((from..total).take(page).collect())
            })
        });
        let cells = Box::new(move |n: &u32| {
            log.borrow_mut().push(format!("row {n}"));
            vec![n.to_string()]
        });
        CsvStream::new(vec!["n".into()], b';', page, fetch, |n| n.to_string(), cells)
    }

    #[actix_web::test]
    async fn the_next_page_is_read_while_this_one_is_formatted_and_sent() {
        let log = Log::default();
        let mut stream = numbers(5, 2, log.clone());
        let first = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
        let first = first.and_then(Result::ok).map(|b| b.to_vec()).unwrap_or_default();
        assert_eq!(first, b"\xEF\xBB\xBFn\r\n0\r\n1\r\n");
        assert_eq!(
            *log.borrow(),
            ["read after start", "read after 1", "row 0", "row 1"],
            "the second page's read started before the first page's rows were formatted"
        );
        let rest = actix_web::body::to_bytes(stream).await.map(|b| b.to_vec()).unwrap_or_default();
        assert_eq!(rest, b"2\r\n3\r\n4\r\n");
        assert_eq!(
            log.borrow()[4..],
            ["read after 3", "row 2", "row 3", "row 4"],
            "a short page is the last: nothing is read after it"
        );
    }

    #[actix_web::test]
    async fn a_list_of_exactly_full_pages_ends_after_an_empty_one() {
        let log = Log::default();
        let body = actix_web::body::to_bytes(numbers(4, 2, log.clone()))
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default();
        assert_eq!(body, b"\xEF\xBB\xBFn\r\n0\r\n1\r\n2\r\n3\r\n");
        assert_eq!(log.borrow().iter().filter(|e| e.starts_with("read")).count(), 3);
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for risky in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(neutralise("Ciudad de México"), "Ciudad de México");
    }

    #[test]
    fn the_email_column_is_found_by_its_header_with_any_separator() {
        let comma = "\u{feff}Name,User Email,Duration\r\nAna,ana@cdmx.gob.mx,30\r\n\r\nTom,TOM@x.org,5\r\n";
        let lines = parse_attendance(comma.as_bytes()).expect("parsed");
        assert_eq!(
            lines,
            vec![
                AttendanceLine { line: 2, email: "ana@cdmx.gob.mx".into() },
                AttendanceLine { line: 4, email: "TOM@x.org".into() },
            ]
        );
        let semicolon = "Nom;Courriel\nClaire;claire@grandparis.fr\n";
        assert_eq!(parse_attendance(semicolon.as_bytes()).expect("parsed")[0].email, "claire@grandparis.fr");
        let zoom =
            "Meeting ID,Topic\n123,Webinar\n\nName (Original Name),Attendee Email\nSeo,seo@seoul.go.kr\n";
        let lines = parse_attendance(zoom.as_bytes()).expect("parsed");
        assert_eq!(lines, vec![AttendanceLine { line: 5, email: "seo@seoul.go.kr".into() }]);
    }

    #[test]
    fn a_file_without_an_email_column_is_refused() {
        assert_eq!(parse_attendance(b"Name,Duration\nAna,30\n"), Err(CsvProblem::NoEmailColumn));
        assert_eq!(parse_attendance(b"\x00\x01"), Err(CsvProblem::Unreadable));
    }
}
