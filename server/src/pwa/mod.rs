//! The installable app's server side: the service worker script
//! (`sw.js`, next to this file), completed with this release's version,
//! the files it keeps for offline use, and the server functions whose
//! answers it may keep (`app::pwa::READS`) or changes it may queue while
//! offline (`app::pwa::QUEUED`).
//!
//! The version is a hash of the content of the files kept, so a new
//! release (new wasm, new CSS, new icons…) is a new worker: the browser
//! installs it in the background, it takes the new files and deletes the
//! old ones. The manifest and the offline page are static files
//! (`frontend/public`).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;

/// What every release keeps, besides the wasm (with its pieces), JS and CSS.
const STATIC_FILES: &[&str] = &[
    "/offline.html",
    "/offline/offline.css",
    "/offline/offline.js",
    "/manifest.webmanifest",
    "/icons/icon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/icon-maskable-512.png",
];

const TEMPLATE: &str = include_str!("sw.js");

/// `GET /sw.js`.
pub async fn service_worker(State(options): State<LeptosOptions>) -> impl IntoResponse {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    let script = SCRIPT.get_or_init(|| script(&options));
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Browsers check the worker at each navigation; never from a cache.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        script.as_str(),
    )
}

/// The worker for the files under `options.site_root`.
pub fn script(options: &LeptosOptions) -> String {
    let pkg = app::ssr::assets::pkg_files(options);
    let root = Path::new(options.site_root.as_ref());
    let mut version = Sha256::new();
    version.update(TEMPLATE.as_bytes());
    let (mut precache, mut later) = (Vec::new(), Vec::new());
    // The wasm pieces too (`app::routes`): a page opened offline for the
    // first time needs its piece. The install takes the main wasm (the
    // Desk, the page after login and where the installed app opens, is in
    // it) and the splitter's loader; the pieces are taken once the app has
    // started (`LATER`, asked by `app::pwa::warm`), so that a first visit's
    // install, on the login page, does not download the whole app while
    // the Desk waits for its own file.
    let (now, rest): (Vec<&String>, Vec<&String>) = app::ssr::assets::pieces(options)
        .iter()
        .partition(|p| !p.ends_with(".wasm"));
    let files = [&pkg.js, &pkg.wasm, &pkg.css]
        .into_iter()
        .chain(now)
        .map(|p| (p.as_str(), false))
        .chain(STATIC_FILES.iter().map(|p| (*p, false)))
        .chain(rest.into_iter().map(|p| (p.as_str(), true)));
    for (url, is_later) in files {
        // A file missing from the site (a build without the front end)
        // is left out: one missing file would fail the whole install.
        if let Ok(bytes) = std::fs::read(root.join(url.trim_start_matches('/'))) {
            version.update(url.as_bytes());
            version.update(&bytes);
            if is_later { &mut later } else { &mut precache }.push(url);
        }
    }
    let version = hex::encode(&version.finalize()[..8]);
    TEMPLATE
        .replacen("__VERSION__", &json(&version), 1)
        .replacen("__PRECACHE__", &json(&precache), 1)
        .replacen("__LATER__", &json(&later), 1)
        .replacen("__READS__", &json(&app::pwa::READS), 1)
        .replacen("__QUEUED__", &json(&app::pwa::QUEUED), 1)
        .replacen("__PAGES_CACHE__", &json(&app::pwa::PAGES_CACHE), 1)
}

/// The wasm, JS and CSS of a release build are named after their content:
/// browsers may keep them for a year without asking again (a new release
/// has new names). Unhashed names (debug builds) keep the default.
pub async fn immutable_assets(
    State(options): State<LeptosOptions>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let pkg = app::ssr::assets::pkg_files(&options);
    let path = req.uri().path();
    let hashed = pkg.hashed
        && path.starts_with("/pkg/")
        && [&pkg.js, &pkg.wasm, &pkg.css]
            .into_iter()
            .chain(app::ssr::assets::pieces(&options))
            .any(|p| p.as_str() == path);
    let mut resp = next.run(req).await;
    if hashed && resp.status().is_success() {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    resp
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("strings serialize")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_worker_is_complete_and_versioned_by_content() {
        let dir = std::env::temp_dir().join(format!("relais-sw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("pkg/relais.css"), "body{}").unwrap();
        std::fs::write(dir.join("offline.html"), "<p>offline</p>").unwrap();
        let options =
            super::super::leptos_options(dir.to_str().unwrap(), "127.0.0.1:3000".parse().unwrap());
        let first = super::script(&options);
        assert!(!first.contains("__"), "every placeholder filled");
        assert!(first.contains(r#"const PRECACHE = ["/pkg/relais.css","/offline.html"];"#));
        assert!(
            first.contains("const LATER = [];"),
            "no pieces without --split"
        );
        assert!(first.contains(r#""/api/desk/today""#));
        std::fs::write(dir.join("offline.html"), "<p>hors ligne</p>").unwrap();
        let second = super::script(&options);
        let version = |s: &str| {
            s.lines()
                .find(|l| l.starts_with("const VERSION"))
                .unwrap()
                .to_string()
        };
        assert_ne!(
            version(&first),
            version(&second),
            "new content, new version"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
