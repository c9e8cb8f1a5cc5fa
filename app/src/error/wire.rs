//! How `AppError` and `FieldProblem` cross the wire: each as one flat JSON
//! object whose `kind` (an error) or `code` (a field's problem) names the
//! variant, beside that variant's fields, as serde writes an internally
//! tagged enum (`{"kind":"invalid","fields":[{"field":"name","problem":
//! {"code":"too_long","max":80}}]}`). The service worker writes one too
//! (`{"kind":"queued"}`).
//!
//! Written by hand, not derived with `#[serde(tag = …)]`: serde's derived
//! reading of an internally tagged enum first buffers the whole object in
//! its generic `Content`, then reads it again, and that code, instantiated
//! for every type inside, was about 40 KB of the browser's main wasm. Here
//! the object is read once into a flat struct of optional fields.
//!
//! The name of each variant is the `ErrorKind` or `ProblemCode` below. Both directions
//! go through one exhaustive `match` each way, so a new variant does not
//! compile until it has its name, and its fields are checked on the way in.

use super::{AppError, BadRequest, FieldError, FieldProblem};
use crate::records::RecordLink;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ProblemCode {
    Required,
    TooLong,
    TooShort,
    TooMany,
    InvalidEmail,
    InvalidPhone,
    InvalidUrl,
    InvalidDate,
    InvalidChoice,
    InvalidNumber,
    InUse,
    EndBeforeStart,
    Mismatch,
    WrongPassword,
    Taken,
    LastAdmin,
    Yourself,
    WrongCode,
    NoSecondFactor,
    NotSaved,
    Unreadable,
    NotFound,
    AlreadyUsed,
    TooLarge,
}

#[derive(Serialize, Deserialize)]
struct ProblemWire {
    code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_mb: Option<u64>,
}

impl FieldProblem {
    fn wire(self) -> ProblemWire {
        use FieldProblem as P;
        let (mut max, mut min, mut max_mb) = (None, None, None);
        let code = match self {
            P::Required => ProblemCode::Required,
            P::TooLong { max: m } => {
                max = Some(m);
                ProblemCode::TooLong
            }
            P::TooShort { min: m } => {
                min = Some(m);
                ProblemCode::TooShort
            }
            P::TooMany { max: m } => {
                max = Some(m);
                ProblemCode::TooMany
            }
            P::InvalidEmail => ProblemCode::InvalidEmail,
            P::InvalidPhone => ProblemCode::InvalidPhone,
            P::InvalidUrl => ProblemCode::InvalidUrl,
            P::InvalidDate => ProblemCode::InvalidDate,
            P::InvalidChoice => ProblemCode::InvalidChoice,
            P::InvalidNumber => ProblemCode::InvalidNumber,
            P::InUse => ProblemCode::InUse,
            P::EndBeforeStart => ProblemCode::EndBeforeStart,
            P::Mismatch => ProblemCode::Mismatch,
            P::WrongPassword => ProblemCode::WrongPassword,
            P::Taken => ProblemCode::Taken,
            P::LastAdmin => ProblemCode::LastAdmin,
            P::Yourself => ProblemCode::Yourself,
            P::WrongCode => ProblemCode::WrongCode,
            P::NoSecondFactor => ProblemCode::NoSecondFactor,
            P::NotSaved => ProblemCode::NotSaved,
            P::Unreadable => ProblemCode::Unreadable,
            P::NotFound => ProblemCode::NotFound,
            P::AlreadyUsed => ProblemCode::AlreadyUsed,
            P::TooLarge { max_mb: m } => {
                max_mb = Some(m);
                ProblemCode::TooLarge
            }
        };
        ProblemWire {
            code,
            max,
            min,
            max_mb,
        }
    }

    fn from_wire<E: serde::de::Error>(w: ProblemWire) -> Result<Self, E> {
        use FieldProblem as P;
        let need = |v: Option<usize>, name| v.ok_or_else(|| E::missing_field(name));
        Ok(match w.code {
            ProblemCode::Required => P::Required,
            ProblemCode::TooLong => P::TooLong {
                max: need(w.max, "max")?,
            },
            ProblemCode::TooShort => P::TooShort {
                min: need(w.min, "min")?,
            },
            ProblemCode::TooMany => P::TooMany {
                max: need(w.max, "max")?,
            },
            ProblemCode::InvalidEmail => P::InvalidEmail,
            ProblemCode::InvalidPhone => P::InvalidPhone,
            ProblemCode::InvalidUrl => P::InvalidUrl,
            ProblemCode::InvalidDate => P::InvalidDate,
            ProblemCode::InvalidChoice => P::InvalidChoice,
            ProblemCode::InvalidNumber => P::InvalidNumber,
            ProblemCode::InUse => P::InUse,
            ProblemCode::EndBeforeStart => P::EndBeforeStart,
            ProblemCode::Mismatch => P::Mismatch,
            ProblemCode::WrongPassword => P::WrongPassword,
            ProblemCode::Taken => P::Taken,
            ProblemCode::LastAdmin => P::LastAdmin,
            ProblemCode::Yourself => P::Yourself,
            ProblemCode::WrongCode => P::WrongCode,
            ProblemCode::NoSecondFactor => P::NoSecondFactor,
            ProblemCode::NotSaved => P::NotSaved,
            ProblemCode::Unreadable => P::Unreadable,
            ProblemCode::NotFound => P::NotFound,
            ProblemCode::AlreadyUsed => P::AlreadyUsed,
            ProblemCode::TooLarge => P::TooLarge {
                max_mb: w.max_mb.ok_or_else(|| E::missing_field("max_mb"))?,
            },
        })
    }
}

