//! The shell's links: plain `<a>` (the router takes their clicks), marked
//! `aria-current="page"` while their page is shown. One memo of the current
//! path serves every link of the shell; the router's `<A>` made a resolved
//! path memo and two effects per link, about 25 of them on every page.

use crate::ui::erase::{Erase, erased};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The path of the page shown, shared by the shell's links.
#[derive(Clone, Copy)]
pub struct CurrentPath(Memo<String>);

/// Called once by the shell, inside the router.
pub fn provide_current_path() {
    let location = use_location();
    provide_context(CurrentPath(Memo::new(move |_| location.pathname.get())));
}

/// Whether `href` is the page at `path`: exactly, or (unless `exact`) one
/// of its sub-pages (`/persons` for `/persons/12`).
fn is_current(href: &str, path: &str, exact: bool) -> bool {
    let href = href.split(['?', '#']).next().unwrap_or(href);
    path == href
        || (!exact
            && href != "/"
            && path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// A link of the shell's menus.
#[component]
pub fn NavLink<C: IntoView + 'static>(
    href: &'static str,
    /// Current only on this very path, not on its sub-pages.
    #[prop(optional)]
    exact: bool,
    children: TypedChildren<C>,
) -> impl IntoView {
    nav_link(href, exact, erased(children))
}

fn nav_link(href: &'static str, exact: bool, children: Children) -> AnyView {
    let CurrentPath(path) = expect_context::<CurrentPath>();
    let current = move || path.with(|p| is_current(href, p, exact)).then_some("page");
    view! { <a href=href aria-current=current>{children()}</a> }.erase()
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_module_is_current_on_its_records_too() {
        assert!(is_current("/persons", "/persons", false));
        assert!(is_current("/persons", "/persons/12", false));
        assert!(!is_current("/persons", "/personsx", false));
        assert!(!is_current("/persons", "/persons/12", true));
        assert!(is_current("/", "/", false));
        assert!(!is_current("/", "/persons", false));
        assert!(is_current(
            "/interactions/new?kind=call",
            "/interactions/new",
            true
        ));
        assert!(!is_current("/calendar", "/", false));
    }
}
