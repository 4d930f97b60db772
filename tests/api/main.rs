//! Integration tests: the real app on a random port, per-test databases on both engines, and
//! a real SMTP server inside the test.

mod helpers;

mod admin;
mod admin_directory;
mod admin_registrations;
mod admin_uploads;
mod catalogue;
mod cli;
mod concurrency;
mod confirmation;
mod countries;
mod deliverability;
mod delivery;
mod email_engine;
mod hostile;
mod invitations;
mod languages;
mod links;
mod migrations;
mod operations;
mod performance;
mod registration;
mod self_service;
