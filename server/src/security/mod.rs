//! What every request and response passes through before the gate:
//! `requests` refuses what is malformed or sent from another site (a
//! normalised path; for server functions a same-origin JSON `POST` of
//! bounded size and depth), `headers` adds the security headers and the
//! nonce of the page's scripts.
//!
//! Who may do what is decided elsewhere, once: the gate (a session),
//! `app::ssr::guard::require` (the role) and `app::access` (the record).

pub mod headers;
pub mod requests;
