//! The access matrix (`app::access`, ARCHITECTURE.md "Access"), walked
//! through the real router: **every registered server function × every
//! role** (anonymous, member, manager, admin, deactivated) **× every state
//! of the record it touches** (the caller's own, a colleague's, a
//! colleague's private one, a colleague's private one the caller attends).
//!
//! Each function names the rule it follows in `probes()`; the expected
//! answer of each rule is written here, independently of the code under
//! test (`expected`). A registered function with no probe fails the test:
//! a new function must say which rule it follows.

use crate::common::TestApp;
use app::interactions::InteractionInput;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Member,
    Manager,
    Admin,
    Deactivated,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Member,
    Who::Manager,
    Who::Admin,
    Who::Deactivated,
];

/// The record a probe touches, relative to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// Owned and created by the caller.
    Own,
    /// A colleague's (owned and created by them), not private.
    Colleague,
    /// A colleague's private interaction.
    Private,
    /// A colleague's private interaction the caller attends.
    Attending,
    /// An interaction nobody is assigned, created by a colleague (a task
    /// "to plan").
    Unassigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Interaction,
    Company,
    Person,
    Deal,
    Enrolment,
    /// A document attached to an interaction: its rules are the
    /// interaction's.
    Document,
}

impl Kind {
    fn cases(self) -> &'static [Case] {
        match self {
            Kind::Interaction | Kind::Document => &[
                Case::Own,
                Case::Colleague,
                Case::Private,
                Case::Attending,
                Case::Unassigned,
            ],
            _ => &[Case::Own, Case::Colleague],
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Interaction => "interaction",
            Kind::Company => "company",
            Kind::Person => "person",
            Kind::Deal => "deal",
            Kind::Enrolment => "enrolment",
            Kind::Document => "document",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    See,
    Change,
    Reassign,
    Delete,
}

/// Which rule a function follows.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// The login flow: open to anonymous callers.
    Public,
    /// Any active user (answers about themselves or shared settings).
    Anyone,
    /// Admins only.
    Admin,
    /// Admins only, on a record of `Kind` (GDPR erasure).
    AdminOn(Kind),
    /// An action on the record of `Kind`.
    Record(Kind, Act),
    /// Deleting a note: its author or an admin, on a record they may see.
    NoteAuthorOrAdmin,
    /// Managers and admins.
    Managers,
    /// An import: its author if a manager, and admins.
    Import,
}

/// How the answer is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judge {
    /// By its status alone.
    Status,
    /// A listing of the caller's own or shared things (search, calendar,
    /// the Desk…): 200, and the record's unique text appears only if the
    /// caller may see it — and always for the caller's own.
    Listing,
    /// A listing of everything the caller may see (a module's list, a
    /// picker, a board filtered on its owner): the record appears if and
    /// only if the caller may see it.
    Shows,
    /// A mass action: 200, one record changed if allowed, else one refused.
    Mass,
    /// Past the access check, the function's own checks answer: for the
    /// allowed, a per-field refusal (422). For probes that must not act
    /// (changing the walk's own password would end its sessions).
    Checks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Ok,
    Unauthorized,
    Forbidden,
    NotFound,
    /// Anything but "log in first" (the public functions).
    NotRefused,
}

/// The matrix.
fn expected(rule: Rule, who: Who, case: Case) -> Answer {
    use Answer::*;
    let manager = matches!(who, Who::Manager | Who::Admin);
    match (rule, who) {
        (Rule::Public, _) => NotRefused,
        (_, Who::Anonymous | Who::Deactivated) => Unauthorized,
        (Rule::Anyone, _) => Ok,
        (Rule::Managers, _) if manager => Ok,
        (Rule::Managers, _) => Forbidden,
        (Rule::Import, Who::Admin) => Ok,
        (Rule::Import, Who::Manager) if case == Case::Own => Ok,
        (Rule::Import, _) => Forbidden,
        (Rule::Admin | Rule::AdminOn(_), Who::Admin) => Ok,
        (Rule::Admin | Rule::AdminOn(_), _) => Forbidden,
        (Rule::NoteAuthorOrAdmin, _) => match case {
            Case::Private => NotFound,
            Case::Own => Ok,
            _ if who == Who::Admin => Ok,
            _ => Forbidden,
        },
        // A document is seen as its interaction is, and changed, renamed
        // or trashed as the interaction is changed.
        (Rule::Record(Kind::Document, act), _) => {
            let act = if act == Act::See {
                Act::See
            } else {
                Act::Change
            };
            expected(Rule::Record(Kind::Interaction, act), who, case)
        }
        (Rule::Record(Kind::Interaction, act), _) if case == Case::Unassigned => match act {
            // Anyone may see, change or take a task nobody has; deleting
            // it is its creator's or a manager's.
            Act::See | Act::Change | Act::Reassign => Ok,
            Act::Delete if manager => Ok,
            Act::Delete => Forbidden,
        },
        (Rule::Record(Kind::Interaction, act), _) => match (case, act) {
            (Case::Own, _) => Ok,
            (Case::Private, _) => NotFound,
            (Case::Colleague, Act::See) => Ok,
            (Case::Colleague, _) if manager => Ok,
            (Case::Colleague, _) => Forbidden,
            (Case::Attending, Act::See | Act::Change) => Ok,
            (Case::Attending, Act::Reassign | Act::Delete) => Forbidden,
            (Case::Unassigned, _) => unreachable!("matched above"),
        },
        (Rule::Record(_, act), _) => match (case, act) {
            (_, Act::See | Act::Change | Act::Reassign) => Ok,
            (Case::Own, Act::Delete) => Ok,
            (_, Act::Delete) if manager => Ok,
            _ => Forbidden,
        },
    }
}

