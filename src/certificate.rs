//! Certificates of attendance: one A4 landscape PDF page in the registrant's language, made on
//! demand (nothing is stored). The text is set in DejaVu Sans (`fonts/`, with its licence),
//! which covers accented Latin names; krilla embeds only the glyphs used and writes a
//! ToUnicode map, so the text can be searched and copied.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::config::CertificateText;
use crate::db::models::{Registration, Session};
use crate::i18n::I18n;
use crate::when::When;

const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;
const MARGIN: f32 = 60.0;

/// What a certificate says, in the registrant's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub language: String,
    pub network: String,
    pub heading: String,
    pub certifies: String,
    pub name: String,
    pub organisation: String,
    pub attended: String,
    /// The session's title in the registrant's language.
    pub title: String,
    /// Date and times, in the registrant's zone when they gave one, else the session's.
    pub when: String,
    pub duration: String,
    pub signatory: String,
    pub signatory_title: String,
}

/// "1 h 30 min", "45 min", "2 h", in words of the language.
pub fn duration_words(i18n: I18n, minutes: i32) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    match (hours, minutes) {
        (0, m) => i18n.t1("certificate-minutes", "minutes", m),
        (h, 0) => i18n.t1("certificate-hours", "count", h),
        (h, m) => i18n.t2("certificate-hours-minutes", "count", h, "minutes", m),
    }
}

impl Certificate {
    /// The certificate of `registration`; `session` is already in the registrant's language.
    pub fn of(
        i18n: I18n,
        text: &CertificateText,
        registration: &Registration,
        session: &Session,
        organisation: &str,
    ) -> Self {
        let zone = registration.timezone.as_deref().unwrap_or(&session.timezone);
        let when = When::new(i18n, session.starts_at, session.duration_minutes, zone);
        Certificate {
            language: i18n.code().into(),
            network: text.network.clone(),
            heading: i18n.t("certificate-heading"),
            certifies: i18n.t("certificate-certifies"),
            name: registration.name.clone(),
            organisation: organisation.to_owned(),
            attended: i18n.t("certificate-attended"),
            title: session.title.clone(),
            when: format!("{}, {}–{} ({})", when.date, when.start_time, when.end_time, when.zone_name),
            duration: i18n.t1("certificate-duration", "time", duration_words(i18n, session.duration_minutes)),
            signatory: text.signatory.clone(),
            signatory_title: text.signatory_title.clone(),
        }
    }

    /// The PDF file.
    pub fn pdf(&self) -> anyhow::Result<Vec<u8>> {
        let font =
            Font::new(FONT.into(), 0).ok_or_else(|| anyhow::anyhow!("the certificate font does not load"))?;
        let measure = Measure::new()?;
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(format!("{} — {}", self.heading, self.name))
                .language(self.language.clone())
                .creator("Convoca".into()),
        );
        let settings = PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| anyhow::anyhow!("the certificate page size"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut y = 80.0;
        let centred = |surface: &mut krilla::surface::Surface<'_>, text: &str, size: f32, y: f32| {
            let x = ((WIDTH - measure.width(text, size)) / 2.0).max(MARGIN);
            surface.draw_text(Point::from_xy(x, y), font.clone(), size, text, false, TextDirection::Auto);
        };
        centred(&mut surface, &self.network, 14.0, y);
        y += 60.0;
        centred(&mut surface, &self.heading, 30.0, y);
        y += 50.0;
        centred(&mut surface, &self.certifies, 14.0, y);
        y += 45.0;
        let name_size = measure.fitting(&self.name, 28.0);
        centred(&mut surface, &self.name, name_size, y);
        if !self.organisation.is_empty() {
            y += 28.0;
            centred(&mut surface, &self.organisation, measure.fitting(&self.organisation, 16.0), y);
        }
        y += 40.0;
        centred(&mut surface, &self.attended, 14.0, y);
        for line in measure.wrap(&self.title, 20.0, 3) {
            y += 30.0;
            centred(&mut surface, &line, 20.0, y);
        }
        y += 32.0;
        centred(&mut surface, &self.when, measure.fitting(&self.when, 13.0), y);
        y += 20.0;
        centred(&mut surface, &self.duration, 13.0, y);

        let line_y = HEIGHT - 110.0;
        let mut path = PathBuilder::new();
        path.move_to(WIDTH / 2.0 - 130.0, line_y);
        path.line_to(WIDTH / 2.0 + 130.0, line_y);
        if let Some(path) = path.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(0, 0, 0).into(),
                width: 0.8,
                miter_limit: 4.0,
                line_cap: LineCap::Butt,
                line_join: LineJoin::Miter,
                opacity: NormalizedF32::ONE,
                dash: None,
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
        }
        if !self.signatory.is_empty() {
            centred(&mut surface, &self.signatory, measure.fitting(&self.signatory, 13.0), line_y + 20.0);
        }
        if !self.signatory_title.is_empty() {
            centred(
                &mut surface,
                &self.signatory_title,
                measure.fitting(&self.signatory_title, 11.0),
                line_y + 37.0,
            );
        }
        surface.finish();
        page.finish();
        document.finish().map_err(|e| anyhow::anyhow!("the certificate could not be written: {e:?}"))
    }
}

/// Advance widths of the font's glyphs, to centre lines and wrap the title.
struct Measure<'a> {
    font: skrifa::FontRef<'a>,
}

impl Measure<'static> {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            font: skrifa::FontRef::new(FONT).map_err(|e| anyhow::anyhow!("the certificate font: {e}"))?,
        })
    }
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let metrics = self.font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| charmap.map(c).and_then(|glyph| metrics.advance_width(glyph)).unwrap_or(size * 0.6))
            .sum()
    }

    /// `size`, or smaller so that `text` fits on one line between the margins.
    fn fitting(&self, text: &str, size: f32) -> f32 {
        let room = WIDTH - 2.0 * MARGIN;
        let width = self.width(text, size);
        if width <= room { size } else { (size * room / width).max(6.0) }
    }

    /// `text` in lines that fit between the margins, at most `max` (the last one shrinks to fit
    /// what is left).
    fn wrap(&self, text: &str, size: f32, max: usize) -> Vec<String> {
        let room = WIDTH - 2.0 * MARGIN;
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
            if current.is_empty() || self.width(&candidate, size) <= room || lines.len() + 1 == max {
                current = candidate;
            } else {
                lines.push(std::mem::replace(&mut current, word.to_owned()));
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_within_three_lines() {
        let measure = Measure::new().expect("the font loads");
        let title = "Internationalisation and metropolitan spaces: ".repeat(6);
        let lines = measure.wrap(&title, 20.0, 3);
        assert_eq!(lines.len(), 3);
        assert!(measure.width(&lines[0], 20.0) <= WIDTH - 2.0 * MARGIN);
        assert_eq!(lines.join(" "), title.split_whitespace().collect::<Vec<_>>().join(" "));
        assert_eq!(measure.wrap("Short", 20.0, 3), vec!["Short"]);
    }

    #[test]
    fn accented_names_are_measured_from_the_font() {
        let measure = Measure::new().expect("the font loads");
        assert!(measure.width("Zoë Ñúñez-Lefèvre", 28.0) > measure.width("Zoe", 28.0));
        assert!(measure.fitting(&"Ñ".repeat(200), 28.0) < 28.0);
    }
}
