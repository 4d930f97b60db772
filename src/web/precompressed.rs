//! A page's body in each content coding the page cache keeps (identity, gzip, brotli),
//! compressed once when the page is stored, and the choice among them by `Accept-Encoding`.
//!
//! The answer carries `Content-Encoding` when compressed, so the app's `Compress` middleware
//! leaves it as it is, and `Vary: Accept-Encoding` always.

use std::io::Write;

use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, Header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponseBuilder};

/// brotli's quality (0-11) and window (log2 of its size). Compression runs once per entry, on a
/// miss, in the request (off the executor): 6 is the usual middle ground between size and time
/// for pages of tens of kilobytes; qualities 10-11 cost far more time for a few percent. The
/// levels were not measured on Convoca's pages yet.
const BROTLI_QUALITY: u32 = 6;
/// The largest window brotli is given (4 MiB). A page gets the smallest window that holds it:
/// a larger one finds nothing more to refer back to, and the encoder allocates buffers of the
/// window's size (at 22 for a 12 KB page they stayed in the allocator's arenas: 108 MiB of RSS
/// at most under load, against 61 without compressed variants).
const BROTLI_MAX_WINDOW: u32 = 22;
/// gzip's level (1-9): 6 is zlib's default; the higher levels gain little on HTML.
const GZIP_LEVEL: u32 = 6;

/// log2 of the smallest brotli window (10 to [`BROTLI_MAX_WINDOW`]) that holds `len` bytes.
fn window_for(len: usize) -> u32 {
    len.max(1).next_power_of_two().trailing_zeros().clamp(10, BROTLI_MAX_WINDOW)
}

/// The content codings the cache keeps, and which one a request is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The coding `Accept-Encoding` prefers among those kept (q-values, `identity`, `*` as
    /// actix-web negotiates them; brotli first on a tie). No header, or a header that refuses
    /// all three (the `Compress` middleware answers 406 before): identity.
    pub fn negotiate(req: &HttpRequest) -> Self {
        const KEPT: [Encoding; 3] = [Encoding::identity(), Encoding::brotli(), Encoding::gzip()];
        let Ok(accepted) = AcceptEncoding::parse(req) else { return Self::Identity };
        match accepted.negotiate(KEPT.iter()) {
            Some(Encoding::Known(ContentEncoding::Brotli)) => Self::Brotli,
            Some(Encoding::Known(ContentEncoding::Gzip)) => Self::Gzip,
            _ => Self::Identity,
        }
    }
}

/// One page's body in every kept coding.
#[derive(Debug, Clone)]
pub struct Variants {
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl Variants {
    /// Compresses `body` once per coding (CPU work: call it off the async executor).
    pub fn compress(body: Bytes) -> std::io::Result<Self> {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
        gzip.write_all(&body)?;
        let gzip = gzip.finish()?;
        let mut brotli = Vec::new();
        {
            let mut writer =
                brotli::CompressorWriter::new(&mut brotli, 4096, BROTLI_QUALITY, window_for(body.len()));
            writer.write_all(&body)?;
            writer.flush()?;
        }
        Ok(Self { identity: body, gzip: gzip.into(), brotli: brotli.into() })
    }

    /// The body in `coding`, with its headers set on `response`.
    pub fn answer(&self, coding: Coding, response: &mut HttpResponseBuilder) -> Bytes {
        response.append_header((header::VARY, "Accept-Encoding"));
        match coding {
            Coding::Identity => self.identity.clone(),
            Coding::Gzip => {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
                self.gzip.clone()
            }
            Coding::Brotli => {
                response.insert_header((header::CONTENT_ENCODING, "br"));
                self.brotli.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::test::TestRequest;

    use super::*;

    fn coding(accept: Option<&str>) -> Coding {
        let req = match accept {
            Some(value) => TestRequest::default().insert_header((header::ACCEPT_ENCODING, value)),
            None => TestRequest::default(),
        };
        Coding::negotiate(&req.to_http_request())
    }

    #[test]
    fn the_coding_follows_accept_encoding() {
        assert_eq!(coding(None), Coding::Identity);
        assert_eq!(coding(Some("identity")), Coding::Identity);
        assert_eq!(coding(Some("gzip")), Coding::Gzip);
        assert_eq!(coding(Some("gzip, br")), Coding::Brotli);
        assert_eq!(coding(Some("gzip, deflate, br, zstd")), Coding::Brotli);
        assert_eq!(coding(Some("br;q=0.5, gzip;q=0.8")), Coding::Gzip);
        assert_eq!(coding(Some("br;q=0, gzip")), Coding::Gzip);
        // actix-web reads a bare `*` as allowing identity, which it prefers (as `Compress` does).
        assert_eq!(coding(Some("*")), Coding::Identity);
        assert_eq!(coding(Some("zstd")), Coding::Identity, "a coding not kept");
        assert_eq!(coding(Some("gzip;q=0, br;q=0")), Coding::Identity);
    }

    #[test]
    fn each_variant_decompresses_to_the_page() {
        let page = Bytes::from("<!doctype html><p>Bonjour, Metropolis</p>".repeat(200));
        let variants = Variants::compress(page.clone()).expect("compress");
        let mut gunzipped = Vec::new();
        flate2::read::GzDecoder::new(&variants.gzip[..]).read_to_end(&mut gunzipped).expect("gzip");
        assert_eq!(gunzipped, page);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&variants.brotli[..], 4096).read_to_end(&mut unbrotlied).expect("br");
        assert_eq!(unbrotlied, page);
        assert!(variants.brotli.len() < page.len() / 10 && variants.gzip.len() < page.len() / 10);
    }

    #[test]
    fn a_page_gets_the_smallest_window_that_holds_it() {
        assert_eq!(window_for(0), 10);
        assert_eq!(window_for(12_000), 14);
        assert_eq!(window_for(16_384), 14);
        assert_eq!(window_for(16_385), 15);
        assert_eq!(window_for(100 << 20), BROTLI_MAX_WINDOW);
        // A page larger than its window still decompresses whole.
        let page = Bytes::from((0..40_000u32).map(|i| format!("{i} ")).collect::<String>());
        let variants = Variants::compress(page.clone()).expect("compress");
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&variants.brotli[..], 4096).read_to_end(&mut unbrotlied).expect("br");
        assert_eq!(unbrotlied, page);
    }
}
