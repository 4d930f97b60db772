//! The rule for a new organiser password (ASVS 4.0.3 V2.1): at least 12 characters, at most
//! 128, any characters, no composition rules, and not one of the 100,000 most common.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::FieldError;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The list shipped with the binary (see `COMMON_PASSWORDS.md` beside this file).
static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("common_passwords.txt").lines().map(|line| line.trim().to_lowercase()).collect()
});

/// Whether `password` is among the 100,000 most common (whatever its case).
pub fn is_common(password: &str) -> bool {
    COMMON.contains(&password.to_lowercase())
}

/// Checks a new password; the error names the field `field` and a message key.
pub fn check_new_password(field: &'static str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(FieldError {
            field,
            message: "admin-password-too-short",
            limit: Some(MIN_PASSWORD_CHARS),
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(FieldError::too_long(field, MAX_PASSWORD_CHARS));
    }
    if is_common(password) {
        return Err(FieldError::new(field, "admin-password-common"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_100000_most_common_passwords() {
        assert!(COMMON.len() > 95_000, "{}", COMMON.len());
        assert!(is_common("password") && is_common("PASSWORD") && is_common("1qaz2wsx3edc"));
        assert!(!is_common("correct horse battery staple"));
    }

    #[test]
    fn a_new_password_is_long_enough_not_too_long_and_not_common() {
        assert!(check_new_password("new", "short").is_err());
        assert!(check_new_password("new", &"x".repeat(129)).is_err());
        assert!(check_new_password("new", &"é".repeat(64)).is_ok(), "any character, up to 128");
        assert!(check_new_password("new", "123qweasdzxc").is_err(), "common, though 12 long");
        assert!(check_new_password("new", "plain words only here").is_ok(), "no composition rules");
    }
}
