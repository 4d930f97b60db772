//! What an administrator types for a webhook endpoint: its address. Whether the host's
//! addresses may be reached is decided where names are resolved (`webhooks::guard`).

use url::Url;

use super::FieldError;

/// Longer addresses are refused.
pub const URL_LIMIT: usize = 2000;

/// Parses an endpoint's address: an absolute `https://` URL with a host, no user name or
/// password and no fragment; `http://` only when `allow_http` (the setting that lets
/// deliveries go to this machine's or the network's own hosts).
pub fn parse_webhook_url(field: &'static str, raw: &str, allow_http: bool) -> Result<Url, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "admin-webhooks-url-missing"));
    }
    if raw.chars().count() > URL_LIMIT {
        return Err(FieldError::too_long(field, URL_LIMIT));
    }
    let url = Url::parse(raw).map_err(|_| FieldError::new(field, "admin-webhooks-url-invalid"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err(FieldError::new(field, "admin-webhooks-url-not-https")),
        _ => return Err(FieldError::new(field, "admin-webhooks-url-invalid")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FieldError::new(field, "admin-webhooks-url-invalid"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(field, "admin-webhooks-url-credentials"));
    }
    if url.fragment().is_some() {
        return Err(FieldError::new(field, "admin-webhooks-url-invalid"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(raw: &str, allow_http: bool) -> &'static str {
        match parse_webhook_url("url", raw, allow_http) {
            Ok(_) => "ok",
            Err(e) => e.message,
        }
    }

    #[test]
    fn only_https_addresses_with_a_host_and_no_credentials_are_taken() {
        assert_eq!(message("https://crm.example.org/hooks/convoca", false), "ok");
        assert_eq!(message("  https://crm.example.org:8443/h?x=1 ", false), "ok");
        assert_eq!(message("", false), "admin-webhooks-url-missing");
        assert_eq!(message("crm.example.org/hooks", false), "admin-webhooks-url-invalid");
        assert_eq!(message("ftp://crm.example.org/", false), "admin-webhooks-url-invalid");
        assert_eq!(message("http://crm.example.org/", false), "admin-webhooks-url-not-https");
        assert_eq!(message("http://127.0.0.1:9000/", true), "ok");
        assert_eq!(message("https://user:pw@crm.example.org/", false), "admin-webhooks-url-credentials");
        assert_eq!(message("https://crm.example.org/#x", false), "admin-webhooks-url-invalid");
        let long = format!("https://crm.example.org/{}", "a".repeat(URL_LIMIT));
        assert_eq!(message(&long, false), "error-too-long");
    }
}
