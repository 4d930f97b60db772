//! Organiser area: the series that group sessions, each with a title and a description in its
//! own language and, optionally, in the others.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::models::{Series, SeriesTranslation};
use crate::domain::Language;
use crate::domain::series::{SeriesForm, SeriesTranslationForm};
use crate::i18n::I18n;
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::{FieldErrors, localise};

/// One language's fields of a series form, with the ids of this form.
struct TranslationFields {
    code: &'static str,
    heading: String,
    names: [&'static str; 2],
    ids: [String; 2],
    values: [String; 2],
    errors: [Option<String>; 2],
}

struct LanguageChoice {
    value: &'static str,
    label: String,
    selected: bool,
}

/// One series form on the page: an existing series (`id`) or the new one.
struct Editor {
    id: Option<String>,
    /// Appended to every field id, so that the page's forms do not share ids.
    suffix: String,
    /// The stored title, for the buttons' accessible names.
    name: String,
    title: String,
    description: String,
    languages: Vec<LanguageChoice>,
    translations: Vec<TranslationFields>,
    /// Open the translations when one is given or refused.
    translations_open: bool,
    title_error: Option<String>,
    description_error: Option<String>,
    language_error: Option<String>,
}

impl Editor {
    /// `errors` are the parser's, by field name without the suffix.
    fn new(
        i18n: I18n,
        id: Option<String>,
        name: String,
        form: &SeriesForm,
        errors: &[(String, String)],
    ) -> Self {
        let suffix = id.as_ref().map(|id| format!("-{id}")).unwrap_or_default();
        let error = |field: &str| errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone());
        let own = Language::parse(&form.language);
        Editor {
            languages: Language::ALL
                .iter()
                .map(|&l| LanguageChoice {
                    value: l.code(),
                    label: i18n.t(&format!("language-{}", l.code())),
                    selected: own.map_or(l.code() == i18n.code(), |own| own == l),
                })
                .collect(),
            translations: form
                .translations
                .iter()
                .map(|t: &SeriesTranslationForm| {
                    let names = SeriesTranslationForm::field_names(t.language);
                    TranslationFields {
                        code: t.language.code(),
                        heading: i18n.t(&format!("language-{}", t.language.code())),
                        ids: names.map(|n| format!("{n}{suffix}")),
                        names,
                        values: [t.title.clone(), t.description.clone()],
                        errors: names.map(error),
                    }
                })
                .collect(),
            translations_open: form
                .translations
                .iter()
                .any(|t| !t.title.is_empty() || !t.description.is_empty())
                || errors.iter().any(|(f, _)| f.starts_with("title_") || f.starts_with("description_")),
            title_error: error("title"),
            description_error: error("description"),
            language_error: error("language"),
            title: form.title.clone(),
            description: form.description.clone(),
            name,
            id,
            suffix,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/series.html")]
struct SeriesPage {
    admin: AdminChrome,
    editors: Vec<Editor>,
    new: Editor,
    errors: FieldErrors,
}

/// A form sent back: its series id (None for the new one), what was typed, the errors by field.
type Sent<'a> = (Option<String>, &'a SeriesForm, &'a [(String, String)]);

/// The page, with the form that was sent (`sent`: its series id, None for the new one) showing
/// what was typed and its errors.
fn page(
    admin: AdminChrome,
    series: Vec<Series>,
    translations: &[SeriesTranslation],
    sent: Option<Sent<'_>>,
) -> SeriesPage {
    let i18n = admin.i18n;
    let mut summary = FieldErrors::default();
    let mut editor = |id: Option<String>, name: String, stored: SeriesForm| match &sent {
        Some((sent_id, form, errors)) if *sent_id == id => {
            let editor = Editor::new(i18n, id, name, form, errors);
            for (field, message) in errors.iter() {
                summary.add(format!("{field}{}", editor.suffix), message.clone());
            }
            editor
        }
        _ => Editor::new(i18n, id, name, &stored, &[]),
    };
    let editors = series
        .into_iter()
        .map(|s| {
            let own: Vec<(String, String, String)> = translations
                .iter()
                .filter(|t| t.series_id == s.id)
                .map(|t| (t.language.clone(), t.title.clone(), t.description.clone()))
                .collect();
            let stored = SeriesForm::of_stored(&s.title, &s.description, &s.language, &own);
            editor(Some(s.id), s.title, stored)
        })
        .collect();
    let new = editor(None, String::new(), SeriesForm::of_stored("", "", i18n.code(), &[]));
    SeriesPage { admin, editors, new, errors: summary }
}

async fn stored(cx: &AdminContext) -> Result<(Vec<Series>, Vec<SeriesTranslation>), AppError> {
    cx.read(|conn| Ok((db::sessions::all_series(conn)?, db::series::all_translations(conn)?))).await
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let (series, translations) = stored(&cx).await?;
    html(page(cx.chrome("sessions"), series, &translations, None))
}

async fn store(cx: AdminContext, form: SignedForm, id: Option<String>) -> Result<HttpResponse, AppError> {
    let posted = SeriesForm::from_pairs(|key| form.get(key).to_owned());
    let (series, translations) = stored(&cx).await?;
    let default = id
        .as_ref()
        .and_then(|id| series.iter().find(|s| &s.id == id))
        .and_then(|s| Language::parse(&s.language))
        .unwrap_or(cx.i18n().lang);
    let input = match posted.parse(default) {
        Ok(input) => input,
        Err(errors) => {
            let i18n = cx.i18n();
            let errors: Vec<(String, String)> =
                errors.iter().map(|e| (e.field.to_owned(), localise(e, i18n))).collect();
            let page = page(cx.chrome("sessions"), series, &translations, Some((id, &posted, &errors)));
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    cx.change(move |conn, actor, now| db::series::save(conn, id.as_deref(), &input, actor, now)).await?;
    Ok(done("/admin/series", "series-saved"))
}

pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    store(cx, form, None).await
}

pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    store(cx, form, Some(path.into_inner())).await
}
