//! Taking a person's name and address out of free text (log lines, server answers) when their
//! data is erased.

/// `text` with every occurrence of each of `names` (any case; empty and one-letter names are
/// ignored, they would match everywhere) replaced by `with`.
pub fn redact(text: &str, names: &[&str], with: &str) -> String {
    let mut out = text.to_owned();
    for name in names {
        let name = name.trim();
        if name.chars().count() < 2 {
            continue;
        }
        out = replace_ignoring_case(&out, name, with);
    }
    out
}

/// Whether `text` holds any of `names` (any case), as [`redact`] would find them.
pub fn mentions(text: &str, names: &[&str]) -> bool {
    redact(text, names, "\u{0}") != text
}

fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let mut lowered = Vec::with_capacity(needle.len());
        let mut j = i;
        while j < chars.len() && lowered.len() < needle.len() {
            lowered.extend(chars[j].to_lowercase());
            j += 1;
        }
        if lowered == needle {
            out.push_str(with);
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_the_name_and_address_goes() {
        let line = "registration.decline Priya@Pune.gov.in (PRIYA SHARMA) for priya@pune.gov.in";
        let out = redact(line, &["priya@pune.gov.in", "Priya Sharma"], "[erased]");
        assert_eq!(out, "registration.decline [erased] ([erased]) for [erased]");
        assert!(mentions("550 no such user <Émile@X.fr>", &["émile@x.fr"]));
        assert!(!mentions("550 no such user", &["émile@x.fr"]));
    }

    #[test]
    fn a_placeholder_name_does_not_blank_the_text() {
        assert_eq!(redact("a — b", &["—", ""], "[erased]"), "a — b");
    }
}
