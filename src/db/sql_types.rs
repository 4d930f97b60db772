//! The domain's types as text columns, the one place where they meet the database. Closed sets
//! (statuses, modes, roles, kinds) are written by their word and read back through `parse`, so
//! a row holding any other word is an error, never a silent default; ids are written as text.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::{
    ApprovalMode, ConsentPurpose, ConsentSource, MessageKind, OrganisationKind, OutboxStatus, PanelRole,
    RegistrationId, RegistrationStatus, Role, SessionId, SessionStatus, TokenPurpose,
};

/// Makes a domain enum usable as a `Text` column and in filters (`column.eq(Status::X)`).
macro_rules! text_column {
    ($($ty:ident),+ $(,)?) => {$(
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
                    let word = String::from_sql(bytes)?;
                    $ty::parse(&word)
                        .ok_or_else(|| format!("unknown {} {word:?} in the database", stringify!($ty)).into())
                }
            }
        };
    )+};
}

text_column!(
    RegistrationStatus,
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
);

/// Makes a domain id usable as a `Text` column and in filters (`column.eq(&id)`).
macro_rules! id_column {
    ($($ty:ident),+ $(,)?) => {$(
        const _: () = {
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
                    String::from_sql(bytes).map($ty::from_stored)
                }
            }
        };
    )+};
}

id_column!(SessionId, RegistrationId);
