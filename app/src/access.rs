//! The access matrix: who may do what to which record.
//!
//! Roles come first (`ssr::guard::require`: anonymous and deactivated
//! callers never reach a function, and admin pages refuse the others).
//! Then each question asked of one record — may see, may change, may
//! reassign, may delete — is **one SQL expression** here, per kind of
//! record, used by every path that asks it: forms, drags on the calendar
//! and the Planning, board moves, lists and exports, search, timelines,
//! notes, tags, favourites, pickers, mass actions. A path that handles one
//! record calls [`ssr::ensure`], which evaluates the very same expressions;
//! a path over many rows puts them in its `WHERE`.
//!
//! | kind | see | change | reassign | delete |
//! |---|---|---|---|---|
//! | company, person, deal, enrolment | everyone | everyone | everyone | owner, creator, manager, admin |
//! | document | who sees its record | who may change its record | as change | as change |
//! | interaction, not private | everyone | owner, creator, attendee; anyone if unassigned; manager, admin | as change | owner, creator, manager, admin |
//! | interaction, private | owner, creator, attendee | owner, creator, attendee | owner, creator | owner, creator |
//!
//! Reports count records rather than show them: a member's figures are
//! their own, a manager or an admin sees everyone's or one user's
//! ([`ssr::figures_owner`]).
//!
//! Making an interaction private, or public again, is for its owner or
//! creator (`Allowed::privacy`): hiding a colleague's meeting from the team,
//! or showing their private one, is not an attendee's or a manager's call.
//!
//! ("everyone" is every active user; a manager or an admin sees a
//! colleague's private interaction as "busy" on calendars, nothing more.)
//! A record one may not see answers "not found", as if it did not exist;
//! one seen but not allowed answers "forbidden". ARCHITECTURE.md holds
//! the same table; `server/tests/it/access.rs` walks every server function
//! × role × record against it.

use serde::{Deserialize, Serialize};

/// A question asked of one record: may the caller see it, change it…
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum May {
    /// Read it, its notes, history and marks; star it; write a note on it.
    See,
    /// Change its fields, its status, its place (drag, board move), its tags.
    Change,
    /// Give it to another owner.
    Reassign,
    /// Move it to the trash.
    Delete,
}

/// What the caller may do to one record, sent with it so that a page
/// offers only what will work (the server asks again on every change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Allowed {
    pub change: bool,
    pub reassign: bool,
    pub delete: bool,
    /// May turn the record private or public (interactions).
    #[serde(default)]
    pub privacy: bool,
}

impl Allowed {
    /// Everything: what a new record's creator may do.
    pub const ALL: Allowed = Allowed {
        change: true,
        reassign: true,
        delete: true,
        privacy: true,
    };

    pub fn may(self, action: May) -> bool {
        match action {
            May::See => true,
            May::Change => self.change,
            May::Reassign => self.reassign,
            May::Delete => self.delete,
        }
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The rules as SQL, and the one check of a single record.

    use super::{Allowed, May};
    use crate::auth::{CurrentUser, Role};
    use crate::error::{AppError, AppResult};
    use crate::records::RecordKind;
    use sqlx::{AssertSqlSafe, PgExecutor};

    /// Who asks, as SQL: the parameter holding their id (`$2`) and whether
    /// their role sees the whole team (manager, admin). The role is a
    /// constant of the statement, never caller text.
    #[derive(Debug, Clone, Copy)]
    pub struct Viewer<'a> {
        pub id: &'a str,
        pub manager: bool,
    }

    impl<'a> Viewer<'a> {
        pub fn new(user: &CurrentUser, id_param: &'a str) -> Self {
            Viewer {
                id: id_param,
                manager: user.role.includes(Role::Manager),
            }
        }
    }

    /// Whose figures a report shows (`crate::reports`): a member's own,
    /// whatever they asked; a manager's or an admin's, the user they chose,
    /// or the whole team (`None`). Every report and its CSV ask this.
    pub fn figures_owner(user: &CurrentUser, asked: Option<i64>) -> Option<i64> {
        if user.role.includes(Role::Manager) {
            asked
        } else {
            Some(user.id)
        }
    }

