//! Pickers bound to records: the owner ("assigned to") select.

use super::form::SelectField;
use crate::auth::user_options;
use crate::i18n::*;
use leptos::prelude::*;

/// "Assigned to": a select of active users bound to an `Option<i64>`.
#[component]
pub fn OwnerSelect(value: Signal<Option<i64>>, set: Callback<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let users = Resource::new(|| (), |_| user_options());
    let text = Signal::derive(move || value.get().map(|v| v.to_string()).unwrap_or_default());
    let set_text = Callback::new(move |v: String| set.run(v.parse().ok()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                users
                    .get()
                    .map(|r| {
                        let options = r
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(id, name)| (id.to_string(), TextProp::from(name)))
                            .collect::<Vec<_>>();
                        view! {
                            <SelectField
                                name="owner_id"
                                label=crate::tx!(i18n, common.owner)
                                bind=(text, set_text)
                                options=options
                            />
                        }
                    })
            }}
        </Suspense>
    }
    .into_any()
}
