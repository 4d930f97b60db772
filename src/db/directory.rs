//! Queries for the organiser area (directory).
