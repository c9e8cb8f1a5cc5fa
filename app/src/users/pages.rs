//! The users page (`/settings/users`, admins) and the page an invitation
//! link opens (`/invitation?token=…`, outside the shell).

use super::{
    Invitee, TeamFilter, TeamView, UserRow, check_invitation, invitation_info, invite_user,
    remove_second_factor, resend_invitation, revoke_invitation, set_active, set_role, team,
};
use crate::auth::pages::{AuthCard, flash_and_errors, new_password_fields, password_rule, typed};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::layout::profile::{locale_code, locale_from};
use crate::tx;
use crate::ui::dialog::ConfirmDialog;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n};
use crate::ui::form::{Bind, FormErrors, SelectField, TextField};
use crate::ui::resource::{Data, resource};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn bind_to(s: RwSignal<String>) -> Bind<String> {
    (s.into(), Callback::new(move |v| s.set(v)))
}

/// A role in the reader's language.
pub fn role_label(i18n: I18n, role: &str) -> String {
    match role {
        "admin" => t_string!(i18n, users.role_admin).to_string(),
        "manager" => t_string!(i18n, users.role_manager).to_string(),
        _ => t_string!(i18n, users.role_member).to_string(),
    }
}

fn language_label(locale: &str) -> &'static str {
    if locale == "fr" {
        "Français"
    } else {
        "English"
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    // Bumped after every change: the table is read again.
    let version = RwSignal::new(0u32);
    let data = resource(
        move || {
            (
                TeamFilter {
                    search: search.get(),
                    role: role.get(),
                    state: state.get(),
                },
                version.get(),
            )
        },
        |(filter, _)| team(filter),
    );
    let outcome = Outcome {
        error: RwSignal::new(None),
        done: RwSignal::new(None),
        version,
    };
    let on_invited = Callback::new(move |_: ()| version.update(|v| *v += 1));
    view! {
        <div class="page users-page">
            <header class="page-header">
                <h1>{tx!(i18n, users.title)}</h1>
            </header>
            <InviteCard on_invited />
            <section class="card" aria-labelledby="users-team">
                <h2 id="users-team">{tx!(i18n, users.team)}</h2>
                <div class="list-toolbar users-filters">
                    <label class="visually-hidden" for="users-search">{tx!(i18n, users.search)}</label>
                    <input
                        id="users-search"
                        class="list-search"
                        type="search"
                        placeholder=move || t_string!(i18n, users.search).to_string()
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <label class="visually-hidden" for="users-role">{tx!(i18n, users.role)}</label>
                    <select id="users-role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                        <option value="">{move || t_string!(i18n, users.all_roles).to_string()}</option>
                        {super::ROLES
                            .iter()
                            .map(|r| view! { <option value=*r>{move || role_label(i18n, r)}</option> })
                            .collect_view()}
                    </select>
                    <label class="visually-hidden" for="users-state">{tx!(i18n, users.state)}</label>
                    <select id="users-state" on:change=move |ev| state.set(event_target_value(&ev)) prop:value=move || state.get()>
                        <option value="">{move || t_string!(i18n, users.all_states).to_string()}</option>
                        <option value="active">{move || t_string!(i18n, users.active).to_string()}</option>
                        <option value="inactive">{move || t_string!(i18n, users.inactive).to_string()}</option>
                    </select>
                </div>
                <ErrorBanner error=outcome.error />
                <p class="muted" role="status">{move || outcome.done.get()}</p>
                <Suspense fallback=move || view! { <p class="muted">{t_string!(i18n, common.loading).to_string()}</p> }>
                    {move || {
                        data.get()
                            .map(|r| match r {
                                Ok(t) => view! { <TeamTables team=t outcome /> }.erase(),
                                Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                            })
                    }}
                </Suspense>
            </section>
            <crate::auth::RequireSecondFactorCard />
        </div>
    }
    .erase()
}

/// Where the outcome of an action on the table goes: its message or its
/// error, and the table read again either way (a refused role change
/// shows the role as it stayed).
#[derive(Clone, Copy)]
struct Outcome {
    error: RwSignal<Option<AppError>>,
    done: RwSignal<Option<String>>,
    version: RwSignal<u32>,
}

