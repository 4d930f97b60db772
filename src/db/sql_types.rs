//! The domain's types as text columns, the one place where they meet the database. Closed sets
//! (statuses, modes, roles, kinds) are written by their word and read back through `parse`, so
//! a row holding any other word is an error, never a silent default; ids are written as text.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::{
    ApprovalMode, ConsentPurpose, ConsentSource, MessageKind, OrganisationKind, OutboxStatus, PanelRole,
    RegistrationId, RegistrationStatus, Role, SecurityEvent, SessionId, SessionStatus, SignInStage,
    TokenPurpose,
};

/// Makes a domain type usable as a `Text` column and in filters (`column.eq(value)`): written
/// by `as_str`, read back by the expression given (`word` is the stored text).
macro_rules! text_column {
    (@one $ty:ident, |$word:ident| $read:expr) => {
        const _: () = {
            // diesel's derives, applied to the domain type from here (`foreign_derive`).
            #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
            #[diesel(foreign_derive)]
            #[diesel(sql_type = Text)]
            #[allow(dead_code)]
            struct Column($ty);

            impl<DB> ToSql<Text, DB> for $ty
            where
                DB: Backend,
                str: ToSql<Text, DB>,
            {
                fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                    self.as_str().to_sql(out)
                }
            }

            impl<DB> FromSql<Text, DB> for $ty
            where
                DB: Backend,
                String: FromSql<Text, DB>,
            {
                fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                    let $word = String::from_sql(bytes)?;
                    $read
                }
            }
        };
    };
    (words: $($ty:ident),+ ; ids: $($id:ident),+ $(,)?) => {
        // A closed set: any other stored word is an error, never a silent default.
        $(text_column!(@one $ty, |word| $ty::parse(&word)
            .ok_or_else(|| format!("unknown {} {word:?} in the database", stringify!($ty)).into()));)+
        // Ids: only ids are written there.
        $(text_column!(@one $id, |word| Ok($id::from_stored(word)));)+
    };
}

text_column!(
    words: RegistrationStatus,
    SessionStatus,
    ApprovalMode,
    Role,
    PanelRole,
    OrganisationKind,
    OutboxStatus,
    MessageKind,
    ConsentPurpose,
    ConsentSource,
    TokenPurpose,
    SignInStage,
    SecurityEvent;
    ids: SessionId,
    RegistrationId,
);

// longwork: the kinds and states of background tasks.
use crate::domain::{TaskKind, TaskState};
text_column!(@one TaskKind, |word| TaskKind::parse(&word)
    .ok_or_else(|| format!("unknown TaskKind {word:?} in the database").into()));
text_column!(@one TaskState, |word| TaskState::parse(&word)
    .ok_or_else(|| format!("unknown TaskState {word:?} in the database").into()));

// webhooks: the events and the state of a delivery.
use crate::domain::{WebhookDeliveryStatus, WebhookEvent};
text_column!(@one WebhookEvent, |word| WebhookEvent::parse(&word)
    .ok_or_else(|| format!("unknown WebhookEvent {word:?} in the database").into()));
text_column!(@one WebhookDeliveryStatus, |word| WebhookDeliveryStatus::parse(&word)
    .ok_or_else(|| format!("unknown WebhookDeliveryStatus {word:?} in the database").into()));
// questions: the languages of interpretation channels.
use crate::domain::interpretation::ChannelLanguage;
text_column!(@one ChannelLanguage, |word| ChannelLanguage::parse(&word)
    .ok_or_else(|| format!("unknown ChannelLanguage {word:?} in the database").into()));

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        status: RegistrationStatus,
    }

    #[test]
    fn a_status_round_trips_and_an_unknown_word_is_an_error_not_a_default() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").expect("sqlite");
        let row: Row = diesel::sql_query("SELECT ? AS status")
            .bind::<Text, _>(RegistrationStatus::AwaitingApproval)
            .get_result(&mut conn)
            .expect("a known word");
        assert_eq!(row.status, RegistrationStatus::AwaitingApproval);
        let unknown = diesel::sql_query("SELECT 'maybe' AS status").get_result::<Row>(&mut conn);
        assert!(unknown.is_err(), "a word the domain does not know is refused");
    }
}
