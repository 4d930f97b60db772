//! The closed sets of the domain: statuses, modes, roles and kinds. Each is stored as text;
//! the text of each value is written here once, and `db::sql_types` maps them to columns.

/// Defines an enum whose values are stored as fixed words, with `as_str`, `parse` and `ALL`.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The value a stored word names, `None` for any other text.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// A registration's life: pending until the emailed link is followed, then confirmed while
    /// seats remain, else waitlisted; cancelled by the person (or an organiser); erased at the
    /// person's request or after the retention period, which ends its life.
    pub enum RegistrationStatus {
        Pending = "pending",
        /// Email confirmed, waiting for an organiser (sessions with approval).
        AwaitingApproval = "awaiting_approval",
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        Declined = "declined",
        Cancelled = "cancelled",
        /// The person's details are gone; nothing can happen to it any more (no decision, no
        /// seat, no mail, no export). Only its anonymous counts remain for the reports.
        Erased = "erased",
    }
}

impl RegistrationStatus {
    /// Still taking part (or waiting to): not declined, cancelled or erased.
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Declined | Self::Cancelled | Self::Erased)
    }

    /// The one rule every status change obeys (`db::seats::set_status` enforces it in the
    /// statement itself): an erased registration never changes again, and anything else may
    /// be erased. Which decision applies to which state is the caller's business; what can
    /// never happen is here.
    pub fn can_become(self, _next: Self) -> bool {
        self != Self::Erased
    }

    /// The states a registration can be in for it to move to `next`.
    pub fn sources_of(next: Self) -> Vec<Self> {
        Self::ALL.iter().copied().filter(|from| from.can_become(next)).collect()
    }

    /// Holds a seat, or a place in the queue for one: the people a session change concerns.
    pub fn holds_place(self) -> bool {
        matches!(self, Self::Confirmed | Self::Waitlisted)
    }
}

