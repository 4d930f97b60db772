//! The benchmark suite's reference page (`benches/suite`), served only when
//! `CONVOCA_BENCH_REFERENCE=1`: the same server, middleware, pool and `web::block` path as the
//! public pages, one trivial query, and a template of about a session page's size with no
//! logic. Its requests per second are the framework's limit the public pages are compared with.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::html;
use super::errors::AppError;
use super::state::{AppState, run_db};
use crate::db;

#[derive(Template)]
#[template(path = "bench_reference.html")]
struct ReferencePage {
    title: &'static str,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/_bench/reference", web::get().to(reference));
}

pub async fn reference(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    run_db(&state, db::ping).await?;
    html(ReferencePage { title: "Reference page" })
}
