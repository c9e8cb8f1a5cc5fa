//! The app's own confirmation dialog (instead of the browser's `confirm()`,
//! which cannot be translated, styled, nor tested like the rest) and the
//! short messages that follow an action, with an "Undo" where one exists.

use crate::i18n::*;
use crate::ui::erase::Erase;
use leptos::prelude::*;

/// Asks before something that cannot be taken back in one click: a modal
/// `alertdialog`, its confirm button focused, Escape or the backdrop
/// cancels. `extra` is shown between the question and the buttons (e.g.
/// "this occurrence or the whole series").
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: TextProp,
    #[prop(into)] body: TextProp,
    #[prop(into)] confirm_label: TextProp,
    on_confirm: Callback<()>,
    #[prop(optional, into)] extra: ViewFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    // The confirm button takes the focus when the dialog opens.
    Effect::new(move || {
        if open.get()
            && let Some(b) = confirm_button.get()
        {
            let _ = b.focus();
        }
    });
    let close = move || open.set(false);
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| close()>
                <div
                    class="card dialog"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="confirm-title"
                    aria-describedby="confirm-body"
                    on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            close();
                        }
                    }
                >
                    <h2 id="confirm-title">{
                        let title = title.clone();
                        move || title.get().to_string()
                    }</h2>
                    <p id="confirm-body">{
                        let body = body.clone();
                        move || body.get().to_string()
                    }</p>
                    {extra.run()}
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="button button-danger"
                            node_ref=confirm_button
                            on:click=move |_| {
                                close();
                                on_confirm.run(());
                            }
                        >
                            {
                                let label = confirm_label.clone();
                                move || label.get().to_string()
                            }
                        </button>
                        <button type="button" class="button" on:click=move |_| close()>
                            {move || t_string!(i18n, common.cancel).to_string()}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
    .erase()
}

/// What "Undo" does. A plain closure, not a `Callback`: the page that
/// made it is usually gone when it is clicked (a delete goes back to the
/// list), and a `Callback` would be disposed with it.
pub type Undo = std::rc::Rc<dyn Fn()>;

/// One message at the bottom of the screen.
#[derive(Clone)]
pub struct Toast {
    id: u64,
    text: String,
    /// Whether it has an "Undo" (kept aside, in `Toasts::undos`).
    undo: bool,
}

/// The messages shown after actions (provided by the shell, so that they
/// outlive the page that sent them). Browser-side only: nothing is shown
/// by the server.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    last: StoredValue<u64>,
}

// The "Undo" closures, outside the reactive arena and in the browser only
// (a thread-bound value in the arena would be dropped by the server on
// whichever thread finishes the page, and panic).
#[cfg(feature = "hydrate")]
thread_local! {
    static UNDOS: std::cell::RefCell<Vec<(u64, Undo)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How long a message stays, in milliseconds.
pub const TOAST_MS: u32 = 10_000;

impl Toasts {
    pub fn provide() -> Toasts {
        let t = Toasts {
            list: RwSignal::new(Vec::new()),
            last: StoredValue::new(0),
        };
        provide_context(t);
        t
    }

    /// The shell's messages, or none outside it (the login pages).
    pub fn get() -> Option<Toasts> {
        use_context::<Toasts>()
    }

    /// Shows `text` for a while, with an "Undo" button if `undo` is given.
    pub fn show(self, text: String, undo: Option<Undo>) {
        let id = self.last.get_value() + 1;
        self.last.set_value(id);
        let has_undo = undo.is_some();
        #[cfg(feature = "hydrate")]
        if let Some(undo) = undo {
            // One "Undo" at a time: the newest.
            UNDOS.with(|u| *u.borrow_mut() = vec![(id, undo)]);
        }
        #[cfg(not(feature = "hydrate"))]
        drop(undo);
        self.list.update(|l| {
            if has_undo {
                l.retain(|t| !t.undo);
            }
            l.push(Toast {
                id,
                text,
                undo: has_undo,
            });
        });
        #[cfg(feature = "hydrate")]
        gloo_timers::callback::Timeout::new(TOAST_MS, move || self.dismiss(id)).forget();
    }

    fn dismiss(self, id: u64) {
        self.list.try_update(|l| l.retain(|t| t.id != id));
        #[cfg(feature = "hydrate")]
        UNDOS.with(|u| u.borrow_mut().retain(|(i, _)| *i != id));
    }

    fn undo(self, id: u64) {
        #[cfg(feature = "hydrate")]
        let undo = UNDOS.with(|u| {
            u.borrow()
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, f)| f.clone())
        });
        self.dismiss(id);
        #[cfg(feature = "hydrate")]
        if let Some(undo) = undo {
            undo();
        }
    }
}

/// Where the messages appear: announced politely to screen readers.
#[component]
pub fn ToastRegion(toasts: Toasts) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:t>
                <div class="toast">
                    <span>{t.text.clone()}</span>
                    {t
                        .undo
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="link-button toast-undo"
                                    on:click=move |_| toasts.undo(t.id)
                                >
                                    {move || t_string!(i18n, common.undo).to_string()}
                                </button>
                            }
                        })}
                    <button
                        type="button"
                        class="icon-button toast-close"
                        aria-label=move || t_string!(i18n, common.close).to_string()
                        on:click=move |_| toasts.dismiss(t.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
    .erase()
}
