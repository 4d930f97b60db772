//! The one reader of multipart forms (the organiser area's uploads), bounded whatever the
//! transfer encoding: bytes are counted as they arrive, so a chunked body or a false
//! `Content-Length` cannot make it read more than its limit, and at most a fixed number of
//! parts is read. The CSRF field is checked here, once, as [`SignedForm`] does for urlencoded
//! forms.
//!
//! Memory stays below `max_parts × max_text_bytes` plus the file limits: a file over its own
//! limit is read on to its end without being kept (so the page can say it was too large), and
//! everything read counts towards `max_body_bytes`.
//!
//! [`SignedForm`]: crate::web::admin::context::SignedForm

use std::cell::Cell;
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderMap};
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpMessage, HttpRequest};
use futures_core::Stream;

use super::AppState;
use super::chrome::CsrfSeed;
use super::errors::AppError;

/// The field that carries the CSRF token, as in every form.
pub const CSRF_FIELD: &str = "csrf_token";

/// What one upload form may send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Parts in the body, text fields and files together.
    pub max_parts: usize,
    /// The whole body, as it arrives.
    pub max_body_bytes: usize,
    /// Each text field (the CSRF token, check boxes).
    pub max_text_bytes: usize,
    /// The file fields accepted, by name, each with the most bytes kept; at most one each.
    pub files: &'static [(&'static str, usize)],
}

/// A file field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    /// Not sent, or sent empty (no file chosen).
    Missing,
    /// Larger than its limit: read to its end and dropped.
    TooLarge,
    File(Bytes),
}

/// A multipart form whose CSRF token has been checked: its text fields and its files.
#[derive(Debug, Default)]
pub struct SignedMultipart {
    text: Vec<(String, String)>,
    files: Vec<(&'static str, Upload)>,
}

impl SignedMultipart {
    /// The first value of a text field, or "" when it was not sent.
    pub fn text(&self, name: &str) -> &str {
        self.text.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// Takes a file field out of the form.
    pub fn take_file(&mut self, name: &str) -> Upload {
        match self.files.iter().position(|(k, _)| *k == name) {
            Some(index) => self.files.swap_remove(index).1,
            None => Upload::Missing,
        }
    }
}

/// Reads the multipart body of `req` within `limits` and checks its CSRF token against the
/// visitor's seed. Too much (bytes or parts): 413; no valid token: 403; a body that is not a
/// well-formed multipart form, a file field twice or a NUL in a text field: 400.
pub async fn read_signed(
    req: &HttpRequest,
    payload: Payload,
    limits: &Limits,
) -> Result<SignedMultipart, AppError> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let seed = req.extensions().get::<CsrfSeed>().cloned();
    let valid_token = move |token: &str| match (&state, &seed) {
        (Some(state), Some(seed)) => seed.accepts(state, token),
        _ => false,
    };
    read(req.headers(), payload, limits, valid_token).await
}

/// [`read_signed`] with the token check given: the body is any stream of chunks.
pub async fn read<S>(
    headers: &HeaderMap,
    body: S,
    limits: &Limits,
    valid_token: impl Fn(&str) -> bool,
) -> Result<SignedMultipart, AppError>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    read_with(headers, body, limits, Some(&valid_token)).await
}

/// The text fields of a small multipart form that need not carry a CSRF token (a mail client's
/// one-click unsubscribe, RFC 8058), within the same limits; a `csrf_token` sent is kept among
/// the fields for the caller to check. No file is accepted.
pub async fn read_text<S>(
    headers: &HeaderMap,
    body: S,
    limits: &Limits,
) -> Result<Vec<(String, String)>, AppError>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    read_with(headers, body, limits, None).await.map(|form| form.text)
}

