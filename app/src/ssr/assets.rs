//! The names of the built wasm, JS and CSS. Release builds put a hash of
//! each file's content in its name (`hash-files` in the workspace's
//! `Cargo.toml`; cargo-leptos writes the hashes to `hash.txt` next to the
//! server binary), so a browser — or the service worker's cache — can never
//! pair an old wasm with a new server: a new release has new names.
//! Without that file (debug builds, tests) the plain names are used.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkgFiles {
    /// Paths from the site root, like `/pkg/relais.3f9a….js`.
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Whether the names carry content hashes (a release build).
    pub hashed: bool,
}

/// The files of this build (read once).
pub fn pkg_files(options: &LeptosOptions) -> &'static PkgFiles {
    static FILES: OnceLock<PkgFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
            })
            .flatten()
            .unwrap_or_default();
        names(
            &options.site_pkg_dir,
            &options.output_name,
            &hashes,
            option_env!("LEPTOS_OUTPUT_NAME").is_some(),
        )
    })
}

/// The wasm pieces of a split build (`app::routes`) and their loader
/// (`__wasm_split.….js`), as paths from the site root, sorted: every
/// `.wasm` and `.js` of the package directory but the main ones. Empty for
/// a build without `--split`. Read once.
pub fn pieces(options: &LeptosOptions) -> &'static [String] {
    static PIECES: OnceLock<Vec<String>> = OnceLock::new();
    PIECES.get_or_init(|| {
        let main = pkg_files(options);
        let dir =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let names = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok());
        piece_paths(&options.site_pkg_dir, names, main)
    })
}

/// The files a piece needs (its own and those it shares with others), by
/// the name of its function in `app::routes`, from the splitter's manifest
/// (`__wasm_split_manifest.….json`: lazy function → files). Empty without
/// `--split`. Read once.
pub fn piece_files(options: &LeptosOptions, piece: &str) -> &'static [String] {
    static MANIFEST: OnceLock<std::collections::HashMap<String, Vec<String>>> = OnceLock::new();
    let manifest = MANIFEST.get_or_init(|| {
        let pkg = options.site_pkg_dir.to_string();
        let dir = std::path::Path::new(options.site_root.as_ref()).join(&pkg);
        std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .find(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("__wasm_split_manifest") && n.ends_with(".json")
            })
            .and_then(|file| std::fs::read_to_string(file.path()).ok())
            .map(|json| manifest_by_piece(&pkg, &json))
            .unwrap_or_default()
    });
    manifest.get(piece).map(Vec::as_slice).unwrap_or_default()
}

/// The manifest's keys are `<function>_<hash of its place in the source>`;
/// its values the files' names without `.wasm`.
fn manifest_by_piece(pkg: &str, json: &str) -> std::collections::HashMap<String, Vec<String>> {
    let raw: std::collections::HashMap<String, Vec<String>> =
        serde_json::from_slice(json.as_bytes()).unwrap_or_default();
    raw.into_iter()
        .filter_map(|(key, files)| {
            let (name, _) = key.rsplit_once('_')?;
            let files = files.iter().map(|f| format!("/{pkg}/{f}.wasm")).collect();
            Some((name.to_string(), files))
        })
        .collect()
}

fn piece_paths(pkg: &str, names: impl Iterator<Item = String>, main: &PkgFiles) -> Vec<String> {
    let mut pieces: Vec<String> = names
        .filter(|n| n.ends_with(".wasm") || is_split_loader(n))
        .map(|n| format!("/{pkg}/{n}"))
        .filter(|p| *p != main.wasm && *p != main.js)
        .collect();
    pieces.sort();
    pieces
}

/// The `<meta name=…>` that lists the files of the page's piece
/// (`routes::prefetch`), space-separated, for the boot script.
pub const PIECES_META: &str = "relais-pieces";

