//! Server integration tests, one binary: each test drives the real router
//! against a PostgreSQL database of its own (made by `sqlx::test`).
//!
//! One binary instead of one per file: each test binary links the whole
//! application (about a gigabyte with debug info), so nine of them cost
//! minutes of linking and gigabytes of disk for nothing.

mod common;

mod access;
mod account;
mod auth;
mod calendar;
mod deal_board;
mod desk;
mod documents;
mod enrolments;
mod feed;
mod gdpr;
mod generate;
mod import;
mod interactions;
mod kanban;
mod lists;
mod mail;
mod merge;
mod notifications;
mod outbox;
mod plain_forms;
mod planning;
mod programmes;
mod pwa;
mod quality;
mod records;
mod reports;
mod second_factor;
mod security;
mod settings;
mod shutdown;
mod team;
mod tls;
