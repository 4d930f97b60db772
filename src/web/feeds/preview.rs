//! What a shared session link previews as (Open Graph, and the description search engines
//! and chat applications show): the title, the date in the session's zone and the speakers.

use crate::config::Settings;
use crate::domain::Language;
use crate::i18n::I18n;
use crate::web::view::SessionTexts;
use crate::when::When;

/// The longest description kept (previews cut longer ones anyway).
const MAX_DESCRIPTION: usize = 300;

/// The `<meta>` values of a session page's head.
#[derive(Debug, Clone)]
pub struct LinkPreview {
    pub title: String,
    pub description: String,
    /// The page's public address (never the request's Host).
    pub url: String,
    /// `en_GB`, `fr_FR`, `es_ES`.
    pub locale: &'static str,
    pub site_name: String,
    /// This session's calendar file (`/sessions/{slug}.ics`) in the page's language.
    pub calendar_href: String,
}

pub fn og_locale(lang: Language) -> &'static str {
    match lang {
        Language::En => "en_GB",
        Language::Fr => "fr_FR",
        Language::Es => "es_ES",
    }
}

impl LinkPreview {
    /// `speakers`: the panel's names in order.
    pub fn new(
        settings: &Settings,
        i18n: I18n,
        slug: &str,
        texts: &SessionTexts,
        when: &When,
        speakers: &[String],
    ) -> Self {
        let mut description = when.line();
        if !speakers.is_empty() {
            description.push_str(" · ");
            description.push_str(&i18n.t1("feeds-preview-speakers", "name", speakers.join(", ")));
        }
        if !texts.summary.is_empty() {
            description.push_str(" · ");
            description.push_str(&texts.summary);
        }
        if description.chars().count() > MAX_DESCRIPTION {
            description = description.chars().take(MAX_DESCRIPTION - 1).collect::<String>() + "…";
        }
        Self {
            title: texts.title.clone(),
            description,
            url: settings.link(&format!("/sessions/{slug}")),
            locale: og_locale(i18n.lang),
            site_name: settings.organizer.name.clone().unwrap_or_else(|| "Convoca".to_owned()),
            calendar_href: format!("/sessions/{slug}.ics?lang={}", i18n.code()),
        }
    }
}
