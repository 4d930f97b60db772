//! The language a person follows, in words: the line that tells them which interpretation
//! channel to choose, shared by the emails and the join page.

use crate::domain::interpretation::ChannelLanguage;
use crate::i18n::I18n;

/// "Choose the French channel when you join.", in the reader's language, for a person who
/// follows the session on an interpretation channel; `None` for one who follows the spoken
/// language. The channel comes from `db::interpretation::channel_of`.
pub fn channel_note(i18n: I18n, channel: Option<ChannelLanguage>) -> Option<String> {
    channel.map(|language| i18n.t(&format!("interpretation-channel-{}", language.as_str())))
}

/// A language's name in the reader's language ("French", "français", "francés").
pub fn language_name(i18n: I18n, language: ChannelLanguage) -> String {
    i18n.t(&language.name_key())
}
