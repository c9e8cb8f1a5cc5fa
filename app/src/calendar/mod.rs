//! The interaction calendar (being built).
