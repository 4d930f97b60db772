//! Organiser area: speakers.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// Public routes this module serves (speaker photos).
pub fn public_routes(_cfg: &mut web::ServiceConfig) {}
