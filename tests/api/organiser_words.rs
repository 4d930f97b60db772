//! The organiser area's words (issue 17): its messages speak of registrants in the third
//! person in all three languages, and its templates use organiser keys, not the registrant's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every message of the `.ftl` files of `lang` whose name starts with `prefix`: id -> text
/// (continuation lines joined).
fn messages(lang: &str, prefix: &str) -> BTreeMap<String, (String, String)> {
    let dir = root().join("locales").join(lang);
    let mut found = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("locales")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{lang}: no {prefix}*.ftl");
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let mut current: Option<String> = None;
        for line in std::fs::read_to_string(&file).expect("ftl").lines() {
            if line.starts_with(' ') {
                if let Some(id) = &current
                    && let Some((_, text)) = found.get_mut(id)
                {
                    let text: &mut String = text;
                    text.push(' ');
                    text.push_str(line.trim());
                }
                continue;
            }
            current = None;
            if let Some((id, text)) =
                line.split_once(" = ").or_else(|| line.strip_suffix(" =").map(|id| (id, "")))
                && !id.starts_with('#')
                && !id.is_empty()
            {
                found.insert(id.trim().to_owned(), (name.clone(), text.to_owned()));
                current = Some(id.trim().to_owned());
            }
        }
    }
    found
}

/// Words that address the reader, by language. Spanish "su"/"sus" also mean "their", the
/// organiser's way of naming a registrant, so only the unambiguous forms are refused there.
const SECOND_PERSON: [(&str, &[&str]); 3] = [
    ("en", &["you", "your", "yours", "yourself"]),
    ("fr", &["vous", "votre", "vos", "tu", "ton", "ta", "tes", "toi"]),
    ("es", &["tu", "tus", "usted", "ustedes", "vuestro", "vuestra", "vuestros", "te", "ti", "contigo"]),
];

/// The organiser's own account (signing in, the password, the second factor, one's own row in
/// the list of accounts) rightly addresses the organiser reading it: these messages say "your"
/// about the reader's own account, never about a registrant.
const OWN_ACCOUNT: [&str; 14] = [
    "admin-password-hint",
    "admin-flash-password-changed",
    "admin-account-you",
    "admin-login-throttled-at",
    "admin-code-title",
    "admin-code",
    "admin-code-hint",
    "admin-code-from-app",
    "admin-code-wrong",
    "admin-recovery-codes-once",
    "reset-forgot",
    "reset-request-title",
    "reset-request-intro",
    "admin-2fa-",
];

fn own_account(id: &str) -> bool {
    OWN_ACCOUNT
        .iter()
        .any(|allowed| if allowed.ends_with('-') { id.starts_with(allowed) } else { id == *allowed })
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    // Placeables ({ $count }) and selectors hold no words for the reader.
    text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

#[test]
fn organiser_messages_speak_of_registrants_in_the_third_person() {
    let mut problems = Vec::new();
    for (lang, refused) in SECOND_PERSON {
        let all = messages(lang, "admin");
        assert!(all.len() > 300, "{lang}: every organiser message is read ({})", all.len());
        for (id, (file, text)) in &all {
            if own_account(id) {
                continue;
            }
            for word in words(text) {
                if refused.contains(&word.as_str()) {
                    problems.push(format!("{lang}/{file} {id}: \"{word}\" in {text}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "second-person words on organiser pages:\n{}", problems.join("\n"));
}

#[test]
fn the_check_finds_a_second_person_word() {
    // The check above must be able to fail: the registrant's own wording is caught by it.
    let registrant = messages("en", "main");
    let (_, text) = &registrant["field-organisation"];
    assert!(words(text).any(|w| w == "your"), "{text}");
    let (_, text) = &messages("fr", "main")["status-pending"];
    assert!(words(text).any(|w| SECOND_PERSON[1].1.contains(&w.as_str())), "{text}");
}

/// The message ids a template asks for (`t("id"`, `t1("id"`, `t2("id"`).
fn keys_in(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).expect("template");
    let mut keys = BTreeSet::new();
    for marker in [".t(\"", ".t1(\"", ".t2(\""] {
        for (index, _) in text.match_indices(marker) {
            let rest = &text[index + marker.len()..];
            if let Some(end) = rest.find('"') {
                keys.insert(rest[..end].to_owned());
            }
        }
    }
    keys
}

/// The page frame's words, which are the same for everyone (the skip link, the language
/// switcher, the breadcrumb's name, the error summary, the colon's spacing): not a registrant's
/// labels.
const FRAME: [&str; 7] = [
    "skip-to-content",
    "language-switcher",
    "breadcrumb",
    "error-summary-title",
    "error-title-prefix",
    "error-prefix",
    "format-colon",
];

#[test]
fn organiser_templates_use_organiser_keys_for_their_labels() {
    let registrant: BTreeSet<String> = messages("en", "main").into_keys().collect();
    let organiser: BTreeSet<String> = messages("en", "admin").into_keys().collect();
    let dir = root().join("templates").join("admin");
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("templates") {
        let path = entry.expect("entry").path();
        for key in keys_in(&path) {
            seen += 1;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            if registrant.contains(&key) && !organiser.contains(&key) && !FRAME.contains(&key.as_str()) {
                problems.push(format!("{name}: {key} is the registrant's"));
            }
        }
    }
    assert!(seen > 200, "the templates' keys are read ({seen})");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
