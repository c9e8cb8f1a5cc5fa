//! Building blocks every module uses: one way to make a form, a list, an
//! error message and an icon.

pub mod browser;
pub mod chart;
pub mod dialog;
pub mod erase;
pub mod feedback;
pub mod form;
pub mod icons;
pub mod later;
pub mod list;
pub mod pickers;
pub mod record;
pub mod resource;

/// A translated string, as a reactive closure (for labels and attributes).
#[macro_export]
macro_rules! tx {
    ($i18n:expr, $($key:tt)+) => {{
        let i18n = $i18n;
        move || $crate::i18n::t_string!(i18n, $($key)+).to_string()
    }};
}

/// Binds a form field to one field of a struct held in an `RwSignal`:
/// `bind=bind!(form.name)` gives the input its value and its setter.
#[macro_export]
macro_rules! bind {
    ($form:ident . $field:ident) => {
        (
            // `try_with`: on the server, a page's earlier render can be
            // disposed while a field of it is still drawn.
            ::leptos::prelude::Signal::derive(move || {
                ::leptos::prelude::With::try_with(&$form, |f| f.$field.clone()).unwrap_or_default()
            }),
            ::leptos::prelude::Callback::new(move |v| {
                ::leptos::prelude::Update::update(&$form, |f| f.$field = v)
            }),
        )
    };
}
