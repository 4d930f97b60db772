//! The kinds of email Convoca sends. Each kind alone knows when it still applies, which links
//! and attachments it carries; a new kind that forgets a case does not compile.

use super::status::{RegistrationStatus, SessionStatus, text_enum};

text_enum! {
    /// One kind of message in the outbox, stored by its word.
    pub enum MessageKind {
        /// "Confirm your registration": the double opt-in link.
        ConfirmRequest = "confirm_request",
        /// Someone submitted the form again for an address already registered.
        AlreadyRegistered = "already_registered",
        /// A seat is taken: the confirmation with the calendar entry.
        Registered = "registered",
        Waitlisted = "waitlisted",
        /// A seat came free for someone on the waiting list.
        Promoted = "promoted",
        /// The person cancelled.
        Cancelled = "cancelled",
        Reminder = "reminder",
        /// The session moved, or its join information changed.
        SessionUpdated = "session_updated",
        SessionCancelled = "session_cancelled",
        /// After the session: the recording and documents.
        FollowUp = "follow_up",
        /// Confirmed, waiting for an organiser's approval.
        AwaitingApproval = "awaiting_approval",
        Declined = "declined",
        /// An organiser's own message to a session's registrants.
        Announcement = "announcement",
        /// `convoca mail-test ADDRESS`: an operator's test through the real path, to the
        /// address in its payload (no registration).
        MailTest = "mail_test",
        /// The person changed their details from the manage page.
        DetailsChanged = "details_changed",
        /// "Confirm your new address": sent to the address the person asked for.
        EmailChangeRequest = "email_change_request",
        /// The new address was confirmed: sent to the address it replaced.
        EmailChanged = "email_changed",
        /// "Reset your password": to an organiser account named in its payload (no
        /// registration), with a fresh reset link.
        OrganiserPasswordReset = "organiser_password_reset",
        /// An organiser's announcement to a member's focal point (named by the organisation in
        /// its payload; no registration), with the session's registration link.
        FocalPointAnnouncement = "focal_point_announcement",
        /// A speaker is invited to a session's panel: their private link to their own page,
        /// and the speakers' calendar invitation (no registration; the speaker and session are
        /// named in the payload).
        SpeakerInvitation = "speaker_invitation",
        /// A second mail to a speaker who has not answered: a fresh private link.
        SpeakerReminder = "speaker_reminder",
        /// The session moved or its speakers' join information changed: the replacing entry.
        SpeakerSessionUpdated = "speaker_session_updated",
        /// The session was cancelled or the speaker left the panel: the entry is removed.
        SpeakerSessionCancelled = "speaker_session_cancelled",
        /// To a member's focal point (the address in the organisation named in its payload, no
        /// registration): their officials awaiting approval for a session, with a fresh
        /// private link; `reminder` in the payload when they have not answered.
        FocalDigest = "focal_digest",
    }
}

text_enum! {
    /// What a session update tells its registrants, recorded in the message's payload.
    pub enum SessionChange {
        /// A new start or duration.
        Moved = "moved",
        /// What a seat holder's calendar entry shows changed without a move: the join
        /// information or the title in their language.
        Details = "details",
    }
}

/// How a calendar part of a message treats the entry it names (the iTIP method, RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarMethod {
    /// An invitation: adds the entry, or replaces the one with the same UID and a lower
    /// SEQUENCE.
    Request,
    /// Removes the entry with the same UID.
    Cancel,
}

/// A kind of message a registrant can stop with one click (RFC 8058) and take back on the
/// manage page; each is its own list (RFC 2919 `List-Id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailingList {
    Reminders,
    Announcements,
}

impl MailingList {
    /// The list's label, the first part of its `List-Id`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Reminders => "reminders",
            Self::Announcements => "announcements",
        }
    }

    /// The path under the registration's manage link that stops the list.
    pub fn stop_path(self) -> &'static str {
        match self {
            Self::Reminders => "reminders/off",
            Self::Announcements => "announcements/off",
        }
    }
}

