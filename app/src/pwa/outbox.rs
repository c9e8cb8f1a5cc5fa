//! The changes kept on this device while offline, as the app sees them.
//!
//! The service worker owns the outbox (IndexedDB, see `server/src/pwa/sw.js`):
//! it keeps the changes of `super::QUEUED` that could not be sent, and sends
//! them when told the connection is back. It tells every open window what
//! it holds; this module keeps that in an [`Outbox`] (provided by `App`) and
//! sends the worker the person's decisions (send again, discard).

use crate::error::AppError;
use crate::records::RecordKind;
use leptos::prelude::*;
use serde::Deserialize;

/// One kept change, as the worker describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Kept {
    pub seq: u64,
    /// The path; a file's also has its query (record, type, title, name).
    pub endpoint: String,
    /// The request's JSON body, as the app sent it (empty for a file).
    pub body: String,
    /// A file's size in bytes (the worker keeps the file itself).
    #[serde(default)]
    pub size: Option<f64>,
    /// When it was made (ms since the epoch).
    pub at: f64,
    /// `waiting` (to be sent) or `refused` (the server said no).
    pub state: String,
    /// The refusal's HTTP status and body.
    pub status: Option<u16>,
    pub answer: Option<String>,
}

/// What a kept change does, read from its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A note on a record.
    Note {
        record: RecordKind,
        id: i64,
        text: String,
    },
    /// A call, meeting, task… created (`id` none) or edited.
    Interaction {
        id: Option<i64>,
        kind: String,
        subject: String,
        links: Vec<(RecordKind, i64)>,
    },
    /// A task's status (from its page or the board).
    Status {
        id: i64,
        status: String,
    },
    /// A file sent to a record: a new document.
    File {
        record: RecordKind,
        id: i64,
        title: String,
        file_name: String,
    },
    /// A new version of document `document`.
    Version {
        document: i64,
        file_name: String,
    },
    Unknown,
}

/// The value of `name` in query string `query`, decoded ("" if absent).
fn query_value(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| crate::ui::list::urldecode(v))
        .unwrap_or_default()
}

