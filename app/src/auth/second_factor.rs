//! The optional second sign-in factor: a TOTP code (RFC 6238) from any
//! authenticator app, with single-use recovery codes; and the
//! organisation's setting that requires it of admins (an admin without it
//! acts as a member, `ssr::guard::load_user_from`).
//!
//! Setting it up: `begin_second_factor` draws a secret and keeps it in the
//! session only; `confirm_second_factor` stores it once the app shows a
//! right code (and the password is given), with ten recovery codes shown
//! that once. Logging in with it: `login` stops after the password
//! (`AppError::SecondFactorNeeded`) and `login_second_factor` finishes it.
//! Every server function here starts with `require`.

use super::Role;
use crate::error::{AppResult, FieldError};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::form::FormErrors;
use crate::validate::Checks;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::error::{AppError, FieldProblem},
    crate::ssr::{
        audit::{self, action},
        guard, pool,
    },
};

/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// A pending login (password given, code not yet) lasts this long.
pub const PENDING_LOGIN_MINUTES: i64 = 5;

/// My second factor, as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySecondFactor {
    pub enabled: bool,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
    /// The organisation requires a second factor of admins.
    pub org_requires_for_admins: bool,
}

/// What the authenticator app needs, shown while setting up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSetup {
    /// The secret in base32, in groups of four for typing.
    pub secret: String,
    /// `otpauth://totp/…`: what the QR code holds, and a link that opens
    /// the authenticator app on a phone.
    pub url: String,
    /// The QR code of `url`, as an SVG element.
    pub qr_svg: Option<String>,
}

/// A code as typed: spaces and dashes dropped, lower case (recovery codes
/// are shown in groups, and apps show TOTP codes as `123 456`).
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `code` (normalised) has the shape of an app's code: 6 digits.
/// Anything else is tried as a recovery code.
pub fn is_app_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The checks of a code field (`field`), the same in the browser and on
/// the server.
pub fn check_code(field: &str, code: &str) -> Vec<FieldError> {
    let mut checks = Checks::new();
    checks.required(field, code).max_len(field, code, 64);
    checks.errors().to_vec()
}

/// The checks of a form that takes my password.
#[cfg(feature = "ssr")]
fn check_password(checks: &mut Checks, password: &str) {
    checks
        .required("current_password", password)
        .max_len("current_password", password, 1024);
}

#[cfg(feature = "ssr")]
pub mod codes {
    //! TOTP and recovery codes on the server.

    use crate::error::{AppError, AppResult};
    use sqlx::PgPool;
    use totp_rs::{Builder, Secret, Totp};

    /// Session key of the secret being set up (not stored until confirmed).
    pub const SETUP_SECRET: &str = "second_factor_setup";
    /// Session keys of a login waiting for its code: the user, since when,
    /// and the language chosen on the login page.
    pub const PENDING_USER_ID: &str = "pending_user_id";
    pub const PENDING_AT: &str = "pending_at";
    pub const PENDING_LOCALE: &str = "pending_locale";

    /// Letters of recovery codes: no 0/o, 1/l/i, so they read back.
    const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

    /// A checker of codes for `secret` (base32): SHA-1, 6 digits, 30 s,
    /// one step of clock drift either way (what every app does).
    pub fn checker(secret: &str, account: &str) -> AppResult<Totp> {
        let bytes = Secret::try_from_base32(secret)
            .map_err(|_| AppError::server("a stored TOTP secret is not base32"))?;
        Builder::new()
            .with_secret(bytes)
            .with_skew(1)
            .with_issuer(Some("Relais"))
            // A colon would end the label early; emails have none anyway.
            .with_account_name(account.replace(':', " "))
            .build()
            .map_err(|e| AppError::server(format!("TOTP: {e}")))
    }

    /// A fresh secret: 160 random bits (RFC 4226's recommendation), base32.
    pub fn new_secret() -> String {
        Secret::from(rand::random::<[u8; 20]>()).to_base32()
    }