impl Outcome {
    fn run(self, job: impl std::future::Future<Output = AppResult<()>> + 'static, message: String) {
        self.error.set(None);
        self.done.set(None);
        leptos::task::spawn_local(async move {
            match job.await {
                Ok(()) => self.done.set(Some(message)),
                Err(e) => self.error.set(Some(e)),
            }
            self.version.update(|v| *v += 1);
        });
    }
}

#[component]
fn TeamTables(team: TeamView, outcome: Outcome) -> impl IntoView {
    let i18n = use_i18n();
    // The user about to be deactivated, asked about first.
    let asking = RwSignal::new(None::<(i64, String)>);
    let dialog_open = RwSignal::new(false);
    let deactivate = Callback::new(move |_: ()| {
        if let Some((id, name)) = asking.get_untracked() {
            let message = t_string!(i18n, users.deactivated, name = name).to_string();
            outcome.run(set_active(id, false), message);
        }
        dialog_open.set(false);
    });
    let rows = team
        .users
        .into_iter()
        .map(|u| user_row(i18n, u, outcome, asking, dialog_open))
        .collect_view();
    let empty = rows.is_empty();
    let invitations = team.invitations;
    let has_invitations = !invitations.is_empty();
    let invitation_rows = invitations
        .into_iter()
        .map(|inv| {
            let id = inv.id;
            let email = inv.email.clone();
            let email2 = inv.email.clone();
            view! {
                <tr>
                    <td class="cell-main" data-label=move || t_string!(i18n, users.email).to_string()>{inv.email.clone()}</td>
                    <td data-label=move || t_string!(i18n, users.role).to_string()>{role_label(i18n, &inv.role)}</td>
                    <td data-label=move || t_string!(i18n, users.language).to_string()>{language_label(&inv.locale)}</td>
                    <td data-label=move || t_string!(i18n, users.sent).to_string()>{inv.sent.clone()}</td>
                    <td data-label=move || t_string!(i18n, users.state).to_string()>
                        {if inv.expired {
                            view! { <span class="badge badge-danger">{t_string!(i18n, users.expired).to_string()}</span> }.erase()
                        } else {
                            view! { <span class="badge">{t_string!(i18n, users.pending).to_string()}</span> }.erase()
                        }}
                    </td>
                    <td class="row-actions">
                        <button type="button" class="button" on:click=move |_| {
                            let message = t_string!(i18n, users.resent, email = email.clone()).to_string();
                            outcome.run(async move { resend_invitation(id).await.map(|_| ()) }, message);
                        }>{t_string!(i18n, users.resend).to_string()}</button>
                        <button type="button" class="button" on:click=move |_| {
                            let message = t_string!(i18n, users.withdrawn, email = email2.clone()).to_string();
                            outcome.run(revoke_invitation(id), message);
                        }>{t_string!(i18n, users.withdraw).to_string()}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="list-table users-table">
                <caption class="visually-hidden">{t_string!(i18n, users.team).to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t_string!(i18n, users.name).to_string()}</th>
                        <th scope="col">{t_string!(i18n, users.email).to_string()}</th>
                        <th scope="col">{t_string!(i18n, users.role).to_string()}</th>
                        <th scope="col">{t_string!(i18n, users.state).to_string()}</th>
                        <th scope="col">{t_string!(i18n, users.last_login).to_string()}</th>
                        <th scope="col">{t_string!(i18n, users.time_zone).to_string()}</th>
                        <th scope="col"><span class="visually-hidden">{t_string!(i18n, users.actions).to_string()}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{t_string!(i18n, users.none).to_string()}</p> })}
        </div>
        {has_invitations.then(|| view! {
            <h3>{t_string!(i18n, users.invitations).to_string()}</h3>
            <div class="table-wrap">
                <table class="list-table invitations-table">
                    <caption class="visually-hidden">{t_string!(i18n, users.invitations).to_string()}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t_string!(i18n, users.email).to_string()}</th>
                            <th scope="col">{t_string!(i18n, users.role).to_string()}</th>
                            <th scope="col">{t_string!(i18n, users.language).to_string()}</th>
                            <th scope="col">{t_string!(i18n, users.sent).to_string()}</th>
                            <th scope="col">{t_string!(i18n, users.state).to_string()}</th>
                            <th scope="col"><span class="visually-hidden">{t_string!(i18n, users.actions).to_string()}</span></th>
                        </tr>
                    </thead>
                    <tbody>{invitation_rows}</tbody>
                </table>
            </div>
        })}
        <ConfirmDialog
            open=dialog_open
            title=tx!(i18n, users.deactivate_title)
            body=move || asking.get().map(|(_, n)| t_string!(i18n, users.deactivate_body, name = n).to_string()).unwrap_or_default()
            confirm_label=tx!(i18n, users.deactivate)
            on_confirm=deactivate
        />
    }
    .erase()
}

