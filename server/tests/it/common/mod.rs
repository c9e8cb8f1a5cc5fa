//! Drives the real router (sessions, gate, server functions) against a real
//! PostgreSQL database of its own (one per test, made by `sqlx::test`).

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

/// The longest one request may take in a test. The slowest legitimate one
/// (an import, a report on a loaded machine) takes a few seconds.
pub const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub cookies: Vec<String>,
    pub body: Value,
    pub text: String,
    /// Where a redirection goes.
    pub location: Option<String>,
}

impl Reply {
    /// The `Set-Cookie` of cookie `name`, whole (attributes included).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .map(String::as_str)
            .find(|c| c.split('=').next() == Some(name))
    }

    /// The fields a 422 names, in its order.
    pub fn refused_fields(&self) -> Vec<&str> {
        self.body["fields"]
            .as_array()
            .map(|fields| fields.iter().filter_map(|f| f["field"].as_str()).collect())
            .unwrap_or_default()
    }
}

/// The settings of a test server: like a first start, no proxy, no HTTPS.
pub fn settings() -> app::ssr::ServerSettings {
    app::ssr::ServerSettings {
        public_url: "http://relais.test".into(),
        secure_cookies: false,
        trusted_proxies: 0,
        mail_configured: false,
    }
}

impl TestApp {
    pub fn new(pool: PgPool) -> Self {
        Self::with_settings(pool, settings())
    }

    pub fn with_settings(pool: PgPool, settings: app::ssr::ServerSettings) -> Self {
        // The server's warnings and errors, shown with a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn,sqlx=error".into()),
            )
            .with_test_writer()
            .try_init();
        let options = server::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
        TestApp {
            router: server::router(options, pool.clone(), settings),
            pool,
        }
    }

    pub async fn user(&self, email: &str, role: &str) -> i64 {
        let hash = app::ssr::passwords::hash_blocking(PASSWORD).unwrap();
        sqlx::query_scalar("INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(email)
            .bind(format!("User {email}"))
            .bind(hash)
            .bind(role)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// A new user with that role, logged in: `(id, session cookie)`.
    pub async fn login_as(&self, email: &str, role: &str) -> (i64, String) {
        let id = self.user(email, role).await;
        (id, self.login(email, PASSWORD).await.unwrap())
    }

    /// POSTs JSON to a server function, with a session cookie if given.
    pub async fn call(&self, path: &str, body: Value, cookie: Option<&str>) -> Reply {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Sends `req` and reads the whole answer, within [`REQUEST_LIMIT`]: a
    /// page whose render never ends fails its test, named, instead of
    /// holding the run until CI's time limit (stop 32's run did).
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        tokio::time::timeout(REQUEST_LIMIT, self.send_unbounded(req))
            .await
            .unwrap_or_else(|_| panic!("{what} was not answered whole within {REQUEST_LIMIT:?}"))
    }

    async fn send_unbounded(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let cookies = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            cookies,
            body,
            text,
            location,
        }
    }

    /// POSTs an HTML form (`application/x-www-form-urlencoded`) as a
    /// browser submits it without script: a navigation, asking for HTML.
    pub async fn post_urlencoded(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    app::ui::list::urlencode(k),
                    app::ui::list::urlencode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// POSTs a `multipart/form-data` form: `(name, file name, bytes)` per
    /// part, a file name making a file part.
    pub async fn post_form(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
        cookie: Option<&str>,
    ) -> Reply {
        let boundary = "relais-test-boundary-7d1";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = Request::post(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Logs in and returns the session cookie (`relais_session=…`).
    pub async fn login(&self, email: &str, password: &str) -> Result<String, Reply> {
        let r = self
            .call(
                "/api/auth/login",
                serde_json::json!({"email": email, "password": password, "locale": "en"}),
                None,
            )
            .await;
        if r.status != StatusCode::OK {
            return Err(r);
        }
        let c = r
            .cookies
            .iter()
            .find(|c| c.starts_with("relais_session="))
            .expect("session cookie")
            .clone();
        Ok(c.split(';').next().unwrap().to_string())
    }
}
