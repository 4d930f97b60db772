//! Queries for the organiser area (announcements).
