//! Documents' files (issue 18): upload, download, replace, the size limit,
//! the content type the server decides, access through the attached record,
//! the audit — with the files on local disk and on a real S3-compatible
//! server (moto, started here on a free loopback port).

use crate::common::{self, TestApp};
use app::documents::storage::{Location, S3Config, Storage};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use futures::StreamExt;
use http_body_util::BodyExt;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower::ServiceExt;

const MB: u64 = 1024 * 1024;

/// A moto S3 server of this test's own, stopped when dropped.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Moto {
    async fn start() -> Moto {
        let bin = std::env::var("RELAIS_TEST_MOTO").unwrap_or_else(|_| {
            panic!(
                "RELAIS_TEST_MOTO is not set: the documents tests store files in a real \
                 S3-compatible server, moto. scripts/test.sh installs it; by hand: \
                 `bash -c 'source scripts/lib.sh && install_moto'` (a venv in .tools/moto), then \
                 RELAIS_TEST_MOTO=$PWD/.tools/moto/bin/moto_server cargo test -p server --test it"
            )
        });
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = std::process::Command::new(&bin)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
            for _ in 0..300 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    return Moto {
                        child,
                        endpoint: format!("http://127.0.0.1:{port}"),
                    };
                }
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: another one
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto ({bin}) did not start");
    }

    /// One plain HTTP request to moto (which takes them unsigned): the
    /// whole answer.
    async fn http(&self, method: &str, path: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.endpoint.trim_start_matches("http://");
        let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
        s.write_all(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        answer
    }

    /// A new bucket (`PUT /bucket`, as any S3 client makes one).
    async fn bucket(&self, name: &str) {
        self.http("PUT", &format!("/{name}")).await;
    }

    async fn storage(&self, limit: u64) -> Storage {
        self.bucket("relais").await;
        Storage::new(
            &Location::S3(S3Config {
                bucket: "relais".into(),
                endpoint: Some(self.endpoint.clone()),
                region: "us-east-1".into(),
                access_key_id: Some("test".into()),
                secret_access_key: Some("test".into()),
            }),
            limit,
        )
        .unwrap()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder of this test's own, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("relais-docs-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Every file under it, staging files included.
    fn files(&self) -> Vec<std::path::PathBuf> {
        let mut found = vec![];
        let mut dirs = vec![self.0.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    dirs.push(e.path());
                } else {
                    found.push(e.path());
                }
            }
        }
        found
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn local(dir: &TempDir, limit: u64) -> Storage {
    Storage::new(&Location::Local(dir.0.clone()), limit).unwrap()
}

/// The test app, its documents' files in `files`.
fn app_with(pool: PgPool, files: Storage) -> TestApp {
    let mut app = TestApp::new(pool.clone());
    let options = server::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
    app.router = server::router_with_files(options, pool, common::settings(), files);
    app
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

async fn send(app: &TestApp, req: Request<Body>) -> Answer {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        bytes,
    }
}

/// `POST path` with `body` as the file, declared length and all.
async fn post(app: &TestApp, cookie: &str, path: &str, body: Vec<u8>) -> Answer {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap();
    send(app, req).await
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Answer {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(app, req).await
}

async fn person(pool: &PgPool, owner: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO persons (last_name, owner_id, created_by, updated_by) VALUES ('Martin', $1, $1, $1) RETURNING id",
    )
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn interaction(pool: &PgPool, owner: i64, private: bool) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, priority, private,
                                   owner_id, created_by, updated_by)
         VALUES ('task', 'Interview', 'not_started', now(), now(), 'medium', $1, $2, $2, $2) RETURNING id",
    )
    .bind(private)
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Bytes that look like a PDF, `len` long, different for each `seed`.
fn pdf(len: usize, seed: u8) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.extend((0..len - b.len()).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    b
}

