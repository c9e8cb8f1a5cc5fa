//! The one error type of every server function.
//!
//! Errors cross the wire as JSON and carry *codes*, never English text: the
//! browser translates them (see `ui::error_text`), so a French user reads
//! French messages for errors raised on the server too.

use serde::{Deserialize, Serialize};
use server_fn::ServerFnError;
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

mod wire;

/// Why one field of a form was refused. On the wire, one object named by
/// its `code` (`{"code":"too_long","max":80}`); see `wire`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    /// A list (of filters, ids, links…) longer than allowed.
    TooMany {
        max: usize,
    },
    InvalidEmail,
    InvalidPhone,
    InvalidUrl,
    InvalidDate,
    InvalidChoice,
    InvalidNumber,
    /// Still used by records, so it cannot be removed.
    InUse,
    EndBeforeStart,
    /// A confirmation that differs from what it confirms.
    Mismatch,
    /// Not the user's current password.
    WrongPassword,
    /// Already used by another account (an email address).
    Taken,
    /// The last active admin cannot lose that role nor be deactivated.
    LastAdmin,
    /// Not something one does to oneself (deactivate my own account).
    Yourself,
    /// Not a code of the user's authenticator app now (nor an unused
    /// recovery code), or a code already used.
    WrongCode,
    /// Asks of others what the caller has not done: an admin without a
    /// second factor requiring one of admins.
    NoSecondFactor,
    /// A row of an imported file the database would not take (it says
    /// why in the server's log); the other rows are not affected.
    NotSaved,
    /// A file that is not a CSV file this app reads (UTF-16 text, a
    /// spreadsheet's own format, a broken file).
    Unreadable,
    /// Names a record (a company, a person, a stage) there is none of.
    NotFound,
    /// A name or identifier that must be unique where it is (a catalogue
    /// entry's name) and is already given.
    AlreadyUsed,
    /// A file larger than the largest one taken (a document: the
    /// organisation's `RELAIS_UPLOAD_LIMIT_MB`).
    TooLarge {
        max_mb: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The name of the input field, as in the input struct.
    pub field: String,
    pub problem: FieldProblem,
}

/// On the wire, one object named by its `kind`
/// (`{"kind":"invalid","fields":[…]}`); see `wire`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// No valid session: the caller must log in.
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in, but the role does not allow the action.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("conflict: record is at version {current_version}")]
    Conflict {
        current_version: i32,
        /// The record as it is now (column → value), so the user sees what
        /// changed before deciding.
        current: Option<serde_json::Value>,
    },
    /// Bad input, field by field. Nothing was changed.
    #[error("invalid input")]
    Invalid { fields: Vec<FieldError> },
    /// A new record looks like existing ones (similar name, same email or
    /// phone): nothing was created; the person may look, or save anyway.
    #[error("likely duplicates")]
    Duplicates {
        matches: Vec<crate::records::RecordLink>,
    },
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The password was right and the account has a second factor: the
    /// login goes on with `login_second_factor` and a code.
    #[error("second factor needed")]
    SecondFactorNeeded,
    /// Too many failed logins: try again after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: i64 },
    /// A reset link that is unknown, used or expired.
    #[error("invalid token")]
    InvalidToken,
    /// The server could not be reached, and no copy of the answer is kept
    /// on the device (the service worker answers so, or the request failed).
    #[error("offline")]
    Offline,
    /// A change kept on this device while offline (the service worker
    /// answers so): it is sent, in order, when the connection returns.
    #[error("queued")]
    Queued,
    /// The request itself was malformed or not acceptable (not JSON,
    /// arguments of the wrong type, a NUL byte, too deep, too large, sent
    /// from another site). `reason` is a fixed code, never a parser's text.
    #[error("bad request: {reason:?}")]
    BadRequest { reason: BadRequest },
    /// The database cannot be reached, or the server is too busy to take
    /// this now: nothing was changed, try again in a moment.
    #[error("unavailable")]
    Unavailable,
    /// Anything else; details stay in the server log and never reach the
    /// browser (internal messages name types and tables).
    #[error("server error: {message}")]
    Server {
        /// Never sent (see `wire`).
        message: String,
    },
}

/// Why a request was refused before any function ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadRequest {
    /// The body is not valid JSON.
    Json,
    /// The JSON does not fit the function's arguments (a missing field, a
    /// wrong type, a number out of range).
    Arguments,
    /// A server function takes `Content-Type: application/json` only.
    ContentType,
    /// A change sent from a page of another origin.
    CrossSite,
    /// The body is larger than a request may be.
    TooLarge,
    /// JSON nested deeper than any function takes.
    TooDeep,
    /// A NUL character, which no text of Relais may hold.
    NulByte,
    /// A path with `..`, `//` or encoded separators.
    Path,
    /// A method the address does not take.
    Method,
}

impl BadRequest {
    /// Its name on the wire (`"too_deep"`), shown in the message too.
    pub fn code(self) -> &'static str {
        match self {
            BadRequest::Json => "json",
            BadRequest::Arguments => "arguments",
            BadRequest::ContentType => "content_type",
            BadRequest::CrossSite => "cross_site",
            BadRequest::TooLarge => "too_large",
            BadRequest::TooDeep => "too_deep",
            BadRequest::NulByte => "nul_byte",
            BadRequest::Path => "path",
            BadRequest::Method => "method",
        }
    }

    /// The HTTP status of this refusal.
    pub fn status(self) -> u16 {
        match self {
            BadRequest::CrossSite => 403,
            BadRequest::TooLarge => 413,
            BadRequest::ContentType => 415,
            BadRequest::Method => 405,
            _ => 400,
        }
    }
}

impl AppError {
    /// An internal error: logged here on the server, sent to the browser
    /// as a bare "server error".
    pub fn server(message: impl Into<String>) -> Self {
        let message = message.into();
        #[cfg(feature = "ssr")]
        tracing::error!(%message, "server error");
        AppError::Server { message }
    }

    pub fn bad_request(reason: BadRequest) -> Self {
        AppError::BadRequest { reason }
    }

    pub fn invalid(fields: Vec<FieldError>) -> Self {
        AppError::Invalid { fields }
    }

    /// The problem reported for `field`, if any.
    pub fn field_problem(&self, field: &str) -> Option<FieldProblem> {
        match self {
            AppError::Invalid { fields } => {
                fields.iter().find(|f| f.field == field).map(|f| f.problem)
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request never reached the server.
            ServerFnErrorErr::Request(_) => AppError::Offline,
            // The browser's arguments did not fit: the caller's fault, said
            // without the parser's words (they name Rust types).
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::bad_request(BadRequest::Arguments)
            }
            // On the server, what fails to deserialize is the arguments
            // (server_fn says "results" for both directions).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::bad_request(BadRequest::Arguments),
            other => AppError::server(other.to_string()),
        }
    }
}

impl From<ServerFnError> for AppError {
    fn from(value: ServerFnError) -> Self {
        AppError::server(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error::*;
        match &err {
            // The database is down, unreachable or saturated: a moment
            // later may work, and nothing was changed.
            PoolTimedOut | PoolClosed | WorkerCrashed | Io(_) | Tls(_) => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            Database(db) if db.code().as_deref() == Some("57014") => {
                // statement_timeout: a statement ran longer than a request may.
                tracing::warn!(error = %err, "statement cancelled");
                AppError::Unavailable
            }
            Database(db)
                if db
                    .code()
                    .as_deref()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")) =>
            {
                tracing::warn!(error = %err, "database connection lost");
                AppError::Unavailable
            }
            _ => AppError::server(format!("database error: {err}")),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
