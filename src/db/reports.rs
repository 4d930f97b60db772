//! Queries for the organiser area (reports).