/// Reads the form; with `valid_token`, its CSRF token must be there and valid (checked as soon
/// as it arrives), else the token is an ordinary text field.
async fn read_with<S>(
    headers: &HeaderMap,
    body: S,
    limits: &Limits,
    valid_token: Option<&dyn Fn(&str) -> bool>,
) -> Result<SignedMultipart, AppError>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    // A body announced as larger than the limit is refused before any of it is read; the
    // count below holds whatever was announced.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.max_body_bytes as u64) {
        return Err(AppError::TooLarge);
    }
    let overflowed = Rc::new(Cell::new(false));
    let counted =
        Counted { inner: body, seen: 0, max: limits.max_body_bytes, overflowed: overflowed.clone() };
    let fail = |e: MultipartError| {
        if overflowed.get() || matches!(e, MultipartError::Payload(PayloadError::Overflow)) {
            AppError::TooLarge
        } else {
            AppError::BadRequest
        }
    };
    let mut multipart = Multipart::new(headers, counted);
    let (mut form, mut parts, mut signed) = (SignedMultipart::default(), 0usize, false);
    while let Some(field) = poll_fn(|cx| Pin::new(&mut multipart).poll_next(cx)).await {
        let mut field = field.map_err(fail)?;
        parts += 1;
        if parts > limits.max_parts {
            return Err(AppError::TooLarge);
        }
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(&(file, max)) = limits.files.iter().find(|(file, _)| *file == name) {
            if form.files.iter().any(|(seen, _)| *seen == file) {
                return Err(AppError::BadRequest);
            }
            let upload = match read_field(&mut field, max).await.map_err(fail)? {
                None => Upload::TooLarge,
                Some(bytes) if bytes.is_empty() => Upload::Missing,
                Some(bytes) => Upload::File(bytes),
            };
            form.files.push((file, upload));
            continue;
        }
        let value = read_field(&mut field, limits.max_text_bytes).await.map_err(fail)?;
        if let Some(valid_token) = valid_token
            && name == CSRF_FIELD
        {
            // One token, checked as soon as it arrives: a forged one stops the reading.
            let token = value.map(|b| String::from_utf8_lossy(&b).into_owned());
            if signed || !token.is_some_and(|t| valid_token(&t)) {
                return Err(AppError::Forbidden);
            }
            signed = true;
            continue;
        }
        let Some(value) = value else { return Err(AppError::TooLarge) };
        // No field holds NUL, and PostgreSQL refuses it in text.
        if name.is_empty() || name.contains('\0') || value.contains(&0) {
            return Err(AppError::BadRequest);
        }
        form.text.push((name, String::from_utf8_lossy(&value).into_owned()));
    }
    if valid_token.is_some() && !signed {
        return Err(AppError::Forbidden);
    }
    Ok(form)
}

/// A field's bytes, or `None` when there were more than `max` (then read to the end, dropped).
async fn read_field(field: &mut Field, max: usize) -> Result<Option<Bytes>, MultipartError> {
    let (mut kept, mut over) = (BytesMut::new(), false);
    while let Some(chunk) = poll_fn(|cx| Pin::new(&mut *field).poll_next(cx)).await {
        let chunk = chunk?;
        if over {
            continue;
        }
        if kept.len() + chunk.len() > max {
            over = true;
            kept = BytesMut::new();
        } else {
            kept.extend_from_slice(&chunk);
        }
    }
    Ok((!over).then(|| kept.freeze()))
}

/// The body, counted: past `max` bytes it ends in an overflow error (and says so in
/// `overflowed`, since the multipart reader may report it as another error).
struct Counted<S> {
    inner: S,
    seen: usize,
    max: usize,
    overflowed: Rc<Cell<bool>>,
}