impl Kept {
    pub fn change(&self) -> Change {
        if let Some(change) = self.file_change() {
            return change;
        }
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(self.body.as_bytes()) else {
            return Change::Unknown;
        };
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        match self.endpoint.as_str() {
            "/api/notes/add" => match (
                body["kind"].as_str().and_then(RecordKind::parse),
                body["id"].as_i64(),
            ) {
                (Some(record), Some(id)) => Change::Note {
                    record,
                    id,
                    text: text(&body["body"]),
                },
                _ => Change::Unknown,
            },
            "/api/interactions/save" => {
                let input = &body["input"];
                let links = input["links"]
                    .as_array()
                    .map(|links| {
                        links
                            .iter()
                            .filter_map(|l| {
                                Some((RecordKind::parse(l["kind"].as_str()?)?, l["id"].as_i64()?))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Change::Interaction {
                    id: body["id"].as_i64(),
                    kind: text(&input["kind"]),
                    subject: text(&input["subject"]),
                    links,
                }
            }
            "/api/interactions/status" => match body["id"].as_i64() {
                Some(id) => Change::Status {
                    id,
                    status: text(&body["status"]),
                },
                None => Change::Unknown,
            },
            "/api/kanban/move_task" => match body["id"].as_i64() {
                Some(id) => Change::Status {
                    id,
                    status: text(&body["to"]["column"]),
                },
                None => Change::Unknown,
            },
            _ => Change::Unknown,
        }
    }

    /// A file's change, read from its address: `/files/upload?…` or
    /// `/files/{id}/replace?file_name=…`.
    fn file_change(&self) -> Option<Change> {
        let (path, query) = self.endpoint.split_once('?')?;
        let file_name = query_value(query, "file_name");
        if path == "/files/upload" {
            let title = match query_value(query, "title") {
                t if t.trim().is_empty() => file_name.clone(),
                t => t,
            };
            return Some(
                match (
                    RecordKind::parse(&query_value(query, "record_type")),
                    query_value(query, "record_id").parse().ok(),
                ) {
                    (Some(record), Some(id)) => Change::File {
                        record,
                        id,
                        title,
                        file_name,
                    },
                    _ => Change::Unknown,
                },
            );
        }
        let document = path
            .strip_prefix("/files/")?
            .strip_suffix("/replace")?
            .parse()
            .ok()?;
        Some(Change::Version {
            document,
            file_name,
        })
    }

    /// Why the server refused it, as the app's error.
    pub fn refusal(&self) -> Option<AppError> {
        if self.state != "refused" {
            return None;
        }
        let parsed = self
            .answer
            .as_deref()
            .and_then(|a| serde_json::from_slice::<AppError>(a.as_bytes()).ok());
        Some(parsed.unwrap_or_else(|| match self.status {
            Some(404) => AppError::NotFound,
            _ => AppError::server(format!("status {:?}", self.status)),
        }))
    }

    /// Whether this change concerns record `kind` `id` (to show it there).
    pub fn concerns(&self, kind: RecordKind, id: i64) -> bool {
        match self.change() {
            Change::Note { record, id: of, .. } => record == kind && of == id,
            Change::Interaction { links, id: of, .. } => {
                links.contains(&(kind, id)) || (kind == RecordKind::Interaction && of == Some(id))
            }
            Change::Status { id: of, .. } => kind == RecordKind::Interaction && of == id,
            Change::File { record, id: of, .. } => record == kind && of == id,
            Change::Version { document, .. } => kind == RecordKind::Document && document == id,
            Change::Unknown => false,
        }
    }

    /// The body sent again over the record's version `version` (the person
    /// chose their change over the newer one).
    pub fn over_version(&self, version: i32) -> Option<String> {
        let mut body: serde_json::Value = serde_json::from_slice(self.body.as_bytes()).ok()?;
        // Only a change of an existing record has a version to move on.
        body.get("version")?.as_i64()?;
        body["version"] = version.into();
        Some(body.to_string())
    }
}

/// The outbox as last told by the worker.
#[derive(Debug, Clone, Copy)]
pub struct Outbox {
    pub items: RwSignal<Vec<Kept>>,
    pub syncing: RwSignal<bool>,
    /// Changes sent by the last sync (0 while none finished).
    pub sent: RwSignal<u32>,
}

impl Outbox {
    pub fn provide() -> Self {
        let outbox = Outbox {
            items: RwSignal::new(Vec::new()),
            syncing: RwSignal::new(false),
            sent: RwSignal::new(0),
        };
        provide_context(outbox);
        outbox
    }

    pub fn waiting(&self) -> usize {
        self.items
            .with(|i| i.iter().filter(|k| k.state == "waiting").count())
    }

    pub fn refused(&self) -> usize {
        self.items
            .with(|i| i.iter().filter(|k| k.state == "refused").count())
    }

    /// Tells the worker who is signed in (it sends only their changes) and
    /// listens to what it says; once per page, from the app shell.
    pub fn connect(&self, user_id: i64) {
        #[cfg(feature = "hydrate")]
        worker::connect(*self, user_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = user_id;
    }

    /// Sends kept change `seq` again, with `body` if given.
    pub fn retry(&self, seq: u64, body: Option<String>) {
        post(serde_json::json!({ "type": "retry", "seq": seq, "body": body }));
    }

    /// Drops kept change `seq`: the person decided so.
    pub fn discard(&self, seq: u64) {
        post(serde_json::json!({ "type": "discard", "seq": seq }));
    }
}

pub fn use_outbox() -> Outbox {
    use_context::<Outbox>().unwrap_or_else(Outbox::provide)
}

/// Sends `msg` (JSON) to the service worker in control, if any.
pub(crate) fn post(msg: serde_json::Value) {
    #[cfg(feature = "hydrate")]
    worker::post(&msg);
    #[cfg(not(feature = "hydrate"))]
    let _ = msg;
}

#[cfg(feature = "hydrate")]
mod worker {
    use super::{Kept, Outbox};
    use leptos::prelude::*;
    use serde::Deserialize;
    use web_sys::js_sys::Reflect;
    use web_sys::wasm_bindgen::{JsCast, JsValue, closure::Closure};

    #[derive(Deserialize)]
    struct Message {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        items: Vec<Kept>,
        #[serde(default)]
        syncing: bool,
        #[serde(default)]
        sent: u32,
    }

    pub fn post(msg: &serde_json::Value) {
        if let Some(worker) = crate::pwa::service_workers().and_then(|w| w.controller()) {
            let _ = worker.post_message(&JsValue::from_str(&msg.to_string()));
        }
    }

    pub fn connect(outbox: Outbox, user_id: i64) {
        let Some(workers) = crate::pwa::service_workers() else {
            return;
        };
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(text) = Reflect::get(&ev, &"data".into())
                .ok()
                .and_then(|d| d.as_string())
            else {
                return;
            };
            let Ok(msg) = serde_json::from_slice::<Message>(text.as_bytes()) else {
                return;
            };
            if msg.kind == "outbox" {
                // Shown by parts of the page that may still wait for their
                // hydration (`ui::later`): set once they are hydrated.
                leptos::task::spawn_local(async move {
                    crate::ui::later::hydrated().await;
                    outbox.items.set(msg.items);
                    outbox.syncing.set(msg.syncing);
                    if !msg.syncing {
                        outbox.sent.set(msg.sent);
                    }
                });
            }
        });
        let hello = serde_json::json!({ "type": "hello", "user": user_id });
        let say_hello = Closure::<dyn FnMut()>::new(move || post(&hello));
        let _ = workers
            .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        // A first visit: the page is controlled once the worker took over.
        let _ = workers.add_event_listener_with_callback(
            "controllerchange",
            say_hello.as_ref().unchecked_ref(),
        );
        if let Some(window) = web_sys::window() {
            let sync = Closure::<dyn FnMut()>::new(|| post(&serde_json::json!({ "type": "sync" })));
            let _ =
                window.add_event_listener_with_callback("online", sync.as_ref().unchecked_ref());
            sync.forget();
        }
        post(&serde_json::json!({ "type": "hello", "user": user_id }));
        // They live as long as the page.
        on_message.forget();
        say_hello.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(endpoint: &str, body: &str) -> Kept {
        Kept {
            seq: 1,
            endpoint: endpoint.into(),
            body: body.into(),
            size: None,
            at: 0.0,
            state: "waiting".into(),
            status: None,
            answer: None,
        }
    }

    #[test]
    fn changes_are_read_from_their_bodies() {
        let note = kept(
            "/api/notes/add",
            r#"{"kind":"person","id":7,"body":"Called back","pinned":false}"#,
        );
        assert!(note.concerns(RecordKind::Person, 7));
        assert!(!note.concerns(RecordKind::Person, 8));
        let moved = kept(
            "/api/kanban/move_task",
            r#"{"id":12,"version":3,"to":{"column":"done","after":null,"before":null}}"#,
        );
        assert_eq!(
            moved.change(),
            Change::Status {
                id: 12,
                status: "done".into()
            }
        );
        assert_eq!(
            moved.over_version(5).as_deref(),
            Some(r#"{"id":12,"to":{"after":null,"before":null,"column":"done"},"version":5}"#)
        );
        let call = kept(
            "/api/interactions/save",
            r#"{"id":null,"version":null,"input":{"kind":"call","subject":"Follow-up","links":[{"kind":"company","id":4,"name":"Acme","main":true}]},"scope":"one"}"#,
        );
        assert!(call.concerns(RecordKind::Company, 4));
        assert!(matches!(
            call.change(),
            Change::Interaction { id: None, .. }
        ));
        assert_eq!(call.over_version(1), None, "a new record has no version");
        assert_eq!(kept("/api/other", "{}").change(), Change::Unknown);
    }

    #[test]
    fn files_are_read_from_their_address() {
        let cv = kept(
            "/files/upload?record_type=person&record_id=7&doc_type=cv&title=&file_name=CV%20Zo%C3%A9.pdf",
            "",
        );
        assert_eq!(
            cv.change(),
            Change::File {
                record: RecordKind::Person,
                id: 7,
                title: "CV Zoé.pdf".into(),
                file_name: "CV Zoé.pdf".into(),
            }
        );
        assert!(cv.concerns(RecordKind::Person, 7));
        assert!(!cv.concerns(RecordKind::Company, 7));
        assert_eq!(cv.over_version(2), None, "a file has no version to move on");
        let titled = kept(
            "/files/upload?record_type=enrolment&record_id=3&doc_type=contract&title=Agreement&file_name=a.pdf",
            "",
        );
        assert!(matches!(titled.change(), Change::File { title, .. } if title == "Agreement"));
        let version = kept("/files/12/replace?file_name=v2.pdf", "");
        assert_eq!(
            version.change(),
            Change::Version {
                document: 12,
                file_name: "v2.pdf".into()
            }
        );
        assert!(version.concerns(RecordKind::Document, 12));
        assert_eq!(
            kept("/files/upload?record_type=spaceship&record_id=1", "").change(),
            Change::Unknown
        );
    }

    #[test]
    fn refusals_are_app_errors() {
        let mut k = kept(
            "/api/interactions/status",
            r#"{"id":1,"version":1,"status":"done"}"#,
        );
        assert_eq!(k.refusal(), None);
        k.state = "refused".into();
        k.status = Some(404);
        k.answer = Some(r#"{"kind":"not_found"}"#.into());
        assert_eq!(k.refusal(), Some(AppError::NotFound));
        k.answer = Some("garbage".into());
        assert_eq!(k.refusal(), Some(AppError::NotFound));
    }
}