    /// The secret in groups of four, as it is typed into an app.
    pub fn grouped(secret: &str) -> String {
        secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The QR code of `url`, an `<svg>` element (no XML prologue, so it can
    /// sit in the page).
    pub fn qr_svg(url: &str) -> Option<String> {
        use qrcode::render::svg;
        let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
        let image = code
            .render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        let start = image.find("<svg")?;
        Some(image[start..].to_string())
    }

    /// Now, as TOTP counts time.
    pub fn unix_now() -> u64 {
        chrono::Utc::now().timestamp().max(0) as u64
    }

    /// A recovery code: 10 letters and digits (50 bits), shown `abcde-fghij`.
    pub fn recovery_code() -> String {
        let letters: String = (0..10)
            .map(|_| {
                let i = rand::random_range(0..RECOVERY_ALPHABET.len());
                RECOVERY_ALPHABET[i] as char
            })
            .collect();
        format!("{}-{}", &letters[..5], &letters[5..])
    }

    /// Replaces `user_id`'s recovery codes by new ones; returns them (only
    /// their SHA-256 is kept).
    pub async fn replace_recovery_codes(
        tx: &mut sqlx::PgConnection,
        user_id: i64,
    ) -> AppResult<Vec<String>> {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let codes: Vec<String> = (0..super::RECOVERY_CODES)
            .map(|_| recovery_code())
            .collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| crate::auth::token_hash(&super::normalise_code(c)))
            .collect();
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])",
        )
        .bind(user_id)
        .bind(&hashes)
        .execute(&mut *tx)
        .await?;
        Ok(codes)
    }

    /// How a code was accepted at login.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Accepted {
        /// Wrong, already used, or the user has no second factor.
        No,
        /// A code of the app, of a time step later than any accepted before.
        App,
        /// An unused recovery code, now spent.
        Recovery,
    }

    /// Judges a code typed at login for `user_id`, and spends it: an app
    /// code's time step can be used once (replay protection), a recovery
    /// code once. Both are single statements, so two requests racing with
    /// one code cannot both win.
    pub async fn accept_code(pool: &PgPool, user_id: i64, code: &str) -> AppResult<Accepted> {
        let code = super::normalise_code(code);
        let row: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT totp_secret, email FROM users WHERE id = $1 AND active")
                .bind(user_id)
                .fetch_optional(pool)
                .await?;
        let Some((Some(secret), email)) = row else {
            return Ok(Accepted::No);
        };
        if super::is_app_code(&code) {
            let Some(step) = checker(&secret, &email)?.check(&code, unix_now()) else {
                return Ok(Accepted::No);
            };
            let fresh: Option<i64> = sqlx::query_scalar(
                "UPDATE users SET totp_last_step = $2
                 WHERE id = $1 AND totp_secret = $3
                   AND (totp_last_step IS NULL OR totp_last_step < $2)
                 RETURNING id",
            )
            .bind(user_id)
            .bind(step as i64)
            .bind(&secret)
            .fetch_optional(pool)
            .await?;
            return Ok(if fresh.is_some() {
                Accepted::App
            } else {
                Accepted::No
            });
        }
        let spent: Option<i64> = sqlx::query_scalar(
            "UPDATE recovery_codes SET used_at = now()
             WHERE id = (SELECT id FROM recovery_codes
                         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1)
               AND used_at IS NULL
             RETURNING id",
        )
        .bind(user_id)
        .bind(crate::auth::token_hash(&code))
        .fetch_optional(pool)
        .await?;
        Ok(if spent.is_some() {
            Accepted::Recovery
        } else {
            Accepted::No
        })
    }
}

#[cfg(feature = "ssr")]
fn wrong_code(field: &str) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem: FieldProblem::WrongCode,
    }])
}

#[cfg(feature = "ssr")]
fn session_error(e: impl std::fmt::Display) -> AppError {
    AppError::server(e.to_string())
}

/// My second factor: on or off, recovery codes left, and whether the
/// organisation requires it of admins.
#[server(prefix = "/api/second_factor", endpoint = "status", input = server_fn::codec::Json)]
pub async fn second_factor_status() -> AppResult<MySecondFactor> {
    let user = guard::require(Role::Member).await?;
    let (enabled, recovery_left, org_requires_for_admins): (bool, i64, bool) = sqlx::query_as(
        "SELECT u.totp_enabled_at IS NOT NULL,
                (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL),
                COALESCE((SELECT require_admin_second_factor FROM organisation_settings), false)
         FROM users u WHERE u.id = $1",
    )
    .bind(user.id)
    .fetch_one(&pool()?)
    .await?;
    Ok(MySecondFactor {
        enabled,
        recovery_left,
        org_requires_for_admins,
    })
}

