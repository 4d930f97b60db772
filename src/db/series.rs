//! Series: their texts in their own language and in the others (`series_translations`),
//! written in one transaction with an audit entry, and read for public pages by language.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Series, SeriesTranslation, new_id};
use super::schema::{series, series_translations};
use super::{AnyConnection, write_tx};
use crate::domain::series::SeriesInput;

/// Every translation of every series (the organiser's series page).
pub fn all_translations(conn: &mut AnyConnection) -> QueryResult<Vec<SeriesTranslation>> {
    series_translations::table
        .order((series_translations::series_id.asc(), series_translations::language.asc()))
        .select(SeriesTranslation::as_select())
        .load(conn)
}

/// A series' texts in one language, if it has been given them.
pub fn translation(
    conn: &mut AnyConnection,
    series_id: &str,
    language: &str,
) -> QueryResult<Option<SeriesTranslation>> {
    series_translations::table
        .find((series_id, language))
        .select(SeriesTranslation::as_select())
        .first(conn)
        .optional()
}

/// The translations of the given series in every language, by series id.
pub fn translations_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> QueryResult<HashMap<String, Vec<SeriesTranslation>>> {
    let mut out: HashMap<String, Vec<SeriesTranslation>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<SeriesTranslation> = series_translations::table
            .filter(series_translations::series_id.eq_any(chunk))
            .order(series_translations::language.asc())
            .select(SeriesTranslation::as_select())
            .load(conn)?;
        for t in rows {
            out.entry(t.series_id.clone()).or_default().push(t);
        }
    }
    Ok(out)
}

/// Creates a series (`id` None) or changes one, with its translations replaced by those of
/// `input`, in one transaction. Returns false when the id is unknown.
pub fn save(
    conn: &mut AnyConnection,
    id: Option<&str>,
    input: &SeriesInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let series_id = match id {
            Some(id) => {
                let n = diesel::update(series::table.find(id))
                    .set((
                        series::title.eq(&input.title),
                        series::description.eq(&input.description),
                        series::language.eq(input.language.code()),
                    ))
                    .execute(conn)?;
                if n == 0 {
                    return Ok(false);
                }
                audit::record(conn, actor, "series.update", &input.title, "", now)?;
                id.to_owned()
            }
            None => {
                let id = new_id();
                diesel::insert_into(series::table)
                    .values(&Series {
                        id: id.clone(),
                        slug: free_slug(conn, &input.title)?,
                        title: input.title.clone(),
                        description: input.description.clone(),
                        is_demo: false,
                        created_at: now,
                        language: input.language.code().to_owned(),
                    })
                    .execute(conn)?;
                audit::record(conn, actor, "series.create", &input.title, "", now)?;
                id
            }
        };
        diesel::delete(series_translations::table.filter(series_translations::series_id.eq(&series_id)))
            .execute(conn)?;
        // One row at a time: a batch insert is not available on both engines through one type.
        for t in &input.translations {
            diesel::insert_into(series_translations::table)
                .values(&SeriesTranslation {
                    series_id: series_id.clone(),
                    language: t.language.code().to_owned(),
                    title: t.title.clone(),
                    description: t.description.clone(),
                })
                .execute(conn)?;
        }
        Ok(true)
    })
}

/// A slug made from the title that no series has yet.
fn free_slug(conn: &mut AnyConnection, title: &str) -> QueryResult<String> {
    let mut base = slug::slugify(title);
    base.truncate(80);
    let mut candidate = if base.is_empty() { new_id() } else { base.clone() };
    let mut n = 2;
    while diesel::select(diesel::dsl::exists(series::table.filter(series::slug.eq(&candidate))))
        .get_result::<bool>(conn)?
    {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}
