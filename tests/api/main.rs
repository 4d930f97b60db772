//! Integration tests: the real app on a random port, per-test databases on both engines, and
//! a real SMTP server inside the test.

mod helpers;

mod admin;
mod admin_directory;
mod admin_registrations;
mod admin_uploads;
mod bounces;
mod catalogue;
mod cli;
mod concurrency;
mod config_file;
mod confirmation;
mod countries;
mod data_requests;
mod database_restart;
mod deliverability;
mod delivery;
mod email_engine;
mod exports;
mod feedback;
mod feeds;
mod focal_points;
mod guards;
mod hostile;
mod imap_server;
mod interpretation;
mod invitations;
mod languages;
mod links;
mod long_work;
mod member_quotas;
mod migrations;
mod monitoring;
mod operations;
mod organiser_api;
mod organiser_day;
mod organiser_words;
mod password_reset;
mod performance;
mod privacy;
mod public_api;
mod registration;
mod self_service;
mod sign_in;
mod speakers_self_service;
mod translated_texts;
mod web_conventions;
mod webhooks;
mod widget;
// join: personal join links and the live state.
mod join_links;
mod join_live;
// qforms: questions per session
mod session_questions;
// exports: questions and interpretation in the exports
mod question_exports;
// cache: page-cache hits without the database, pre-compressed entries.
mod page_cache;
// mail: kept SMTP connections.
mod smtp_connections;
// pgbatch: registration requests committed in batches.
mod batched_writes;
