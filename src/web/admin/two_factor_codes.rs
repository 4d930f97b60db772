//! The second factor's secrets and codes (RFC 6238 TOTP, ASVS 4.0.3 2.8): the TOTP of an
//! organiser's secret, sealed at rest with the secret key; the check that spends a code (each
//! time step once, each recovery code once); and new secrets, their QR code and recovery codes.
//! The pages that use them are in `two_factor`.

use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::db;
use crate::db::audit::Actor;
use crate::db::organisers::Organiser;
use crate::db::two_factor::RecoveryOutcome;
use crate::domain::SecurityEvent;
use crate::security::fill_random;
use crate::web::errors::AppError;
use crate::web::state::{AppState, run_db};

const ISSUER: &str = "Convoca";
/// How many recovery codes an enrolment gives.
pub(super) const RECOVERY_CODES: usize = 10;

pub(super) fn totp(secret_base32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("stored TOTP secret: {e:?}")))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("TOTP: {e:?}")))
}

/// The label of the key that encrypts stored TOTP secrets (derived from the secret key).
const TOTP_KEY_LABEL: &str = "totp-secret";

/// A TOTP secret as stored: encrypted, bound to its account.
pub(super) fn seal_secret(state: &AppState, organiser_id: &str, secret: &str) -> Result<String, AppError> {
    state.settings.secret_key.seal(TOTP_KEY_LABEL, organiser_id, secret).map_err(AppError::Unexpected)
}

/// The TOTP secret of a stored value. Values stored before encryption are the plain secret.
pub(super) fn open_secret(state: &AppState, organiser_id: &str, stored: &str) -> Result<String, AppError> {
    if !stored.starts_with(crate::security::SEALED_PREFIX) {
        return Ok(stored.to_owned());
    }
    state.settings.secret_key.open(TOTP_KEY_LABEL, organiser_id, stored).ok_or_else(|| {
        AppError::Unexpected(anyhow::anyhow!("a stored TOTP secret does not open with this secret key"))
    })
}

pub(super) fn unix_seconds(state: &AppState) -> u64 {
    u64::try_from(state.clock.now().and_utc().timestamp()).unwrap_or(0)
}

/// What a code given for the second factor turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted {
        recovery: bool,
    },
    Wrong,
    /// A right TOTP code whose time step was used before.
    Reused,
    RecoveryUsedBefore,
}

impl CodeCheck {
    pub fn message_key(self) -> &'static str {
        match self {
            CodeCheck::Accepted { .. } => "",
            CodeCheck::Wrong => "admin-code-wrong",
            CodeCheck::Reused => "admin-code-reused",
            CodeCheck::RecoveryUsedBefore => "admin-recovery-code-used",
        }
    }
}

/// Checks a six-digit TOTP code (the step before, now and after; each step good once) or a
/// recovery code (good once) for `organiser`, and spends it when it is right.
pub async fn check_code(state: &AppState, organiser: &Organiser, given: &str) -> Result<CodeCheck, AppError> {
    let Some(stored) = organiser.totp_secret.as_deref() else {
        return Ok(CodeCheck::Wrong);
    };
    let secret = open_secret(state, &organiser.id, stored)?;
    let code: String = given.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let (id, now) = (organiser.id.clone(), state.clock.now());
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let Some(step) = totp(&secret, &organiser.email)?.check(&code, unix_seconds(state)) else {
            return Ok(CodeCheck::Wrong);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let fresh = run_db(state, move |conn| db::two_factor::use_step(conn, &id, step)).await?;
        return Ok(if fresh { CodeCheck::Accepted { recovery: false } } else { CodeCheck::Reused });
    }
    if code.is_empty() || code.len() > 40 {
        return Ok(CodeCheck::Wrong);
    }
    let actor = Actor { id: organiser.id.clone(), name: organiser.name.clone() };
    let email = organiser.email.clone();
    let outcome = run_db(state, move |conn| {
        db::write_tx(conn, |conn| {
            let outcome = db::two_factor::use_recovery_code(conn, &id, &code, now)?;
            if outcome == RecoveryOutcome::Accepted {
                db::audit::security(conn, SecurityEvent::RecoveryCodeUsed, Some(&actor), &email, "", now)?;
            }
            Ok(outcome)
        })
    })
    .await?;
    Ok(match outcome {
        RecoveryOutcome::Accepted => CodeCheck::Accepted { recovery: true },
        RecoveryOutcome::UsedBefore => CodeCheck::RecoveryUsedBefore,
        RecoveryOutcome::Unknown => CodeCheck::Wrong,
    })
}

pub(super) fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("QR code: {e:?}")))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build())
}

pub(super) fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    fill_random(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// A recovery code: 120 random bits (ASVS 4.0.3 2.6.2 asks for at least 112), in Crockford's
/// base32 (no i, l, o or u to misread), lower case, in six groups of four.
pub(super) fn new_recovery_code() -> String {
    let mut bytes = [0u8; RECOVERY_CODE_BYTES];
    fill_random(&mut bytes);
    let chars = base32::encode(base32::Alphabet::Crockford, &bytes).to_lowercase();
    let groups: Vec<&str> =
        (0..chars.len()).step_by(4).map(|i| &chars[i..(i + 4).min(chars.len())]).collect();
    groups.join("-")
}

pub(super) const RECOVERY_CODE_BYTES: usize = 15;
const _: () = assert!(RECOVERY_CODE_BYTES * 8 >= 112, "ASVS 2.6.2");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_carry_at_least_112_random_bits() {
        let code = new_recovery_code();
        let symbols: String = code.chars().filter(|c| *c != '-').collect();
        assert_eq!(symbols.len() * 5, RECOVERY_CODE_BYTES * 8, "{code}");
        assert_eq!(code.split('-').count(), 6);
        assert!(symbols.chars().all(|c| "0123456789abcdefghjkmnpqrstvwxyz".contains(c)), "{code}");
        assert_ne!(code, new_recovery_code());
    }
}
