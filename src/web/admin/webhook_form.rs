//! The webhook endpoint form: what was typed, kept for a form shown again, and its checks (the
//! address parsed, then its host resolved and refused when private unless the setting allows).

use crate::config::Webhooks;
use crate::db::webhooks::{Endpoint, EndpointInput};
use crate::domain::WebhookEvent;
use crate::domain::webhook::parse_webhook_url;
use crate::i18n::I18n;
use crate::web::forms::FieldErrors;

use super::context::SignedForm;

/// The form's values, as typed (or as stored, for an endpoint's page).
#[derive(Debug, Clone)]
pub struct EndpointForm {
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub personal_data: bool,
    pub enabled: bool,
}

impl Default for EndpointForm {
    fn default() -> Self {
        Self { url: String::new(), events: Vec::new(), personal_data: false, enabled: true }
    }
}

/// One event's checkbox.
#[derive(Debug, Clone)]
pub struct EventChoice {
    pub word: &'static str,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// The organiser-area words of an event (`admin-webhooks-event-registration-confirmed`...).
pub fn event_label(event: WebhookEvent, i18n: I18n) -> String {
    i18n.t(&format!("admin-webhooks-event-{}", event.as_str().replace(['.', '_'], "-")))
}

impl EndpointForm {
    pub fn of(endpoint: &Endpoint) -> Self {
        Self {
            url: endpoint.url.clone(),
            events: endpoint.event_list(),
            personal_data: endpoint.personal_data,
            enabled: endpoint.enabled,
        }
    }

    pub fn from_posted(form: &SignedForm) -> Self {
        let chosen = form.all("events");
        Self {
            url: form.get("url").trim().to_owned(),
            events: WebhookEvent::ALL.iter().copied().filter(|e| chosen.contains(&e.as_str())).collect(),
            personal_data: form.get("personal_data") == "yes",
            enabled: form.get("enabled") == "yes",
        }
    }

    pub fn choices(&self, i18n: I18n) -> Vec<EventChoice> {
        WebhookEvent::ALL
            .iter()
            .map(|&e| EventChoice {
                word: e.as_str(),
                id: format!("event-{}", e.as_str().replace(['.', '_'], "-")),
                label: event_label(e, i18n),
                checked: self.events.contains(&e),
            })
            .collect()
    }

    /// The checked input, or the messages by each field.
    pub async fn check(&self, settings: &Webhooks, i18n: I18n) -> Result<EndpointInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        match parse_webhook_url("url", &self.url, settings.allow_private) {
            Ok(url) => {
                if let Err(refusal) =
                    crate::webhooks::guard::resolve(&url, settings.allow_private, settings.timeout).await
                {
                    errors.add("url", i18n.t(refusal.message_key()));
                }
            }
            Err(error) => errors.add_domain(&error, i18n),
        }
        if self.events.is_empty() {
            errors.add("events", i18n.t("admin-webhooks-events-missing"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EndpointInput {
            url: self.url.clone(),
            events: self.events.clone(),
            personal_data: self.personal_data,
            enabled: self.enabled,
        })
    }
}
