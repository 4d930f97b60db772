//! Speaker photos: the formats accepted, where they are stored under the data folder, and the
//! public route that serves them. The organiser area uploads and removes them
//! (`web::admin::speakers`).

use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::errors::AppError;
use super::state::{AppState, run_db};
use crate::db;

/// The largest photo accepted.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;

pub fn public_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/speakers/{id}/photo", web::get().to(photo));
}

/// file name or the content type the browser sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    fn from_extension(extension: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp].into_iter().find(|kind| kind.extension() == extension)
    }
}

/// Where a speaker's photo is stored, relative to the data folder (the form kept in
/// `speakers.photo_path`).
pub fn photo_relative_path(speaker_id: &str, kind: ImageKind) -> String {
    format!("photos/{speaker_id}.{}", kind.extension())
}

/// The kind of a stored photo path, when it is one this module wrote for this speaker. Paths
/// are rebuilt from the id rather than trusted, so nothing outside `photos/` is ever read.
pub fn stored_photo_kind(speaker_id: &str, stored: &str) -> Option<ImageKind> {
    let (stem, extension) = stored.strip_prefix("photos/")?.rsplit_once('.')?;
    (stem == speaker_id).then_some(())?;
    ImageKind::from_extension(extension)
}

/// Ids are UUIDs; anything else is never used in a file name.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Writes the file (0600, in a folder of 0700) next to its final name, then renames it, so
/// that a reader never sees half a picture.
pub fn write_photo(data_dir: &Path, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
    let target = data_dir.join(relative);
    let folder = target.parent().map(Path::to_path_buf).unwrap_or_else(|| data_dir.to_path_buf());
    crate::files::create_private_dir_all(&folder)?;
    let temporary = folder.join(format!(".upload-{}.tmp", crate::security::new_token()));
    crate::files::write_private_file(&temporary, bytes)?;
    std::fs::rename(&temporary, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Removes a photo file that is no longer used. A failure is logged, not shown: the database
/// no longer points at the file.
pub async fn remove_photo_file(data_dir: &Path, speaker_id: &str, stored: String) {
    let Some(kind) = stored_photo_kind(speaker_id, &stored) else { return };
    let file: PathBuf = data_dir.join(photo_relative_path(speaker_id, kind));
    let result = web::block(move || match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|removed| removed);
    if let Err(e) = result {
        tracing::warn!(speaker = speaker_id, error = %e, "could not remove an old speaker photo");
    }
}

/// A speaker's photo, for the public pages: cached for a day by browsers and proxies.
pub async fn photo(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !is_plain_id(&id) {
        return Err(AppError::NotFound);
    }
    let speaker_id = id.clone();
    let stored = run_db(&state, move |conn| db::speakers::photo_path(conn, &speaker_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = stored_photo_kind(&id, &stored).ok_or(AppError::NotFound)?;
    let file = state.settings.data_dir.join(photo_relative_path(&id, kind));
    let bytes = match web::block(move || std::fs::read(file)).await? {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Unexpected(anyhow::Error::new(e).context("reading a speaker photo"))),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, kind.content_type()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_recognised_by_their_first_bytes_only() {
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None, "a RIFF that is not WebP");
        assert_eq!(ImageKind::sniff(b"GIF89a"), None);
        assert_eq!(ImageKind::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(ImageKind::sniff(b"\x89PN"), None, "a truncated signature");
        assert_eq!(ImageKind::sniff(b""), None);
    }

    #[test]
    fn only_photo_paths_written_for_that_speaker_are_read_back() {
        let id = "0191d7a8-0000-7000-8000-000000000001";
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.png")), Some(ImageKind::Png));
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.webp")), Some(ImageKind::Webp));
        assert_eq!(stored_photo_kind(id, "photos/someone-else.png"), None);
        assert_eq!(stored_photo_kind(id, &format!("../photos/{id}.png")), None);
        assert_eq!(stored_photo_kind(id, &format!("photos/{id}.svg")), None);
        assert_eq!(stored_photo_kind(id, "/etc/passwd"), None);
        assert!(is_plain_id(id));
        assert!(!is_plain_id("../x"));
        assert!(!is_plain_id(""));
    }
}
