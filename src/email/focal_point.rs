//! An organiser's announcement to a member's focal point: not a registrant, so no greeting by a
//! registration, no manage link and no list to leave; it says who it is addressed to and why,
//! and carries the session's registration link.

use crate::db::models::Session;
use crate::i18n::I18n;
use crate::when::When;

use super::messages::{Action, EmailContent, Fact};

/// What a focal point's announcement needs.
pub struct FocalLetter<'a> {
    pub i18n: I18n,
    /// The focal point's name (may be empty).
    pub name: &'a str,
    pub organisation: &'a str,
    /// In the focal point's language where it was given.
    pub session: &'a Session,
    pub subject: &'a str,
    pub body: &'a str,
    /// The language the subject and body are written in.
    pub written_in: &'a str,
    pub session_link: String,
    pub register_link: String,
}

pub fn message(letter: &FocalLetter<'_>) -> EmailContent {
    let i18n = letter.i18n;
    let hello = if letter.name.is_empty() {
        i18n.t("email-hello-neutral")
    } else {
        i18n.t1("email-hello", "name", letter.name)
    };
    let mut paragraphs = vec![hello];
    if letter.written_in != i18n.code() {
        paragraphs.push(i18n.t1(
            "texts-announcement-fallback",
            "language",
            i18n.t(&format!("in-language-{}", letter.written_in)),
        ));
    }
    let mut current: Vec<&str> = Vec::new();
    for line in letter.body.lines().map(str::trim_end).chain([""]) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    let when = When::of(i18n, letter.session);
    EmailContent {
        subject: letter.subject.to_owned(),
        heading: letter.session.title.clone(),
        paragraphs,
        facts: vec![
            Fact { label: i18n.t("email-session-label"), value: letter.session.title.clone(), link: false },
            Fact { label: i18n.t("email-when-label"), value: when.line(), link: false },
            Fact {
                label: i18n.t("session-language"),
                value: i18n.t(&format!("in-language-{}", letter.session.language)),
                link: false,
            },
            Fact { label: i18n.t("email-details-label"), value: letter.session_link.clone(), link: true },
        ],
        action: Some(Action {
            label: i18n.t("texts-focal-register-action"),
            url: letter.register_link.clone(),
        }),
        footer: vec![i18n.t1("texts-focal-footer", "name", letter.organisation)],
        calendar: None,
    }
}
