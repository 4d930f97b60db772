//! Organiser area: the questions of a session's registration form, and a series' default that
//! each new session of the series starts with. Add, edit, order (up/down), remove: a question
//! or choice with answers is retired, never deleted.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::questions::{Owner, OwnerInfo, Removed};
use crate::domain::Language;
use crate::domain::question_drafts::QuestionDraft;
use crate::domain::questions::{Question, QuestionKind};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/questions", web::get().to(session_page))
        .route("/sessions/{id}/questions", web::post().to(session_add))
        .route("/sessions/{id}/questions/{q}", web::get().to(session_edit_page))
        .route("/sessions/{id}/questions/{q}", web::post().to(session_edit))
        .route("/sessions/{id}/questions/{q}/{action}", web::post().to(session_act))
        .route("/series/{id}/questions", web::get().to(series_page))
        .route("/series/{id}/questions", web::post().to(series_add))
        .route("/series/{id}/questions/{q}", web::get().to(series_edit_page))
        .route("/series/{id}/questions/{q}", web::post().to(series_edit))
        .route("/series/{id}/questions/{q}/{action}", web::post().to(series_act));
}

pub struct Row {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub retired: bool,
    pub answers: i64,
    pub first: bool,
    pub last: bool,
}

pub struct KindChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// One language's inputs of the question form.
pub struct LanguageFields {
    pub code: &'static str,
    pub name: String,
    pub required: bool,
    pub label: String,
    pub help: String,
    pub new_choices: String,
}

pub struct ChoiceWords {
    pub code: &'static str,
    pub name: String,
    pub value: String,
}

pub struct ChoiceFields {
    pub id: String,
    pub retired: bool,
    pub remove: bool,
    pub words: Vec<ChoiceWords>,
}

#[derive(Template)]
#[template(path = "admin/questions.html")]
struct QuestionsPage {
    admin: AdminChrome,
    base: String,
    title: String,
    is_series: bool,
    series_id: Option<String>,
    rows: Vec<Row>,
    /// `Some(id)`: the form edits that question; `None`: it adds one.
    editing: Option<String>,
    kind_fixed: bool,
    kinds: Vec<KindChoice>,
    required: bool,
    min: String,
    max: String,
    languages: Vec<LanguageFields>,
    choices: Vec<ChoiceFields>,
    errors: FieldErrors,
}