async fn documents(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn objects(files: &Storage) -> usize {
    files.store().list(None).collect::<Vec<_>>().await.len()
}

/// Upload, download the same bytes; replace, both versions download.
async fn round_trip(pool: PgPool, files: Storage) {
    let app = app_with(pool.clone(), files.clone());
    let (uid, cookie) = app.login_as("member@relais.test", "member").await;
    let pid = person(&pool, uid).await;
    let v1 = pdf(300_000, 1);
    let up = post(
        &app,
        &cookie,
        &format!("/files/upload?record_type=person&record_id={pid}&doc_type=cv&title=CV%20%C3%89lodie&file_name=cv-%C3%A9lodie.pdf"),
        v1.clone(),
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.json());
    let doc = up.json();
    let id = doc["id"].as_i64().unwrap();
    assert_eq!(doc["title"], "CV Élodie");
    assert_eq!(doc["doc_type"], "cv");
    assert_eq!(doc["current_version"], 1);
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["size"], 300_000);
    let stored: (String, String) = sqlx::query_as(
        "SELECT sha256, storage_key FROM document_versions WHERE document_id = $1 AND n = 1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored.0, sha256(&v1));
    assert!(
        stored.1.starts_with(&format!("documents/{id}/")) && !stored.1.contains("lodie"),
        "the key is the server's: {}",
        stored.1
    );

    let got = get(&app, &cookie, &format!("/files/{id}/1")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(sha256(&got.bytes), sha256(&v1));
    assert_eq!(got.bytes, v1);
    assert_eq!(got.header(header::CONTENT_TYPE), "application/pdf");
    assert_eq!(
        got.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"cv-_lodie.pdf\"; filename*=UTF-8''cv-%C3%A9lodie.pdf"
    );
    assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(
        got.header(header::CONTENT_SECURITY_POLICY),
        "sandbox; default-src 'none'"
    );
    assert!(got.header(header::CACHE_CONTROL).starts_with("private"));

    // A new version; the first one stays as it was.
    let v2 = pdf(7_000_000, 2);
    let re = post(
        &app,
        &cookie,
        &format!("/files/{id}/replace?file_name=cv-2.pdf"),
        v2.clone(),
    )
    .await;
    assert_eq!(re.status, StatusCode::CREATED, "{}", re.json());
    assert_eq!(re.json()["current_version"], 2);
    assert_eq!(re.json()["file_name"], "cv-2.pdf");
    assert_eq!(re.json()["title"], "CV Élodie");
    let got2 = get(&app, &cookie, &format!("/files/{id}/2")).await;
    assert_eq!(got2.status, StatusCode::OK);
    assert_eq!(sha256(&got2.bytes), sha256(&v2));
    let again1 = get(&app, &cookie, &format!("/files/{id}/1")).await;
    assert_eq!(again1.bytes, v1);
    assert_eq!(
        get(&app, &cookie, &format!("/files/{id}/3")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(objects(&files).await, 2);

    // The history and the audit log: created, replaced, each download.
    let changes: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'change' AND record_type = 'document'
           AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0], "created");
    assert!(
        changes[1].contains("current_version") && changes[1].contains("file_name"),
        "{changes:?}"
    );
    let views: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT record_type, record_id, detail, user_name FROM audit_log WHERE action = 'view' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(views.len(), 3, "{views:?}");
    assert_eq!(views[0].0, "person", "a CV read is a read of its person");
    assert_eq!(views[0].1, pid);
    assert_eq!(views[0].2, format!("document {id} version 1 (cv)"));
    assert_eq!(views[0].3, "User member@relais.test");
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_type = 'document' AND record_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(history, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_comes_back_as_it_went_on_local_disk(pool: PgPool) {
    let dir = TempDir::new();
    round_trip(pool, local(&dir, 25 * MB)).await;
    assert_eq!(dir.files().len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_comes_back_as_it_went_on_s3(pool: PgPool) {
    let moto = Moto::start().await;
    round_trip(pool, moto.storage(25 * MB).await).await;
}

/// ~2 MB streamed (no declared length) against a 1 MB limit, then a
/// declared length above it: 413 on the field `file`, no row, no object,
/// and for the declared one, not a byte read.
async fn too_large(pool: PgPool, files: Storage) {
    let app = app_with(pool.clone(), files.clone());
    let (uid, cookie) = app.login_as("member@relais.test", "member").await;
    let pid = person(&pool, uid).await;
    let path = format!("/files/upload?record_type=person&record_id={pid}&file_name=big.pdf");
    let chunks = (0..32).map(|i| Ok::<_, std::io::Error>(Bytes::from(pdf(64 * 1024, i))));
    let req = Request::post(&path)
        .header(header::COOKIE, &cookie)
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.json());
    assert_eq!(r.json()["kind"], "invalid");
    assert_eq!(r.json()["fields"][0]["field"], "file");
    assert_eq!(r.json()["fields"][0]["problem"]["code"], "too_large");
    assert_eq!(r.json()["fields"][0]["problem"]["max_mb"], 1);
    assert_eq!(documents(&pool).await, 0);
    assert_eq!(objects(&files).await, 0);

    let read = Arc::new(AtomicBool::new(false));
    let flag = read.clone();
    let body = futures::stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Ok::<_, std::io::Error>(Bytes::from_static(b"%PDF-"))
    });
    let req = Request::post(&path)
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_LENGTH, 2 * MB)
        .body(Body::from_stream(body))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["fields"][0]["field"], "file");
    assert!(!read.load(Ordering::SeqCst), "refused before reading");
    assert_eq!(documents(&pool).await, 0);
    assert_eq!(objects(&files).await, 0);

    // A replacement passing the limit leaves the document as it was.
    let ok = post(&app, &cookie, &path, pdf(1000, 0)).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let id = ok.json()["id"].as_i64().unwrap();
    let chunks = (0..32).map(|i| Ok::<_, std::io::Error>(Bytes::from(pdf(64 * 1024, i))));
    let req = Request::post(format!("/files/{id}/replace?file_name=big.pdf"))
        .header(header::COOKIE, &cookie)
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .unwrap();
    assert_eq!(send(&app, req).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let versions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM document_versions WHERE document_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(versions, 1);
    assert_eq!(objects(&files).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_over_the_limit_leaves_nothing_on_local_disk(pool: PgPool) {
    let dir = TempDir::new();
    too_large(pool, local(&dir, MB)).await;
    assert_eq!(
        dir.files().len(),
        1,
        "no staging file left: {:?}",
        dir.files()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_over_the_limit_leaves_nothing_on_s3(pool: PgPool) {
    let moto = Moto::start().await;
    too_large(pool, moto.storage(MB).await).await;
    // The refused uploads were aborted, not left half done in the bucket.
    let uploads = moto.http("GET", "/relais?uploads").await;
    assert!(
        uploads.contains("ListMultipartUploadsResult") && !uploads.contains("<Upload>"),
        "{uploads}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_safe_types_are_shown_in_the_browser(pool: PgPool) {
    let dir = TempDir::new();
    let app = app_with(pool.clone(), local(&dir, MB));
    let (uid, cookie) = app.login_as("member@relais.test", "member").await;
    let pid = person(&pool, uid).await;
    let upload = |name: &'static str, bytes: &'static [u8]| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let r = post(
                app,
                &cookie,
                &format!("/files/upload?record_type=person&record_id={pid}&file_name={name}"),
                bytes.to_vec(),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
            r.json()
        }
    };
    let cases: [(&str, &[u8], &str, bool); 7] = [
        (
            "page.html",
            b"<html><script>alert(document.cookie)</script>",
            "application/octet-stream",
            false,
        ),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "application/octet-stream",
            false,
        ),
        // A name does not make a type: these bytes are HTML.
        (
            "fake.pdf",
            b"<html><script>alert(1)</script>",
            "application/octet-stream",
            false,
        ),
        ("report.pdf", b"%PDF-1.4\n1 0 obj", "application/pdf", true),
        (
            "pixel.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "image/png",
            true,
        ),
        (
            "notes.txt",
            "Réunion à 9 h".as_bytes(),
            "text/plain; charset=utf-8",
            true,
        ),
        (
            "notes-latin1.txt",
            b"R\xe9union",
            "application/octet-stream",
            false,
        ),
    ];
    for (name, bytes, served_as, previews) in cases {
        let doc = upload(name, bytes).await;
        assert_eq!(doc["content_type"], served_as, "{name}");
        let id = doc["id"].as_i64().unwrap();
        for path in [format!("/files/{id}/1?inline=1"), format!("/files/{id}/1")] {
            let got = get(&app, &cookie, &path).await;
            assert_eq!(got.status, StatusCode::OK);
            assert_eq!(got.header(header::CONTENT_TYPE), served_as, "{name}");
            let inline = previews && path.ends_with("inline=1");
            let disposition = got.header(header::CONTENT_DISPOSITION);
            assert!(
                disposition.starts_with(if inline { "inline;" } else { "attachment;" }),
                "{name} {path}: {disposition}"
            );
            assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
            assert!(
                got.header(header::CONTENT_SECURITY_POLICY)
                    .contains("sandbox")
            );
            assert_eq!(got.bytes, bytes);
        }
    }
    // The browser's own Content-Type is not heard.
    let req = Request::post(format!(
        "/files/upload?record_type=person&record_id={pid}&file_name=x.html"
    ))
    .header(header::COOKIE, &cookie)
    .header(header::CONTENT_TYPE, "image/png")
    .body(Body::from("<script>alert(1)</script>"))
    .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.json()["content_type"], "application/octet-stream");
}

#[sqlx::test(migrations = "../migrations")]
async fn uploads_are_checked_field_by_field(pool: PgPool) {
    let dir = TempDir::new();
    let app = app_with(pool.clone(), local(&dir, MB));
    let (uid, cookie) = app.login_as("member@relais.test", "member").await;
    let pid = person(&pool, uid).await;
    let base = format!("/files/upload?record_type=person&record_id={pid}");
    let refused = |query: String, body: &'static [u8]| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let r = post(app, &cookie, &query, body.to_vec()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let f = &r.json()["fields"][0];
            (
                f["field"].as_str().unwrap().to_string(),
                f["problem"]["code"].as_str().unwrap().to_string(),
            )
        }
    };
    let pair = |f: &str, c: &str| (f.to_string(), c.to_string());
    assert_eq!(
        refused(format!("{base}&file_name=empty.pdf"), b"").await,
        pair("file", "required")
    );
    let long = "x".repeat(256);
    assert_eq!(
        refused(format!("{base}&file_name=a.pdf&title={long}"), b"%PDF-").await,
        pair("title", "too_long")
    );
    assert_eq!(
        refused(format!("{base}&file_name=a.pdf&doc_type=poster"), b"%PDF-").await,
        pair("doc_type", "invalid_choice")
    );
    assert_eq!(
        refused(format!("{base}&doc_type=cv"), b"%PDF-").await,
        pair("file_name", "required")
    );
    assert_eq!(
        refused(
            format!("/files/upload?record_type=pipeline&record_id={pid}&file_name=a.pdf"),
            b"%PDF-"
        )
        .await,
        pair("record_type", "invalid_choice")
    );
    assert_eq!(documents(&pool).await, 0);
    assert!(dir.files().is_empty());

    // Sent from another site: refused before anything.
    let req = Request::post(format!("{base}&file_name=a.pdf"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.test")
        .body(Body::from("%PDF-"))
        .unwrap();
    assert_eq!(send(&app, req).await.status, StatusCode::FORBIDDEN);
    // Without a session: nothing.
    let req = Request::post(format!("{base}&file_name=a.pdf"))
        .body(Body::from("%PDF-"))
        .unwrap();
    assert_ne!(send(&app, req).await.status, StatusCode::CREATED);
    assert_eq!(documents(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_document_is_as_reachable_as_its_record(pool: PgPool) {
    let dir = TempDir::new();
    let app = app_with(pool.clone(), local(&dir, MB));
    let (owner, owner_cookie) = app.login_as("owner@relais.test", "member").await;
    let (_, other) = app.login_as("other@relais.test", "member").await;
    let (_, manager) = app.login_as("manager@relais.test", "manager").await;
    let private = interaction(&pool, owner, true).await;
    let public = interaction(&pool, owner, false).await;
    let up = |record: i64| {
        let app = &app;
        let cookie = owner_cookie.clone();
        async move {
            let r = post(
                app,
                &cookie,
                &format!(
                    "/files/upload?record_type=interaction&record_id={record}&file_name=minutes.pdf"
                ),
                pdf(2000, 3),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
            r.json()["id"].as_i64().unwrap()
        }
    };
    let secret = up(private).await;
    let shared = up(public).await;

    // A colleague's private interaction: its documents do not exist for them.
    for cookie in [&other, &manager] {
        let r = get(&app, cookie, &format!("/files/{secret}/1")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post(
            &app,
            cookie,
            &format!("/files/{secret}/replace?file_name=x.pdf"),
            pdf(100, 4),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post(
            &app,
            cookie,
            &format!("/files/upload?record_type=interaction&record_id={private}&file_name=x.pdf"),
            pdf(100, 4),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // A colleague's assigned interaction: a member reads its documents but
    // may not change them (nor add one); a manager may.
    assert_eq!(
        get(&app, &other, &format!("/files/{shared}/1"))
            .await
            .status,
        StatusCode::OK
    );
    let r = post(
        &app,
        &other,
        &format!("/files/{shared}/replace?file_name=x.pdf"),
        pdf(100, 5),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &app,
        &other,
        &format!("/files/upload?record_type=interaction&record_id={public}&file_name=x.pdf"),
        pdf(100, 5),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &app,
        &manager,
        &format!("/files/{shared}/replace?file_name=y.pdf"),
        pdf(100, 6),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM document_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 3, "only the manager's replacement was added");
    assert_eq!(dir.files().len(), 3);
    // Only the reads that happened are in the log.
    let views: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'view'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(views, 1);

    // In the trash: not found, for everyone.
    let user = app::ssr::guard::load_user_from(&pool, owner)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app::documents::db::begin_from(&pool, owner, "test", None)
        .await
        .unwrap();
    app::documents::db::trash(&mut tx, &user, shared)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for cookie in [&owner_cookie, &other, &manager] {
        assert_eq!(
            get(&app, cookie, &format!("/files/{shared}/1"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    let r = post(
        &app,
        &owner_cookie,
        &format!("/files/{shared}/replace?file_name=x.pdf"),
        pdf(100, 7),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let trashed: (String, String) = sqlx::query_as(
        "SELECT action, changes::text FROM record_changes WHERE record_type = 'document'
           AND record_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(shared)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(trashed.0, "delete");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_upload_sent_again_with_its_key_is_one_document(pool: PgPool) {
    let dir = TempDir::new();
    let files = local(&dir, MB);
    let app = app_with(pool.clone(), files.clone());
    let (uid, cookie) = app.login_as("member@relais.test", "member").await;
    let pid = person(&pool, uid).await;
    let keyed = |path: String, key: &'static str| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let req = Request::post(path)
                .header(header::COOKIE, &cookie)
                .header("idempotency-key", key)
                .body(Body::from(pdf(5000, 9)))
                .unwrap();
            send(app, req).await
        }
    };
    let path = format!("/files/upload?record_type=person&record_id={pid}&file_name=a.pdf");
    let first = keyed(path.clone(), "upload-key-0001").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = keyed(path, "upload-key-0001").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        again.header(header::HeaderName::from_static("idempotent-replayed")),
        "true"
    );
    assert_eq!(again.json()["id"], first.json()["id"]);
    let id = first.json()["id"].as_i64().unwrap();
    let replace = format!("/files/{id}/replace?file_name=b.pdf");
    assert_eq!(
        keyed(replace.clone(), "replace-key-01").await.status,
        StatusCode::CREATED
    );
    let again = keyed(replace, "replace-key-01").await;
    assert_eq!(again.json()["current_version"], 2);
    assert_eq!(documents(&pool).await, 1);
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM document_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 2);
    assert_eq!(objects(&files).await, 2);
}

/// The server functions around the files: a record's documents, the
/// *Documents* list and its CV filter, global search by title and file
/// name (never a document of a private interaction one may not see), one
/// document with its versions, rename, the trash and back.
#[sqlx::test(migrations = "../migrations")]
async fn documents_are_listed_found_renamed_and_trashed_like_records(pool: PgPool) {
    let dir = TempDir::new();
    let app = app_with(pool.clone(), local(&dir, 5 * MB));
    let (member_id, member) = app.login_as("member@relais.test", "member").await;
    let (_, admin) = app.login_as("admin@relais.test", "admin").await;
    let colleague = app.user("colleague@relais.test", "member").await;
    let marie = person(&pool, member_id).await;
    let hidden = interaction(&pool, colleague, true).await;
    let up = post(
        &app,
        &member,
        &format!("/files/upload?record_type=person&record_id={marie}&doc_type=cv&title=CV%20Marie&file_name=cv-marie-2026.pdf"),
        pdf(2000, 1),
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{:?}", up.json());
    let cv = up.json()["id"].as_i64().unwrap();
    // A contract on the colleague's private interaction (put there as the
    // colleague would have: straight in the table).
    sqlx::query(
        "INSERT INTO documents (record_type, record_id, doc_type, title, file_name, content_type, size, owner_id)
         VALUES ('interaction', $1, 'contract', 'CV secret', 'cv-secret.pdf', 'application/pdf', 10, $2)",
    )
    .bind(hidden)
    .bind(colleague)
    .execute(&pool)
    .await
    .unwrap();

    // On the person's timeline, where it was added.
    let r = app
        .call(
            "/api/records/timeline",
            serde_json::json!({"kind": "person", "id": marie, "before": null}),
            Some(&member),
        )
        .await;
    let added: Vec<&Value> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["entry"].get("Document").is_some())
        .collect();
    assert_eq!(added.len(), 1, "{}", r.text);
    assert_eq!(added[0]["id"], cv);
    assert_eq!(added[0]["entry"]["Document"]["title"], "CV Marie");
    assert_eq!(
        added[0]["entry"]["Document"]["file_name"],
        "cv-marie-2026.pdf"
    );
    let r = app
        .call(
            "/api/documents/of_record",
            serde_json::json!({"kind": "person", "id": marie}),
            Some(&member),
        )
        .await;
    assert_eq!(r.body[0]["title"], "CV Marie", "{}", r.text);
    assert_eq!(r.body.as_array().unwrap().len(), 1);

    // The CV list: type CV; the private interaction's document is not there.
    let r = app
        .call(
            "/api/documents/list",
            serde_json::json!({"query": {"filters": [{"field": "doc_type", "op": "is", "value": "cv"}]}}),
            Some(&member),
        )
        .await;
    let titles: Vec<&str> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["CV Marie"], "{}", r.text);
    assert_eq!(r.body["rows"][0]["record_name"], "Martin");
    let r = app
        .call(
            "/api/documents/list",
            serde_json::json!({"query": {"q": "cv"}}),
            Some(&member),
        )
        .await;
    assert!(!r.text.contains("CV secret"), "{}", r.text);

    // Global search, by title and by file name; never the hidden one.
    for q in ["CV Marie", "marie-2026"] {
        let r = app
            .call(
                "/api/search/global",
                serde_json::json!({"q": q}),
                Some(&member),
            )
            .await;
        let found: Vec<(&str, i64)> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == "document")
            .map(|h| (h["name"].as_str().unwrap(), h["id"].as_i64().unwrap()))
            .collect();
        assert_eq!(found, [("CV Marie", cv)], "{q}: {}", r.text);
    }
    let r = app
        .call(
            "/api/search/global",
            serde_json::json!({"q": "secret"}),
            Some(&member),
        )
        .await;
    assert!(!r.text.contains("CV secret"), "{}", r.text);

    // A new version, then the page's versions, newest first.
    let re = post(
        &app,
        &member,
        &format!("/files/{cv}/replace?file_name=cv-marie-2027.pdf"),
        pdf(3000, 2),
    )
    .await;
    assert_eq!(re.status, StatusCode::CREATED, "{:?}", re.json());
    let r = app
        .call(
            "/api/documents/get",
            serde_json::json!({"id": cv}),
            Some(&member),
        )
        .await;
    let ns: Vec<i64> = r.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["n"].as_i64().unwrap())
        .collect();
    assert_eq!(ns, [2, 1], "{}", r.text);
    assert_eq!(r.body["document"]["file_name"], "cv-marie-2027.pdf");
    assert_eq!(r.body["record_name"], "Martin");
    assert_eq!(r.body["may_change"], true);
    let version = r.body["document"]["version"].as_i64().unwrap();

    // Renamed and retyped: refused per field first, then saved, in history.
    let r = app
        .call(
            "/api/documents/save",
            serde_json::json!({"id": cv, "version": version, "input": {"title": "", "doc_type": "poster"}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.refused_fields(), ["title", "doc_type"], "{}", r.text);
    let r = app
        .call(
            "/api/documents/save",
            serde_json::json!({"id": cv, "version": version, "input": {"title": "CV de Marie", "doc_type": "document"}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let changed: Vec<Value> = sqlx::query_scalar(
        "SELECT changes FROM record_changes WHERE record_type = 'document' AND record_id = $1 AND action = 'update' ORDER BY id",
    )
    .bind(cv)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(changed.last().unwrap()["title"][1], "CV de Marie");

    // The trash, and back by an admin: the old version still downloads.
    let r = app
        .call(
            "/api/documents/delete",
            serde_json::json!({"id": cv, "version": version + 1}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        get(&app, &member, &format!("/files/{cv}/1")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call(
            "/api/trash/restore",
            serde_json::json!({"kind": "document", "id": cv}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let old = get(&app, &member, &format!("/files/{cv}/1")).await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(old.bytes, pdf(2000, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_enrolment_has_documents_named_after_it(pool: PgPool) {
    let dir = TempDir::new();
    let app = app_with(pool.clone(), local(&dir, 5 * MB));
    let (member_id, member) = app.login_as("member@relais.test", "member").await;
    let marie = person(&pool, member_id).await;
    let enrolment: i64 = sqlx::query_scalar(
        "WITH p AS (INSERT INTO programmes (name, kind) VALUES ('Parcours emploi', 'programme') RETURNING id)
         INSERT INTO enrolments (programme_id, person_id, status, owner_id, created_by, updated_by)
         SELECT p.id, $1, 'active', $2, $2, $2 FROM p RETURNING id",
    )
    .bind(marie)
    .bind(member_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let up = post(
        &app,
        &member,
        &format!("/files/upload?record_type=enrolment&record_id={enrolment}&doc_type=contract&title=Convention&file_name=convention.pdf"),
        pdf(1000, 3),
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{:?}", up.json());
    let r = app
        .call(
            "/api/documents/of_record",
            serde_json::json!({"kind": "enrolment", "id": enrolment}),
            Some(&member),
        )
        .await;
    assert_eq!(r.body[0]["title"], "Convention", "{}", r.text);
    let r = app
        .call(
            "/api/documents/list",
            serde_json::json!({"query": {"q": "convention"}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.body["rows"][0]["record_type"], "enrolment", "{}", r.text);
    assert_eq!(r.body["rows"][0]["record_name"], "Martin · Parcours emploi");
    // A trashed enrolment takes no more files.
    sqlx::query("UPDATE enrolments SET deleted_at = now() WHERE id = $1")
        .bind(enrolment)
        .execute(&pool)
        .await
        .unwrap();
    let refused = post(
        &app,
        &member,
        &format!("/files/upload?record_type=enrolment&record_id={enrolment}&doc_type=contract&title=&file_name=late.pdf"),
        pdf(1000, 4),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "{:?}",
        refused.json()
    );
    assert_eq!(documents(&pool).await, 1);
}
