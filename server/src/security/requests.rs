//! What a request must look like before anything else reads it: a
//! normalised path, and for server functions a same-origin JSON `POST` of
//! bounded size and depth with no NUL character. A refusal is a typed
//! `AppError::BadRequest` with its own status, never a 500.

use app::error::{AppError, BadRequest};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body a server function takes. The biggest legitimate ones
/// (a 20,000-character note, a mass action on 1,000 ids) are far below.
pub const MAX_BODY: usize = 1024 * 1024;

/// The largest body of the login page's forms (an email, a password of at
/// most 1,024 characters, a page to go to after).
pub const FORM_BODY: usize = 16 * 1024;

/// The deepest JSON a server function takes (the deepest argument, an
/// interaction with its recurrence, is 4 levels).
pub const MAX_DEPTH: usize = 32;

/// The origins a change may come from, besides the request's own host.
#[derive(Clone, Debug)]
pub struct Origins {
    /// `RELAIS_PUBLIC_URL`'s origin (`https://crm.example.org`).
    pub public: String,
    /// Whether the site is served over HTTPS (then the request's own origin
    /// is `https://` + its `Host`).
    pub https: bool,
}

impl Origins {
    pub fn new(public_url: &str, https: bool) -> Self {
        Origins {
            public: origin_of(public_url),
            https,
        }
    }

    /// Whether `origin` (an `Origin` header) is this site, as the request
    /// reached it (`Host`) or as it is published.
    fn allows(&self, origin: &str, headers: &HeaderMap) -> bool {
        if origin == self.public {
            return true;
        }
        let scheme = if self.https { "https" } else { "http" };
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| origin == format!("{scheme}://{host}"))
    }
}

/// `scheme://host[:port]` of a URL, without path.
fn origin_of(url: &str) -> String {
    let url = url.trim();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => url.trim_end_matches('/').to_string(),
    }
}

/// Whether a path is in its one canonical form: no `.` or `..` segments,
/// no empty segments, no encoded dots, slashes, backslashes or NULs —
/// anything a browser would have normalised away. A path that is not could
/// pass the gate as one thing (`/icons/../companies` "is" under `/icons/`)
/// and be served as another.
pub fn is_canonical(path: &str) -> bool {
    if !path.starts_with('/') || path.contains('\\') {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return false;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    segments
        .iter()
        .enumerate()
        .all(|(i, s)| *s != "." && *s != ".." && (!s.is_empty() || i == last))
}

/// Whether the request is a change that a browser sent from another site:
/// `Sec-Fetch-Site` other than same-origin (a page on another port of the
/// same host is "same-site", and refused), or an `Origin` that is not ours.
/// Requests without either header are not from a browser page (a browser
/// always sends `Origin` with a `POST`), so nothing forged rides on them.
fn cross_site(headers: &HeaderMap, origins: &Origins) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Ok(origin)) => !origins.allows(origin, headers),
        Some(Err(_)) => true,
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Refuses a request for `reason`, as server functions answer errors.
pub fn refuse(reason: BadRequest) -> Response {
    let status = StatusCode::from_u16(reason.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(&AppError::bad_request(reason)).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Why a JSON value may not reach a server function, if it may not.
pub fn json_problem(value: &serde_json::Value) -> Option<BadRequest> {
    use serde_json::Value;
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Some(BadRequest::TooDeep);
        }
        match v {
            Value::String(s) if s.contains('\0') => return Some(BadRequest::NulByte),
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => {
                if map.keys().any(|k| k.contains('\0')) {
                    return Some(BadRequest::NulByte);
                }
                stack.extend(map.values().map(|i| (i, depth + 1)));
            }
            _ => {}
        }
    }
    None
}