/// What a queued message needs to know, when its time comes, to decide whether it still applies.
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    pub registration: RegistrationStatus,
    pub reminders_opt_out: bool,
    pub announcements_opt_out: bool,
    pub session: SessionStatus,
    /// The session has not started yet.
    pub before_start: bool,
    /// The session is still at the version the message was queued for (or the message names
    /// none).
    pub same_version: bool,
    /// No calendar part was queued for the registration after this message's one (or the
    /// message carries none).
    pub latest_calendar: bool,
    /// A new address waits for its mailbox's confirmation.
    pub email_change_pending: bool,
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The registration's address.
    Registrant,
    /// The new address the person asked for, not yet confirmed.
    PendingAddress,
    /// The address a confirmed change replaced (named in the message's payload).
    PreviousAddress,
    /// The organiser account named in the message's payload.
    Organiser,
    /// The focal point of the organisation named in the message's payload.
    FocalPoint,
    /// The speaker named in the message's payload.
    Speaker,
}

impl MessageKind {
    /// Whether a message of this kind, queued earlier, still applies as things are now.
    pub fn still_wanted(self, now: &Situation) -> bool {
        use RegistrationStatus as R;
        let live_session = now.session == SessionStatus::Published && now.before_start;
        match self {
            Self::ConfirmRequest => now.registration == R::Pending && live_session,
            Self::AlreadyRegistered => true,
            Self::Registered | Self::Promoted => now.registration == R::Confirmed,
            Self::Waitlisted => now.registration == R::Waitlisted,
            Self::Cancelled => true,
            Self::Reminder => {
                now.registration == R::Confirmed && !now.reminders_opt_out && live_session && now.same_version
            }
            // A later update carries the entry as it is now; this one would only repeat it.
            Self::SessionUpdated => now.same_version && now.latest_calendar && now.registration.holds_place(),
            Self::SessionCancelled => true,
            Self::FollowUp => now.registration == R::Confirmed,
            Self::AwaitingApproval => now.registration == R::AwaitingApproval,
            Self::Declined => now.registration == R::Declined,
            Self::Announcement => now.registration != R::Cancelled && !now.announcements_opt_out,
            Self::MailTest => true,
            Self::DetailsChanged | Self::EmailChanged => true,
            Self::EmailChangeRequest => now.email_change_pending,
            Self::OrganiserPasswordReset => true,
            // Decided when it is claimed: the organisation, its address and the session as
            // they are then (`jobs::prepare`).
            Self::FocalPointAnnouncement => true,
            // Decided by the worker from the speaker's invitation (`jobs::prepare`).
            Self::SpeakerInvitation
            | Self::SpeakerReminder
            | Self::SpeakerSessionUpdated
            | Self::SpeakerSessionCancelled => true,
            // The worker reads the organisation and the session when it is claimed.
            Self::FocalDigest => true,
        }
    }

    /// Who receives a message of this kind.
    pub fn recipient(self) -> Recipient {
        match self {
            Self::EmailChangeRequest => Recipient::PendingAddress,
            Self::EmailChanged => Recipient::PreviousAddress,
            Self::OrganiserPasswordReset => Recipient::Organiser,
            Self::FocalPointAnnouncement => Recipient::FocalPoint,
            Self::SpeakerInvitation
            | Self::SpeakerReminder
            | Self::SpeakerSessionUpdated
            | Self::SpeakerSessionCancelled => Recipient::Speaker,
            Self::FocalDigest => Recipient::FocalPoint,
            _ => Recipient::Registrant,
        }
    }

    /// Whether the message carries the link that confirms a new address (a fresh token).
    pub fn carries_email_change_link(self) -> bool {
        matches!(self, Self::EmailChangeRequest)
    }

    /// Whether the message carries a confirmation link (a fresh confirm token is minted).
    pub fn carries_confirm_link(self) -> bool {
        matches!(self, Self::ConfirmRequest)
    }

    /// Whether the message lists the session's documents.
    pub fn carries_documents(self) -> bool {
        matches!(self, Self::FollowUp)
    }

