//! Tokens, hashes and the HMAC signatures behind CSRF protection.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The key that signs cookies and CSRF tokens. Never printed.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// HMAC-SHA256 of `message` under this key (or a sub-key named by `purpose`).
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a signature made by [`SecretKey::sign`].
    pub fn verify(&self, purpose: &str, message: &str, signature: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// 256 random bits, URL-safe. Used for email links and CSRF cookies.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn fill_random(bytes: &mut [u8]) {
    // The OS generator failing is not recoverable; there is no safe fallback for key material.
    getrandom::fill(bytes).unwrap_or_else(|e| panic!("the operating system's random generator failed: {e}"));
}

/// What is stored for a token: its SHA-256, hex. A database leak does not reveal live links.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tokens are 43 URL-safe characters; anything else is rejected before touching the database.
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An argon2id PHC string for a password (salted, default parameters).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    use argon2::PasswordHasher;
    let hash = argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    Ok(hash.to_string())
}

/// Checks a password against an argon2 PHC string. Malformed hashes never match.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, checked when an unknown email signs in so that the answer
/// takes as long as for a real account.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password(&new_token()).unwrap_or_default());
    DUMMY.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hash_to_hex() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", dummy_password_hash()));
    }

    #[test]
    fn signatures_are_bound_to_key_purpose_and_message() {
        let key = SecretKey::from_bytes(b"0123456789abcdef0123456789abcdef".to_vec());
        let other = SecretKey::from_bytes(b"another key entirely, 32 bytes!!".to_vec());
        let sig = key.sign("csrf", "abc");
        assert!(key.verify("csrf", "abc", &sig));
        assert!(!key.verify("csrf", "abd", &sig));
        assert!(!key.verify("other", "abc", &sig));
        assert!(!other.verify("csrf", "abc", &sig));
        assert!(!key.verify("csrf", "abc", "not base64 !"));
    }
}
