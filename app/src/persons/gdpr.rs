//! What the GDPR asks of a person's record (SPEC §5): everything held on
//! them as one JSON document (`GET /export/persons/{id}.json`, served
//! by the server with [`gdpr_json`]), and erasure ([`erase_person`]). Both
//! are for admins, asked for with a confirmation, and written to the audit
//! log. The export is the one read that ignores the privacy of
//! interactions: the law asks for everything held on the person.

use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::auth::{CurrentUser, Role},
    crate::error::AppError,
    crate::ssr::{
        audit::{self, action},
        guard::require,
        pool, records,
    },
    sqlx::PgPool,
};

/// What an erased person's last name becomes (the name is required).
pub const ERASED_NAME: &str = "—";

/// Everything held on person `id`, as JSON, and the audit row saying
/// `reader` (an admin, checked here) exported it from `address`.
#[cfg(feature = "ssr")]
pub async fn gdpr_json(
    pool: &PgPool,
    reader: &CurrentUser,
    address: &str,
    id: i64,
) -> AppResult<serde_json::Value> {
    if reader.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let doc: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT jsonb_build_object(
            'exported_at', now(),
            'person', to_jsonb(p) - 'search_text' - 'sort_name'
                || jsonb_build_object('owner', (SELECT name FROM users WHERE id = p.owner_id)),
            'jobs', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'company_id', c.id, 'company', c.name, 'job_title', pc.job_title,
                        'start_date', pc.start_date, 'end_date', pc.end_date) ORDER BY pc.start_date, pc.id)
                      FROM person_companies pc JOIN companies c ON c.id = pc.company_id
                      WHERE pc.person_id = p.id), '[]'),
            'notes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'id', n.id, 'body', n.body, 'author', u.name, 'created_at', n.created_at,
                        'deleted_at', n.deleted_at) ORDER BY n.created_at, n.id)
                      FROM notes n JOIN note_links l ON l.note_id = n.id
                      LEFT JOIN users u ON u.id = n.author_id
                      WHERE l.record_type = 'person' AND l.record_id = p.id), '[]'),
            'interactions', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'id', i.id, 'kind', i.kind, 'subject', i.subject, 'description', i.description,
                        'status', i.status, 'starts_at', i.starts_at, 'ends_at', i.ends_at,
                        'location', i.location, 'private', i.private,
                        'owner', (SELECT name FROM users WHERE id = i.owner_id),
                        'deleted_at', i.deleted_at) ORDER BY i.starts_at, i.id)
                      FROM interactions i
                      WHERE i.id IN (SELECT interaction_id FROM interaction_links
                                     WHERE record_type = 'person' AND record_id = p.id
                                     UNION
                                     SELECT interaction_id FROM interaction_attendees WHERE person_id = p.id)), '[]'),
            'deals', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'id', d.id, 'name', d.name, 'status', d.status, 'amount', d.amount) ORDER BY d.id)
                      FROM deals d WHERE d.person_id = p.id), '[]'),
            'tags', coalesce((SELECT jsonb_agg(t.name ORDER BY t.name)
                      FROM record_tags rt JOIN tags t ON t.id = rt.tag_id
                      WHERE rt.record_type = 'person' AND rt.record_id = p.id), '[]'),
            'history', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'at', h.changed_at, 'by', u.name, 'action', h.action, 'changes', h.changes)
                        ORDER BY h.changed_at, h.id)
                      FROM record_changes h LEFT JOIN users u ON u.id = h.user_id
                      WHERE h.record_type = 'person' AND h.record_id = p.id), '[]'),
            'consent', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'at', cc.changed_at, 'consent', cc.consent, 'date', cc.consent_date,
                        'method', cc.method, 'by', u.name) ORDER BY cc.changed_at, cc.id)
                      FROM consent_changes cc LEFT JOIN users u ON u.id = cc.changed_by
                      WHERE cc.person_id = p.id), '[]'))
         FROM persons p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let doc = doc.ok_or(AppError::NotFound)?;
    audit::record_from(
        pool,
        reader,
        address,
        action::GDPR_EXPORT,
        Some(("person", id)),
        "",
    )
    .await?;
    Ok(doc)
}

/// Erases a person (admins): every personal field emptied, the notes
/// attached to them deleted, their history kept with its values cleared;
/// the record stays, so interactions, deals and counts that point at it
/// keep their numbers. Cannot be undone; erasing twice changes nothing.
#[server(prefix = "/api/persons", endpoint = "erase", input = server_fn::codec::Json)]
pub async fn erase_person(id: i64) -> AppResult<()> {
    let user = require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    let erased: Option<Option<chrono::DateTime<chrono::Utc>>> =
        sqlx::query_scalar("SELECT erased_at FROM persons WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    match erased {
        None => return Err(AppError::NotFound),
        Some(Some(_)) => return Ok(()),
        Some(None) => {}
    }
    sqlx::query(
        "DELETE FROM notes WHERE id IN
            (SELECT note_id FROM note_links WHERE record_type = 'person' AND record_id = $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE person_companies SET job_title = NULL WHERE person_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE persons SET civility = NULL, first_name = NULL, last_name = $2, job_title = NULL,
                email = NULL, email2 = NULL, phone = NULL, mobile = NULL, street = NULL, line2 = NULL,
                postal_code = NULL, city = NULL, country = NULL, birthday = NULL,
                preferred_language = NULL, source = NULL, marketing_consent = FALSE,
                consent_date = NULL, consent_method = NULL, erased_at = now(),
                updated_at = now(), updated_by = $3, version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(ERASED_NAME)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    // The history keeps what happened and when, not the values (the
    // erasure's own row, written by the trigger just now, included).
    sqlx::query(
        "UPDATE record_changes
         SET changes = (SELECT coalesce(jsonb_object_agg(key, '[null, null]'::jsonb), '{}')
                        FROM jsonb_each(changes))
         WHERE record_type = 'person' AND record_id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE consent_changes SET method = NULL WHERE person_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, &user, action::ERASE, Some(("person", id)), "").await?;
    tx.commit().await?;
    tracing::info!(person_id = id, "person erased");
    Ok(())
}