fn user_row(
    i18n: I18n,
    u: UserRow,
    outcome: Outcome,
    asking: RwSignal<Option<(i64, String)>>,
    dialog_open: RwSignal<bool>,
) -> impl IntoView {
    let id = u.id;
    let name = u.name.clone();
    let on_role = move |ev: leptos::ev::Event| {
        let role = event_target_value(&ev);
        let message = t_string!(i18n, users.role_changed, name = name.clone()).to_string();
        outcome.run(set_role(id, role), message);
    };
    let current_role = u.role.clone();
    let name2 = u.name.clone();
    let state_button = if u.active {
        (!u.me).then(|| {
            view! {
                <button type="button" class="button" on:click=move |_| {
                    asking.set(Some((id, name2.clone())));
                    dialog_open.set(true);
                }>
                    {t_string!(i18n, users.deactivate).to_string()}
                </button>
            }
            .erase()
        })
    } else {
        let name3 = u.name.clone();
        Some(
            view! {
                <button type="button" class="button" on:click=move |_| {
                    let message = t_string!(i18n, users.reactivated, name = name3.clone()).to_string();
                    outcome.run(set_active(id, true), message);
                }>{t_string!(i18n, users.reactivate).to_string()}</button>
            }
            .erase(),
        )
    };
    let factor_button = u.second_factor.then(|| {
        let name4 = u.name.clone();
        view! {
            <button type="button" class="button" on:click=move |_| {
                let message = t_string!(i18n, users.second_factor_removed, name = name4.clone()).to_string();
                outcome.run(remove_second_factor(id), message);
            }>{t_string!(i18n, users.remove_second_factor).to_string()}</button>
        }
    });
    let role_select_label = t_string!(i18n, users.role_of, name = u.name.clone()).to_string();
    view! {
        <tr class:inactive=!u.active data-user=u.email.clone()>
            <td class="cell-main" data-label=move || t_string!(i18n, users.name).to_string()>
                {u.name.clone()}
                {u.me.then(|| view! { " " <span class="badge">{t_string!(i18n, users.you).to_string()}</span> })}
            </td>
            <td data-label=move || t_string!(i18n, users.email).to_string()>{u.email.clone()}</td>
            <td data-label=move || t_string!(i18n, users.role).to_string()>
                <select class="role-select" aria-label=role_select_label on:change=on_role>
                    {super::ROLES
                        .iter()
                        .map(|r| view! { <option value=*r selected=current_role == *r>{role_label(i18n, r)}</option> })
                        .collect_view()}
                </select>
            </td>
            <td data-label=move || t_string!(i18n, users.state).to_string()>
                {if u.active {
                    view! { <span class="badge">{t_string!(i18n, users.active).to_string()}</span> }.erase()
                } else {
                    view! { <span class="badge badge-danger">{t_string!(i18n, users.inactive).to_string()}</span> }.erase()
                }}
            </td>
            <td data-label=move || t_string!(i18n, users.last_login).to_string()>
                {if u.last_login.is_empty() { t_string!(i18n, users.never).to_string() } else { u.last_login.clone() }}
            </td>
            <td data-label=move || t_string!(i18n, users.time_zone).to_string()>{u.time_zone.clone()}</td>
            <td class="row-actions">{state_button}{factor_button}</td>
        </tr>
    }
}