    /// The interaction aliased `r` is the viewer's: they own it, created it,
    /// or attend it.
    fn interaction_mine(r: &str, v: &str) -> String {
        format!(
            "({r}.owner_id = {v} OR {r}.created_by = {v}
              OR EXISTS (SELECT 1 FROM interaction_attendees va
                         WHERE va.interaction_id = {r}.id AND va.user_id = {v}))"
        )
    }

    /// The document aliased `r` is attached to a record for which `rule`
    /// (SQL of the interaction aliased `pi`) holds: companies, persons and
    /// deals are everyone's, an interaction has its rules. A document is
    /// seen, changed and trashed as its record is seen and changed.
    fn attached_where(r: &str, rule: String) -> String {
        format!(
            "({r}.record_type <> 'interaction'
              OR EXISTS (SELECT 1 FROM interactions pi WHERE pi.id = {r}.record_id AND {rule}))"
        )
    }

    /// May the viewer see the record aliased `r`? Needs only their id, so
    /// that calendars and search can mark what is hidden for anyone.
    pub fn see_sql(kind: RecordKind, r: &str, viewer_id: &str) -> String {
        match kind {
            RecordKind::Interaction => {
                format!("(NOT {r}.private OR {})", interaction_mine(r, viewer_id))
            }
            RecordKind::Document => {
                attached_where(r, see_sql(RecordKind::Interaction, "pi", viewer_id))
            }
            RecordKind::Company | RecordKind::Person | RecordKind::Deal | RecordKind::Enrolment => {
                "true".into()
            }
        }
    }

    /// The condition under which the viewer may do `action` to the record
    /// aliased `r` (it includes seeing it).
    pub fn rule_sql(action: May, kind: RecordKind, r: &str, viewer: Viewer) -> String {
        let v = viewer.id;
        let m = if viewer.manager { "true" } else { "false" };
        let owner_or_creator = format!("({r}.owner_id = {v} OR {r}.created_by = {v})");
        match (kind, action) {
            (_, May::See) => see_sql(kind, r, v),
            (RecordKind::Interaction, May::Change) => {
                let mine = interaction_mine(r, v);
                format!(
                    "({see} AND ({mine} OR {r}.owner_id IS NULL OR {m}))",
                    see = see_sql(kind, r, v)
                )
            }
            (RecordKind::Interaction, May::Reassign) => format!(
                "({change} AND (NOT {r}.private OR {owner_or_creator}))",
                change = rule_sql(May::Change, kind, r, viewer)
            ),
            (RecordKind::Interaction, May::Delete) => format!(
                "({see} AND ({owner_or_creator} OR ({m} AND NOT {r}.private)))",
                see = see_sql(kind, r, v)
            ),
            (RecordKind::Document, _) => attached_where(
                r,
                rule_sql(May::Change, RecordKind::Interaction, "pi", viewer),
            ),
            (_, May::Change | May::Reassign) => "true".into(),
            (_, May::Delete) => format!("({owner_or_creator} OR {m})"),
        }
    }

    /// May the viewer make the record aliased `r` private or public?
    pub fn privacy_sql(kind: RecordKind, r: &str, viewer_id: &str) -> String {
        match kind {
            RecordKind::Interaction => {
                format!("({r}.owner_id = {viewer_id} OR {r}.created_by = {viewer_id})")
            }
            _ => "false".into(),
        }
    }

    /// The statement of [`allowed`]: `$1` the record (live, or in the trash
    /// when `trashed`), `$2` the viewer.
    pub fn allowed_sql(kind: RecordKind, manager: bool, trashed: bool) -> String {
        let viewer = Viewer { id: "$2", manager };
        // coalesce: an unassigned record's `owner_id = $2` is NULL, not false.
        format!(
            "SELECT coalesce({see}, false) AS see, coalesce({change}, false) AS change,
                    coalesce({reassign}, false) AS reassign, coalesce({delete}, false) AS delete,
                    coalesce({privacy}, false) AS privacy
             FROM {table} r WHERE r.id = $1 AND r.deleted_at IS {state}",
            see = see_sql(kind, "r", "$2"),
            change = rule_sql(May::Change, kind, "r", viewer),
            reassign = rule_sql(May::Reassign, kind, "r", viewer),
            delete = rule_sql(May::Delete, kind, "r", viewer),
            privacy = privacy_sql(kind, "r", "$2"),
            table = kind.module(),
            state = if trashed { "NOT NULL" } else { "NULL" },
        )
    }

    async fn load(
        db: impl PgExecutor<'_>,
        user: &CurrentUser,
        kind: RecordKind,
        id: i64,
        trashed: bool,
    ) -> AppResult<Allowed> {
        let manager = user.role.includes(Role::Manager);
        let row: Option<(bool, bool, bool, bool, bool)> =
            sqlx::query_as(AssertSqlSafe(allowed_sql(kind, manager, trashed)))
                .bind(id)
                .bind(user.id)
                .fetch_optional(db)
                .await?;
        match row {
            Some((true, change, reassign, delete, privacy)) => Ok(Allowed {
                change,
                reassign,
                delete,
                privacy,
            }),
            _ => Err(AppError::NotFound),
        }
    }

    /// What `user` may do to record `id` of `kind`. `NotFound` when it does
    /// not exist, is in the trash, or is not theirs to see.
    pub async fn allowed(
        db: impl PgExecutor<'_>,
        user: &CurrentUser,
        kind: RecordKind,
        id: i64,
    ) -> AppResult<Allowed> {
        load(db, user, kind, id, false).await
    }

    /// [`allowed`] of a record in the trash (for taking it out).
    pub async fn allowed_in_trash(
        db: impl PgExecutor<'_>,
        user: &CurrentUser,
        kind: RecordKind,
        id: i64,
    ) -> AppResult<Allowed> {
        load(db, user, kind, id, true).await
    }

    /// [`allowed`], then `Forbidden` unless `action` is.
    pub async fn ensure(
        db: impl PgExecutor<'_>,
        user: &CurrentUser,
        kind: RecordKind,
        id: i64,
        action: May,
    ) -> AppResult<Allowed> {
        let allowed = allowed(db, user, kind, id).await?;
        if allowed.may(action) {
            Ok(allowed)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Of `ids` (records of `kind`), those `user` may do `action` to, in the
    /// order given; the others are left out. For mass actions.
    pub async fn filter_ids(
        db: impl PgExecutor<'_>,
        user: &CurrentUser,
        kind: RecordKind,
        ids: &[i64],
        action: May,
    ) -> AppResult<Vec<i64>> {
        let viewer = Viewer::new(user, "$2");
        let sql = format!(
            "SELECT r.id FROM {table} r
             WHERE r.id = ANY($1) AND r.deleted_at IS NULL AND {rule}
             ORDER BY array_position($1, r.id)",
            table = kind.module(),
            rule = rule_sql(action, kind, "r", viewer),
        );
        Ok(sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(ids)
            .bind(user.id)
            .fetch_all(db)
            .await?)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn private_interactions_are_for_their_people_only() {
            let see = see_sql(RecordKind::Interaction, "i", "$2");
            assert!(
                see.starts_with("(NOT i.private OR (i.owner_id = $2"),
                "{see}"
            );
            assert_eq!(see_sql(RecordKind::Company, "c", "$4"), "true");
            let manager = Viewer {
                id: "$2",
                manager: true,
            };
            let change = rule_sql(May::Change, RecordKind::Interaction, "i", manager);
            assert!(change.contains(&see), "changing needs seeing: {change}");
            assert!(
                change.contains("OR true"),
                "a manager changes the team's: {change}"
            );
            let reassign = rule_sql(May::Reassign, RecordKind::Interaction, "i", manager);
            assert!(reassign.contains("NOT i.private OR (i.owner_id = $2 OR i.created_by = $2)"));
            let member = Viewer {
                id: "$2",
                manager: false,
            };
            assert_eq!(
                rule_sql(May::Delete, RecordKind::Deal, "d", member),
                "((d.owner_id = $2 OR d.created_by = $2) OR false)"
            );
        }
    }
}