    /// Whether the message offers a one-click way to stop messages of its kind (RFC 8058).
    pub fn has_list_unsubscribe(self) -> bool {
        self.list().is_some()
    }

    /// The list the message belongs to, which the registrant can stop.
    pub fn list(self) -> Option<MailingList> {
        match self {
            Self::Reminder => Some(MailingList::Reminders),
            Self::Announcement => Some(MailingList::Announcements),
            Self::ConfirmRequest
            | Self::AlreadyRegistered
            | Self::Registered
            | Self::Waitlisted
            | Self::Promoted
            | Self::Cancelled
            | Self::SessionUpdated
            | Self::SessionCancelled
            | Self::FollowUp
            | Self::AwaitingApproval
            | Self::Declined
            | Self::MailTest
            | Self::DetailsChanged
            | Self::EmailChangeRequest
            | Self::EmailChanged
            | Self::OrganiserPasswordReset
            | Self::FocalPointAnnouncement
            | Self::SpeakerInvitation
            | Self::SpeakerReminder
            | Self::SpeakerSessionUpdated
            | Self::SpeakerSessionCancelled
            | Self::FocalDigest => None,
        }
    }

    /// Whether the message goes to a speaker (no registration: `jobs::prepare` reads the
    /// speaker and the session from its payload).
    pub fn to_speaker(self) -> bool {
        self.recipient() == Recipient::Speaker
    }

    /// Whether the message carries the speaker's private link to their own page.
    pub fn carries_speaker_link(self) -> bool {
        matches!(self, Self::SpeakerInvitation | Self::SpeakerReminder)
    }

    /// The calendar part a message of this kind carries, decided when it is queued: only a
    /// registrant who holds an invitation (a seat, or one held until the change the message
    /// reports) has a calendar entry to add, replace or remove. Waitlisted and pending people
    /// get none.
    pub fn calendar(self, holds_invitation: bool) -> Option<CalendarMethod> {
        self.calendar_method().filter(|_| holds_invitation)
    }

