//! The notifications bell (being built).
