//! Convoca: registration and running of webinars for a network of city governments.

pub mod bounces;
pub mod certificate;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod export;
pub mod files;
pub mod i18n;
pub mod interpretation;
pub mod jobs;
pub mod observability;
pub mod ops;
pub mod security;
pub mod startup;
pub mod tasks;
pub mod web;
pub mod when;
// webhooks: deliveries by the worker, signed, to checked addresses only.
pub mod webhooks;
