//! VERP: each message leaves with its own return path, `local+<message>.<tag>@domain`, so a
//! bounce that comes back later names the message it is about. The tag is an HMAC of the
//! message's id under the secret key: a forged notice cannot name a message (and so suppress
//! an address) it never saw.

use lettre::Address;

use crate::security::SecretKey;

const PURPOSE: &str = "verp";
/// Bytes of the MAC kept in the tag (64 bits), written in lower-case hex: relays may change
/// the case of a local part.
const TAG_BYTES: usize = 8;

fn tag(key: &SecretKey, outbox_id: &str) -> String {
    use base64::Engine as _;
    let mac = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key.sign(PURPOSE, outbox_id))
        .unwrap_or_default();
    mac.iter().take(TAG_BYTES).map(|b| format!("{b:02x}")).collect()
}

/// The return path of outbox message `outbox_id` under the bounce address `base`
/// (`bounces@example.org` → `bounces+0193….Ab3…@example.org`).
pub fn return_path(base: &Address, key: &SecretKey, outbox_id: &str) -> Option<Address> {
    let id = outbox_id.replace('-', "");
    let local = format!("{}+{id}.{}", base.user(), tag(key, outbox_id));
    Address::new(local, base.domain()).ok()
}

/// The outbox id a return path names, when its tag is ours and it is under `base`.
pub fn outbox_id_of(base: &Address, key: &SecretKey, address: &str) -> Option<String> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = address.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(base.domain()) {
        return None;
    }
    let local = local.to_ascii_lowercase();
    let rest = local.strip_prefix(&base.user().to_ascii_lowercase())?.strip_prefix('+')?;
    let (simple, given) = rest.split_once('.')?;
    if simple.len() != 32 || !simple.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let simple = simple.to_ascii_lowercase();
    let id = format!(
        "{}-{}-{}-{}-{}",
        &simple[..8],
        &simple[8..12],
        &simple[12..16],
        &simple[16..20],
        &simple[20..]
    );
    // Compared in constant time, like every other MAC here.
    let expected = tag(key, &id);
    let same = expected.len() == given.len()
        && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then_some(id)
}

/// Every VERP address under `base` that occurs in `text` (the headers of a returned message,
/// or a notice's body), as outbox ids.
pub fn find_in(base: &Address, key: &SecretKey, text: &str) -> Vec<String> {
    let marker = format!("{}+", base.user());
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = find_ignore_case(rest, &marker) {
        let candidate: String =
            rest[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "+-_.@".contains(*c)).collect();
        if let Some(id) = outbox_id_of(base, key, candidate.trim_end_matches('.'))
            && !found.contains(&id)
        {
            found.push(id);
        }
        rest = &rest[at + marker.len()..];
    }
    found
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let lower = haystack.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_bytes(b"a test key that is long enough for hmac".to_vec())
    }

    #[test]
    fn a_return_path_names_its_message_and_only_with_our_tag() {
        let base: Address = "bounces@mail.example.org".parse().expect("address");
        let id = "0193a1b2-0000-7000-8000-000000000001";
        let path = return_path(&base, &key(), id).expect("return path");
        assert!(path.to_string().starts_with("bounces+0193a1b2000070008000000000000001."), "{path}");
        assert!(path.user().len() <= 64);
        assert_eq!(outbox_id_of(&base, &key(), path.as_ref()).as_deref(), Some(id));
        assert_eq!(outbox_id_of(&base, &key(), &format!("<{path}>")).as_deref(), Some(id));
        let upper = path.to_string().to_uppercase();
        assert_eq!(outbox_id_of(&base, &key(), &upper).as_deref(), Some(id), "a relay changed the case");
        let other = SecretKey::from_bytes(b"another key, another installation!!".to_vec());
        assert_eq!(outbox_id_of(&base, &other, path.as_ref()), None, "a forged tag");
        let forged = "bounces+0193a1b2000070008000000000000002.0000000000000000@mail.example.org";
        assert_eq!(outbox_id_of(&base, &key(), forged), None);
        let text = format!("To: <{path}>\r\nDelivered-To: {path}\r\n");
        assert_eq!(find_in(&base, &key(), &text), vec![id.to_owned()]);
    }
}