    /// The method of the calendar part of this kind, for someone who holds an invitation.
    pub fn calendar_method(self) -> Option<CalendarMethod> {
        match self {
            Self::Registered | Self::Promoted | Self::SessionUpdated => Some(CalendarMethod::Request),
            Self::Cancelled | Self::SessionCancelled => Some(CalendarMethod::Cancel),
            Self::SpeakerInvitation | Self::SpeakerSessionUpdated => Some(CalendarMethod::Request),
            Self::SpeakerSessionCancelled => Some(CalendarMethod::Cancel),
            Self::ConfirmRequest
            | Self::AlreadyRegistered
            | Self::Waitlisted
            | Self::Reminder
            | Self::FollowUp
            | Self::AwaitingApproval
            | Self::Declined
            | Self::Announcement
            | Self::MailTest
            | Self::DetailsChanged
            | Self::EmailChangeRequest
            | Self::EmailChanged
            | Self::OrganiserPasswordReset
            | Self::FocalPointAnnouncement
            | Self::SpeakerReminder
            | Self::FocalDigest => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation(registration: RegistrationStatus) -> Situation {
        Situation {
            registration,
            reminders_opt_out: false,
            announcements_opt_out: false,
            session: SessionStatus::Published,
            before_start: true,
            same_version: true,
            latest_calendar: true,
            email_change_pending: false,
        }
    }

    #[test]
    fn a_reminder_is_dropped_when_it_no_longer_applies() {
        let wanted = situation(RegistrationStatus::Confirmed);
        assert!(MessageKind::Reminder.still_wanted(&wanted));
        assert!(!MessageKind::Reminder.still_wanted(&Situation { reminders_opt_out: true, ..wanted }));
        assert!(!MessageKind::Reminder.still_wanted(&Situation { same_version: false, ..wanted }));
        assert!(!MessageKind::Reminder.still_wanted(&Situation { before_start: false, ..wanted }));
        assert!(
            !MessageKind::Reminder.still_wanted(&Situation { session: SessionStatus::Cancelled, ..wanted })
        );
        assert!(!MessageKind::Reminder.still_wanted(&situation(RegistrationStatus::Waitlisted)));
    }

    #[test]
    fn reminders_and_announcements_are_lists_with_their_own_way_out() {
        assert_eq!(MessageKind::Reminder.list(), Some(MailingList::Reminders));
        assert_eq!(MessageKind::Announcement.list(), Some(MailingList::Announcements));
        assert!(MessageKind::Announcement.has_list_unsubscribe());
        assert!(!MessageKind::Registered.has_list_unsubscribe());
        assert_ne!(MailingList::Reminders.stop_path(), MailingList::Announcements.stop_path());
        let wanted = situation(RegistrationStatus::Confirmed);
        assert!(MessageKind::Announcement.still_wanted(&wanted));
        let opted_out = Situation { announcements_opt_out: true, ..wanted };
        assert!(!MessageKind::Announcement.still_wanted(&opted_out));
        assert!(MessageKind::Reminder.still_wanted(&opted_out), "each list stops on its own");
    }

    #[test]
    fn a_confirmation_request_is_dropped_once_confirmed_or_too_late() {
        assert!(MessageKind::ConfirmRequest.still_wanted(&situation(RegistrationStatus::Pending)));
        assert!(!MessageKind::ConfirmRequest.still_wanted(&situation(RegistrationStatus::Confirmed)));
        let started = Situation { before_start: false, ..situation(RegistrationStatus::Pending) };
        assert!(!MessageKind::ConfirmRequest.still_wanted(&started));
    }

    #[test]
    fn only_invitation_holders_get_calendar_parts() {
        assert_eq!(MessageKind::Registered.calendar(true), Some(CalendarMethod::Request));
        assert_eq!(MessageKind::Promoted.calendar(true), Some(CalendarMethod::Request));
        assert_eq!(MessageKind::SessionUpdated.calendar(true), Some(CalendarMethod::Request));
        assert_eq!(MessageKind::SessionUpdated.calendar(false), None, "waitlisted: no entry");
        assert_eq!(MessageKind::SessionCancelled.calendar(true), Some(CalendarMethod::Cancel));
        assert_eq!(MessageKind::Cancelled.calendar(true), Some(CalendarMethod::Cancel));
        assert_eq!(MessageKind::Cancelled.calendar(false), None, "a waitlisted person cancels");
        for kind in MessageKind::ALL {
            if !matches!(
                kind,
                MessageKind::Registered
                    | MessageKind::Promoted
                    | MessageKind::SessionUpdated
                    | MessageKind::Cancelled
                    | MessageKind::SessionCancelled
                    | MessageKind::SpeakerInvitation
                    | MessageKind::SpeakerSessionUpdated
                    | MessageKind::SpeakerSessionCancelled
            ) {
                assert_eq!(kind.calendar(true), None, "{kind}");
            }
        }
    }

    #[test]
    fn an_update_superseded_by_a_later_calendar_part_is_dropped() {
        let wanted = situation(RegistrationStatus::Confirmed);
        assert!(MessageKind::SessionUpdated.still_wanted(&wanted));
        assert!(!MessageKind::SessionUpdated.still_wanted(&Situation { latest_calendar: false, ..wanted }));
        assert!(MessageKind::Registered.still_wanted(&Situation { latest_calendar: false, ..wanted }));
    }

    #[test]
    fn stored_kind_words_do_not_change() {
        assert_eq!(MessageKind::parse("confirm_request"), Some(MessageKind::ConfirmRequest));
        assert_eq!(MessageKind::parse("session_updated"), Some(MessageKind::SessionUpdated));
        assert_eq!(MessageKind::ALL.len(), 24);
        assert_eq!(MessageKind::parse("focal_digest"), Some(MessageKind::FocalDigest));
        assert_eq!(MessageKind::parse("mail_test"), Some(MessageKind::MailTest));
        assert_eq!(MessageKind::parse("email_change_request"), Some(MessageKind::EmailChangeRequest));
    }
}
