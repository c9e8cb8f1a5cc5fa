//! The one list of every module. `query` is what a list asks for (shared
//! with the server, which answers in `ssr::list_sql`); `table` is the
//! `ListView` component; `filters`, `columns`, `mass` and `cell` are its
//! toolbar and cells; `api` keeps each user's columns and saved filters.

pub mod api;
mod cell;
mod columns;
mod filters;
mod mass;
mod query;
mod table;

pub use cell::EditableCell;
pub use query::*;
pub use table::*;
