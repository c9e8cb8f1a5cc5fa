//! The profile settings page: time zone and capacity, calendar sharing, and
//! the iCalendar subscription link.

use super::{
    Colleague, ProfileSettings, check_profile, create_feed, my_settings, revoke_feed, save_profile,
    save_reminders, share_calendar, webcal,
};
use crate::auth::{
    SecondFactorSetup, SignedIn, begin_second_factor, change_password, check_code,
    check_password_change, confirm_second_factor, disable_second_factor, end_sessions, my_sessions,
    new_recovery_codes, second_factor_status,
};
use crate::error::{AppError, FieldError, FieldProblem};
use crate::i18n::*;
use crate::tx;
use crate::ui::browser::load_in_browser;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::form::{Bind, CheckboxGroup, FormErrors, SelectField, TextField};
use crate::ui::resource::resource;
use leptos::prelude::*;

/// A form field bound to a signal of its own.
fn bind_to<T: Clone + Send + Sync + 'static>(s: RwSignal<T>) -> Bind<T> {
    (
        Signal::derive(move || s.get()),
        Callback::new(move |v| s.set(v)),
    )
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource(|| (), |_| my_settings());
    view! {
        <div class="page settings-page">
            <header class="page-header">
                <h1>{tx!(i18n, settings.title)}</h1>
            </header>
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    data.get().map(|r| match r {
                        Ok(s) => view! { <Sections s=s /> }.erase(),
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                    })
                }}
            </Transition>
        </div>
    }
    .erase()
}

#[component]
fn Sections(s: ProfileSettings) -> impl IntoView {
    view! {
        <ZoneCard time_zone=s.time_zone capacity=s.capacity_hours zones=s.zones week_start=s.week_start />
        <RemindersCard reminders_by=s.reminders_by mail_configured=s.mail_configured />
        <PasswordCard />
        <SecondFactorCard />
        <SessionsCard />
        <SharingCard colleagues=s.colleagues sees_all=s.sees_all />
        <FeedCard url=s.feed_url />
    }
    .erase()
}