fn page(
    admin: AdminChrome,
    owner: &Owner,
    info: OwnerInfo,
    listed: Vec<(Question, i64)>,
    editing: Option<String>,
    draft: &QuestionDraft,
    errors: FieldErrors,
) -> QuestionsPage {
    let i18n = admin.i18n;
    let count = listed.len();
    let rows = listed
        .iter()
        .enumerate()
        .map(|(n, (q, answers))| Row {
            id: q.id.clone(),
            label: q.label.get(info.language).to_owned(),
            kind: i18n.t(&q.kind.name_key()),
            required: q.required,
            retired: q.retired,
            answers: *answers,
            first: n == 0,
            last: n + 1 == count,
        })
        .collect();
    let name = |l: Language| i18n.t(&format!("language-{}", l.code()));
    QuestionsPage {
        base: owner.path(),
        is_series: matches!(owner, Owner::Series(_)),
        series_id: info.series_id.clone(),
        rows,
        kind_fixed: editing.is_some(),
        editing,
        kinds: QuestionKind::ALL
            .iter()
            .map(|k| KindChoice {
                code: k.as_str(),
                label: i18n.t(&k.name_key()),
                selected: draft.kind == k.as_str(),
            })
            .collect(),
        required: draft.required,
        min: draft.min.clone(),
        max: draft.max.clone(),
        languages: Language::ALL
            .iter()
            .map(|l| LanguageFields {
                code: l.code(),
                name: name(*l),
                required: *l == info.language,
                label: draft.label.get(*l).to_owned(),
                help: draft.help.get(*l).to_owned(),
                new_choices: draft.new_choices.get(*l).to_owned(),
            })
            .collect(),
        choices: draft
            .choices
            .iter()
            .map(|c| ChoiceFields {
                id: c.id.clone(),
                retired: c.retired,
                remove: c.remove,
                words: Language::ALL
                    .iter()
                    .map(|l| ChoiceWords {
                        code: l.code(),
                        name: name(*l),
                        value: c.label.get(*l).to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        errors,
        title: info.title,
        admin,
    }
}

type Loaded = (OwnerInfo, Vec<(Question, i64)>);

async fn load(cx: &AdminContext, owner: &Owner) -> Result<Loaded, AppError> {
    let owner = owner.clone();
    cx.find(move |conn| {
        let Some(info) = db::questions::owner_info(conn, &owner)? else { return Ok(None) };
        let mut listed = Vec::new();
        for question in db::questions::of_owner(conn, &owner)? {
            let answers = db::questions::answer_count(conn, &question.id)?;
            listed.push((question, answers));
        }
        Ok(Some((info, listed)))
    })
    .await
}

async fn show(cx: AdminContext, owner: Owner, editing: Option<String>) -> Result<HttpResponse, AppError> {
    let (info, listed) = load(&cx, &owner).await?;
    let draft = match &editing {
        Some(id) => {
            QuestionDraft::of_question(&listed.iter().find(|(q, _)| q.id == *id).ok_or(AppError::NotFound)?.0)
        }
        None => QuestionDraft { kind: QuestionKind::ShortText.as_str().to_owned(), ..Default::default() },
    };
    html(page(cx.chrome("sessions"), &owner, info, listed, editing, &draft, FieldErrors::default()))
}

/// Adds a question, or edits `editing`; a refused form comes back with what was typed.
async fn save(
    cx: AdminContext,
    owner: Owner,
    editing: Option<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (info, listed) = load(&cx, &owner).await?;
    let existing = match &editing {
        Some(id) => Some(listed.iter().find(|(q, _)| q.id == *id).ok_or(AppError::NotFound)?.0.clone()),
        None => None,
    };
    let draft = QuestionDraft::from_pairs(&form.0, existing.as_ref());
    let spec = match draft.parse(info.language) {
        Ok(spec) => spec,
        Err(refused) => {
            let i18n = cx.i18n();
            let mut errors = FieldErrors::default();
            for error in refused {
                errors.add(error.field, i18n.t(error.message));
            }
            let page = page(cx.chrome("sessions"), &owner, info, listed, editing, &draft, errors);
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let target = owner.clone();
    let flash = match editing {
        Some(id) => {
            cx.change(move |conn, actor, now| db::questions::update(conn, &target, &id, &spec, actor, now))
                .await?;
            "question-saved"
        }
        None => {
            cx.change(move |conn, actor, now| db::questions::add(conn, &target, &spec, actor, now)).await?;
            "question-added"
        }
    };
    Ok(done(&owner.path(), flash))
}

/// Up, down or remove: one button each, no JavaScript.
async fn act(
    cx: AdminContext,
    owner: Owner,
    question: String,
    action: String,
) -> Result<HttpResponse, AppError> {
    let target = owner.clone();
    let flash = match action.as_str() {
        "up" | "down" => {
            let up = action == "up";
            cx.change(move |conn, actor, now| db::questions::shift(conn, &target, &question, up, actor, now))
                .await?;
            "question-moved"
        }
        "remove" => {
            match cx
                .change(move |conn, actor, now| db::questions::remove(conn, &target, &question, actor, now))
                .await?
            {
                Removed::Deleted => "question-deleted",
                Removed::Retired => "question-retired",
            }
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(done(&owner.path(), flash))
}

async fn session_page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    show(cx, Owner::Session(path.into_inner()), None).await
}

async fn series_page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    show(cx, Owner::Series(path.into_inner()), None).await
}

async fn session_edit_page(
    cx: AdminContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, q) = path.into_inner();
    show(cx, Owner::Session(id), Some(q)).await
}

async fn series_edit_page(
    cx: AdminContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, q) = path.into_inner();
    show(cx, Owner::Series(id), Some(q)).await
}

async fn session_add(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    save(cx, Owner::Session(path.into_inner()), None, form).await
}

async fn series_add(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    save(cx, Owner::Series(path.into_inner()), None, form).await
}

async fn session_edit(
    cx: AdminContext,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, q) = path.into_inner();
    save(cx, Owner::Session(id), Some(q), form).await
}

async fn series_edit(
    cx: AdminContext,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, q) = path.into_inner();
    save(cx, Owner::Series(id), Some(q), form).await
}

async fn session_act(
    cx: AdminContext,
    path: web::Path<(String, String, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, q, action) = path.into_inner();
    act(cx, Owner::Session(id), q, action).await
}

async fn series_act(
    cx: AdminContext,
    path: web::Path<(String, String, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, q, action) = path.into_inner();
    act(cx, Owner::Series(id), q, action).await
}
