//! The data migration `country_codes`: free-text countries typed before countries were ISO
//! codes (moved to `registrations.country_unmatched` by the SQL migration of the same change)
//! become codes wherever the text names a country. It runs in Rust, right after the SQL
//! migrations, because matching needs CLDR's names in three languages and accent folding,
//! which neither engine's SQL offers. It is recorded in `data_migrations` and runs once;
//! running it again would change nothing anyway (matched rows leave `country_unmatched`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{data_migrations, registrations};
use super::{AnyConnection, write_tx};
use crate::domain::country::match_free_text;

pub const NAME: &str = "country_codes";

/// Runs the migration unless it is recorded; returns its name when it ran.
pub fn run(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Option<String>> {
    write_tx(conn, |conn| {
        let done: i64 =
            data_migrations::table.filter(data_migrations::name.eq(NAME)).count().get_result(conn)?;
        if done > 0 {
            return Ok(None);
        }
        let (matched, unmatched) = map_unmatched(conn)?;
        diesel::insert_into(data_migrations::table)
            .values((
                data_migrations::name.eq(NAME),
                data_migrations::applied_at.eq(now),
                data_migrations::details.eq(format!("{matched} texts matched, {unmatched} left unmatched")),
            ))
            .execute(conn)?;
        Ok(Some(NAME.to_owned()))
    })
}

/// Turns every distinct unmatched text that names a country into its code; returns how many
/// distinct texts matched and how many did not.
pub fn map_unmatched(conn: &mut AnyConnection) -> QueryResult<(usize, usize)> {
    let texts: Vec<Option<String>> = registrations::table
        .filter(registrations::country_unmatched.is_not_null())
        .select(registrations::country_unmatched)
        .distinct()
        .load(conn)?;
    let (mut matched, mut unmatched) = (0, 0);
    for text in texts.into_iter().flatten() {
        match match_free_text(&text) {
            Some(code) => {
                diesel::update(registrations::table.filter(registrations::country_unmatched.eq(&text)))
                    .set((
                        registrations::country.eq(code.as_str()),
                        registrations::country_unmatched.eq(None::<String>),
                    ))
                    .execute(conn)?;
                matched += 1;
            }
            None => unmatched += 1,
        }
    }
    Ok((matched, unmatched))
}
