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

impl SecretKey {
    /// A 256-bit key for one use, derived from this key with a fixed `label` (HMAC-SHA256 as
    /// the pseudo-random function): rotating the secret key changes every derived key.
    fn derive(&self, label: &str) -> chacha20poly1305::Key {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"convoca derived key\0");
        mac.update(label.as_bytes());
        chacha20poly1305::Key::clone_from_slice(&mac.finalize().into_bytes())
    }

    /// Encrypts `plaintext` (XChaCha20-Poly1305 under the key derived for `label`, a random
    /// nonce) bound to `context` (e.g. the owner's id: a value moved to another row does not
    /// open). Stored as `v1.` and the nonce and ciphertext in URL-safe base64.
    pub fn seal(&self, label: &str, context: &str, plaintext: &str) -> anyhow::Result<String> {
        use chacha20poly1305::aead::{Aead, KeyInit as _, Payload};
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.derive(label));
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce);
        let sealed = cipher
            .encrypt((&nonce).into(), Payload { msg: plaintext.as_bytes(), aad: context.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encrypting a stored secret"))?;
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())))
    }

    /// The plaintext of a value made by [`SecretKey::seal`] with the same label and context;
    /// `None` when it was not (another key, label or context, or altered).
    pub fn open(&self, label: &str, context: &str, stored: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit as _, Payload};
        let bytes = URL_SAFE_NO_PAD.decode(stored.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(24);
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.derive(label));
        let plain = cipher.decrypt(nonce.into(), Payload { msg: sealed, aad: context.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// How a value made by [`SecretKey::seal`] begins (older rows may hold plain values).
pub const SEALED_PREFIX: &str = "v1.";

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

    #[test]
    fn sealed_values_open_only_with_their_key_label_and_context() {
        let key = SecretKey::from_bytes(b"0123456789abcdef0123456789abcdef".to_vec());
        let other = SecretKey::from_bytes(b"another key entirely, 32 bytes!!".to_vec());
        let sealed = key.seal("totp", "organiser-1", "JBSWY3DPEHPK3PXP").expect("seal");
        assert!(sealed.starts_with(SEALED_PREFIX) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, key.seal("totp", "organiser-1", "JBSWY3DPEHPK3PXP").expect("seal"), "fresh nonce");
        assert_eq!(key.open("totp", "organiser-1", &sealed).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open("totp", "organiser-2", &sealed), None, "bound to its row");
        assert_eq!(key.open("other", "organiser-1", &sealed), None);
        assert_eq!(other.open("totp", "organiser-1", &sealed), None);
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key.open("totp", "organiser-1", &String::from_utf8(altered).expect("utf8")), None);
        assert_eq!(key.open("totp", "organiser-1", "JBSWY3DPEHPK3PXP"), None);
    }
}