/// The only writes that are not server functions: forms that send a file
/// (`multipart/form-data`, same site only, like every write), and
/// documents' uploads (`crate::documents::is_upload_path`).
pub const UPLOADS: &[&str] = &["/import/upload"];

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// The layer: every request passes here before the gate.
pub async fn check(State(origins): State<Origins>, req: Request, next: Next) -> Response {
    if !is_canonical(req.uri().path()) {
        return refuse(BadRequest::Path);
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && cross_site(req.headers(), &origins) {
        tracing::warn!(path = %req.uri().path(), "cross-site change refused");
        return refuse(BadRequest::CrossSite);
    }
    if !req.uri().path().starts_with("/api/") {
        if !safe {
            if req.method() == Method::POST
                && UPLOADS.contains(&req.uri().path())
                && is_multipart(req.headers())
            {
                return next.run(req).await;
            }
            // Documents' files: the raw file as the body, streamed and
            // limited by the route itself (same site only, as above).
            if req.method() == Method::POST && crate::documents::is_upload_path(req.uri().path()) {
                return next.run(req).await;
            }
            // Pages, files and exports are read with GET; nothing else takes a body.
            return refuse(BadRequest::Method);
        }
        return next.run(req).await;
    }
    // Server functions: a JSON POST (a form or text/plain post is what a
    // page of another site can send without asking first).
    if req.method() != Method::POST {
        return refuse(BadRequest::Method);
    }
    // The login page's forms, which work without the app (same origin
    // only, as every change above; bounded like JSON).
    if app::auth::plain_forms::FORM_SERVER_FNS.contains(&req.uri().path()) && is_form(req.headers())
    {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, FORM_BODY).await else {
            return refuse(BadRequest::TooLarge);
        };
        if bytes.contains(&0) || bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
            return refuse(BadRequest::NulByte);
        }
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    if !is_json(req.headers()) {
        return refuse(BadRequest::ContentType);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return refuse(BadRequest::TooLarge);
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Err(_) => return refuse(BadRequest::Json),
        Ok(value) => {
            if let Some(problem) = json_problem(&value) {
                return refuse(problem);
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_paths_pass() {
        for ok in [
            "/",
            "/companies",
            "/companies/12",
            "/pkg/relais.wasm",
            "/calendar/",
        ] {
            assert!(is_canonical(ok), "{ok}");
        }
        for bad in [
            "/icons/../companies",
            "/icons/%2e%2e/companies",
            "/icons/%2E%2E/companies",
            "/pkg/..",
            "//companies",
            "/a//b",
            "/./companies",
            "/icons/.",
            "/a%2fb",
            "/a\\b",
            "/a%00",
            "companies",
        ] {
            assert!(!is_canonical(bad), "{bad}");
        }
    }

    #[test]
    fn origins_are_this_site_only() {
        let o = Origins::new("https://crm.example.org/", true);
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("10.0.0.5:3000"));
        assert!(o.allows("https://crm.example.org", &h));
        assert!(o.allows("https://10.0.0.5:3000", &h));
        assert!(!o.allows("http://10.0.0.5:3000", &h));
        assert!(!o.allows("https://10.0.0.5:3001", &h));
        assert!(!o.allows("https://crm.example.org.evil.test", &h));
        assert!(!o.allows("null", &h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://10.0.0.5:3000"),
        );
        assert!(
            cross_site(&h, &o),
            "another port of the same host is same-site"
        );
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&h, &o));
    }

    #[test]
    fn deep_json_and_nul_bytes_are_refused() {
        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        let v: serde_json::Value = serde_json::from_str(&deep).unwrap();
        assert_eq!(json_problem(&v), Some(BadRequest::TooDeep));
        let v = serde_json::json!({"name": "a\u{0}b"});
        assert_eq!(json_problem(&v), Some(BadRequest::NulByte));
        let v = serde_json::json!({"a\u{0}": 1});
        assert_eq!(json_problem(&v), Some(BadRequest::NulByte));
        let v = serde_json::json!({"input": {"links": [{"id": 1}], "name": "\\u0000 as text"}});
        assert_eq!(json_problem(&v), None);
    }
}
