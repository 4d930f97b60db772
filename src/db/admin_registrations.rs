//! Queries for the organiser area (admin_registrations).