/// Time zone (every IANA zone) and daily capacity in hours.
#[component]
fn ZoneCard(
    time_zone: String,
    capacity: String,
    zones: Vec<String>,
    week_start: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let zone = RwSignal::new(time_zone);
    let week = RwSignal::new(week_start);
    let week_options: Vec<(String, TextProp)> = vec![
        ("auto".into(), tx!(i18n, settings.week_auto).into()),
        ("mon".into(), tx!(i18n, settings.week_mon).into()),
        ("sun".into(), tx!(i18n, settings.week_sun).into()),
    ];
    let capacity = RwSignal::new(capacity);
    let saved = RwSignal::new(false);
    let me = use_context::<crate::layout::Me>();
    let options: Vec<(String, TextProp)> = zones
        .into_iter()
        .map(|z| {
            let label = z.replace('_', " ");
            (z, TextProp::from(label))
        })
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let (tz, hours, week) = (
            zone.get_untracked(),
            capacity.get_untracked(),
            week.get_untracked(),
        );
        let local = check_profile(&tz, &hours);
        if !local.is_empty() {
            errors.set_fields(local);
            return;
        }
        leptos::task::spawn_local(async move {
            match save_profile(tz, hours, week).await {
                Ok(()) => {
                    errors.set_fields(Vec::new());
                    saved.set(true);
                    // The shell's user carries the zone: read it again.
                    if let Some(me) = me {
                        me.0.refetch();
                    }
                }
                Err(e) => errors.0.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card settings-card" aria-labelledby="settings-zone">
            <h2 id="settings-zone">{tx!(i18n, settings.profile_title)}</h2>
            <form class="settings-form" novalidate on:submit=submit>
                <ErrorBanner error=errors.0 />
                <SelectField name="time_zone" label=tx!(i18n, settings.time_zone) bind=bind_to(zone) options=options required=true />
                <p class="muted hint">{tx!(i18n, settings.time_zone_hint)}</p>
                <TextField name="capacity_hours" label=tx!(i18n, settings.capacity) bind=bind_to(capacity) inputmode="decimal" max=5 />
                <SelectField name="week_start" label=tx!(i18n, settings.week_start) bind=bind_to(week) options=week_options required=true />
                <div class="form-actions">
                    <button type="submit" class="button button-primary">{tx!(i18n, common.save)}</button>
                    <span class="muted" role="status">{move || saved.get().then(|| t_string!(i18n, common.saved).to_string())}</span>
                </div>
            </form>
        </section>
    }
    .erase()
}

/// How my reminders reach me: the bell and a desktop notification, a mail,
/// or both.
#[component]
fn RemindersCard(reminders_by: String, mail_configured: bool) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let choice = RwSignal::new(if reminders_by.is_empty() {
        "browser".to_string()
    } else {
        reminders_by
    });
    let saved = RwSignal::new(false);
    let me = use_context::<crate::layout::Me>();
    let options: Vec<(String, TextProp)> = vec![
        (
            "browser".into(),
            tx!(i18n, settings.reminders_browser).into(),
        ),
        ("mail".into(), tx!(i18n, settings.reminders_mail).into()),
        ("both".into(), tx!(i18n, settings.reminders_both).into()),
    ];
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let value = choice.get_untracked();
        leptos::task::spawn_local(async move {
            match save_reminders(value).await {
                Ok(()) => {
                    errors.set_fields(Vec::new());
                    saved.set(true);
                    // The bell reads the choice from the shell's user.
                    if let Some(me) = me {
                        me.0.refetch();
                    }
                }
                Err(e) => errors.0.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card settings-card" aria-labelledby="settings-reminders">
            <h2 id="settings-reminders">{tx!(i18n, settings.reminders_title)}</h2>
            <form class="settings-form" novalidate on:submit=submit>
                <ErrorBanner error=errors.0 />
                <SelectField name="reminders_by" label=tx!(i18n, settings.reminders_by) bind=bind_to(choice) options=options required=true />
                <p class="muted hint">{tx!(i18n, settings.reminders_hint)}</p>
                {(!mail_configured).then(|| view! { <p class="muted hint">{tx!(i18n, settings.reminders_no_mail)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button button-primary">{tx!(i18n, common.save)}</button>
                    <span class="muted" role="status">{move || saved.get().then(|| t_string!(i18n, common.saved).to_string())}</span>
                </div>
            </form>
        </section>
    }
    .erase()
}

/// Change my password: the current one, the new one twice. My other
/// sessions end; this one goes on.
#[component]
fn PasswordCard() -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let (c, p, k) = (
            current.get_untracked(),
            password.get_untracked(),
            confirm.get_untracked(),
        );
        let local = check_password_change(&c, &p, &k);
        if !local.is_empty() {
            errors.set_fields(local);
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match change_password(c, p, k).await {
                Ok(()) => {
                    errors.set_fields(Vec::new());
                    for field in [current, password, confirm] {
                        field.set(String::new());
                    }
                    saved.set(true);
                }
                Err(e) => errors.0.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card settings-card" aria-labelledby="settings-password">
            <h2 id="settings-password">{tx!(i18n, settings.password_title)}</h2>
            <form class="settings-form" novalidate on:submit=submit>
                <ErrorBanner error=errors.0 />
                <TextField name="current" label=tx!(i18n, settings.current_password) bind=bind_to(current) kind="password" autocomplete="current-password" required=true max=1024 />
                <TextField name="password" label=tx!(i18n, auth.new_password) bind=bind_to(password) kind="password" autocomplete="new-password" required=true max=1024 />
                <TextField name="confirm" label=tx!(i18n, auth.confirm_password) bind=bind_to(confirm) kind="password" autocomplete="new-password" required=true max=1024 />
                <p class="muted hint">{tx!(i18n, settings.password_hint)}</p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>{tx!(i18n, settings.change_password)}</button>
                    <span class="muted" role="status">{move || saved.get().then(|| t_string!(i18n, settings.password_changed).to_string())}</span>
                </div>
            </form>
        </section>
    }
    .erase()
}

/// What the second factor card shows besides its status.
#[derive(Clone, PartialEq)]
enum FactorStep {
    Status,
    /// Setting up: what the app needs, then a code and my password.
    Setup(SecondFactorSetup),
    /// New recovery codes, shown once.
    Codes(Vec<String>),
    /// My password, to turn it off.
    Disable,
    /// My password, for new recovery codes.
    NewCodes,
}

/// Two-step sign-in: on or off; set up with any authenticator app (QR
/// code, link or key; a code and my password confirm it), then the
/// recovery codes once; turn off or renew the codes with my password.
#[component]
fn SecondFactorCard() -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    // Read in the browser (a LocalResource under the page's Transition kept
    // the whole page at "Loading…" on the server, its largest paint late).
    let reload = RwSignal::new(0u32);
    let status = load_in_browser(move || {
        reload.track();
        second_factor_status()
    });
    let step = RwSignal::new(FactorStep::Status);
    let code = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let turned_off = RwSignal::new(false);
    let me = use_context::<crate::layout::Me>();
    let go = move |next: FactorStep| {
        errors.0.set(None);
        code.set(String::new());
        current.set(String::new());
        turned_off.set(false);
        step.set(next);
    };
    // A change of the factor may change my rights (an admin when the
    // organisation requires it): the shell's user is read again.
    let changed = move || {
        reload.update(|n| *n += 1);
        if let Some(me) = me {
            me.0.refetch();
        }
    };
    let begin = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match begin_second_factor().await {
                Ok(setup) => go(FactorStep::Setup(setup)),
                Err(e) => errors.0.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, p) = (code.get_untracked(), current.get_untracked());
        let now = step.get_untracked();
        let mut local = if matches!(now, FactorStep::Setup(_)) {
            check_code("code", &c)
        } else {
            Vec::new()
        };
        if p.is_empty() {
            local.push(FieldError {
                field: "current_password".into(),
                problem: FieldProblem::Required,
            });
        }
        if !local.is_empty() {
            errors.set_fields(local);
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = match now {
                FactorStep::Setup(_) => confirm_second_factor(c, p).await.map(FactorStep::Codes),
                FactorStep::NewCodes => new_recovery_codes(p).await.map(FactorStep::Codes),
                FactorStep::Disable => disable_second_factor(p).await.map(|()| FactorStep::Status),
                _ => Ok(FactorStep::Status),
            };
            match done {
                Ok(next) => {
                    let off = next == FactorStep::Status;
                    go(next);
                    turned_off.set(off);
                    changed();
                }
                Err(e) => errors.0.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let password_field = move || {
        view! {
            <TextField name="current_password" label=tx!(i18n, second_factor.current_password) bind=bind_to(current) kind="password" autocomplete="current-password" required=true max=1024 />
        }
    };
    let cancel = move |_| go(FactorStep::Status);
    let body = move || {
        // The fields below are made after the page is drawn, when the
        // cards after this one have provided their own `FormErrors` in the
        // same scope: give them this card's again.
        provide_context(errors);
        match step.get() {
        FactorStep::Status => view! {
            {move || status.get().map(|r| match r {
                Ok(s) if s.enabled => {
                    let left = s.recovery_left;
                    view! {
                        <p><span class="badge badge-ok">{tx!(i18n, second_factor.status_on)}</span></p>
                        <p class="muted">{t_string!(i18n, second_factor.recovery_left, left = left).to_string()}</p>
                        <div class="form-actions">
                            <button type="button" class="button" on:click=move |_| go(FactorStep::NewCodes)>{tx!(i18n, second_factor.new_codes)}</button>
                            <button type="button" class="button button-danger" on:click=move |_| go(FactorStep::Disable)>{tx!(i18n, second_factor.turn_off)}</button>
                        </div>
                    }
                    .erase()
                }
                Ok(_) => view! {
                    <p>{tx!(i18n, second_factor.status_off)}</p>
                    <div class="form-actions">
                        <button type="button" class="button button-primary" disabled=move || busy.get() on:click=begin>{tx!(i18n, second_factor.set_up)}</button>
                    </div>
                }
                .erase(),
                Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
            })}
        }
        .erase(),
        FactorStep::Setup(setup) => view! {
            <form class="settings-form" novalidate on:submit=submit>
                <p>{tx!(i18n, second_factor.scan)}</p>
                {setup.qr_svg.clone().map(|svg| view! {
                    <div class="second-factor-qr" role="img" aria-label=move || t_string!(i18n, second_factor.qr_label).to_string() inner_html=svg></div>
                })}
                <p><a href=setup.url.clone() class="button">{tx!(i18n, second_factor.open_link)}</a></p>
                <p>{tx!(i18n, second_factor.key)} ": " <code class="second-factor-key">{setup.secret.clone()}</code></p>
                <TextField name="code" label=tx!(i18n, second_factor.code) bind=bind_to(code) autocomplete="one-time-code" inputmode="numeric" required=true max=64 />
                <p class="muted hint">{tx!(i18n, second_factor.code_hint)}</p>
                {password_field}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>{tx!(i18n, second_factor.turn_on)}</button>
                    <button type="button" class="button" on:click=cancel>{tx!(i18n, common.cancel)}</button>
                </div>
            </form>
        }
        .erase(),
        FactorStep::Codes(codes) => view! {
            <h3>{tx!(i18n, second_factor.codes_title)}</h3>
            <p>{tx!(i18n, second_factor.codes_intro)}</p>
            <ol class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <div class="form-actions">
                <button type="button" class="button button-primary" on:click=move |_| go(FactorStep::Status)>{tx!(i18n, second_factor.kept)}</button>
            </div>
        }
        .erase(),
        FactorStep::Disable | FactorStep::NewCodes => {
            let off = step.get_untracked() == FactorStep::Disable;
            view! {
                <form class="settings-form" novalidate on:submit=submit>
                    <p>{if off {
                        t_string!(i18n, second_factor.turn_off_intro).to_string()
                    } else {
                        t_string!(i18n, second_factor.new_codes_intro).to_string()
                    }}</p>
                    {password_field}
                    <div class="form-actions">
                        <button type="submit" class=if off { "button button-danger" } else { "button button-primary" } disabled=move || busy.get()>
                            {if off {
                                t_string!(i18n, second_factor.turn_off).to_string()
                            } else {
                                t_string!(i18n, second_factor.new_codes).to_string()
                            }}
                        </button>
                        <button type="button" class="button" on:click=cancel>{tx!(i18n, common.cancel)}</button>
                    </div>
                </form>
            }
            .erase()
        }
    }
    };
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    view! {
        <section class="card settings-card second-factor-card" id="second-factor" aria-labelledby="settings-second-factor">
            <h2 id="settings-second-factor">{tx!(i18n, second_factor.title)}</h2>
            <p class="muted">{tx!(i18n, second_factor.intro)}</p>
            <ErrorBanner error=banner />
            {body}
            <p class="muted" role="status">{move || turned_off.try_get().unwrap_or(false).then(|| t_string!(i18n, second_factor.turned_off).to_string())}</p>
        </section>
    }
    .erase()
}

/// Where I am signed in: each session's device, sign-in and last request;
/// end one, or all but this one.
#[component]
fn SessionsCard() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let sessions = load_in_browser(move || {
        reload.track();
        my_sessions()
    });
    let failed = RwSignal::new(None::<AppError>);
    let end = move |handle: String| {
        leptos::task::spawn_local(async move {
            match end_sessions(handle).await {
                Ok(_) => {
                    failed.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    let row = move |s: SignedIn| {
        let device = if s.device.is_empty() {
            t_string!(i18n, settings.unknown_device).to_string()
        } else {
            s.device.clone()
        };
        let handle = s.handle.clone();
        view! {
            <li class="session-item">
                <div>
                    <strong>{device}</strong>
                    {s.current.then(|| view! { <span class="badge">{tx!(i18n, settings.this_device)}</span> })}
                    <p class="muted">
                        {(!s.signed_in.is_empty()).then(|| view! { {tx!(i18n, settings.signed_in_at)} " " {s.signed_in.clone()} " · " })}
                        {tx!(i18n, settings.last_seen)} " " {s.last_seen.clone()}
                    </p>
                </div>
                {(!s.current).then(|| view! {
                    <button type="button" class="button" on:click=move |_| end(handle.clone())>{tx!(i18n, settings.end_session)}</button>
                })}
            </li>
        }
    };
    view! {
        <section class="card settings-card" aria-labelledby="settings-sessions">
            <h2 id="settings-sessions">{tx!(i18n, settings.sessions_title)}</h2>
            <ErrorBanner error=failed />
            {move || {
                sessions.get().map(|r| match r {
                    Ok(list) => {
                        let others = list.iter().filter(|s| !s.current).count();
                        view! {
                            <ul class="session-list">{list.into_iter().map(row).collect_view()}</ul>
                            {(others > 1).then(|| view! {
                                <button type="button" class="button" on:click=move |_| end(String::new())>{tx!(i18n, settings.end_other_sessions)}</button>
                            })}
                        }
                        .erase()
                    }
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                })
            }}
        </section>
    }
    .erase()
}

/// The colleagues who may see my calendar, as checkboxes.
#[component]
fn SharingCard(colleagues: Vec<Colleague>, sees_all: bool) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let chosen = RwSignal::new(
        colleagues
            .iter()
            .filter(|c| c.shared)
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>(),
    );
    let saved = RwSignal::new(false);
    let empty = colleagues.is_empty();
    let options: Vec<(String, TextProp)> = colleagues
        .into_iter()
        .map(|c| (c.id.to_string(), TextProp::from(c.name)))
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let ids: Vec<i64> = chosen
            .get_untracked()
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        leptos::task::spawn_local(async move {
            match share_calendar(ids).await {
                Ok(_) => {
                    errors.set_fields(Vec::new());
                    saved.set(true);
                }
                Err(e) => errors.0.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card settings-card" aria-labelledby="settings-sharing">
            <h2 id="settings-sharing">{tx!(i18n, settings.sharing_title)}</h2>
            <p class="muted">{tx!(i18n, settings.sharing_note)}</p>
            {sees_all.then(|| view! { <p class="muted">{tx!(i18n, settings.sharing_you_see_all)}</p> })}
            {if empty {
                view! { <p>{tx!(i18n, settings.no_colleagues)}</p> }.erase()
            } else {
                view! {
                    <form class="settings-form" on:submit=submit>
                        <ErrorBanner error=errors.0 />
                        <CheckboxGroup name="viewers" label=tx!(i18n, settings.sharing_label) bind=bind_to(chosen) options=options />
                        <div class="form-actions">
                            <button type="submit" class="button button-primary">{tx!(i18n, common.save)}</button>
                            <span class="muted" role="status">{move || saved.get().then(|| t_string!(i18n, common.saved).to_string())}</span>
                        </div>
                    </form>
                }
                .erase()
            }}
        </section>
    }
    .erase()
}

/// Copies `text` to the clipboard, when the browser lets the page do it.
fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        #[wasm_bindgen]
        extern "C" {
            #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
            fn write_text(text: &str) -> Result<JsValue, JsValue>;
        }
        write_text(text).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// The private subscription link: create, copy, open, revoke.
#[component]
fn FeedCard(url: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(url);
    let error = RwSignal::new(None::<AppError>);
    let note = RwSignal::new(None::<&'static str>);
    let create = move |_| {
        note.set(None);
        leptos::task::spawn_local(async move {
            match create_feed().await {
                Ok(u) => {
                    error.set(None);
                    url.set(Some(u));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let asking = RwSignal::new(false);
    let revoke = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            match revoke_feed().await {
                Ok(()) => {
                    error.set(None);
                    url.set(None);
                    note.set(Some("revoked"));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let copy = move |_| {
        if let Some(u) = url.get_untracked()
            && copy_to_clipboard(&u)
        {
            note.set(Some("copied"));
        }
    };
    let note_text = move || match note.get() {
        Some("copied") => t_string!(i18n, settings.feed_copied).to_string(),
        Some(_) => t_string!(i18n, settings.feed_revoked).to_string(),
        None => String::new(),
    };
    view! {
        <section class="card settings-card feed-card" aria-labelledby="settings-feed">
            <h2 id="settings-feed">{tx!(i18n, settings.feed_title)}</h2>
            <p class="muted">{tx!(i18n, settings.feed_intro)}</p>
            <ErrorBanner error=error />
            {move || match url.get() {
                None => view! {
                    <button type="button" class="button button-primary" id="feed-create" on:click=create>
                        {tx!(i18n, settings.feed_create)}
                    </button>
                }
                .erase(),
                Some(u) => {
                    let href = webcal(&u);
                    view! {
                        <div class="field">
                            <label for="feed-url">{tx!(i18n, settings.feed_url)}</label>
                            <div class="feed-url">
                                <input id="feed-url" type="url" readonly prop:value=u.clone() />
                                <button type="button" class="button" on:click=copy>{tx!(i18n, settings.feed_copy)}</button>
                            </div>
                        </div>
                        <div class="form-actions">
                            <a class="button" id="feed-webcal" href=href>{tx!(i18n, settings.feed_open)}</a>
                            <button type="button" class="button button-danger" id="feed-revoke" on:click=move |_| asking.set(true)>
                                {tx!(i18n, settings.feed_revoke)}
                            </button>
                        </div>
                    }
                    .erase()
                }
            }}
            <p class="muted" role="status">{note_text}</p>
            <crate::ui::dialog::ConfirmDialog
                open=asking
                title=tx!(i18n, settings.feed_revoke)
                body=tx!(i18n, settings.feed_revoke_confirm)
                confirm_label=tx!(i18n, settings.feed_revoke)
                on_confirm=revoke
            />
        </section>
    }
    .erase()
}
