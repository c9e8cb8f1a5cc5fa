//! Relais, the application: routes, pages, components and server functions,
//! compiled twice — with `ssr` into the server, with `hydrate` into the wasm
//! bundle. See ARCHITECTURE.md for the map.

#![recursion_limit = "256"]

pub mod auth;
pub mod companies;
pub mod error;
pub mod layout;
pub mod pages;
pub mod persons;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
pub mod validate;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document. Theme and density come from cookies the server set
/// from the user's profile, so the first paint already has the right colours.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (theme, density) = (
        ssr::cookies::from_request(ssr::cookies::THEME)
            .filter(|t| auth::THEMES.contains(&t.as_str())),
        ssr::cookies::from_request(ssr::cookies::DENSITY)
            .filter(|d| auth::DENSITIES.contains(&d.as_str())),
    );
    #[cfg(not(feature = "ssr"))]
    let (theme, density): (Option<String>, Option<String>) = (None, None);
    view! {
        <!DOCTYPE html>
        <html
            lang="en"
            data-theme=theme.unwrap_or_else(|| "light".into())
            data-density=density.unwrap_or_else(|| "comfortable".into())
        >
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Head />
            <Router>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/login") view=auth::pages::LoginPage />
                    <Route path=path!("/forgot-password") view=auth::pages::ForgotPasswordPage />
                    <Route path=path!("/reset-password") view=auth::pages::ResetPasswordPage />
                    <ParentRoute path=path!("") view=layout::AppShell>
                        <Route path=path!("") view=pages::desk::DeskPage />
                        <Route path=path!("/search") view=pages::search::SearchPage />
                        <Route path=path!("/companies") view=companies::pages::CompanyList />
                        <Route path=path!("/companies/new") view=companies::pages::CompanyNew />
                        <Route path=path!("/companies/:id") view=companies::pages::CompanyPage />
                        <Route path=path!("/companies/:id/edit") view=companies::pages::CompanyEdit />
                        <Route path=path!("/persons") view=persons::pages::PersonList />
                        <Route path=path!("/persons/new") view=persons::pages::PersonNew />
                        <Route path=path!("/persons/:id") view=persons::pages::PersonPage />
                        <Route path=path!("/persons/:id/edit") view=persons::pages::PersonEdit />
                        <Route path=path!("/deals") view=|| not_built(Module::Deals) />
                        <Route path=path!("/interactions") view=|| not_built(Module::Interactions) />
                        <Route path=path!("/calendar") view=|| not_built(Module::Calendar) />
                        <Route path=path!("/planning") view=|| not_built(Module::Planning) />
                        <Route path=path!("/kanban") view=|| not_built(Module::Kanban) />
                        <Route path=path!("/reports") view=|| not_built(Module::Reports) />
                        <Route path=path!("/documents") view=|| not_built(Module::Documents) />
                        <Route path=path!("/programmes") view=|| not_built(Module::Programmes) />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
    .into_any()
}

/// Title, manifest, icons and stylesheet.
#[component]
fn Head() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, app_name).to_string() />
        <Meta name="description" content=move || t_string!(i18n, tagline).to_string() />
        <Meta name="theme-color" content="#1f5f8b" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="icon" href="/icons/icon.svg" type_="image/svg+xml" />
        <Link rel="stylesheet" id="leptos" href="/pkg/relais.css" />
    }
    .into_any()
}

#[derive(Clone, Copy)]
enum Module {
    Deals,
    Interactions,
    Calendar,
    Planning,
    Kanban,
    Reports,
    Documents,
    Programmes,
}

fn not_built(module: Module) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || {
        match module {
            Module::Deals => t_string!(i18n, nav.deals),
            Module::Interactions => t_string!(i18n, nav.interactions),
            Module::Calendar => t_string!(i18n, nav.calendar),
            Module::Planning => t_string!(i18n, nav.planning),
            Module::Kanban => t_string!(i18n, nav.kanban),
            Module::Reports => t_string!(i18n, nav.reports),
            Module::Documents => t_string!(i18n, nav.documents),
            Module::Programmes => t_string!(i18n, nav.programmes),
        }
        .to_string()
    };
    view! { <pages::NotBuilt module=label /> }
}

#[cfg(test)]
mod locale_tests {
    //! Every key exists in every language: a missing translation fails here.
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn keys(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        if let Value::Object(map) = v {
            for (k, v) in map {
                keys(v, &format!("{prefix}{k}."), out);
            }
        } else {
            out.insert(prefix.trim_end_matches('.').to_string());
        }
    }

    fn load(lang: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut out = BTreeSet::new();
        keys(&v, "", &mut out);
        out
    }

    #[test]
    fn english_and_french_have_the_same_keys() {
        let (en, fr) = (load("en"), load("fr"));
        let missing_fr: Vec<_> = en.difference(&fr).collect();
        let missing_en: Vec<_> = fr.difference(&en).collect();
        assert!(missing_fr.is_empty(), "missing in fr.json: {missing_fr:?}");
        assert!(missing_en.is_empty(), "missing in en.json: {missing_en:?}");
    }

    #[test]
    fn no_translation_is_empty() {
        for lang in ["en", "fr"] {
            let path = format!("{}/locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).unwrap();
            assert!(!text.contains("\"\""), "{lang}.json has an empty string");
        }
    }
}
