//! Security headers on every response, and the nonce of the page's scripts.
//!
//! Each request gets a fresh nonce (`leptos::nonce::Nonce`) in its
//! extensions; the app's render context takes it from there (see
//! `router`), so Leptos's own scripts (hydration data, streamed chunks)
//! and the boot script carry it, and the `Content-Security-Policy` of the
//! page names it. No other script runs: no inline handler, no script of
//! another origin. A page kept by the service worker for offline use keeps
//! its header and its HTML together, so the pair still matches.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// What the headers depend on.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Served over HTTPS (`RELAIS_SECURE_COOKIES`): then HSTS too.
    pub https: bool,
}

/// The Content-Security-Policy of a page whose scripts carry `nonce`.
///
/// - scripts: this origin's files and the page's own nonce; `wasm-unsafe-eval`
///   lets the browser compile the app's WebAssembly (and nothing else).
/// - styles: this origin's stylesheet; inline `style` *attributes* are
///   allowed (`style-src-attr`): the calendar and the Planning place their
///   blocks with them. No inline `<style>` element runs.
/// - everything else: this origin only; never framed; forms post here.
pub fn csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; img-src 'self'; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The layer.
pub async fn add(State(policy): State<Policy>, mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // Record addresses never leave for a company's website.
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if policy.https {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if is_html(h)
        && let Ok(v) = HeaderValue::from_str(&csp(&nonce.to_string()))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    // Pages and answers are personal: no browser or proxy cache keeps them
    // (the service worker's own copies, for offline use, are not HTTP
    // caches and are dropped at logout). Files keep their own headers:
    // hashed ones are immutable, the worker script is `no-cache`.
    let personal = path.starts_with("/api/") || path.starts_with("/export/") || is_html(h);
    if personal && !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "private, no-store");
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_allows_the_nonce_and_wasm_only() {
        let p = super::csp("abc123");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!p.contains(" 'unsafe-eval'"), "{p}");
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"), "{p}");
        assert!(p.contains("frame-ancestors 'none'"));
    }
}
