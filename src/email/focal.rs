//! The digest (and reminder) a member's focal point receives, in their language: their
//! officials awaiting approval for a session, with their private link.

use super::messages::{Action, EmailContent, Fact};
use crate::db::focal_approval::Digest;
use crate::i18n::I18n;
use crate::when::When;

/// The content of a focal point's digest; `link` is the full address of their page.
pub fn digest_message(i18n: I18n, digest: &Digest, link: &str) -> EmailContent {
    let title = &digest.session.title;
    let subject_key = if digest.reminder { "focal-reminder-subject" } else { "focal-digest-subject" };
    let name =
        if digest.focal_name.is_empty() { digest.organisation.as_str() } else { digest.focal_name.as_str() };
    let mut paragraphs = vec![i18n.t1("focal-hello", "name", name)];
    paragraphs.push(i18n.t2(
        if digest.reminder { "focal-reminder-body" } else { "focal-digest-body" },
        "name",
        digest.organisation.as_str(),
        "count",
        i64::try_from(digest.names.len()).unwrap_or(i64::MAX),
    ));
    // One name a paragraph: the HTML part would run lines together.
    paragraphs.extend(digest.names.iter().map(|name| format!("– {name}")));
    paragraphs.push(i18n.t("focal-digest-deadline"));
    EmailContent {
        subject: i18n.t1(subject_key, "title", title),
        heading: title.clone(),
        paragraphs,
        facts: vec![Fact {
            label: i18n.t("focal-digest-when"),
            value: When::of(i18n, &digest.session).line(),
            link: false,
        }],
        action: Some(Action { label: i18n.t("focal-digest-action"), url: link.to_owned() }),
        footer: vec![i18n.t("focal-digest-why")],
        calendar: None,
    }
}
