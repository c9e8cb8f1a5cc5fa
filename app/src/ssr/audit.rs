//! The audit log's one writer (table `audit_log`, append-only). Server
//! functions call [`record`] for what they do that a trigger cannot see:
//! reading a person, exporting, erasing, administering accounts. Changes
//! to persons are written by the `persons_audit` trigger, whichever path
//! made them, with the actor and address `begin_as` put in the
//! transaction.

use crate::auth::CurrentUser;
use crate::error::AppResult;

/// What an audit row says was done (the table's `action` check).
pub mod action {
    pub const VIEW: &str = "view";
    pub const EXPORT: &str = "export";
    pub const GDPR_EXPORT: &str = "gdpr_export";
    pub const ERASE: &str = "erase";
    pub const INVITE: &str = "invite";
    pub const ROLE: &str = "role";
    pub const DEACTIVATE: &str = "deactivate";
    pub const REACTIVATE: &str = "reactivate";
    pub const SECURITY: &str = "security";
    pub const IMPORT: &str = "import";
    pub const IMPORT_UNDO: &str = "import_undo";
    pub const MERGE: &str = "merge";
    pub const MERGE_UNDO: &str = "merge_undo";
}

/// Appends one row: `user` did `action` to `record` (kind and id, never
/// its content) from this request's address.
pub async fn record<'e, E: sqlx::PgExecutor<'e>>(
    exec: E,
    user: &CurrentUser,
    action: &str,
    record: Option<(&str, i64)>,
    detail: &str,
) -> AppResult<()> {
    let address = crate::auth::client_address().await;
    record_from(exec, user, &address, action, record, detail).await
}

/// [`record`] for plain routes, which know the address themselves
/// (`crate::auth::address_of`).
pub async fn record_from<'e, E: sqlx::PgExecutor<'e>>(
    exec: E,
    user: &CurrentUser,
    address: &str,
    action: &str,
    record: Option<(&str, i64)>,
    detail: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (user_id, user_name, address, action, record_type, record_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, left($7, 2000))",
    )
    .bind(user.id)
    .bind(&user.name)
    .bind(address)
    .bind(action)
    .bind(record.map(|r| r.0))
    .bind(record.map(|r| r.1))
    .bind(detail)
    .execute(exec)
    .await?;
    Ok(())
}
