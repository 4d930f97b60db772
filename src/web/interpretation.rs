//! The registration form's interpretation fields: the language the person will follow (when
//! the session offers more than its spoken one) and the sign-language and caption boxes.

use crate::domain::interpretation::{InterpretationForm, Offered};
use crate::i18n::I18n;
use crate::interpretation::language_name;

pub struct ChannelOption {
    pub code: &'static str,
    pub label: String,
    pub current: bool,
}

/// What `templates/partials/interpretation_fields.html` shows.
pub struct InterpretationFields {
    /// Whether the form asks which language the person follows (more than one is offered).
    pub asks: bool,
    pub options: Vec<ChannelOption>,
    pub sign_language: bool,
    pub captions: bool,
}

impl InterpretationFields {
    /// The fields for `offered`, with what `form` holds selected and ticked.
    pub fn of(i18n: I18n, offered: &Offered, form: &InterpretationForm) -> Self {
        let options = offered
            .all()
            .into_iter()
            .map(|language| {
                let key = if language == offered.spoken {
                    "interpretation-option-spoken"
                } else {
                    "interpretation-option-channel"
                };
                ChannelOption {
                    code: language.as_str(),
                    label: i18n.t1(key, "language", language_name(i18n, language)),
                    current: form.follows.trim() == language.as_str(),
                }
            })
            .collect();
        InterpretationFields {
            asks: offered.asks(),
            options,
            sign_language: form.sign_language,
            captions: form.captions,
        }
    }
}