/// Starts setting up: a new secret, kept in this session until confirmed
/// (nothing changes for the account yet).
#[server(prefix = "/api/second_factor", endpoint = "begin", input = server_fn::codec::Json)]
pub async fn begin_second_factor() -> AppResult<SecondFactorSetup> {
    let user = guard::require(Role::Member).await?;
    let secret = codes::new_secret();
    guard::session()
        .await?
        .insert(codes::SETUP_SECRET, &secret)
        .await
        .map_err(session_error)?;
    let url = codes::checker(&secret, &user.email)?
        .to_url()
        .map_err(|e| AppError::server(format!("otpauth URL: {e}")))?;
    Ok(SecondFactorSetup {
        secret: codes::grouped(&secret),
        qr_svg: codes::qr_svg(&url),
        url,
    })
}

/// Turns the second factor on with the secret being set up, once the app
/// shows a right code for it and my password is given (a stolen session
/// alone must not be able to lock me out of my account). Answers the new
/// recovery codes, shown this once.
#[server(prefix = "/api/second_factor", endpoint = "confirm", input = server_fn::codec::Json)]
pub async fn confirm_second_factor(
    code: String,
    current_password: String,
) -> AppResult<Vec<String>> {
    let user = guard::require(Role::Member).await?;
    let mut checks = Checks::new();
    checks.required("code", &code).max_len("code", &code, 64);
    check_password(&mut checks, &current_password);
    checks.finish()?;
    let session = guard::session().await?;
    let secret: Option<String> = session
        .get(codes::SETUP_SECRET)
        .await
        .map_err(session_error)?;
    let Some(secret) = secret else {
        return Err(wrong_code("code"));
    };
    super::account::verify_current_password(&user, current_password, "current_password").await?;
    let code = normalise_code(&code);
    let step = is_app_code(&code)
        .then(|| codes::checker(&secret, &user.email))
        .transpose()?
        .and_then(|t| t.check(&code, codes::unix_now()));
    let Some(step) = step else {
        return Err(wrong_code("code"));
    };
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3,
                updated_at = now()
         WHERE id = $1",
    )
    .bind(user.id)
    .bind(&secret)
    .bind(step as i64)
    .execute(&mut *tx)
    .await?;
    let codes = codes::replace_recovery_codes(&mut tx, user.id).await?;
    audit::record(
        &mut *tx,
        &user,
        action::SECURITY,
        Some(("user", user.id)),
        "second factor on",
    )
    .await?;
    tx.commit().await?;
    let _ = session.remove_value(codes::SETUP_SECRET).await;
    tracing::info!(user_id = user.id, "second factor on");
    Ok(codes)
}

/// Turns my second factor off; my password first.
#[server(prefix = "/api/second_factor", endpoint = "disable", input = server_fn::codec::Json)]
pub async fn disable_second_factor(current_password: String) -> AppResult<()> {
    let user = guard::require(Role::Member).await?;
    let mut checks = Checks::new();
    check_password(&mut checks, &current_password);
    checks.finish()?;
    super::account::verify_current_password(&user, current_password, "current_password").await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                updated_at = now()
         WHERE id = $1",
    )
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &user,
        action::SECURITY,
        Some(("user", user.id)),
        "second factor off",
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, "second factor off");
    Ok(())
}

