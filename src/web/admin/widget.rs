//! Organiser area: the embeddable widget (`/admin/widget`). Any organiser chooses a series (or
//! every session) and a language, sees the widget as it will show, and copies the snippet
//! for the network's site. Nothing is stored: the page is a GET form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext};
use super::sessions::Choice;
use crate::db;
use crate::domain::Language;
use crate::web::chrome::html_with_status;
use crate::web::errors::AppError;
use crate::web::feeds::FeedLinks;
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/widget.html")]
struct WidgetPage {
    admin: AdminChrome,
    errors: FieldErrors,
    series: Vec<Choice>,
    languages: Vec<Choice>,
    /// The widget's address on this site, for the preview; none while the choice is wrong.
    preview_src: Option<String>,
    snippet: Option<String>,
    allowed_origins: Vec<String>,
    /// The calendar and Atom addresses to hand out, in the chosen language.
    feeds: Option<FeedLinks>,
    /// The chosen series' slug, for its calendar address.
    series_slug: Option<String>,
}

/// The code the network's site pastes: the frame, and a link for where frames are not shown.
/// Rendered by askama, which escapes every value.
#[derive(Template)]
#[template(path = "admin/widget_snippet.html")]
struct Snippet {
    src: String,
    title: String,
    link: String,
    link_text: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct WidgetQuery {
    series: Option<String>,
    lang: Option<String>,
}

pub async fn page(cx: AdminContext, query: web::Query<WidgetQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let admin = cx.chrome("widget");
    let i18n = admin.i18n;
    let all_series = cx.read(db::sessions::all_series).await?;
    let chosen_series = query.series.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let chosen_lang = query.lang.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut errors = FieldErrors::default();
    let series_title = match &chosen_series {
        None => None,
        Some(slug) => match all_series.iter().find(|s| &s.slug == slug) {
            Some(s) => Some(s.title.clone()),
            None => {
                errors.add("series", i18n.t("feeds-admin-error-series"));
                None
            }
        },
    };
    let lang = match chosen_lang {
        None => Some(i18n.lang),
        Some(code) => {
            let found = Language::ALL.iter().copied().find(|l| l.code() == code);
            if found.is_none() {
                errors.add("lang", i18n.t("feeds-admin-error-language"));
            }
            found
        }
    };
    let series = all_series
        .iter()
        .map(|s| Choice {
            value: s.slug.clone(),
            label: s.title.clone(),
            selected: chosen_series.as_deref() == Some(s.slug.as_str()),
        })
        .collect();
    let languages = Language::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().to_owned(),
            label: l.native_name().to_owned(),
            selected: lang == Some(*l),
        })
        .collect();
    let feeds = lang
        .filter(|_| errors.is_empty())
        .map(|l| FeedLinks::new(&cx.state.settings, crate::i18n::I18n::new(l)));
    let (preview_src, snippet) = match lang.filter(|_| errors.is_empty()) {
        Some(lang) => {
            let mut path = format!("/embed/sessions?lang={}", lang.code());
            if let Some(slug) = &chosen_series {
                let slug: String = url::form_urlencoded::byte_serialize(slug.as_bytes()).collect();
                path = format!("{path}&series={slug}");
            }
            let widget_i18n = crate::i18n::I18n::new(lang);
            let title = series_title.unwrap_or_else(|| widget_i18n.t("feeds-widget-heading"));
            let settings = &cx.state.settings;
            let snippet = Snippet {
                src: settings.link(&path),
                title,
                link: settings.link(&format!("/language/{}?next=/", lang.code())),
                link_text: widget_i18n.t("feeds-widget-all"),
            }
            .render()
            .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("rendering the snippet")))?;
            (Some(path), Some(snippet))
        }
        None => (None, None),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let allowed_origins = cx.state.settings.embed_origins.clone();
    html_with_status(
        WidgetPage {
            admin,
            errors,
            series,
            languages,
            preview_src,
            snippet,
            allowed_origins,
            feeds,
            series_slug: chosen_series,
        },
        status,
    )
}
