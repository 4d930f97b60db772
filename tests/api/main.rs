//! Integration tests: the real app on a random port, per-test databases on both engines, and
//! a real SMTP server inside the test.

mod helpers;

mod catalogue;
mod concurrency;
mod delivery;
mod email_engine;
mod migrations;
mod registration;
