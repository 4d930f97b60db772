//! What a personal join link may do at a given moment: the rule of the join page, with no I/O.

use chrono::{Duration, NaiveDateTime};

use super::RegistrationStatus;

/// The moments of a session that decide what its join page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinWindow {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// How long before the start "Join now" is offered.
    pub opens_before: Duration,
}

impl JoinWindow {
    /// When "Join now" is first offered.
    pub fn opens_at(&self) -> NaiveDateTime {
        self.starts_at - self.opens_before
    }

    /// Whether `now` is in the window: from its opening until the session's end.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.opens_at() <= now && now < self.ends_at
    }
}

/// What the join page says to the holder of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinState {
    /// Confirmed, before the window: when it opens.
    NotYet { opens_at: NaiveDateTime },
    /// Confirmed, in the window, and the organisers gave the platform's address: "Join now".
    Open,
    /// Confirmed, in the window, but no platform address was given yet.
    NoAddress,
    /// The session is over.
    Ended,
    /// The session was cancelled.
    SessionCancelled,
    /// The registration holds no seat (cancelled, waitlisted, pending, declined, erased...):
    /// no address is given.
    NoSeat(RegistrationStatus),
}

impl JoinState {
    /// The rule: only a confirmed registration of a session that is not cancelled is ever
    /// given the platform's address, and only inside the window.
    pub fn of(
        status: RegistrationStatus,
        session_cancelled: bool,
        has_address: bool,
        window: JoinWindow,
        now: NaiveDateTime,
    ) -> Self {
        if status != RegistrationStatus::Confirmed {
            return JoinState::NoSeat(status);
        }
        if session_cancelled {
            return JoinState::SessionCancelled;
        }
        if now >= window.ends_at {
            JoinState::Ended
        } else if now < window.opens_at() {
            JoinState::NotYet { opens_at: window.opens_at() }
        } else if has_address {
            JoinState::Open
        } else {
            JoinState::NoAddress
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::UNIX_EPOCH.naive_utc() + Duration::days(20_000) + Duration::minutes(minute)
    }

    fn window() -> JoinWindow {
        JoinWindow { starts_at: at(60), ends_at: at(120), opens_before: Duration::minutes(15) }
    }

    #[test]
    fn a_confirmed_registration_is_let_in_from_the_opening_until_the_end() {
        let state = |m| JoinState::of(RegistrationStatus::Confirmed, false, true, window(), at(m));
        assert_eq!(state(44), JoinState::NotYet { opens_at: at(45) });
        assert_eq!(state(45), JoinState::Open);
        assert_eq!(state(119), JoinState::Open);
        assert_eq!(state(120), JoinState::Ended);
        assert_eq!(
            JoinState::of(RegistrationStatus::Confirmed, false, false, window(), at(60)),
            JoinState::NoAddress
        );
        assert_eq!(
            JoinState::of(RegistrationStatus::Confirmed, true, true, window(), at(60)),
            JoinState::SessionCancelled
        );
    }

    #[test]
    fn no_other_status_is_ever_let_in() {
        for status in RegistrationStatus::ALL.iter().copied().filter(|s| *s != RegistrationStatus::Confirmed)
        {
            for minute in [0, 50, 90, 200] {
                assert_eq!(
                    JoinState::of(status, false, true, window(), at(minute)),
                    JoinState::NoSeat(status)
                );
            }
        }
    }
}
