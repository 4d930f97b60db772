//! The operator's commands that try a configuration before going live: `convoca check` and
//! `convoca mail-test ADDRESS`.

mod check;
mod mail_test;

pub use check::{Finding, Status, check};
pub use mail_test::mail_test;