/// Before the app has hydrated the page, a tap on a button would be lost
/// (the button has no handler yet) or, on a form's submit button, send the
/// form the browser's way (its fields in the address); and what was typed
/// into a field would be wiped by the hydration, which sets each field to
/// its (empty) value. While the page says it is not ready
/// (`data-ready="false"`, the shell's and the password pages' mark, `true`
/// once every deferred part is hydrated: `ui::later::hydrated`), the boot
/// script notes what was typed or chosen and holds the last tap on a
/// button; once the page is ready it puts the fields back (with the event
/// the app listens to, so its state follows) and then plays the tap. Links
/// and `<summary>` work without the app and are left alone; a page without
/// the mark holds nothing.
const TAPS_BEFORE_READY: &str = "const waiting = () => document.querySelector('[data-ready=\"false\"]') !== null;\n\
     let tapped = null; const typed = new Map();\n\
     const early = (e) => { const b = e.target.closest?.('button'); if (b && !b.disabled && waiting()) { e.preventDefault(); e.stopImmediatePropagation(); tapped = b; } };\n\
     const field = (e) => { const f = e.target; if (waiting() && f.matches?.('input, select, textarea')) typed.set(f, f.type === 'checkbox' || f.type === 'radio' ? f.checked : f.value); };\n\
     addEventListener('click', early, true); addEventListener('input', field, true); addEventListener('change', field, true);\n\
     new MutationObserver((_, seen) => { if (waiting()) return; seen.disconnect(); removeEventListener('click', early, true); removeEventListener('input', field, true); removeEventListener('change', field, true);\
     typed.forEach((v, f) => { if (!f.isConnected) return; const box = typeof v === 'boolean'; if (box ? f.checked === v : f.value === v) return; if (box) f.checked = v; else f.value = v; f.dispatchEvent(new Event(box || f.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true })); });\
     if (tapped?.isConnected) tapped.click(); tapped = null; typed.clear(); })\
     .observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });\n";

/// The script that starts the app in the browser. The page is complete
/// without it (rendered by the server); the wasm is fetched only once the
/// page has loaded and the browser is idle, so on a slow network it never
/// competes with the stylesheet for the first paint (no preload either).
/// The main wasm, the JS that starts it and the splitter's loader are
/// asked for together: left to the JS, the loader (which it imports) and
/// the wasm (which it fetches once it has run) would start two round trips
/// later, and the largest file last.
/// The files of the page's piece are fetched at the same moment, at a low
/// priority (the main wasm is needed first): the app finds them in the
/// HTTP cache (immutable names) instead of asking for them once the main
/// wasm has run, a round trip later. (As `<link rel="prefetch">` they
/// started before the first paint and shared the slow network with the
/// stylesheet: Lighthouse put the largest paint of a list 4 s later.
/// Handing the splitter's loader these answers, so that it would not ask
/// the HTTP cache again, made a person's page block longer at start-up,
/// 345 → 478 ms: the cache's answer is a break between loading the route
/// and instantiating the piece.)
/// It also notes the screen's width and the device's light or dark setting
/// in cookies for the server's next page, and shows a theme of `auto` in
/// the device's setting at once and whenever it changes
/// (`layout::shown_theme`'s rule).
/// `with_app: false` (the login page, plain HTML forms): no wasm; the
/// script registers the service worker itself, as the app does once it
/// starts (`pwa::register_service_worker`), so the app can be installed
/// from that page too.
pub fn boot_script(options: &LeptosOptions, with_app: bool) -> String {
    let files = pkg_files(options);
    let start = if with_app {
        let loader = split_loader(pieces(options))
            .map(|url| format!("document.head.append(Object.assign(document.createElement('link'), {{ rel: 'modulepreload', href: {url:?} }})); "))
            .unwrap_or_default();
        format!(
            "const pieces = () => (document.querySelector('meta[name={PIECES_META}]')?.content || '').split(' ').filter(Boolean).forEach((url) => fetch(url, {{ priority: 'low' }}).catch(() => {{}}));\n\
             const start = () => {{ const main = fetch({wasm:?}); {loader}pieces(); import({js:?}).then((app) => app.default({{ module_or_path: main }}).then(() => app.hydrate())); }};\n\
             {taps}",
            js = files.js,
            wasm = files.wasm,
            taps = TAPS_BEFORE_READY,
        )
    } else {
        "const start = () => navigator.serviceWorker?.register('/sw.js').catch(() => {});\n"
            .to_string()
    };
    format!(
        "const secure = location.protocol === 'https:' ? '; secure' : '';\n\
         document.cookie = '{narrow}=' + (innerWidth < 768 ? 1 : 0) + '; path=/; max-age=31536000; samesite=lax' + secure;\n\
         const dark = matchMedia('(prefers-color-scheme: dark)'), html = document.documentElement;\n\
         const device = () => {{ document.cookie = '{dark}=' + (dark.matches ? 1 : 0) + '; path=/; max-age=31536000; samesite=lax' + secure; if (html.dataset.themeChoice === 'auto') html.dataset.theme = dark.matches ? 'dark' : 'light'; }};\n\
         device(); dark.addEventListener('change', device);\n\
         {start}\
         const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(start, {{ timeout: 2000 }}) : setTimeout(start, 1));\n\
         if (document.readyState === 'complete') idle(); else addEventListener('load', idle, {{ once: true }});",
        narrow = crate::layout::NARROW_COOKIE,
        dark = crate::layout::DEVICE_DARK_COOKIE,
    )
}

