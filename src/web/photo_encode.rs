//! Speaker photos are decoded, resized to a fixed maximum and re-encoded on the server (the
//! `image` crate), so what is stored and served holds pixels only: no EXIF (place, camera,
//! time), no ICC or XMP block, no comment, whatever the upload carried.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits};

use super::photos::ImageKind;

/// The longest side of a stored photo, in pixels.
pub const PHOTO_MAX_SIDE: u32 = 800;
/// The largest picture decoded at all, so a small file cannot ask for a huge buffer.
const DECODE_MAX_SIDE: u32 = 12_000;
const DECODE_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The stored form of every photo.
pub const STORED_KIND: ImageKind = ImageKind::Jpeg;

/// The photo as stored: decoded from JPEG, PNG or WebP (recognised by its first bytes),
/// scaled down to [`PHOTO_MAX_SIDE`] when larger, written as a fresh JPEG. `None` when the
/// bytes are not a picture that decodes.
pub fn reencode(bytes: &[u8]) -> Option<Vec<u8>> {
    let format = match ImageKind::sniff(bytes)? {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Webp => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    limits.max_alloc = Some(DECODE_MAX_BYTES);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let picture = if picture.width() > PHOTO_MAX_SIDE || picture.height() > PHOTO_MAX_SIDE {
        picture.thumbnail(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE)
    } else {
        picture
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85).encode_image(&picture.into_rgb8()).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_picture_is_scaled_down_and_written_as_jpeg() {
        let picture = image::RgbImage::from_pixel(1600, 400, image::Rgb([200, 30, 30]));
        let mut png = Vec::new();
        picture.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).expect("encode");
        let stored = reencode(&png).expect("re-encoded");
        assert_eq!(ImageKind::sniff(&stored), Some(ImageKind::Jpeg));
        let back = image::load_from_memory(&stored).expect("decodes");
        assert_eq!((back.width(), back.height()), (800, 200));
    }

    #[test]
    fn bytes_that_only_look_like_a_picture_are_refused() {
        assert_eq!(reencode(b"\xFF\xD8\xFFnot really a jpeg"), None);
        assert_eq!(reencode(b"GIF89a"), None);
    }
}
