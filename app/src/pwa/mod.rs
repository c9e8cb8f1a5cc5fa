//! The installable app: which server functions only read (their answers
//! are kept on the device by the service worker, so a page opened before
//! is readable offline), the service worker's registration, and the bar
//! that says when the app is offline.
//!
//! The service worker itself is served by the server (`server/src/pwa`),
//! which writes `READS` into it. A test in the server checks that every
//! server function is in `READS` or in `WRITES`, so a new one cannot be
//! forgotten.

pub mod offline_nav;
mod outbox;
mod outbox_page;
mod status;
pub mod warm;

pub use outbox::{Change, Kept, Outbox, use_outbox};
pub use outbox_page::{OutboxPage, PendingHere};
pub use status::ConnectionBar;
pub use warm::warm_up;

/// The service worker's cache of pages opened or kept ahead (the server
/// writes the name into the worker; the warm-up looks into it).
pub const PAGES_CACHE: &str = "relais-pages";

/// Server functions that change nothing: their answers may be kept on the
/// device and shown offline.
pub const READS: &[&str] = &[
    "/api/account/my_sessions",
    "/api/audit/list",
    "/api/auth/me",
    "/api/calendar/calendars",
    "/api/calendar/events",
    "/api/calendar/now",
    "/api/companies/get",
    "/api/companies/list",
    "/api/companies/search",
    "/api/deals/get",
    "/api/deals/list",
    "/api/deals/pipelines",
    "/api/programmes/list",
    "/api/deals/related",
    "/api/desk/today",
    "/api/documents/get",
    "/api/documents/list",
    "/api/documents/of_record",
    "/api/enrolments/get",
    "/api/enrolments/list",
    "/api/enrolments/related",
    "/api/import/duplicates",
    "/api/import/get",
    "/api/import/list",
    "/api/import/preview",
    "/api/interactions/get",
    "/api/interactions/list",
    "/api/kanban/deals",
    "/api/kanban/more_deals",
    "/api/kanban/more_tasks",
    "/api/kanban/tasks",
    "/api/layouts/get",
    "/api/merge/compare",
    "/api/merge/pairs",
    "/api/merge/suspects",
    "/api/lists/columns",
    "/api/lists/filters",
    "/api/notifications/list",
    "/api/persons/get",
    "/api/persons/list",
    "/api/planning/people",
    "/api/quality/figures",
    "/api/reports/run",
    "/api/reports/saved",
    "/api/planning/range",
    "/api/records/favourites",
    "/api/records/marks",
    "/api/records/recent",
    "/api/records/timeline",
    "/api/search/duplicates",
    "/api/search/global",
    "/api/search/name",
    "/api/search/pick",
    "/api/second_factor/status",
    "/api/settings/my_settings",
    "/api/tags/all",
    "/api/trash/list",
    "/api/users/invitation",
    "/api/users/options",
    "/api/users/team",
];

/// Server functions that change something (or the session): always sent
/// to the server, never answered from the device.
pub const WRITES: &[&str] = &[
    "/api/account/change_password",
    "/api/account/end_sessions",
    "/api/auth/login",
    "/api/auth/login_second_factor",
    "/api/auth/login_form",
    "/api/auth/login_code_form",
    "/api/auth/language_form",
    "/api/auth/logout",
    "/api/auth/request_password_reset",
    "/api/auth/reset_password",
    "/api/auth/forgot_password_form",
    "/api/auth/reset_password_form",
    "/api/auth/update_preferences",
    "/api/calendar/move",
    "/api/companies/delete",
    "/api/companies/save",
    "/api/deals/delete",
    "/api/deals/save",
    "/api/documents/delete",
    "/api/documents/save",
    "/api/enrolments/delete",
    "/api/enrolments/end",
    "/api/enrolments/save",
    "/api/import/cancel",
    "/api/import/start",
    "/api/import/undo",
    "/api/interactions/delete",
    "/api/interactions/save",
    "/api/interactions/status",
    "/api/kanban/move_deal",
    "/api/kanban/move_task",
    "/api/merge/rescan",
    "/api/quality/recount",
    "/api/reports/save",
    "/api/reports/delete",
    "/api/merge/run",
    "/api/merge/undo",
    "/api/layouts/set",
    "/api/lists/delete_filter",
    "/api/lists/save_filter",
    "/api/lists/set_columns",
    "/api/notes/add",
    "/api/notes/delete",
    "/api/notifications/read",
    "/api/notifications/read_all",
    "/api/persons/delete",
    "/api/persons/erase",
    "/api/persons/save",
    "/api/pipelines/move_stage",
    "/api/pipelines/remove_stage",
    "/api/pipelines/save",
    "/api/pipelines/save_stage",
    "/api/planning/move",
    "/api/programmes/archive",
    "/api/programmes/move",
    "/api/programmes/save",
    "/api/records/add_tag",
    "/api/records/edit_field",
    "/api/records/favourite",
    "/api/records/mass",
    "/api/records/remove_tag",
    "/api/second_factor/begin",
    "/api/second_factor/confirm",
    "/api/second_factor/disable",
    "/api/second_factor/recovery_codes",
    "/api/second_factor/require_for_admins",
    "/api/settings/create_feed",
    "/api/settings/revoke_feed",
    "/api/settings/save_profile",
    "/api/settings/save_reminders",
    "/api/settings/share_calendar",
    "/api/trash/restore",
    "/api/trash/undo",
    "/api/users/accept",
    "/api/users/accept_form",
    "/api/users/invite",
    "/api/users/remove_second_factor",
    "/api/users/resend",
    "/api/users/revoke",
    "/api/users/set_active",
    "/api/users/set_role",
];

/// Writes a person may make offline: the service worker keeps them on the
/// device (answering `AppError::Queued`) and sends them, in order, when
/// the connection returns, each with an idempotency key so the server
/// applies it once however often it arrives. Logging a call or creating a
/// task is an interaction save; a task's status changes from its page or
/// its board.
pub const QUEUED: &[&str] = &[
    "/api/interactions/save",
    "/api/interactions/status",
    "/api/kanban/move_task",
    "/api/notes/add",
];

/// Registers the service worker (`/sw.js`, scope `/`). Browsers without
/// service workers, or refusing them (a private window), just run online.
#[cfg(feature = "hydrate")]
pub fn register_service_worker() {
    if let Some(workers) = service_workers() {
        let _ = workers.register("/sw.js");
    }
}

/// `navigator.serviceWorker`, where there is one (it is undefined on plain
/// http other than localhost, and in some private modes).
#[cfg(feature = "hydrate")]
pub(crate) fn service_workers() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    web_sys::js_sys::Reflect::has(&navigator, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_do_not_overlap() {
        for r in READS {
            assert!(!WRITES.contains(r), "{r} is both a read and a write");
        }
        let mut all: Vec<&str> = READS.iter().chain(WRITES).copied().collect();
        all.sort();
        let n = all.len();
        all.dedup();
        assert_eq!(n, all.len(), "a path listed twice");
    }

    #[test]
    fn queued_changes_are_writes() {
        for q in QUEUED {
            assert!(WRITES.contains(q), "{q} is queued but not a write");
        }
    }
}
