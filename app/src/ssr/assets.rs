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

/// The script that starts the app in the browser. The page is complete
/// without it (rendered by the server); the wasm is fetched only once the
/// page has loaded and the browser is idle, so on a slow network it never
/// competes with the stylesheet for the first paint (no preload either).
pub fn boot_script(options: &LeptosOptions) -> String {
    let files = pkg_files(options);
    format!(
        "const start = () => import({js:?}).then((app) => app.default({{ module_or_path: {wasm:?} }}).then(() => app.hydrate()));\n\
         const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(start, {{ timeout: 2000 }}) : setTimeout(start, 1));\n\
         if (document.readyState === 'complete') idle(); else addEventListener('load', idle, {{ once: true }});",
        js = files.js,
        wasm = files.wasm,
    )
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
    fn the_boot_script_loads_this_builds_files_after_the_page() {
        let options = LeptosOptions::builder().output_name("relais").build();
        let script = boot_script(&options);
        let files = pkg_files(&options);
        assert!(
            script.contains(&format!("import({:?})", files.js)),
            "{script}"
        );
        assert!(
            script.contains(&format!("module_or_path: {:?}", files.wasm)),
            "{script}"
        );
        assert!(script.contains("addEventListener('load'"), "{script}");
    }
}
