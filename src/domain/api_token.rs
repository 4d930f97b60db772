//! The organiser API token form (the organiser area's and `convoca api-token create`'s), parsed
//! into a clean [`TokenRequest`].

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{ApiScope, FieldError, clean_line};

/// The longest a token may live: a token that never ends is a token nobody remembers.
pub const MAX_TOKEN_DAYS: i64 = 2 * 366;

/// A token as asked for, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// UTC: the end of the expiry day (the token works through that whole day, UTC).
    pub expires_at: NaiveDateTime,
}

/// Parses a token's name, the scope words chosen and the expiry day (YYYY-MM-DD), which must be
/// today or later and within [`MAX_TOKEN_DAYS`]. Every mistake is named by its field: `name`,
/// `scopes`, `expires`.
pub fn parse(
    name: &str,
    scopes: &[&str],
    expires: &str,
    now: NaiveDateTime,
) -> Result<TokenRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = match clean_line("name", name, 120) {
        Ok(n) if n.is_empty() => {
            errors.push(FieldError::new("name", "admin-api-error-name"));
            n
        }
        Ok(n) => n,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let mut chosen: Vec<ApiScope> = Vec::new();
    for word in scopes {
        match ApiScope::parse(word.trim()) {
            Some(scope) if !chosen.contains(&scope) => chosen.push(scope),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("scopes", "admin-api-error-scope-unknown"));
                break;
            }
        }
    }
    if chosen.is_empty() && !errors.iter().any(|e| e.field == "scopes") {
        errors.push(FieldError::new("scopes", "admin-api-error-scopes"));
    }
    chosen.sort();
    let today = now.date();
    let expires_at = match NaiveDate::parse_from_str(expires.trim(), "%Y-%m-%d") {
        Ok(day) if day >= today && day <= today + Duration::days(MAX_TOKEN_DAYS) => {
            day.succ_opt().and_then(|next| next.and_hms_opt(0, 0, 0))
        }
        Ok(_) => {
            errors.push(FieldError::new("expires", "admin-api-error-expires-range"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new("expires", "admin-api-error-expires"));
            None
        }
    };
    match expires_at {
        Some(expires_at) if errors.is_empty() => Ok(TokenRequest { name, scopes: chosen, expires_at }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 3).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("time")
    }

    #[test]
    fn a_good_request_ends_after_its_last_day() {
        let parsed = parse(
            " CRM  sync ",
            &["sessions:write", "registrations:read", "sessions:write"],
            "2027-01-31",
            now(),
        )
        .expect("valid");
        assert_eq!(parsed.name, "CRM sync");
        assert_eq!(parsed.scopes, [ApiScope::RegistrationsRead, ApiScope::SessionsWrite]);
        assert_eq!(parsed.expires_at.to_string(), "2027-02-01 00:00:00");
    }

    #[test]
    fn each_mistake_is_named_by_its_field() {
        let fields = |errors: Vec<FieldError>| errors.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(parse("", &[], "tomorrow", now()).expect_err("bad")),
            ["name", "scopes", "expires"]
        );
        assert_eq!(
            fields(parse("x", &["admin:all"], "2026-12-02", now()).expect_err("bad")),
            ["scopes", "expires"]
        );
        assert_eq!(
            fields(parse("x", &["sessions:read"], "2030-01-01", now()).expect_err("bad")),
            ["expires"]
        );
        assert!(parse("x", &["sessions:read"], "2026-12-03", now()).is_ok(), "today is a valid last day");
    }
}