impl<S> Stream for Counted<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.overflowed.get() {
            return Poll::Ready(Some(Err(PayloadError::Overflow)));
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.seen = this.seen.saturating_add(chunk.len());
                if this.seen > this.max {
                    this.overflowed.set(true);
                    return Poll::Ready(Some(Err(PayloadError::Overflow)));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    const BOUNDARY: &str = "b0undary";
    const LIMITS: Limits =
        Limits { max_parts: 4, max_body_bytes: 4096, max_text_bytes: 64, files: &[("file", 1024)] };

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("multipart/form-data; boundary={BOUNDARY}");
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&value).expect("header"));
        headers
    }

    fn part(name: &str, file: bool, bytes: &[u8]) -> Vec<u8> {
        let file_name = if file { "; filename=\"a.csv\"" } else { "" };
        let mut out =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"{file_name}\r\n\r\n")
                .into_bytes();
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
        out
    }

    fn body(parts: &[Vec<u8>]) -> Vec<u8> {
        let mut out = parts.concat();
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    /// A body sent in small chunks with no length announced, as with chunked encoding;
    /// `then` repeats after the bytes for ever (a sender that never stops).
    struct Chunked {
        bytes: Vec<u8>,
        at: usize,
        then: Option<Bytes>,
    }

    impl Stream for Chunked {
        type Item = Result<Bytes, PayloadError>;

        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            if this.at < this.bytes.len() {
                let end = (this.at + 100).min(this.bytes.len());
                let chunk = Bytes::copy_from_slice(&this.bytes[this.at..end]);
                this.at = end;
                return Poll::Ready(Some(Ok(chunk)));
            }
            Poll::Ready(this.then.clone().map(Ok))
        }
    }

    fn chunked(bytes: Vec<u8>) -> Chunked {
        Chunked { bytes, at: 0, then: None }
    }

    async fn read_with(headers: &HeaderMap, body: Chunked) -> Result<SignedMultipart, AppError> {
        read(headers, body, &LIMITS, |token| token == "good").await
    }

    fn status(result: Result<SignedMultipart, AppError>) -> u16 {
        use actix_web::ResponseError;
        match result {
            Ok(_) => 200,
            Err(e) => e.status_code().as_u16(),
        }
    }

    #[actix_web::test]
    async fn a_signed_form_gives_its_fields_and_its_file() {
        let bytes = body(&[
            part("csrf_token", false, b"good"),
            part("others", false, b"yes"),
            part("file", true, b"a,b"),
        ]);
        let mut form = read_with(&headers(), chunked(bytes)).await.expect("read");
        assert_eq!(form.text("others"), "yes");
        assert_eq!(form.text("absent"), "");
        assert_eq!(form.text("csrf_token"), "", "the token is not a field of the form");
        assert_eq!(form.take_file("file"), Upload::File(Bytes::from_static(b"a,b")));
        assert_eq!(form.take_file("file"), Upload::Missing);
    }

    #[actix_web::test]
    async fn a_file_over_its_limit_is_dropped_and_reported_and_an_empty_one_is_missing() {
        let bytes = body(&[part("csrf_token", false, b"good"), part("file", true, &[b'x'; 1025])]);
        let mut form = read_with(&headers(), chunked(bytes)).await.expect("read");
        assert_eq!(form.take_file("file"), Upload::TooLarge);
        let bytes = body(&[part("file", true, b""), part("csrf_token", false, b"good")]);
        let mut form = read_with(&headers(), chunked(bytes)).await.expect("token after the file");
        assert_eq!(form.take_file("file"), Upload::Missing);
    }

    #[actix_web::test]
    async fn a_missing_forged_oversized_or_repeated_token_is_refused() {
        for token in [None, Some(&b"forged"[..]), Some(&[b'g'; 65][..]), Some(&b""[..])] {
            let mut parts = vec![part("file", true, b"a")];
            parts.extend(token.map(|t| part("csrf_token", false, t)));
            assert_eq!(status(read_with(&headers(), chunked(body(&parts))).await), 403, "{token:?}");
        }
        let twice = body(&[part("csrf_token", false, b"good"), part("csrf_token", false, b"good")]);
        assert_eq!(status(read_with(&headers(), chunked(twice)).await), 403);
    }

    #[actix_web::test]
    async fn a_body_that_never_ends_is_cut_at_the_limit_whatever_its_length_says() {
        let start = body(&[part("csrf_token", false, b"good")]);
        let start = start[..start.len() - format!("--{BOUNDARY}--\r\n").len()].to_vec();
        let mut file =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n")
                .into_bytes();
        file.splice(0..0, start);
        let endless = Chunked { bytes: file.clone(), at: 0, then: Some(Bytes::from_static(&[b'x'; 512])) };
        assert_eq!(status(read_with(&headers(), endless).await), 413, "no length announced");
        let mut lying = headers();
        lying.insert(header::CONTENT_LENGTH, HeaderValue::from_static("10"));
        let endless = Chunked { bytes: file, at: 0, then: Some(Bytes::from_static(&[b'x'; 512])) };
        assert_eq!(status(read_with(&lying, endless).await), 413, "a length that lies");
        let mut announced = headers();
        announced.insert(header::CONTENT_LENGTH, HeaderValue::from_static("4097"));
        assert_eq!(status(read_with(&announced, chunked(Vec::new())).await), 413, "refused before reading");
    }

    #[actix_web::test]
    async fn too_many_parts_a_second_file_or_a_broken_body_are_refused() {
        let many: Vec<Vec<u8>> = std::iter::once(part("csrf_token", false, b"good"))
            .chain((0..4).map(|i| part(&format!("f{i}"), false, b"1")))
            .collect();
        assert_eq!(status(read_with(&headers(), chunked(body(&many))).await), 413);
        let two =
            body(&[part("csrf_token", false, b"good"), part("file", true, b"a"), part("file", true, b"b")]);
        assert_eq!(status(read_with(&headers(), chunked(two)).await), 400);
        let nul = body(&[part("csrf_token", false, b"good"), part("others", false, b"a\0b")]);
        assert_eq!(status(read_with(&headers(), chunked(nul)).await), 400);
        let long = body(&[part("csrf_token", false, b"good"), part("others", false, &[b'y'; 65])]);
        assert_eq!(status(read_with(&headers(), chunked(long)).await), 413);
        assert_eq!(status(read_with(&headers(), chunked(b"garbage".to_vec())).await), 400);
        assert_eq!(status(read_with(&HeaderMap::new(), chunked(body(&[]))).await), 400, "not multipart");
    }
}