impl Serialize for FieldProblem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.wire().serialize(s)
    }
}

impl<'de> Deserialize<'de> for FieldProblem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FieldProblem::from_wire(ProblemWire::deserialize(d)?)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
    Duplicates,
    InvalidCredentials,
    SecondFactorNeeded,
    TooManyAttempts,
    InvalidToken,
    Offline,
    Queued,
    BadRequest,
    Unavailable,
    Server,
}

/// An error's fields, each there only for the kinds that have it. A
/// server error's message is never sent: it stays in the server's log.
#[derive(Serialize, Deserialize)]
struct ErrorWire {
    kind: ErrorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current_version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<FieldError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    matches: Option<Vec<RecordLink>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<BadRequest>,
}

impl ErrorWire {
    fn of(kind: ErrorKind) -> Self {
        ErrorWire {
            kind,
            current_version: None,
            current: None,
            fields: None,
            matches: None,
            retry_after_secs: None,
            reason: None,
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use AppError as A;
        let wire = match self {
            A::Unauthorized => ErrorWire::of(ErrorKind::Unauthorized),
            A::Forbidden => ErrorWire::of(ErrorKind::Forbidden),
            A::NotFound => ErrorWire::of(ErrorKind::NotFound),
            A::Conflict {
                current_version,
                current,
            } => ErrorWire {
                current_version: Some(*current_version),
                current: current.clone(),
                ..ErrorWire::of(ErrorKind::Conflict)
            },
            A::Invalid { fields } => ErrorWire {
                fields: Some(fields.clone()),
                ..ErrorWire::of(ErrorKind::Invalid)
            },
            A::Duplicates { matches } => ErrorWire {
                matches: Some(matches.clone()),
                ..ErrorWire::of(ErrorKind::Duplicates)
            },
            A::InvalidCredentials => ErrorWire::of(ErrorKind::InvalidCredentials),
            A::SecondFactorNeeded => ErrorWire::of(ErrorKind::SecondFactorNeeded),
            A::TooManyAttempts { retry_after_secs } => ErrorWire {
                retry_after_secs: Some(*retry_after_secs),
                ..ErrorWire::of(ErrorKind::TooManyAttempts)
            },
            A::InvalidToken => ErrorWire::of(ErrorKind::InvalidToken),
            A::Offline => ErrorWire::of(ErrorKind::Offline),
            A::Queued => ErrorWire::of(ErrorKind::Queued),
            A::BadRequest { reason } => ErrorWire {
                reason: Some(*reason),
                ..ErrorWire::of(ErrorKind::BadRequest)
            },
            A::Unavailable => ErrorWire::of(ErrorKind::Unavailable),
            A::Server { message: _ } => ErrorWire::of(ErrorKind::Server),
        };
        wire.serialize(s)
    }
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use AppError as A;
        let w = ErrorWire::deserialize(d)?;
        let missing = |name| D::Error::missing_field(name);
        Ok(match w.kind {
            ErrorKind::Unauthorized => A::Unauthorized,
            ErrorKind::Forbidden => A::Forbidden,
            ErrorKind::NotFound => A::NotFound,
            ErrorKind::Conflict => A::Conflict {
                current_version: w
                    .current_version
                    .ok_or_else(|| missing("current_version"))?,
                current: w.current,
            },
            ErrorKind::Invalid => A::Invalid {
                fields: w.fields.ok_or_else(|| missing("fields"))?,
            },
            ErrorKind::Duplicates => A::Duplicates {
                matches: w.matches.ok_or_else(|| missing("matches"))?,
            },
            ErrorKind::InvalidCredentials => A::InvalidCredentials,
            ErrorKind::SecondFactorNeeded => A::SecondFactorNeeded,
            ErrorKind::TooManyAttempts => A::TooManyAttempts {
                retry_after_secs: w
                    .retry_after_secs
                    .ok_or_else(|| missing("retry_after_secs"))?,
            },
            ErrorKind::InvalidToken => A::InvalidToken,
            ErrorKind::Offline => A::Offline,
            ErrorKind::Queued => A::Queued,
            ErrorKind::BadRequest => A::BadRequest {
                reason: w.reason.ok_or_else(|| missing("reason"))?,
            },
            ErrorKind::Unavailable => A::Unavailable,
            ErrorKind::Server => A::Server {
                message: String::new(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::RecordKind;
    use serde_json::json;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(
        value: T,
        wire: serde_json::Value,
    ) {
        assert_eq!(serde_json::to_value(&value).unwrap(), wire, "{value:?}");
        assert_eq!(serde_json::from_value::<T>(wire).unwrap(), value);
    }

    #[test]
    fn a_field_problem_is_one_object_named_by_its_code() {
        round_trip(FieldProblem::Required, json!({"code": "required"}));
        round_trip(
            FieldProblem::TooLong { max: 80 },
            json!({"code": "too_long", "max": 80}),
        );
        round_trip(
            FieldProblem::TooShort { min: 12 },
            json!({"code": "too_short", "min": 12}),
        );
        round_trip(
            FieldProblem::TooMany { max: 50 },
            json!({"code": "too_many", "max": 50}),
        );
        round_trip(
            FieldProblem::TooLarge { max_mb: 25 },
            json!({"code": "too_large", "max_mb": 25}),
        );
        round_trip(
            FieldProblem::EndBeforeStart,
            json!({"code": "end_before_start"}),
        );
        round_trip(
            FieldProblem::NoSecondFactor,
            json!({"code": "no_second_factor"}),
        );
    }

    #[test]
    fn an_error_is_one_object_named_by_its_kind_with_its_fields() {
        round_trip(AppError::Forbidden, json!({"kind": "forbidden"}));
        round_trip(AppError::Queued, json!({"kind": "queued"}));
        round_trip(
            AppError::invalid(vec![FieldError {
                field: "name".into(),
                problem: FieldProblem::TooLong { max: 80 },
            }]),
            json!({"kind": "invalid", "fields": [
                {"field": "name", "problem": {"code": "too_long", "max": 80}}
            ]}),
        );
        round_trip(
            AppError::Conflict {
                current_version: 3,
                current: Some(json!({"name": "Acme", "revenue": 1.5})),
            },
            json!({"kind": "conflict", "current_version": 3,
                   "current": {"name": "Acme", "revenue": 1.5}}),
        );
        round_trip(
            AppError::Duplicates {
                matches: vec![RecordLink {
                    kind: RecordKind::Company,
                    id: 7,
                    name: "Acme".into(),
                    detail: "Lyon".into(),
                }],
            },
            json!({"kind": "duplicates", "matches": [{"kind": "company", "id": 7, "name": "Acme", "detail": "Lyon"}]}),
        );
        round_trip(
            AppError::TooManyAttempts {
                retry_after_secs: 60,
            },
            json!({"kind": "too_many_attempts", "retry_after_secs": 60}),
        );
        round_trip(
            AppError::bad_request(BadRequest::TooDeep),
            json!({"kind": "bad_request", "reason": "too_deep"}),
        );
    }

    #[test]
    fn a_bad_requests_code_is_its_name_on_the_wire() {
        use BadRequest as B;
        for r in [
            B::Json,
            B::Arguments,
            B::ContentType,
            B::CrossSite,
            B::TooLarge,
            B::TooDeep,
            B::NulByte,
            B::Path,
            B::Method,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), json!(r.code()));
        }
    }

    #[test]
    fn a_server_error_never_sends_its_message() {
        let error = AppError::Server {
            message: "relation \"secret_table\" does not exist".into(),
        };
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"kind": "server"})
        );
    }

