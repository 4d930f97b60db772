//! `CONVOCA_EMBED_ORIGINS`: the sites allowed to frame the widget (`/embed/*`), each checked at
//! start-up as `scheme://host[:port]` and kept as its serialised origin, ready for a
//! Content-Security-Policy `frame-ancestors` list.

use anyhow::bail;
use url::Url;

/// Parses a comma- or space-separated list of origins. Blank: none (no other site may frame
/// the widget). Anything but `http(s)://host[:port]` (a path, a query, a wildcard, user
/// information) is refused with a message naming the bad entry.
pub fn parse_origins(list: &str) -> anyhow::Result<Vec<String>> {
    let mut origins: Vec<String> = Vec::new();
    for given in list.split([',', ' ', '\t', '\n']).map(str::trim).filter(|v| !v.is_empty()) {
        let origin = parse_origin(given)?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

fn parse_origin(given: &str) -> anyhow::Result<String> {
    let refuse = |why: &str| {
        anyhow::anyhow!(
            "CONVOCA_EMBED_ORIGINS: {given:?} {why}: expected scheme://host[:port], e.g. https://www.example.org"
        )
    };
    if given.contains('*') {
        return Err(refuse("holds a wildcard"));
    }
    let url = Url::parse(given).map_err(|e| refuse(&format!("is not an origin ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("is not an http or https address"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("holds a user name or password"));
    }
    // `Url` writes "/" for an empty path: only "scheme://host[:port]" or that with one "/".
    let without_slash = given.strip_suffix('/').unwrap_or(given);
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || without_slash.ends_with('/')
    {
        return Err(refuse("has a path, a query or a fragment"));
    }
    let origin = url.origin().ascii_serialization();
    if origin == "null" {
        bail!("CONVOCA_EMBED_ORIGINS: {given:?} has no origin: expected scheme://host[:port]");
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::parse_origins;

    #[test]
    fn origins_are_kept_in_their_serialised_form() {
        let parsed =
            parse_origins("https://www.example.org, http://127.0.0.1:8081/ HTTPS://Site.Example:443")
                .expect("valid list");
        assert_eq!(parsed, ["https://www.example.org", "http://127.0.0.1:8081", "https://site.example"]);
        assert!(parse_origins("  ").expect("blank").is_empty());
    }

    #[test]
    fn anything_but_an_origin_is_refused_by_name() {
        for bad in [
            "example.org",
            "https://example.org/page",
            "https://*.example.org",
            "ftp://example.org",
            "https://user:pw@example.org",
            "https://example.org?x=1",
            "https://example.org//",
            "'self'",
        ] {
            let err = parse_origins(&format!("https://ok.example, {bad}")).expect_err(bad).to_string();
            assert!(err.contains("CONVOCA_EMBED_ORIGINS") && err.contains("scheme://host"), "{bad}: {err}");
        }
    }
}
