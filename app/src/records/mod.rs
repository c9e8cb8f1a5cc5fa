//! What every kind of record shares, whatever its module: favourites,
//! recently viewed, tags, notes, the timeline, the trash, mass actions,
//! inline edits, global search and duplicate warnings. Each submodule holds
//! its server functions and the components that call them.

pub mod duplicates;
pub mod edit;
pub mod kind;
pub mod marks;
pub mod merge;
pub mod notes;
pub mod quality;
pub mod search;
pub mod timeline;
pub mod trash;

use serde::{Deserialize, Serialize};

/// The kinds of record that notes, tags, favourites and history point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Company,
    Person,
    Deal,
    Interaction,
    Enrolment,
    Document,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Company,
        RecordKind::Person,
        RecordKind::Deal,
        RecordKind::Interaction,
        RecordKind::Enrolment,
        RecordKind::Document,
    ];

    /// Everything shared code knows about this kind, from its module.
    pub fn describe(self) -> &'static kind::Descriptor {
        crate::kinds::of(self)
    }

    /// The `record_type` stored in the database.
    pub fn as_str(self) -> &'static str {
        self.describe().record_type
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.module() == s)
    }

    /// The module (and table) name: `companies`.
    pub fn module(self) -> &'static str {
        self.describe().table
    }

    /// Where the record pages live: `/companies`.
    pub fn base(self) -> &'static str {
        self.describe().base
    }

    pub fn href(self, id: i64) -> String {
        format!("{}/{id}", self.base())
    }

    /// SQL for the display name of a row of this kind aliased `r`.
    #[cfg(feature = "ssr")]
    pub fn name_sql(self) -> &'static str {
        self.describe().name_sql
    }
}

/// A link to a record, as lists of favourites, recent records and search
/// results show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordLink {
    pub kind: RecordKind,
    pub id: i64,
    pub name: String,
    /// A second line: a city, a company, an email…
    pub detail: String,
}

/// Whether record `$1` of `kind` exists and is not in the trash (the
/// statement of `ensure_live`, public so that `server bench` times it).
#[cfg(feature = "ssr")]
pub fn live_sql(kind: RecordKind) -> String {
    format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE id = $1 AND deleted_at IS NULL)",
        kind.module()
    )
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::RecordKind;
    use crate::error::{AppError, AppResult};
    use sqlx::{AssertSqlSafe, PgExecutor};

    /// Fails with `NotFound` unless the record exists and is not in the trash.
    pub async fn ensure_live(db: impl PgExecutor<'_>, kind: RecordKind, id: i64) -> AppResult<()> {
        let live: bool = sqlx::query_scalar(AssertSqlSafe(super::live_sql(kind)))
            .bind(id)
            .fetch_one(db)
            .await?;
        if live {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
