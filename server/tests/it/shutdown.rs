//! Stopping the server: requests under way get the grace period to finish,
//! and a connection that never finishes does not hold the stop beyond it.

use axum::Router;
use axum::routing::get;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server on a port of its own with a quick route, a slow one (answers
/// after `slow`) and one that never answers; `stop` asks it to stop.
async fn start(
    slow: Duration,
    grace: Duration,
) -> (
    u16,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let app = Router::new()
        .route("/quick", get(|| async { "quick" }))
        .route(
            "/slow",
            get(move || async move {
                tokio::time::sleep(slow).await;
                "slow, whole"
            }),
        )
        .route("/never", get(std::future::pending::<&'static str>));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve_until(
        listener,
        app,
        async move {
            let _ = stopped.await;
        },
        grace,
    ));
    (port, stop, server)
}

/// Sends `GET path` and returns the connection, the request on its way.
async fn ask(port: u16, path: &str) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    s
}

async fn answer(mut s: tokio::net::TcpStream) -> String {
    let mut text = String::new();
    let _ = s.read_to_string(&mut text).await;
    text
}

/// Waits at most a minute (a test that hangs fails, named).
async fn within_a_minute<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen within a minute"))
}

#[tokio::test]
async fn a_request_under_way_finishes_within_the_grace_period() {
    let (port, stop, server) = start(Duration::from_millis(300), Duration::from_secs(30)).await;
    assert!(answer(ask(port, "/quick").await).await.ends_with("quick"));
    let slow = ask(port, "/slow").await;
    // Let the request reach its handler, then ask the server to stop.
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let text = within_a_minute("the slow answer", answer(slow)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("slow, whole"), "{text}");
    within_a_minute("the stop", server).await.unwrap().unwrap();
    // Stopped: nobody listens any more.
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_connection_that_never_finishes_does_not_hold_the_stop() {
    let (port, stop, server) = start(Duration::ZERO, Duration::from_millis(500)).await;
    let _held = ask(port, "/never").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    // Without the grace period's end this waits forever (axum waits for
    // every connection).
    within_a_minute("the stop", server).await.unwrap().unwrap();
}