/// The users of one walk.
struct People {
    member: (i64, String),
    manager: (i64, String),
    admin: (i64, String),
    deactivated: (i64, String),
    colleague: i64,
}

impl People {
    fn actor(&self, who: Who) -> Option<&(i64, String)> {
        match who {
            Who::Anonymous => None,
            Who::Member => Some(&self.member),
            Who::Manager => Some(&self.manager),
            Who::Admin => Some(&self.admin),
            Who::Deactivated => Some(&self.deactivated),
        }
    }
}

/// One record made for one call, and what probes need around it.
struct Fx {
    id: i64,
    version: i32,
    /// Unique text of the record (subject or name), looked for in listings.
    text: String,
    /// The record's owner.
    owner: i64,
    private: bool,
    /// The other user of the pair (the colleague, or the caller).
    other: i64,
    /// A note on it, written by its owner.
    note: i64,
    /// A tag on it.
    tag: i64,
    /// The deals' pipeline's first stage (the deal's), another one, and a
    /// stage to move or remove.
    first_stage: i64,
    stage: i64,
    spare_stage: i64,
    pipeline: i64,
    /// An entry of the programmes catalogue.
    programme: i64,
    /// For an enrolment: the person enrolled (`owner`'s).
    enrolled: i64,
    /// A company in the trash, a saved filter of the caller's.
    trashed: i64,
    /// An interaction like this one (same owner, privacy, attendee) that the
    /// caller moved to the trash a moment ago.
    just_deleted: i64,
    filter: i64,
    /// A saved report of the caller's.
    saved_report: i64,
    /// The day after today, in the users' zone.
    day: NaiveDate,
    /// An open invitation.
    invitation: i64,
    /// An import of `owner`'s being checked (one column, one row), and a
    /// finished one.
    import: i64,
    import_done: i64,
    /// For a company: a merge into it of a company of `owner`'s (now in
    /// the trash), not undone.
    merge: i64,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

async fn make(pool: &PgPool, kind: Kind, case: Case, actor: i64, colleague: i64) -> Fx {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let text = format!("probe{n}zq");
    let (owner, other) = match case {
        Case::Own => (actor, colleague),
        _ => (colleague, actor),
    };
    // The interaction's owner: nobody for an unassigned one (its creator
    // is then `owner`, the colleague).
    let assigned = (case != Case::Unassigned).then_some(owner);
    let private = matches!(case, Case::Private | Case::Attending);
    let day = (Utc::now() + Duration::days(1)).date_naive();
    // Each new one a second sooner: lists of what is due soonest (the
    // Desk's tasks) show the newest first.
    let at = day.and_hms_opt(9, 0, 0).unwrap().and_utc() - Duration::seconds(n as i64);
    let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let (pipeline, first_stage, stage, spare_stage): (i64, i64, i64, i64) = {
        let p = q("SELECT id FROM pipelines WHERE name = 'Sales'")
            .fetch_one(pool)
            .await
            .unwrap();
        let stages: Vec<i64> =
            q("SELECT id FROM pipeline_stages WHERE pipeline_id = $1 ORDER BY position")
                .bind(p)
                .fetch_all(pool)
                .await
                .unwrap();
        let spare = q("INSERT INTO pipeline_stages (pipeline_id, name, position) VALUES ($1, $2, 99) RETURNING id")
            .bind(p)
            .bind(format!("spare {n}"))
            .fetch_one(pool)
            .await
            .unwrap();
        (p, stages[0], stages[1], spare)
    };
    let programme = q(
        "INSERT INTO programmes (name, kind, position) VALUES ($1, 'programme', $2) RETURNING id",
    )
    .bind(format!("programme {n}"))
    .bind(n as i32)
    .fetch_one(pool)
    .await
    .unwrap();
    let id = match kind {
        Kind::Interaction | Kind::Document => {
            // A document's interaction is a call of last year: out of the
            // boards, calendars and Desk that list the fixtures' tasks.
            let (sql, at) = if kind == Kind::Document {
                (
                    "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, priority, private,
                                               owner_id, created_by, updated_by)
                     VALUES ('call', $1, 'held', $2, $2, NULL, $3, $4, $5, $5) RETURNING id",
                    at - Duration::days(400),
                )
            } else {
                (
                    "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, priority, private,
                                               owner_id, created_by, updated_by)
                     VALUES ('task', $1, 'not_started', $2, $2, 'medium', $3, $4, $5, $5) RETURNING id",
                    at,
                )
            };
            let id = q(sql)
                .bind(format!("{}{text}", if kind == Kind::Document { "call of " } else { "" }))
                .bind(at)
                .bind(private)
                .bind(assigned)
                .bind(owner)
                .fetch_one(pool)
                .await
                .unwrap();
            if case == Case::Attending {
                sqlx::query("INSERT INTO interaction_attendees (interaction_id, user_id, starts_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(actor)
                    .bind(at)
                    .execute(pool)
                    .await
                    .unwrap();
            }
            id
        }
        Kind::Company => q("INSERT INTO companies (name, owner_id, created_by, updated_by) VALUES ($1, $2, $2, $2) RETURNING id")
            .bind(&text)
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap(),
        Kind::Person => q("INSERT INTO persons (last_name, owner_id, created_by, updated_by) VALUES ($1, $2, $2, $2) RETURNING id")
            .bind(&text)
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap(),
        Kind::Deal => q("INSERT INTO deals (name, pipeline_id, stage_id, amount, owner_id, created_by, updated_by)
                         VALUES ($1, $2, $3, 1000, $4, $4, $4) RETURNING id")
            .bind(&text)
            .bind(pipeline)
            .bind(first_stage)
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap(),
        Kind::Enrolment => {
            let person = q("INSERT INTO persons (last_name, owner_id, created_by, updated_by) VALUES ($1, $2, $2, $2) RETURNING id")
                .bind(format!("enrolled {n}"))
                .bind(owner)
                .fetch_one(pool)
                .await
                .unwrap();
            q("INSERT INTO enrolments (programme_id, person_id, identifier, status, owner_id, created_by, updated_by)
               VALUES ($1, $2, $3, 'active', $4, $4, $4) RETURNING id")
                .bind(programme)
                .bind(person)
                .bind(&text)
                .bind(owner)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    };
    // A document on that interaction, owned as it is.
    let id = if kind == Kind::Document {
        q("INSERT INTO documents (record_type, record_id, title, file_name, content_type, size,
                                  owner_id, created_by, updated_by)
           VALUES ('interaction', $1, $2, 'cv.pdf', 'application/pdf', 100, $3, $4, $4) RETURNING id")
            .bind(id)
            .bind(&text)
            .bind(assigned)
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap()
    } else {
        id
    };
    let enrolled = if kind == Kind::Enrolment {
        q("SELECT person_id FROM enrolments WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    } else {
        0
    };
    let note = q("INSERT INTO notes (body, pinned, author_id) VALUES ($1, false, $2) RETURNING id")
        .bind(format!("note of {text}"))
        .bind(owner)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO note_links (note_id, record_type, record_id) VALUES ($1, $2, $3)")
        .bind(note)
        .bind(kind.name())
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    let tag = q("INSERT INTO tags (name) VALUES ($1) RETURNING id")
        .bind(format!("tag{n}"))
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO record_tags (tag_id, record_type, record_id) VALUES ($1, $2, $3)")
        .bind(tag)
        .bind(kind.name())
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    // The caller starred and opened it once (when it was theirs to see, or
    // not): their lists must still never show what they may not see.
    for table in ["favourites", "recent_views"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (user_id, record_type, record_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )))
        .bind(actor)
        .bind(kind.name())
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    }
    let just_deleted = q("INSERT INTO interactions (kind, subject, status, starts_at, ends_at, private, owner_id,
                                                    created_by, updated_by, deleted_at)
                          VALUES ('task', $1, 'not_started', $2, $2, $3, $4, $5, $6, now()) RETURNING id")
        .bind(format!("deleted {text}"))
        .bind(at)
        .bind(private)
        .bind(assigned)
        .bind(owner)
        .bind(actor)
        .fetch_one(pool)
        .await
        .unwrap();
    if case == Case::Attending {
        sqlx::query("INSERT INTO interaction_attendees (interaction_id, user_id, starts_at) VALUES ($1, $2, $3)")
            .bind(just_deleted)
            .bind(actor)
            .bind(at)
            .execute(pool)
            .await
            .unwrap();
    }
    let trashed = q("INSERT INTO companies (name, owner_id, created_by, deleted_at) VALUES ($1, $2, $2, now()) RETURNING id")
        .bind(format!("trashed {n}"))
        .bind(actor)
        .fetch_one(pool)
        .await
        .unwrap();
    let filter = q("INSERT INTO saved_filters (user_id, module, name, query) VALUES ($1, 'companies', $2, '{}') RETURNING id")
        .bind(actor)
        .bind(format!("filter {n}"))
        .fetch_one(pool)
        .await
        .unwrap();
    let saved_report = q("INSERT INTO saved_reports (user_id, report, name, query) VALUES ($1, 'sales', $2, 'period=ytd') RETURNING id")
        .bind(actor)
        .bind(format!("report {n}"))
        .fetch_one(pool)
        .await
        .unwrap();
    let invitation = q(
        "INSERT INTO invitations (email, role, locale, token_hash, expires_at)
                        VALUES ($1, 'member', 'en', $1, now() + interval '1 day') RETURNING id",
    )
    .bind(format!("{text}@invited.test"))
    .fetch_one(pool)
    .await
    .unwrap();
    let mut imports = Vec::new();
    for status in ["draft", "done"] {
        let import = q("INSERT INTO imports (record_type, file_name, file_size, encoding, delimiter, headers, mapping,
                                             status, total_rows, created_by, finished_at)
                        VALUES ('person', 'probe.csv', 14, 'utf-8', ',', '{Nom}', '{last_name}', $1, 1, $2, now())
                        RETURNING id")
            .bind(status)
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, 0, $2)")
            .bind(import)
            .bind(format!("Nom\n{text}\n").into_bytes())
            .execute(pool)
            .await
            .unwrap();
        imports.push(import);
    }
    let merge = if kind == Kind::Company {
        let merged = q("INSERT INTO companies (name, owner_id, created_by, deleted_at) VALUES ($1, $2, $2, now()) RETURNING id")
            .bind(format!("merged {n}"))
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap();
        q("INSERT INTO merges (record_type, kept_id, merged_ids, kept_before, kept_after, moved, dropped, merged_by)
           VALUES ('company', $1, ARRAY[$2], '{}', '{}', '{}', '{}', $3) RETURNING id")
        .bind(id)
        .bind(merged)
        .bind(owner)
        .fetch_one(pool)
        .await
        .unwrap()
    } else {
        0
    };
    Fx {
        merge,
        import: imports[0],
        import_done: imports[1],
        invitation,
        id,
        version: 1,
        text,
        owner,
        private,
        other,
        note,
        tag,
        stage,
        first_stage,
        spare_stage,
        pipeline,
        programme,
        enrolled,
        trashed,
        just_deleted,
        filter,
        saved_report,
        day,
    }
}

type Body = fn(&Fx) -> Value;

struct Probe {
    path: &'static str,
    rule: Rule,
    judge: Judge,
    body: Body,
}

fn task_input(f: &Fx, owner: i64) -> Value {
    let input = InteractionInput {
        kind: "task".into(),
        subject: format!("{} changed", f.text),
        status: "in_progress".into(),
        start: format!("{}T10:00", f.day),
        priority: "high".into(),
        owner_id: Some(owner),
        private: f.private,
        ..Default::default()
    };
    serde_json::to_value(input).unwrap()
}

fn probes() -> Vec<Probe> {
    use Act::*;
    use Judge::*;
    use Kind::*;
    use Rule::*;
    fn p(path: &'static str, rule: Rule, judge: Judge, body: Body) -> Probe {
        Probe {
            path,
            rule,
            judge,
            body,
        }
    }
    let empty: Body = |_| json!({});
    vec![
        // Accounts
        p(
            "/api/auth/login",
            Public,
            Status,
            |_| json!({"email": "nobody@relais.test", "password": "not the password", "locale": "en"}),
        ),
        p(
            "/api/auth/login_second_factor",
            Public,
            Status,
            |_| json!({"code": "123456"}),
        ),
        // The login page's forms (a form body; probed with JSON, which
        // they refuse as arguments: still not "log in first").
        p(
            "/api/auth/login_form",
            Public,
            Status,
            |_| json!({"email": "nobody@relais.test", "password": "not the password", "locale": "en"}),
        ),
        p(
            "/api/auth/login_code_form",
            Public,
            Status,
            |_| json!({"code": "123456"}),
        ),
        p(
            "/api/auth/language_form",
            Public,
            Status,
            |_| json!({"locale": "fr"}),
        ),
        p("/api/auth/logout", Public, Status, empty),
        p(
            "/api/auth/request_password_reset",
            Public,
            Status,
            |_| json!({"email": "nobody@relais.test"}),
        ),
        p(
            "/api/auth/reset_password",
            Public,
            Status,
            |_| json!({"token": "0000", "password": "a brand new password"}),
        ),
        // The password pages' forms (a form body, like the login page's).
        p(
            "/api/auth/forgot_password_form",
            Public,
            Status,
            |_| json!({"email": "nobody@relais.test"}),
        ),
        p(
            "/api/auth/reset_password_form",
            Public,
            Status,
            |_| json!({"token": "0000", "password": "a brand new password", "confirm": "a brand new password"}),
        ),
        p("/api/auth/me", Anyone, Status, empty),
        p(
            "/api/account/change_password",
            Anyone,
            Checks,
            |_| json!({"current": "not it", "password": "short", "confirm": "short"}),
        ),
        p("/api/account/my_sessions", Anyone, Status, empty),
        p(
            "/api/account/end_sessions",
            Anyone,
            Status,
            |_| json!({"handle": "no-such-session"}),
        ),
        p(
            "/api/auth/update_preferences",
            Anyone,
            Status,
            |_| json!({"locale": "", "theme": "", "density": ""}),
        ),
        p("/api/users/options", Anyone, Status, empty),
        // The second factor: mine, and the organisation's setting. Probes
        // that would act stop at their own checks (no code, no password;
        // the walk's admin has no second factor to require of others).
        p("/api/second_factor/status", Anyone, Status, empty),
        p("/api/second_factor/begin", Anyone, Status, empty),
        p(
            "/api/second_factor/confirm",
            Anyone,
            Checks,
            |_| json!({"code": "", "current_password": ""}),
        ),
        p(
            "/api/second_factor/disable",
            Anyone,
            Checks,
            |_| json!({"current_password": ""}),
        ),
        p(
            "/api/second_factor/recovery_codes",
            Anyone,
            Checks,
            |_| json!({"current_password": ""}),
        ),
        p(
            "/api/second_factor/require_for_admins",
            Admin,
            Checks,
            |_| json!({"on": true}),
        ),
        // Companies, persons, deals
        p(
            "/api/companies/list",
            Record(Company, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/companies/search",
            Record(Company, See),
            Shows,
            |f| json!({"q": f.text}),
        ),
        p(
            "/api/companies/get",
            Record(Company, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p(
            "/api/companies/save",
            Record(Company, Change),
            Status,
            |f| {
                let input = app::companies::CompanyInput {
                    name: format!("{} changed", f.text),
                    ..Default::default()
                };
                json!({"id": f.id, "version": f.version, "input": input})
            },
        ),
        p(
            "/api/companies/delete",
            Record(Company, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version}),
        ),
        p(
            "/api/persons/list",
            Record(Person, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/persons/get",
            Record(Person, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p("/api/persons/save", Record(Person, Reassign), Status, |f| {
            let input = app::persons::PersonInput {
                last_name: format!("{} changed", f.text),
                owner_id: Some(f.other),
                ..Default::default()
            };
            json!({"id": f.id, "version": f.version, "input": input})
        }),
        p(
            "/api/persons/delete",
            Record(Person, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version}),
        ),
        p(
            "/api/deals/list",
            Record(Deal, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/deals/pipelines",
            Anyone,
            Status,
            |_| json!({"include_inactive": false}),
        ),
        p(
            "/api/deals/get",
            Record(Deal, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p("/api/deals/save", Record(Deal, Change), Status, |f| {
            let input = app::deals::DealInput {
                name: format!("{} changed", f.text),
                pipeline_id: Some(f.pipeline),
                stage_id: Some(f.stage),
                status: "open".into(),
                owner_id: Some(f.owner),
                ..Default::default()
            };
            json!({"id": f.id, "version": f.version, "input": input})
        }),
        p(
            "/api/deals/delete",
            Record(Deal, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version}),
        ),
        p(
            "/api/deals/related",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id}),
        ),
        p(
            "/api/pipelines/save",
            Admin,
            Status,
            |f| json!({"id": f.pipeline, "name": "Sales", "active": true}),
        ),
        p(
            "/api/pipelines/save_stage",
            Admin,
            Status,
            |f| json!({"id": null, "pipeline_id": f.pipeline, "name": format!("new {}", f.text), "probability": 10}),
        ),
        p(
            "/api/pipelines/move_stage",
            Admin,
            Status,
            |f| json!({"id": f.spare_stage, "up": true}),
        ),
        p(
            "/api/pipelines/remove_stage",
            Admin,
            Status,
            |f| json!({"id": f.spare_stage}),
        ),
        // The programmes catalogue
        p(
            "/api/programmes/list",
            Anyone,
            Status,
            |_| json!({"archived": false}),
        ),
        p("/api/programmes/save", Admin, Status, |f| {
            let input = app::programmes::ProgrammeInput {
                name: format!("programme {}", f.text),
                kind: "service".into(),
                description: String::new(),
                active: true,
            };
            json!({"id": f.programme, "input": input})
        }),
        p(
            "/api/programmes/move",
            Admin,
            Status,
            |f| json!({"id": f.programme, "up": true}),
        ),
        p(
            "/api/programmes/archive",
            Admin,
            Status,
            |f| json!({"id": f.programme, "archived": true}),
        ),
        // Enrolments
        p(
            "/api/enrolments/list",
            Record(Enrolment, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/enrolments/get",
            Record(Enrolment, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p(
            "/api/enrolments/save",
            Record(Enrolment, Change),
            Status,
            |f| {
                let input = app::programmes::enrolments::EnrolmentInput {
                    programme_id: Some(f.programme),
                    person_id: Some(f.enrolled),
                    identifier: format!("{}-2", f.text),
                    status: "active".into(),
                    owner_id: Some(f.owner),
                    ..Default::default()
                };
                json!({"id": f.id, "version": f.version, "input": input})
            },
        ),
        p(
            "/api/enrolments/end",
            Record(Enrolment, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "status": "completed"}),
        ),
        p(
            "/api/enrolments/delete",
            Record(Enrolment, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version}),
        ),
        p(
            "/api/enrolments/related",
            Record(Person, See),
            Status,
            |f| json!({"kind": "person", "id": f.id}),
        ),
        // Documents
        p(
            "/api/documents/list",
            Record(Document, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/documents/of_record",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id}),
        ),
        p(
            "/api/documents/get",
            Record(Document, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p(
            "/api/documents/save",
            Record(Document, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "input": {"title": format!("{} renamed", f.text), "doc_type": "cv"}}),
        ),
        p(
            "/api/documents/delete",
            Record(Document, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version}),
        ),
        // Imports
        p("/api/import/list", Managers, Status, empty),
        p(
            "/api/import/get",
            Import,
            Status,
            |f| json!({"id": f.import}),
        ),
        p(
            "/api/import/preview",
            Import,
            Status,
            |f| json!({"id": f.import, "mapping": ["last_name"]}),
        ),
        p(
            "/api/import/duplicates",
            Import,
            Status,
            |f| json!({"id": f.import, "mapping": ["last_name"]}),
        ),
        p(
            "/api/import/start",
            Import,
            Checks,
            |f| json!({"id": f.import, "mapping": ["no_such_field"], "on_duplicate": "fill"}),
        ),
        p(
            "/api/import/cancel",
            Import,
            Status,
            |f| json!({"id": f.import}),
        ),
        p(
            "/api/import/undo",
            Import,
            Status,
            |f| json!({"id": f.import_done}),
        ),
        // Duplicates and merges
        p(
            "/api/merge/compare",
            Record(Kind::Company, Act::See),
            Status,
            |f| json!({"kind": "company", "ids": [f.id]}),
        ),
        p(
            "/api/merge/suspects",
            Record(Kind::Company, Act::See),
            Status,
            |f| json!({"kind": "company", "id": f.id}),
        ),
        // Past the rule (changing the kept one, deleting the others), the
        // same record on both sides is refused field by field.
        p(
            "/api/merge/run",
            Record(Kind::Company, Act::Delete),
            Checks,
            |f| {
                json!({"kind": "company", "keep": f.id, "merged": [f.id],
                       "versions": [[f.id, f.version]], "choices": []})
            },
        ),
        p(
            "/api/merge/undo",
            Record(Kind::Company, Act::Delete),
            Status,
            |f| json!({"id": f.merge}),
        ),
        p(
            "/api/merge/pairs",
            Anyone,
            Status,
            |_| json!({"kind": "person"}),
        ),
        p(
            "/api/merge/rescan",
            Managers,
            Status,
            |_| json!({"kind": "person"}),
        ),
        // Data quality
        p("/api/quality/figures", Anyone, Status, |_| json!({})),
        p("/api/quality/recount", Managers, Status, |_| json!({})),
        // Reports: anyone may run one (a member's figures are their own:
        // `reports` checks the figures), keep one, delete their own.
        p(
            "/api/reports/run",
            Anyone,
            Status,
            |_| json!({"kind": "sales", "query": {"compare": 4}}),
        ),
        p("/api/reports/saved", Anyone, Status, empty),
        p(
            "/api/reports/save",
            Anyone,
            Checks,
            |_| json!({"kind": "sales", "name": "", "shared": false, "query": {}}),
        ),
        p(
            "/api/reports/delete",
            Anyone,
            Status,
            |f| json!({"id": f.saved_report}),
        ),
        // The team, the audit log, GDPR
        p("/api/users/team", Admin, Status, |_| json!({"filter": {}})),
        p(
            "/api/users/invite",
            Admin,
            Checks,
            |_| json!({"email": "not an address", "role": "member", "locale": "en"}),
        ),
        p(
            "/api/users/resend",
            Admin,
            Status,
            |f| json!({"id": f.invitation}),
        ),
        p(
            "/api/users/revoke",
            Admin,
            Status,
            |f| json!({"id": f.invitation}),
        ),
        p(
            "/api/users/set_role",
            Admin,
            Status,
            |f| json!({"user_id": f.other, "role": "member"}),
        ),
        p(
            "/api/users/set_active",
            Admin,
            Status,
            |f| json!({"user_id": f.other, "active": true}),
        ),
        p(
            "/api/users/remove_second_factor",
            Admin,
            Status,
            |f| json!({"user_id": f.other}),
        ),
        p(
            "/api/users/invitation",
            Public,
            Status,
            |_| json!({"token": "0000"}),
        ),
        p(
            "/api/users/accept",
            Public,
            Status,
            |_| json!({"token": "0000", "name": "Nobody", "password": "a long password", "confirm": "a long password"}),
        ),
        p(
            "/api/users/accept_form",
            Public,
            Status,
            |_| json!({"token": "0000", "name": "Nobody", "password": "a long password", "confirm": "a long password"}),
        ),
        p(
            "/api/audit/list",
            Admin,
            Status,
            |_| json!({"filter": {}, "before": null}),
        ),
        p(
            "/api/persons/erase",
            AdminOn(Person),
            Status,
            |f| json!({"id": f.id}),
        ),
        // Interactions
        p(
            "/api/interactions/list",
            Record(Interaction, See),
            Shows,
            |f| json!({"query": {"q": f.text}}),
        ),
        p(
            "/api/interactions/get",
            Record(Interaction, See),
            Status,
            |f| json!({"id": f.id}),
        ),
        p(
            "/api/interactions/save",
            Record(Interaction, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "input": task_input(f, f.owner), "scope": "one"}),
        ),
        p(
            "/api/interactions/save",
            Record(Interaction, Reassign),
            Status,
            |f| json!({"id": f.id, "version": f.version, "input": task_input(f, f.other), "scope": "one"}),
        ),
        p(
            "/api/interactions/status",
            Record(Interaction, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "status": "pending"}),
        ),
        p(
            "/api/interactions/delete",
            Record(Interaction, Delete),
            Status,
            |f| json!({"id": f.id, "version": f.version, "scope": "one"}),
        ),
        // Calendar, Planning, boards, Desk
        p("/api/calendar/calendars", Anyone, Status, empty),
        p("/api/calendar/now", Anyone, Status, empty),
        p(
            "/api/calendar/events",
            Record(Interaction, See),
            Listing,
            |f| json!({"from": f.day - Duration::days(1), "to": f.day + Duration::days(2), "users": [f.owner]}),
        ),
        p(
            "/api/calendar/move",
            Record(Interaction, Change),
            Status,
            |f| {
                let at = format!("{}T15:00:00", f.day);
                json!({"id": f.id, "version": f.version, "start": at, "end": at, "scope": "one"})
            },
        ),
        p("/api/planning/people", Anyone, Status, empty),
        p(
            "/api/planning/range",
            Record(Interaction, See),
            Listing,
            |f| json!({"from": f.day - Duration::days(1), "to": f.day + Duration::days(6), "users": [f.owner]}),
        ),
        p(
            "/api/planning/move",
            Record(Interaction, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "owner": f.owner, "start": format!("{}T14:00:00", f.day)}),
        ),
        p(
            "/api/planning/move",
            Record(Interaction, Reassign),
            Status,
            |f| json!({"id": f.id, "version": f.version, "owner": f.other, "start": format!("{}T14:00:00", f.day)}),
        ),
        p(
            "/api/kanban/tasks",
            Record(Interaction, See),
            Listing,
            |f| json!({"filter": {"mine": false, "owner": f.owner, "record": null, "due_from": "", "due_to": ""}}),
        ),
        p(
            "/api/kanban/more_tasks",
            Record(Interaction, See),
            Listing,
            |f| {
                json!({"filter": {"mine": false, "owner": f.owner, "record": null, "due_from": "", "due_to": ""},
                   "column": "not_started", "pos": "0", "id": 0})
            },
        ),
        p(
            "/api/kanban/move_task",
            Record(Interaction, Change),
            Status,
            |f| json!({"id": f.id, "version": f.version, "to": {"column": "in_progress", "after": null, "before": null}}),
        ),
        p(
            "/api/kanban/deals",
            Record(Deal, See),
            Listing,
            |f| json!({"filter": {"pipeline": f.pipeline, "mine": false, "owner": f.owner}}),
        ),
        p("/api/kanban/more_deals", Record(Deal, See), Listing, |f| {
            // The deal is in the pipeline's first stage.
            json!({"filter": {"pipeline": f.pipeline, "mine": false, "owner": f.owner},
                   "column": f.first_stage.to_string(), "pos": "0", "id": 0})
        }),
        p("/api/kanban/move_deal", Record(Deal, Change), Status, |f| {
            json!({"id": f.id, "version": f.version, "to": {"column": f.stage.to_string(), "after": null, "before": null},
                   "lost_reason": ""})
        }),
        p("/api/desk/today", Record(Interaction, See), Listing, empty),
        // Shared record services
        p(
            "/api/records/timeline",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id, "before": null}),
        ),
        p(
            "/api/records/marks",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id}),
        ),
        p(
            "/api/records/favourite",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id, "on": true}),
        ),
        p(
            "/api/records/favourites",
            Record(Interaction, See),
            Shows,
            empty,
        ),
        p(
            "/api/records/recent",
            Record(Interaction, See),
            Shows,
            empty,
        ),
        p("/api/tags/all", Anyone, Status, empty),
        p(
            "/api/records/add_tag",
            Record(Interaction, Change),
            Status,
            |f| json!({"kind": "interaction", "id": f.id, "name": "urgent"}),
        ),
        p(
            "/api/records/remove_tag",
            Record(Interaction, Change),
            Status,
            |f| json!({"kind": "interaction", "id": f.id, "tag_id": f.tag}),
        ),
        p(
            "/api/records/edit_field",
            Record(Company, Change),
            Status,
            |f| json!({"kind": "company", "id": f.id, "version": f.version, "field": "city", "value": "Lyon"}),
        ),
        p(
            "/api/records/mass",
            Record(Interaction, Reassign),
            Mass,
            |f| json!({"kind": "interaction", "ids": [f.id], "action": {"do": "assign", "owner_id": f.other}}),
        ),
        p(
            "/api/records/mass",
            Record(Interaction, Change),
            Mass,
            |f| json!({"kind": "interaction", "ids": [f.id], "action": {"do": "add_tag", "name": "mass"}}),
        ),
        p(
            "/api/records/mass",
            Record(Interaction, Delete),
            Mass,
            |f| json!({"kind": "interaction", "ids": [f.id], "action": {"do": "delete"}}),
        ),
        p(
            "/api/records/mass",
            Record(Company, Delete),
            Mass,
            |f| json!({"kind": "company", "ids": [f.id], "action": {"do": "delete"}}),
        ),
        p(
            "/api/notes/add",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id, "body": "seen", "pinned": false}),
        ),
        p(
            "/api/notes/delete",
            NoteAuthorOrAdmin,
            Status,
            |f| json!({"id": f.note}),
        ),
        p(
            "/api/search/global",
            Record(Interaction, See),
            Listing,
            |f| json!({"q": f.text}),
        ),
        p(
            "/api/search/duplicates",
            Anyone,
            Status,
            |_| json!({"kind": "company", "name": "Anything", "email": "", "phone": "", "exclude": null}),
        ),
        p(
            "/api/search/pick",
            Record(Interaction, See),
            Shows,
            |f| json!({"kind": "interaction", "q": f.text}),
        ),
        p(
            "/api/search/name",
            Record(Interaction, See),
            Status,
            |f| json!({"kind": "interaction", "id": f.id}),
        ),
        p(
            "/api/trash/list",
            Admin,
            Status,
            |_| json!({"kind": "interaction", "before": null}),
        ),
        p(
            "/api/trash/undo",
            Record(Interaction, Delete),
            Status,
            |f| json!({"kind": "interaction", "id": f.just_deleted}),
        ),
        p(
            "/api/trash/restore",
            Admin,
            Status,
            |f| json!({"kind": "company", "id": f.trashed}),
        ),
        // Settings and the user's own things
        p(
            "/api/lists/columns",
            Anyone,
            Status,
            |_| json!({"kind": "company"}),
        ),
        p(
            "/api/lists/set_columns",
            Anyone,
            Status,
            |_| json!({"kind": "company", "columns": ["name", "city"]}),
        ),
        p(
            "/api/lists/filters",
            Anyone,
            Status,
            |_| json!({"kind": "company"}),
        ),
        p(
            "/api/lists/save_filter",
            Anyone,
            Status,
            |f| json!({"kind": "company", "name": format!("mine {}", f.text), "shared": false, "query": {}}),
        ),
        p(
            "/api/lists/delete_filter",
            Anyone,
            Status,
            |f| json!({"id": f.filter}),
        ),
        p("/api/notifications/list", Anyone, Status, empty),
        p(
            "/api/notifications/read",
            Anyone,
            Status,
            |_| json!({"ids": []}),
        ),
        p("/api/notifications/read_all", Anyone, Status, empty),
        p(
            "/api/layouts/get",
            Anyone,
            Status,
            |_| json!({"key": "Desk"}),
        ),
        p(
            "/api/layouts/set",
            Anyone,
            Status,
            |_| json!({"key": "Desk", "items": []}),
        ),
        p("/api/settings/my_settings", Anyone, Status, empty),
        p(
            "/api/settings/save_profile",
            Anyone,
            Status,
            |_| json!({"time_zone": "Europe/Paris", "capacity_hours": "5"}),
        ),
        p(
            "/api/settings/save_reminders",
            Anyone,
            Status,
            |_| json!({"reminders_by": "both"}),
        ),
        p(
            "/api/settings/share_calendar",
            Anyone,
            Status,
            |_| json!({"viewers": []}),
        ),
        p("/api/settings/create_feed", Anyone, Status, empty),
        p("/api/settings/revoke_feed", Anyone, Status, empty),
    ]
}

