//! The pages of interactions (being built).