    #[test]
    fn what_another_writer_sends_is_read_too() {
        // The order of the keys does not matter, unknown keys are skipped,
        // and a conflict's `current` may be null or absent (as written
        // before this module).
        let read = |v| serde_json::from_value::<AppError>(v);
        assert_eq!(
            read(
                json!({"fields": [{"problem": {"min": 12, "code": "too_short"}, "field": "p"}],
                        "kind": "invalid", "extra": true})
            )
            .unwrap(),
            AppError::invalid(vec![FieldError {
                field: "p".into(),
                problem: FieldProblem::TooShort { min: 12 },
            }])
        );
        assert_eq!(
            read(json!({"kind": "conflict", "current_version": 2, "current": null})).unwrap(),
            AppError::Conflict {
                current_version: 2,
                current: None
            }
        );
    }

    #[test]
    fn a_variant_without_its_fields_or_an_unknown_name_is_refused() {
        let err = serde_json::from_value::<AppError>(json!({"kind": "invalid"})).unwrap_err();
        assert!(err.to_string().contains("missing field `fields`"), "{err}");
        let err = serde_json::from_value::<FieldProblem>(json!({"code": "too_long"})).unwrap_err();
        assert!(err.to_string().contains("missing field `max`"), "{err}");
        assert!(serde_json::from_value::<AppError>(json!({"kind": "teapot"})).is_err());
        assert!(serde_json::from_value::<AppError>(json!({"fields": []})).is_err());
    }
}