#[component]
fn InviteCard(on_invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("member".to_string());
    let locale =
        RwSignal::new(crate::layout::profile::locale_code(i18n.get_locale_untracked()).to_string());
    let sent = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(None);
        let (e, r, l) = (
            email.get_untracked(),
            role.get_untracked(),
            locale.get_untracked(),
        );
        let local = check_invitation(&e, &r, &l);
        if !local.is_empty() {
            errors.set_fields(local);
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match invite_user(e.clone(), r, l).await {
                Ok(_) => {
                    errors.set_fields(Vec::new());
                    email.set(String::new());
                    sent.set(Some(
                        t_string!(i18n, users.invited, email = e.trim().to_string()).to_string(),
                    ));
                    on_invited.run(());
                }
                Err(err) => errors.0.set(Some(err)),
            }
            busy.set(false);
        });
    };
    let roles: Vec<(String, TextProp)> = super::ROLES
        .iter()
        .map(|r| (r.to_string(), TextProp::from(move || role_label(i18n, r))))
        .collect();
    let languages: Vec<(String, TextProp)> = vec![
        ("en".to_string(), TextProp::from("English")),
        ("fr".to_string(), TextProp::from("Français")),
    ];
    view! {
        <section class="card settings-card" aria-labelledby="users-invite">
            <h2 id="users-invite">{tx!(i18n, users.invite_title)}</h2>
            <form class="settings-form invite-form" novalidate on:submit=submit>
                <ErrorBanner error=errors.0 />
                <TextField name="email" label=tx!(i18n, users.email) bind=bind_to(email) kind="email" autocomplete="off" required=true />
                <SelectField name="role" label=tx!(i18n, users.role) bind=bind_to(role) options=roles required=true />
                <SelectField name="locale" label=tx!(i18n, users.language) bind=bind_to(locale) options=languages />
                <p class="muted hint">{tx!(i18n, users.invite_hint)}</p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>{tx!(i18n, users.invite)}</button>
                    <span class="muted" role="status">{move || sent.get()}</span>
                </div>
            </form>
        </section>
    }
    .erase()
}

/// Where an invitation link leads: who is invited, then their name and
/// password, in a plain HTML form posting to `accept_form`
/// (`auth::plain_forms`). The server looks the link up before it sends
/// the page, which is drawn in the invitation's language.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    let (flash, banner) = flash_and_errors();
    if flash.done {
        // Joined: the language is the account's now (set by `accept_form`).
        let i18n = use_i18n();
        return view! {
            <AuthCard>
                <h1>{tx!(i18n, users.welcome_title)}</h1>
                <p class="banner banner-ok" role="status">{tx!(i18n, users.joined)}</p>
                <p><a href="/login">{tx!(i18n, auth.login)}</a></p>
            </AuthCard>
        }
        .erase();
    }
    // Blocking (`true`): the page is sent once the link is known, drawn whole.
    let info = Data::new_with_options(
        {
            let token = token.clone();
            move || token.clone()
        },
        invitation_info,
        true,
    );
    let form = move |invitee: Invitee| {
        let i18n = use_i18n();
        let token = token.clone();
        let email = invitee.email;
        let name = flash.name.clone();
        view! {
            <AuthCard lang=locale_code(locale_from(&invitee.locale))>
                <h1>{tx!(i18n, users.welcome_title)}</h1>
                <p>{move || t_string!(i18n, users.welcome_body, email = email.clone()).to_string()}</p>
                <form class="auth-form" method="post" action="/api/users/accept_form" novalidate>
                    <input type="hidden" name="token" value=token />
                    <TextField name="name" label=tx!(i18n, users.your_name) bind=typed(name) autocomplete="name" required=true />
                    {new_password_fields(i18n)}
                    <p class="muted hint">{password_rule(i18n)}</p>
                    <ErrorBanner error=banner />
                    <button type="submit" class="button button-primary button-block">
                        {tx!(i18n, users.join)}
                    </button>
                </form>
            </AuthCard>
        }
    };
    view! {
        <Suspense>
            {move || {
                let form = form.clone();
                Suspend::new(async move {
                    match info.await {
                        Ok(invitee) => {
                            let locale = locale_from(&invitee.locale);
                            view! {
                                <I18nSubContextProvider initial_locale=Signal::stored(locale)>
                                    {form(invitee)}
                                </I18nSubContextProvider>
                            }
                            .erase()
                        }
                        Err(e) => {
                            let i18n = use_i18n();
                            view! {
                                <AuthCard>
                                    <h1>{tx!(i18n, users.welcome_title)}</h1>
                                    <ErrorBanner error=Signal::stored(Some(e)) />
                                </AuthCard>
                            }
                            .erase()
                        }
                    }
                })
            }}
        </Suspense>
    }
    .erase()
}
