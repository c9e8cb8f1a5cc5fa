//! The one error type of every server function.
//!
//! Errors cross the wire as JSON and carry *codes*, never English text: the
//! browser translates them (see `ui::error_text`), so a French user reads
//! French messages for errors raised on the server too.

use serde::{Deserialize, Serialize};
use server_fn::ServerFnError;
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why one field of a form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FieldProblem {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The name of the input field, as in the input struct.
    pub field: String,
    pub problem: FieldProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
        #[serde(default)]
        current: Option<serde_json::Value>,
    },
    /// Bad input, field by field. Nothing was changed.
    #[error("invalid input")]
    Invalid { fields: Vec<FieldError> },
    #[error("invalid credentials")]
    InvalidCredentials,
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
    /// Anything else; details stay in the server log.
    #[error("server error: {message}")]
    Server { message: String },
}

impl AppError {
    pub fn server(message: impl Into<String>) -> Self {
        AppError::Server {
            message: message.into(),
        }
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
        tracing::error!(error = %err, "database error");
        AppError::server("database error")
    }
}

pub type AppResult<T> = Result<T, AppError>;
