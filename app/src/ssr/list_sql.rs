//! The server half of `ui::list`: one query shape for every module's list.
//! Only the static pieces of a [`ListSpec`] become SQL text; what the caller
//! sends (search text, sort key, page) is bound or picked from a whitelist.

use crate::error::AppResult;
use crate::ui::list::{ListQuery, Page};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, FromRow, PgPool};

pub struct ListSpec {
    /// `FROM` clause, joins included.
    pub from: &'static str,
    /// Selected columns, matching the row type's `FromRow`.
    pub select: &'static str,
    /// Always-true condition of the module (e.g. not deleted).
    pub filter: &'static str,
    /// A lower-cased text expression the quick search looks into.
    pub search: &'static str,
    /// Sort keys the browser may ask for, and their SQL expressions.
    pub sorts: &'static [(&'static str, &'static str)],
    /// Sort expression used when the key is unknown or absent.
    pub default_sort: &'static str,
    /// Unique column ending every ORDER BY, so pages never overlap.
    pub tiebreak: &'static str,
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped.
pub fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl ListSpec {
    fn order_by(&self, q: &ListQuery) -> String {
        let expr = self
            .sorts
            .iter()
            .find(|(k, _)| *k == q.sort)
            .map(|(_, e)| *e)
            .unwrap_or(self.default_sort);
        let dir = if q.desc {
            "DESC NULLS LAST"
        } else {
            "ASC NULLS LAST"
        };
        format!(
            "{expr} {dir}, {} {}",
            self.tiebreak,
            if q.desc { "DESC" } else { "ASC" }
        )
    }

    pub async fn fetch<T>(&self, pool: &PgPool, q: &ListQuery) -> AppResult<Page<T>>
    where
        T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let pattern = if q.q.trim().is_empty() {
            String::new()
        } else {
            contains_pattern(&q.q)
        };
        let cond = format!("{} AND ($1 = '' OR {} LIKE $1)", self.filter, self.search);
        let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT count(*) FROM {} WHERE {cond}",
            self.from
        )))
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
        let sql = format!(
            "SELECT {} FROM {} WHERE {cond} ORDER BY {} LIMIT $2 OFFSET $3",
            self.select,
            self.from,
            self.order_by(q)
        );
        let rows = sqlx::query_as::<_, T>(AssertSqlSafe(sql))
            .bind(&pattern)
            .bind(i64::from(q.per_page()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
        Ok(Page {
            rows,
            total,
            page: q.page(),
            per_page: q.per_page(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern(" 50%_Off "), "%50\\%\\_off%");
    }

    #[test]
    fn unknown_sort_keys_fall_back() {
        let spec = ListSpec {
            from: "t",
            select: "*",
            filter: "true",
            search: "x",
            sorts: &[("name", "lower(name)")],
            default_sort: "lower(name)",
            tiebreak: "id",
        };
        let q = ListQuery {
            sort: "name; DROP TABLE t".into(),
            desc: true,
            ..Default::default()
        };
        assert_eq!(spec.order_by(&q), "lower(name) DESC NULLS LAST, id DESC");
    }
}
