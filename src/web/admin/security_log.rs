//! Security events noticed outside the sign-in handlers (a refused CSRF token, a refused
//! link guess): recorded in the audit log and the logs, without the client's address (the
//! visitor may be a registrant) and without the token.

use crate::db;
use crate::domain::SecurityEvent;
use crate::web::state::{AppState, run_db};

/// Records `event` about `subject` (a path, never a token); a failure to record is logged,
/// not answered: the refusal stands either way.
pub async fn note(state: &AppState, event: SecurityEvent, subject: &str) {
    let (subject, now) = (subject.to_owned(), state.clock.now());
    let recorded = run_db(state, move |conn| db::audit::security(conn, event, None, &subject, "", now)).await;
    if let Err(e) = recorded {
        tracing::warn!(event = event.as_str(), error = %e, "security event not recorded");
    }
}