/// New recovery codes for mine (which stop working); my password first.
#[server(prefix = "/api/second_factor", endpoint = "recovery_codes", input = server_fn::codec::Json)]
pub async fn new_recovery_codes(current_password: String) -> AppResult<Vec<String>> {
    let user = guard::require(Role::Member).await?;
    let mut checks = Checks::new();
    check_password(&mut checks, &current_password);
    checks.finish()?;
    super::account::verify_current_password(&user, current_password, "current_password").await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let enabled: bool = sqlx::query_scalar(
        "SELECT totp_enabled_at IS NOT NULL FROM users WHERE id = $1 FOR UPDATE",
    )
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    if !enabled {
        return Err(AppError::NotFound);
    }
    let codes = codes::replace_recovery_codes(&mut tx, user.id).await?;
    audit::record(
        &mut *tx,
        &user,
        action::SECURITY,
        Some(("user", user.id)),
        "new recovery codes",
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// The organisation's setting: admins must have a second factor (those
/// without one act as members until they set it up). An admin without one
/// cannot turn it on: they would lose their admin rights at once.
#[server(prefix = "/api/second_factor", endpoint = "require_for_admins", input = server_fn::codec::Json)]
pub async fn set_require_admin_second_factor(on: bool) -> AppResult<()> {
    let user = guard::require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    if on {
        let has_factor: bool =
            sqlx::query_scalar("SELECT totp_enabled_at IS NOT NULL FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&mut *tx)
                .await?;
        if !has_factor {
            return Err(AppError::invalid(vec![FieldError {
                field: "on".into(),
                problem: FieldProblem::NoSecondFactor,
            }]));
        }
    }
    sqlx::query("UPDATE organisation_settings SET require_admin_second_factor = $1")
        .bind(on)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &user,
        action::SECURITY,
        None,
        if on {
            "second factor required of admins"
        } else {
            "second factor no longer required of admins"
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The organisation's setting, for admins: require a second factor of
/// admins. Shown only to an admin (it renders nothing for anyone else).
#[component]
pub fn RequireSecondFactorCard() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<crate::layout::Me>();
    let status = crate::ui::browser::load_in_browser(second_factor_status);
    let errors = FormErrors::provide();
    let on = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    Effect::new(move || {
        if let Some(Ok(s)) = status.get() {
            on.set(s.org_requires_for_admins);
        }
    });
    let admin = move || {
        me.and_then(|m| m.0.get())
            .and_then(|r| r.ok())
            .is_some_and(|u| u.role == Role::Admin)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        busy.set(true);
        let value = on.get_untracked();
        leptos::task::spawn_local(async move {
            match set_require_admin_second_factor(value).await {
                Ok(()) => {
                    errors.set_fields(Vec::new());
                    saved.set(true);
                }
                Err(e) => errors.0.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let problem = move || {
        errors
            .0
            .get()
            .and_then(|e| e.field_problem("on"))
            .map(|p| crate::ui::feedback::problem_text(i18n, p))
    };
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, crate::error::AppError::Invalid { .. }))
    });
    view! {
        <Suspense fallback=|| ()>
            {move || admin().then(|| view! {
                <section class="card settings-card" aria-labelledby="settings-require-second-factor">
                    <h2 id="settings-require-second-factor">{tx!(i18n, second_factor.org_title)}</h2>
                    <form class="settings-form" novalidate on:submit=submit>
                        <ErrorBanner error=banner />
                        <crate::ui::form::CheckboxField
                            name="require_admin_second_factor"
                            label=tx!(i18n, second_factor.org_label)
                            bind=(on.into(), Callback::new(move |v| on.set(v)))
                        />
                        <p class="muted hint">{tx!(i18n, second_factor.org_hint)}</p>
                        {move || problem().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                        <div class="form-actions">
                            <button type="submit" class="button button-primary" disabled=move || busy.get()>{tx!(i18n, common.save)}</button>
                            <span class="muted" role="status">{move || saved.get().then(|| t_string!(i18n, common.saved).to_string())}</span>
                        </div>
                    </form>
                </section>
            })}
        </Suspense>
    }
    .erase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(normalise_code(" 123 456 "), "123456");
        assert!(is_app_code(&normalise_code("123 456")));
        assert_eq!(normalise_code("ABCDE-fghij"), "abcdefghij");
        assert!(!is_app_code("abcdefghij"));
        assert!(!is_app_code("12345"));
        assert_eq!(check_code("code", "")[0].problem, FieldProblem::Required);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_new_secret_gives_codes_an_app_would_show() {
        let secret = codes::new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32: {secret}");
        assert_eq!(codes::grouped(&secret).split(' ').count(), 8);
        let totp = codes::checker(&secret, "camille@example.fr").unwrap();
        let now = codes::unix_now();
        let code = totp.generate(now).to_string();
        assert_eq!(totp.check(&code, now), Some(now / 30));
        // One step of drift either way, not two.
        assert!(
            totp.check(&totp.generate(now + 30).to_string(), now)
                .is_some()
        );
        assert!(
            totp.check(&totp.generate(now + 90).to_string(), now)
                .is_none()
        );
        let url = totp.to_url().unwrap();
        assert!(
            url.starts_with("otpauth://totp/Relais:camille%40example.fr?secret="),
            "{url}"
        );
        assert!(codes::qr_svg(&url).unwrap().starts_with("<svg"));
        let code = codes::recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(normalise_code(&code).len(), 10);
    }
}