fn rule_kind(rule: Rule) -> Option<Kind> {
    match rule {
        Rule::Record(k, _) | Rule::AdminOn(k) => Some(k),
        Rule::NoteAuthorOrAdmin => Some(Kind::Interaction),
        _ => None,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_answers_as_the_matrix_says(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let people = People {
        member: app.login_as("member@relais.test", "member").await,
        manager: app.login_as("manager@relais.test", "manager").await,
        admin: app.login_as("admin@relais.test", "admin").await,
        deactivated: app.login_as("gone@relais.test", "member").await,
        colleague: app.user("colleague@relais.test", "member").await,
    };
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(people.deactivated.0)
        .execute(&pool)
        .await
        .unwrap();
    // The colleague shares their calendar with the member: the Planning
    // then shows the colleague's row, where the member may drop a block
    // (the Planning's own condition on reassigning, besides access).
    sqlx::query("INSERT INTO calendar_shares (owner_id, viewer_id) VALUES ($1, $2)")
        .bind(people.colleague)
        .bind(people.member.0)
        .execute(&pool)
        .await
        .unwrap();

    let probes = probes();
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let probed: BTreeSet<String> = probes.iter().map(|p| p.path.to_string()).collect();
    let missing: Vec<_> = registered.difference(&probed).collect();
    assert!(
        missing.is_empty(),
        "server functions with no rule in the access matrix: {missing:?}"
    );
    let unknown: Vec<_> = probed.difference(&registered).collect();
    assert!(unknown.is_empty(), "probes of no function: {unknown:?}");

    let mut failures = Vec::new();
    let mut calls = 0;
    for probe in &probes {
        let cases: &[Case] = match probe.rule {
            // Their own import, or a colleague's.
            Rule::Import => &[Case::Own, Case::Colleague],
            _ => rule_kind(probe.rule).map_or(&[Case::Own], |k| k.cases()),
        };
        for who in EVERYONE {
            if matches!(probe.rule, Rule::Public) && who != Who::Anonymous {
                // Public functions are probed anonymously (logging out the
                // walk's sessions would end it).
                continue;
            }
            for &case in cases {
                let actor = people.actor(who);
                let actor_id = actor.map_or(people.member.0, |a| a.0);
                let kind = rule_kind(probe.rule).unwrap_or(Kind::Company);
                let fx = make(&pool, kind, case, actor_id, people.colleague).await;
                let r = app
                    .call(probe.path, (probe.body)(&fx), actor.map(|a| a.1.as_str()))
                    .await;
                calls += 1;
                let want = expected(probe.rule, who, case);
                let seen_text = r.text.contains(&fx.text);
                let ok = match (probe.judge, want) {
                    (_, Answer::NotRefused) => {
                        r.status != StatusCode::INTERNAL_SERVER_ERROR
                            && r.body["kind"] != "unauthorized"
                    }
                    (Judge::Listing, Answer::Ok) => {
                        r.status == StatusCode::OK && (case != Case::Own || seen_text)
                    }
                    (Judge::Shows, Answer::Ok) => r.status == StatusCode::OK && seen_text,
                    (Judge::Listing | Judge::Shows, Answer::NotFound | Answer::Forbidden) => {
                        // Not the caller's to see: 200 without it, or refused.
                        !seen_text && r.status != StatusCode::INTERNAL_SERVER_ERROR
                    }
                    (Judge::Mass, Answer::Ok) => {
                        r.status == StatusCode::OK && r.body["changed"] == 1
                    }
                    (Judge::Mass, Answer::Forbidden | Answer::NotFound) => {
                        r.status == StatusCode::OK
                            && r.body["changed"] == 0
                            && r.body["refused"] == 1
                    }
                    (Judge::Checks, Answer::Ok) => {
                        r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body["kind"] == "invalid"
                    }
                    (_, Answer::Ok) => r.status == StatusCode::OK,
                    (_, Answer::Unauthorized) => {
                        r.status == StatusCode::UNAUTHORIZED && r.body["kind"] == "unauthorized"
                    }
                    (_, Answer::Forbidden) => {
                        r.status == StatusCode::FORBIDDEN && r.body["kind"] == "forbidden"
                    }
                    (_, Answer::NotFound) => {
                        r.status == StatusCode::NOT_FOUND && r.body["kind"] == "not_found"
                    }
                };
                // Private text never reaches anyone it is not for.
                let leaked = case == Case::Private && seen_text;
                if !ok || leaked {
                    failures.push(format!(
                        "{} {:?} as {who:?} on {case:?}: expected {want:?}, got {} {}",
                        probe.path,
                        probe.rule,
                        r.status,
                        r.text.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
    }
    println!(
        "access matrix: {} functions, {} probes, {calls} calls",
        registered.len(),
        probes.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {calls} answers differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What the matrix rows mean for the person using the app: a member may not
/// reach a colleague's private interaction by any door, and the sum of
/// these doors is what the walk above covers. Here, one story end to end.
#[sqlx::test(migrations = "../migrations")]
async fn a_colleagues_private_meeting_cannot_be_reached_by_any_door(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (member_id, member) = app.login_as("member@relais.test", "member").await;
    let colleague = app.user("colleague@relais.test", "member").await;
    let fx = make(
        &pool,
        Kind::Interaction,
        Case::Private,
        member_id,
        colleague,
    )
    .await;
    // Taking it, trashing it, tagging it, noting on it: all refused, and
    // the record is as it was.
    for (path, body) in [
        (
            "/api/records/mass",
            json!({"kind": "interaction", "ids": [fx.id], "action": {"do": "assign", "owner_id": member_id}}),
        ),
        (
            "/api/records/mass",
            json!({"kind": "interaction", "ids": [fx.id], "action": {"do": "delete"}}),
        ),
        (
            "/api/records/add_tag",
            json!({"kind": "interaction", "id": fx.id, "name": "mine now"}),
        ),
        (
            "/api/notes/add",
            json!({"kind": "interaction", "id": fx.id, "body": "hello", "pinned": false}),
        ),
        (
            "/api/records/timeline",
            json!({"kind": "interaction", "id": fx.id, "before": null}),
        ),
        (
            "/api/search/name",
            json!({"kind": "interaction", "id": fx.id}),
        ),
    ] {
        let r = app.call(path, body, Some(&member)).await;
        assert!(
            !r.text.contains(&fx.text),
            "{path} leaked the subject: {}",
            r.text
        );
    }
    let (owner, deleted, version, notes, tags): (i64, bool, i32, i64, i64) = sqlx::query_as(
        "SELECT owner_id, deleted_at IS NOT NULL, version,
                (SELECT count(*) FROM note_links WHERE record_type = 'interaction' AND record_id = i.id),
                (SELECT count(*) FROM record_tags WHERE record_type = 'interaction' AND record_id = i.id)
         FROM interactions i WHERE id = $1",
    )
    .bind(fx.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (owner, deleted, version, notes, tags),
        (colleague, false, 1, 1, 1)
    );
    // The member's favourites and recently viewed lists (where the walk
    // above put it) do not name it either.
    for path in ["/api/records/favourites", "/api/records/recent"] {
        let r = app.call(path, json!({}), Some(&member)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.text.contains(&fx.text), "{path}: {}", r.text);
    }
}