/// The splitter's loader (`__wasm_split.….js`) among a split build's files.
fn split_loader(pieces: &[String]) -> Option<&String> {
    pieces
        .iter()
        .find(|p| p.rsplit('/').next().is_some_and(is_split_loader))
}

/// Whether a file name is the splitter's loader's.
fn is_split_loader(name: &str) -> bool {
    name.starts_with("__wasm_split.") && name.ends_with(".js")
}

/// `hashes`: `hash.txt` (lines `js: …`, `wasm: …`, `css: …`), or empty.
/// `built_by_cargo_leptos`: the wasm is then `<name>.wasm`, else
/// wasm-bindgen's `<name>_bg.wasm` (as leptos's `HydrationScripts` does).
fn names(pkg: &str, name: &str, hashes: &str, built_by_cargo_leptos: bool) -> PkgFiles {
    let hash = |kind: &str| {
        hashes.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == kind).then(|| format!(".{}", v.trim()))
        })
    };
    let wasm = match hash("wasm") {
        Some(h) => format!("{name}{h}"),
        None if built_by_cargo_leptos => name.to_string(),
        None => format!("{name}_bg"),
    };
    PkgFiles {
        js: format!("/{pkg}/{name}{}.js", hash("js").unwrap_or_default()),
        wasm: format!("/{pkg}/{wasm}.wasm"),
        css: format!("/{pkg}/{name}{}.css", hash("css").unwrap_or_default()),
        hashed: hash("wasm").is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_and_plain_names() {
        let f = names("pkg", "relais", "js: AAA\nwasm: BBB\ncss: CCC\n", true);
        assert_eq!(f.js, "/pkg/relais.AAA.js");
        assert_eq!(f.wasm, "/pkg/relais.BBB.wasm");
        assert_eq!(f.css, "/pkg/relais.CCC.css");
        assert!(f.hashed);
        let f = names("pkg", "relais", "", true);
        assert_eq!(
            (f.js.as_str(), f.wasm.as_str(), f.css.as_str()),
            ("/pkg/relais.js", "/pkg/relais.wasm", "/pkg/relais.css")
        );
        assert!(!f.hashed);
        assert_eq!(
            names("pkg", "relais", "", false).wasm,
            "/pkg/relais_bg.wasm"
        );
    }

    #[test]
    fn pieces_are_the_other_wasm_files_and_their_loader() {
        let main = names("pkg", "relais", "js: AAA\nwasm: BBB\ncss: CCC\n", true);
        let files = [
            "relais.AAA.js",
            "relais.BBB.wasm",
            "relais.BBB.wasm.br",
            "relais.CCC.css",
            "split_lists_piece_1.XYZ.wasm",
            "chunk_3.QQQ.wasm",
            "__wasm_split.LLL.js",
            "__wasm_split_manifest.MMM.json",
            "relais.d.TTT.ts",
        ]
        .map(String::from);
        assert_eq!(
            piece_paths("pkg", files.into_iter(), &main),
            [
                "/pkg/__wasm_split.LLL.js",
                "/pkg/chunk_3.QQQ.wasm",
                "/pkg/split_lists_piece_1.XYZ.wasm"
            ]
        );
    }

    #[test]
    fn the_split_loader_is_found_among_the_pieces() {
        let pieces = [
            "/pkg/__wasm_split.LLL.js",
            "/pkg/__wasm_split_manifest.MMM.json",
            "/pkg/chunk_3.QQQ.wasm",
        ]
        .map(String::from);
        assert_eq!(
            split_loader(&pieces).map(String::as_str),
            Some("/pkg/__wasm_split.LLL.js")
        );
        assert_eq!(split_loader(&pieces[2..]), None);
    }

    #[test]
    fn the_manifest_is_read_by_piece_name() {
        let json = r#"{"lists_piece_1104499559477106457":["chunk_3.QQQ","split_lists_piece_1104499559477106457.XYZ"],"records_piece_1104499559477106457":["chunk_3.QQQ"]}"#;
        let m = manifest_by_piece("pkg", json);
        assert_eq!(
            m["lists_piece"],
            [
                "/pkg/chunk_3.QQQ.wasm",
                "/pkg/split_lists_piece_1104499559477106457.XYZ.wasm"
            ]
        );
        assert_eq!(m["records_piece"], ["/pkg/chunk_3.QQQ.wasm"]);
        assert!(manifest_by_piece("pkg", "not json").is_empty());
    }

    #[test]
    fn the_boot_script_loads_this_builds_files_after_the_page() {
        let options = LeptosOptions::builder().output_name("relais").build();
        let script = boot_script(&options, true);
        let files = pkg_files(&options);
        assert!(
            script.contains(&format!("import({:?})", files.js)),
            "{script}"
        );
        // The main wasm is asked for at once, beside the JS, not by it.
        assert!(
            script.contains(&format!("const main = fetch({:?});", files.wasm))
                && script.contains("module_or_path: main"),
            "{script}"
        );
        assert!(script.contains("addEventListener('load'"), "{script}");
        // Its cookies are `Secure` on HTTPS, as the server's are.
        assert_eq!(
            script.matches("samesite=lax' + secure").count(),
            2,
            "{script}"
        );
        assert!(
            script.contains(&format!("meta[name={PIECES_META}]")),
            "the page's piece is fetched beside the main wasm: {script}"
        );
        // Every name the script declares, once (two `const`s of one name
        // in a scope: the script does not run at all). Names in inner
        // scopes are counted too: they are kept apart as well.
        let mut names: Vec<&str> = script
            .lines()
            .flat_map(|line| line.split("; "))
            .filter_map(|statement| {
                let rest = statement.trim_start().strip_prefix("const ")?;
                Some(rest.split([' ', '=']).next().unwrap_or_default())
            })
            .collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "{script}");
        assert!(count > 5, "{script}");
        // A tap before the page is ready is held and played once it is,
        // after the fields typed into meanwhile are put back.
        assert!(script.contains(TAPS_BEFORE_READY), "{script}");
        assert!(
            TAPS_BEFORE_READY.contains("[data-ready=\"false\"]")
                && TAPS_BEFORE_READY.contains("tapped.click()")
                && TAPS_BEFORE_READY.find("typed.forEach")
                    < TAPS_BEFORE_READY.find("tapped.click()")
                && !TAPS_BEFORE_READY.contains("{{"),
            "{TAPS_BEFORE_READY}"
        );
        // The login page: the same cookies and theme, the worker, no app.
        let plain = boot_script(&options, false);
        assert!(
            !plain.contains(".wasm") && !plain.contains("import("),
            "{plain}"
        );
        assert!(
            plain.contains("serviceWorker?.register('/sw.js')"),
            "{plain}"
        );
        assert!(plain.contains("prefers-color-scheme"), "{plain}");
        // Its forms work without the app: no tap is held.
        assert!(!plain.contains("tapped"), "{plain}");
    }
}
