//! Outgoing email: transports (SMTP through lettre, or `.eml` files when no SMTP server is
//! configured) and the messages, multipart text + HTML from templates.

pub mod dkim;
pub mod dsn;
pub mod focal;
pub mod focal_point;
pub mod headers;
pub mod ics;
pub mod messages;
pub mod smtp;
pub mod speaker_messages;
pub mod verp;

use std::time::Duration;

use anyhow::Context;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::config::Settings;

/// How long connecting to the relay, or one message on a connection, may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// Kept connections to the relay (`email/smtp.rs`).
    Smtp(smtp::SmtpPool),
    /// Each message becomes `<uuid>.eml` (0600) in a folder (0700) a newcomer can open.
    Files(std::path::PathBuf),
}

/// Why a send failed, and whether trying again can help.
#[derive(Debug, Clone)]
pub struct SendError {
    pub permanent: bool,
    pub detail: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp {
            Some(url) => {
                let relay = smtp::Relay::from_url(url.expose(), SMTP_TIMEOUT)?;
                Ok(Mailer::Smtp(smtp::SmtpPool::new(relay, settings.smtp_concurrency)?))
            }
            None => {
                let dir = settings.mail_dir();
                crate::files::create_private_dir_all(&dir)
                    .with_context(|| format!("creating the mail folder {}", dir.display()))?;
                Ok(Mailer::Files(dir))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP".into(),
            Mailer::Files(dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Closes the SMTP connections kept unused for a while.
    pub fn close_idle(&self) {
        if let Mailer::Smtp(pool) = self {
            pool.close_idle();
        }
    }

    /// Sends one message; with the file transport, returns the name of the file it wrote
    /// (`<id>.eml` in the mail folder), which erasure and retention delete later.
    pub async fn send(&self, message: Message) -> Result<Option<String>, SendError> {
        match self {
            Mailer::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await.map(|()| None),
            Mailer::Files(dir) => write_eml(dir, message).await,
        }
    }
}

/// Writes the message as lettre formats it for the wire into a new private file. (lettre's
/// own file transport creates its files with the umask's mode, which is readable by all under
/// the usual 022.)
async fn write_eml(dir: &std::path::Path, message: Message) -> Result<Option<String>, SendError> {
    let name = format!("{}.eml", uuid::Uuid::new_v4());
    let path = dir.join(&name);
    let bytes = message.formatted();
    tokio::task::spawn_blocking(move || crate::files::write_private_file(&path, &bytes))
        .await
        .map_err(|e| SendError { permanent: false, detail: format!("writing the .eml file: {e}") })?
        .map_err(|e| SendError { permanent: false, detail: format!("writing the .eml file: {e}") })?;
    Ok(Some(name))
}

/// The server's own answer where there is one ("550 5.1.1 no such user"), else the error,
/// once: lettre's own text already ends with its source's, so a cause is added only when the
/// text does not say it yet.
pub(crate) fn smtp_error_text(e: &lettre::transport::smtp::Error) -> String {
    error_chain_text(e)
}

fn error_chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let said = inner.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = inner.source();
    }
    text
}

/// A message ready to build: content already rendered.
pub struct Outgoing {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub calendar: Option<(String, crate::domain::CalendarMethod)>,
    pub list: Option<headers::ListHeaders>,
    /// The envelope sender (VERP, [`verp::return_path`]); none: the From address.
    pub return_path: Option<lettre::Address>,
}

impl Outgoing {
    pub fn build(self, settings: &Settings) -> anyhow::Result<Message> {
        let mut builder = Message::builder();
        if let Some(return_path) = self.return_path {
            let envelope = lettre::address::Envelope::new(Some(return_path), vec![self.to.email.clone()])
                .context("the envelope")?;
            builder = builder.envelope(envelope);
        }
        let mut builder = builder
            .from(settings.mail_from.clone())
            .to(self.to)
            .subject(self.subject)
            .message_id(Some(self.message_id))
            .date_now();
        builder = headers::automated(builder, settings, self.list.as_ref());
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(self.text))
            .singlepart(SinglePart::html(self.html));
        let message = match self.calendar {
            // iMIP (RFC 6047): the calendar is the third alternative of the body, inline, with
            // its method in the content type, which is where Outlook looks for a meeting request
            // ([MS-OXCMAIL] 2.1.3.3.8.2; a text/calendar attachment is only a file to it). The
            // copy attached as a file is for clients that show no invitation; its type is not
            // text/calendar, so no client takes it for a second scheduling message.
            Some((calendar, method)) => {
                let inline = ContentType::parse(&format!(
                    "text/calendar; charset=utf-8; method={}",
                    ics::method_word(method)
                ))
                .context("calendar content type")?;
                let file = ContentType::parse("application/ics; name=\"invite.ics\"")
                    .context("calendar file type")?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(
                            alternative
                                .singlepart(SinglePart::builder().header(inline).body(calendar.clone())),
                        )
                        .singlepart(Attachment::new("invite.ics".into()).body(calendar, file)),
                )
            }
            None => builder.multipart(alternative),
        };
        let message = message.context("building the message")?;
        match &settings.dkim {
            Some(signer) => signer.sign(message),
            None => Ok(message),
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug)]
    struct Inner;
    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("5.1.1 No such user")
        }
    }
    impl std::error::Error for Inner {}
    #[derive(Debug)]
    struct Outer(Inner);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "permanent error (550): {}", self.0)
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn the_server_answer_is_said_once() {
        assert_eq!(super::error_chain_text(&Outer(Inner)), "permanent error (550): 5.1.1 No such user");
    }
}