text_enum! {
    /// Whether a session is shown, and whether it takes place.
    pub enum SessionStatus {
        /// Visible to organisers only.
        Draft = "draft",
        Published = "published",
        /// Shown as cancelled; takes no registrations.
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// How a session fills its seats.
    pub enum ApprovalMode {
        /// A confirmed address takes a free seat at once.
        Automatic = "automatic",
        /// An organiser approves each registration.
        Manual = "manual",
        /// The focal point of the registrant's member government approves each of its
        /// officials (from their private link); registrations of an organisation without a
        /// focal point's address wait for an organiser.
        FocalPoint = "focal_point",
    }
}

text_enum! {
    /// What an organiser account may do.
    pub enum Role {
        /// Everything, including accounts and settings.
        Admin = "admin",
        /// Sessions, speakers, registrations.
        Organiser = "organiser",
    }
}

text_enum! {
    /// A speaker's part in a session's panel, in the order panels show them.
    pub enum PanelRole {
        Host = "host",
        Moderator = "moderator",
        Keynote = "keynote",
        Speaker = "speaker",
    }
}

text_enum! {
    /// Whether an organisation is one of the network's members or a partner of it.
    pub enum OrganisationKind {
        Member = "member",
        Partner = "partner",
    }
}

text_enum! {
    /// Where an outbox message is in its delivery.
    pub enum OutboxStatus {
        /// Waiting for its time (or its next attempt).
        Queued = "queued",
        /// Claimed by a worker, under a lease.
        Sending = "sending",
        Sent = "sent",
        /// Given up: a permanent refusal, or too many attempts.
        Failed = "failed",
        /// No longer wanted when its time came (the person cancelled, the session moved).
        Skipped = "skipped",
    }
}

text_enum! {
    /// What a person consents to, each recorded separately with the notice version shown.
    pub enum ConsentPurpose {
        /// Handling the registration itself (required to register).
        Registration = "registration",
        /// Receiving the network's newsletter (optional).
        Newsletter = "newsletter",
        /// Being listed by name and organisation among a session's participants (optional).
        Listed = "listed",
    }
}

text_enum! {
    /// What an emailed link lets its holder do; a token serves one purpose only.
    pub enum TokenPurpose {
        /// Confirm the address (double opt-in).
        Confirm = "confirm",
        /// See, change, cancel or erase the registration.
        Manage = "manage",
        /// Confirm a new email address asked for from the manage page (sent to that address).
        EmailChange = "email_change",
        /// Open the personal join page (and, in its window, go on to the platform).
        Join = "join",
    }
}

text_enum! {
    /// A group of a session's registrants an announcement can be sent to.
    pub enum AudienceGroup {
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        /// Confirmed, and recorded as having attended.
        Attended = "attended",
        /// Confirmed, and recorded as absent.
        Absent = "absent",
        /// Not registrants: the focal points of member governments (all, or those chosen).
        FocalPoints = "focal_points",
    }
}

text_enum! {
    /// Where a consent was given or withdrawn.
    pub enum ConsentSource {
        RegistrationForm = "registration form",
        ManagePage = "manage page",
        /// A speaker's answer on their own page (recording and publication).
        SpeakerPage = "speaker page",
        /// A speaker's consent an organiser obtained outside Convoca and recorded (audited).
        ObtainedOffline = "obtained offline",
    }
}

text_enum! {
    /// How far a signed-in session has got: complete, or past the password and waiting for
    /// the second factor, or past the password and obliged to enrol one first.
    pub enum SignInStage {
        Complete = "complete",
        SecondFactor = "second_factor",
        Enrolment = "enrolment",
    }
}

text_enum! {
    /// The security events of the organiser area, recorded in the audit log and the logs.
    pub enum SecurityEvent {
        SignIn = "sign_in.success",
        SignInFailed = "sign_in.failure",
        SignInThrottled = "sign_in.throttled",
        SecondFactorFailed = "sign_in.second_factor_failure",
        SignOut = "sign_out",
        SignOutElsewhere = "sign_out.elsewhere",
        PasswordChanged = "password.change",
        SecondFactorEnrolled = "two_factor.enrol",
        SecondFactorDisabled = "two_factor.disable",
        RecoveryCodeUsed = "two_factor.recovery_code_used",
        SecondFactorRequired = "policy.second_factor",
        CsrfRefused = "csrf.refused",
        LinkGuessRefused = "link_guess.refused",
        PasswordResetRequested = "password.reset_requested",
        PasswordResetCompleted = "password.reset",
    }
}

text_enum! {
    /// What an organiser API token lets its holder do (`/api/v1/organiser`); a token holds one
    /// or more, and every operation asks for exactly one.
    pub enum ApiScope {
        /// List and export a session's registrations.
        RegistrationsRead = "registrations:read",
        /// Record attendance from the video platform's file.
        AttendanceWrite = "attendance:write",
        /// Read a session as the organiser's form holds it.
        SessionsRead = "sessions:read",
        /// Create and change sessions.
        SessionsWrite = "sessions:write",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_word_reads_back_as_its_value() {
        fn round_trip<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            as_str: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            for value in all {
                assert_eq!(parse(as_str(*value)), Some(*value));
            }
            assert_eq!(parse("no such word"), None);
        }
        round_trip(RegistrationStatus::ALL, RegistrationStatus::as_str, RegistrationStatus::parse);
        round_trip(SessionStatus::ALL, SessionStatus::as_str, SessionStatus::parse);
        round_trip(ApprovalMode::ALL, ApprovalMode::as_str, ApprovalMode::parse);
        round_trip(Role::ALL, Role::as_str, Role::parse);
        round_trip(PanelRole::ALL, PanelRole::as_str, PanelRole::parse);
        round_trip(OrganisationKind::ALL, OrganisationKind::as_str, OrganisationKind::parse);
        round_trip(OutboxStatus::ALL, OutboxStatus::as_str, OutboxStatus::parse);
        round_trip(ConsentPurpose::ALL, ConsentPurpose::as_str, ConsentPurpose::parse);
        round_trip(TokenPurpose::ALL, TokenPurpose::as_str, TokenPurpose::parse);
        round_trip(AudienceGroup::ALL, AudienceGroup::as_str, AudienceGroup::parse);
        round_trip(ConsentSource::ALL, ConsentSource::as_str, ConsentSource::parse);
        round_trip(SignInStage::ALL, SignInStage::as_str, SignInStage::parse);
        round_trip(SecurityEvent::ALL, SecurityEvent::as_str, SecurityEvent::parse);
        round_trip(ApiScope::ALL, ApiScope::as_str, ApiScope::parse);
    }

    #[test]
    fn the_stored_words_are_those_of_the_existing_rows() {
        // Rows written before these enums existed carry these words: they must not change.
        assert_eq!(RegistrationStatus::AwaitingApproval.as_str(), "awaiting_approval");
        assert_eq!(SessionStatus::Published.as_str(), "published");
        assert_eq!(ApprovalMode::Manual.as_str(), "manual");
        assert_eq!(PanelRole::Keynote.as_str(), "keynote");
        assert_eq!(OutboxStatus::Skipped.as_str(), "skipped");
        assert_eq!(ConsentSource::ManagePage.as_str(), "manage page");
    }

    #[test]
    fn an_erased_registration_never_changes_again() {
        for &next in RegistrationStatus::ALL {
            assert!(!RegistrationStatus::Erased.can_become(next), "erased -> {next}");
            assert!(!RegistrationStatus::sources_of(next).contains(&RegistrationStatus::Erased));
        }
        for &from in RegistrationStatus::ALL.iter().filter(|s| **s != RegistrationStatus::Erased) {
            assert!(from.can_become(RegistrationStatus::Erased), "{from} can be erased");
        }
    }
}

text_enum! {
    /// Long work the worker does in chunks, with a progress page (`tasks.rs`).
    pub enum TaskKind {
        /// An attendance file too long to record while the organiser waits.
        AttendanceImport = "attendance import",
        /// A session's registrations, as filtered on the list, written as a workbook.
        RegistrationsExport = "registrations export",
    }
}

text_enum! {
    /// Where a background task stands: queued until a worker claims it, running (under a
    /// lease) until it is done or has failed for good.
    pub enum TaskState {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

impl TaskState {
    /// Still to finish: its page keeps refreshing itself.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

text_enum! {
    /// What a webhook tells another system of (the `type` of its payload); administrators
    /// choose which of them each endpoint receives.
    pub enum WebhookEvent {
        RegistrationConfirmed = "registration.confirmed",
        RegistrationWaitlisted = "registration.waitlisted",
        RegistrationPromoted = "registration.promoted",
        RegistrationCancelled = "registration.cancelled",
        RegistrationErased = "registration.erased",
        SessionPublished = "session.published",
        SessionChanged = "session.changed",
        SessionCancelled = "session.cancelled",
    }
}

impl WebhookEvent {
    /// About one registration (else about a session).
    pub fn is_registration(self) -> bool {
        matches!(
            self,
            Self::RegistrationConfirmed
                | Self::RegistrationWaitlisted
                | Self::RegistrationPromoted
                | Self::RegistrationCancelled
                | Self::RegistrationErased
        )
    }

    /// The event that tells of a seat or a waiting-list place just given.
    pub fn of_seat(status: RegistrationStatus) -> Self {
        if status == RegistrationStatus::Confirmed {
            Self::RegistrationConfirmed
        } else {
            Self::RegistrationWaitlisted
        }
    }

    /// The stored list of an endpoint's events (words separated by spaces); unknown words
    /// are left out.
    pub fn parse_list(text: &str) -> Vec<Self> {
        Self::ALL.iter().copied().filter(|e| text.split(' ').any(|w| w == e.as_str())).collect()
    }
}

text_enum! {
    /// Where one webhook delivery stands: queued (or waiting for its next attempt), being
    /// sent under a lease, delivered (a 2xx answer), or failed after its last attempt.
    pub enum WebhookDeliveryStatus {
        Queued = "queued",
        Sending = "sending",
        Delivered = "delivered",
        Failed = "failed",
    }
}
