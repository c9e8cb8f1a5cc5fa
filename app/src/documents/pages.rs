//! The pages of documents: the *Documents* list (and the *CV* list, the
//! same filtered on type CV), a document's page (preview, download, its
//! versions, replace), its rename / retype form, and the documents card of
//! record pages with its upload (file picker, drag and drop, the camera on
//! a phone). Files go up by `fetch` with the file itself as the body.

use super::*;
use crate::bind;
use crate::error::{AppError, AppResult};
use crate::pwa::Change;
use crate::records::RecordKind;
use crate::records::timeline::RecordActivity;
use crate::tx;
use crate::ui::browser::load_in_browser;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, problem_text};
use crate::ui::form::{FormSection, SelectField, TextField};
use crate::ui::list::{
    Column, Filter, FilterOp, ListQuery, ListView, ValueKind, tags_cell, text_cell, urlencode,
};
use crate::ui::record::{Detail, Loaded, RecordBody, RecordForm, RecordHeader, route_id};
use crate::ui::resource::resource;
use leptos::prelude::*;

/// The *CV* module: the documents list filtered on type CV.
pub fn cv_href() -> String {
    let query = ListQuery {
        filters: vec![Filter {
            field: "doc_type".into(),
            op: FilterOp::Is,
            value: "cv".into(),
        }],
        ..Default::default()
    };
    format!("/documents{}", query.to_query_string())
}

fn type_in(i18n: crate::ui::feedback::I18n, t: &str) -> String {
    type_label(i18n.get_locale(), t).to_string()
}

#[component]
pub fn DocumentList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new("title", tx!(i18n, document.title), |d: &DocumentRow| {
            text_cell(&d.title)
        })
        .filter(ValueKind::Text)
        .editable("title", |d| d.title.clone()),
        Column::new(
            "doc_type",
            tx!(i18n, document.doc_type),
            move |d: &DocumentRow| text_cell(&type_in(i18n, &d.doc_type)),
        )
        .unsortable()
        .choices(ValueKind::Choice(DOC_TYPES), type_in),
        Column::new(
            "record_name",
            tx!(i18n, document.attached_to),
            |d: &DocumentRow| {
                let href = RecordKind::parse(&d.record_type).map(|k| k.href(d.record_id));
                match href {
                    Some(href) => view! { <a href=href>{d.record_name.clone()}</a> }.erase(),
                    None => text_cell(&d.record_name),
                }
            },
        )
        .unsortable()
        .filter(ValueKind::Text),
        Column::new(
            "file_name",
            tx!(i18n, document.file_name),
            |d: &DocumentRow| text_cell(&d.file_name),
        )
        .unsortable()
        .filter(ValueKind::Text),
        Column::new("size", tx!(i18n, document.size), |d: &DocumentRow| {
            text_cell(&human_size(d.size))
        }),
        Column::new("owner", tx!(i18n, common.owner), |d: &DocumentRow| {
            text_cell(&d.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner)
        .hidden(),
        Column::new("tags", tx!(i18n, record.tags), |d: &DocumentRow| {
            tags_cell(&d.tags)
        })
        .unsortable()
        .filter(ValueKind::Tag)
        .hidden(),
        Column::new(
            "updated_at",
            tx!(i18n, common.updated),
            |d: &DocumentRow| text_cell(&d.updated_day),
        )
        .filter(ValueKind::Moment),
    ];
    view! {
        <ListView
            kind=RecordKind::Document
            title=tx!(i18n, document.plural)
            new_label=tx!(i18n, document.new)
            columns=columns
            fetch=list_documents
        />
    }
    .erase()
}

/// Sends `file` by `POST` to `url` as the body; the document saved, or the
/// server's refusal. (Runs in the browser only: called from events.)
async fn send_file(url: String, file: web_sys::File) -> AppResult<()> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = || AppError::server("upload failed");
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let headers = web_sys::Headers::new().map_err(|_| failed())?;
    let _ = headers.set("Content-Type", "application/octet-stream");
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(failed)?;
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| AppError::Offline)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed())?;
    if response.ok() {
        return Ok(());
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Err(text
        .and_then(|t| serde_json::from_slice::<AppError>(t.as_bytes()).ok())
        .unwrap_or_else(failed))
}

/// What became of the files chosen: saved on the server, or kept on this
/// device (offline: the service worker's outbox sends them when the
/// connection returns, each exactly once).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sent {
    saved: usize,
    kept: usize,
}

/// Sends the files one after the other to the URLs `url_of` makes of
/// each file's name; stops at the first refusal.
async fn send_files(files: Vec<web_sys::File>, url_of: impl Fn(&str) -> String) -> AppResult<Sent> {
    let mut sent = Sent::default();
    for file in files {
        let url = url_of(&file.name());
        match send_file(url, file).await {
            Ok(()) => sent.saved += 1,
            Err(AppError::Queued) => sent.kept += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}

/// "2 file(s) added.", "1 file(s) kept on this device…", or both.
fn sent_text(i18n: crate::ui::feedback::I18n, sent: Sent) -> String {
    let mut parts = Vec::new();
    if sent.saved > 0 {
        let count = sent.saved;
        parts.push(t_string!(i18n, document.sent, count).to_string());
    }
    if sent.kept > 0 {
        let count = sent.kept;
        parts.push(t_string!(i18n, document.kept, count).to_string());
    }
    parts.join(" ")
}

/// The files of a `FileList`, kept: the list itself is live, and empties
/// when its input is cleared.
fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The message of an upload refused: each field's problem, or the error.
#[component]
fn UploadError(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| match e {
            AppError::Invalid { fields } => view! {
                <div class="banner banner-error upload-error" role="alert">
                    {fields.into_iter().map(|f| view! { <p>{problem_text(i18n, f.problem)}</p> }).collect_view()}
                </div>
            }
            .erase(),
            other => view! { <ErrorBanner error=Signal::stored(Some(other)) /> }.erase(),
        })
    }
}

/// A file input, hidden behind its label, that hands the chosen files to
/// `chosen` (and is emptied, so the same file can be chosen again).
#[component]
fn FilePick(
    #[prop(into)] label: TextProp,
    class: &'static str,
    #[prop(optional)] multiple: bool,
    /// `environment`: a phone opens its camera.
    #[prop(optional)]
    capture: Option<&'static str>,
    #[prop(optional)] accept: Option<&'static str>,
    chosen: Callback<Vec<web_sys::File>>,
) -> impl IntoView {
    view! {
        <label class=format!("button file-pick {class}")>
            {move || label.get().to_string()}
            <input
                type="file"
                class="visually-hidden"
                multiple=multiple
                capture=capture
                accept=accept
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(files) = input.files() {
                        chosen.run(files_of(&files));
                    }
                    input.set_value("");
                }
            />
        </label>
    }
}

/// The documents of a record, with the upload: a type, a title (for a
/// single file; several keep their names), the file picker, the camera on
/// a phone, or files dropped on the card.
#[component]
pub fn RecordDocuments(kind: RecordKind, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    // Secondary: loaded in the browser (see `ui::browser`).
    let documents = load_in_browser(move || {
        reload.track();
        record_documents(kind, id)
    });
    let form = RwSignal::new(DocumentInput {
        doc_type: if kind == RecordKind::Person {
            "cv".into()
        } else {
            "document".into()
        },
        title: String::new(),
    });
    let busy = RwSignal::new(false);
    let over = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let sent = RwSignal::new(None::<Sent>);
    // Files of this record kept on this device: listed with the others,
    // and the list is read again as each one reaches the server.
    let outbox = crate::pwa::use_outbox();
    let waiting = Memo::new(move |_| {
        outbox.items.with(|items| {
            items
                .iter()
                .filter(|k| k.concerns(kind, id))
                .filter_map(|k| match k.change() {
                    Change::File { title, .. } => Some((title, k.state == "refused")),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |before: Option<usize>| {
        let now = waiting.with(Vec::len);
        if before.is_some_and(|b| now < b) {
            reload.update(|n| *n += 1);
        }
        now
    });
    let upload = Callback::new(move |files: Vec<web_sys::File>| {
        if files.is_empty() || busy.get_untracked() {
            return;
        }
        let several = files.len() > 1;
        let DocumentInput { doc_type, title } = form.get_untracked();
        busy.set(true);
        error.set(None);
        sent.set(None);
        leptos::task::spawn_local(async move {
            let url_of = |name: &str| {
                let title = if several || title.trim().is_empty() {
                    name
                } else {
                    title.trim()
                };
                format!(
                    "/files/upload?record_type={}&record_id={id}&doc_type={}&title={}&file_name={}",
                    kind.as_str(),
                    urlencode(&doc_type),
                    urlencode(title),
                    urlencode(name),
                )
            };
            let done = send_files(files, url_of).await;
            busy.set(false);
            match done {
                Ok(done) => {
                    sent.set(Some(done));
                    form.update(|f| f.title.clear());
                }
                Err(e) => error.set(Some(e)),
            }
            reload.update(|n| *n += 1);
        });
    });
    let types = DOC_TYPES
        .iter()
        .map(|t| (t.to_string(), TextProp::from(move || type_in(i18n, t))))
        .collect::<Vec<_>>();
    let show = move |d: Document| {
        let preview = may_preview(&d.content_type).then(|| {
            view! {
                <a href=file_href(d.id, d.current_version, true) target="_blank" rel="noopener external">
                    {tx!(i18n, document.preview)}
                </a>
            }
        });
        view! {
            <li class="document-item">
                <a href=format!("/documents/{}", d.id)>{d.title.clone()}</a>
                <span class="chip">{type_in(i18n, &d.doc_type)}</span>
                <span class="muted">{format!("{} · {}", d.file_name, human_size(d.size))}</span>
                {(d.current_version > 1).then(|| view! { <span class="muted">{format!("v{}", d.current_version)}</span> })}
                <span class="document-actions">
                    {preview}
                    <a href=file_href(d.id, d.current_version, false) download="" rel="external">{tx!(i18n, document.download)}</a>
                </span>
            </li>
        }
    };
    view! {
        <section
            class="card documents-card"
            class:drop-over=move || over.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(false);
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    upload.run(files_of(&files));
                }
            }
        >
            <header class="card-header">
                <h2>{tx!(i18n, document.plural)}</h2>
            </header>
            {move || {
                let kept = waiting.get();
                (!kept.is_empty()).then(|| view! {
                    <ul class="related documents-waiting">
                        {kept.into_iter().map(|(title, refused)| view! {
                            <li class="document-item document-kept">
                                <span>{title}</span>
                                <span class=if refused { "badge badge-danger" } else { "badge" }>
                                    {if refused {
                                        t_string!(i18n, outbox.refused).to_string()
                                    } else {
                                        t_string!(i18n, document.waiting_here).to_string()
                                    }}
                                </span>
                                <a href="/outbox">{tx!(i18n, outbox.review)}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
            {move || {
                match documents.get() {
                    None => Some(crate::ui::browser::loading_line()),
                    Some(r) => r.ok().map(|list| {
                        if list.is_empty() && waiting.with(Vec::is_empty) {
                            view! { <p class="muted">{t_string!(i18n, document.none).to_string()}</p> }.erase()
                        } else {
                            view! { <ul class="related documents-list">{list.into_iter().map(show).collect_view()}</ul> }.erase()
                        }
                    }),
                }
            }}
            <div class="document-upload">
                <div class="form-grid">
                    <SelectField name="doc_type" label=tx!(i18n, document.doc_type) bind=bind!(form.doc_type) options=types />
                    <TextField name="title" label=tx!(i18n, document.title_optional) bind=bind!(form.title) />
                </div>
                <div class="document-upload-actions">
                    <FilePick label=tx!(i18n, document.add_files) class="button-primary" multiple=true chosen=upload />
                    <FilePick label=tx!(i18n, document.take_photo) class="camera-pick" capture="environment" accept="image/*" chosen=upload />
                    <span class="muted drop-hint">{tx!(i18n, document.drop_hint)}</span>
                </div>
                <p class="muted" role="status">
                    {move || busy.get().then(|| t_string!(i18n, document.sending).to_string())}
                    {move || sent.get().map(|done| sent_text(i18n, done))}
                </p>
                <UploadError error=error />
            </div>
        </section>
    }
    .erase()
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let reload_page = RwSignal::new(0u32);
    let detail = resource(
        move || (id.get(), reload_page.get()),
        |(id, _)| get_document(id),
    );
    view! {
        <Loaded
            resource=detail
            view=move |d: DocumentDetail| {
                let doc = d.document.clone();
                let id = doc.id;
                let version = RwSignal::new(doc.version);
                let reload = RwSignal::new(0u32);
                let error = RwSignal::new(None::<AppError>);
                let busy = RwSignal::new(false);
                let kept = RwSignal::new(None::<Sent>);
                let replace = Callback::new(move |files: Vec<web_sys::File>| {
                    busy.set(true);
                    error.set(None);
                    kept.set(None);
                    leptos::task::spawn_local(async move {
                        let done = send_files(files, |name| {
                            format!("/files/{id}/replace?file_name={}", urlencode(name))
                        })
                        .await;
                        busy.set(false);
                        match done {
                            Ok(Sent { kept: 0, .. }) => reload_page.update(|n| *n += 1),
                            Ok(done) => kept.set(Some(done)),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                });
                let subtitle = format!(
                    "{} · {} · {}",
                    type_in(i18n, &doc.doc_type),
                    doc.file_name,
                    human_size(doc.size)
                );
                let record = view! { <a href=d.record_kind.href(doc.record_id)>{d.record_name.clone()}</a> };
                let inline = file_href(id, doc.current_version, true);
                let preview = may_preview(&doc.content_type).then(|| {
                    let image = doc.content_type.starts_with("image/");
                    view! {
                        <section class="card document-preview">
                            <h2>{tx!(i18n, document.preview)}</h2>
                            {image.then(|| view! { <img src=inline.clone() alt=doc.title.clone() /> })}
                            <a class="button" href=inline.clone() target="_blank" rel="noopener external">{tx!(i18n, document.open_preview)}</a>
                        </section>
                    }
                });
                let uploaders = d.uploaders.clone();
                let who = move |by: Option<i64>| {
                    by.and_then(|u| uploaders.iter().find(|(i, _)| *i == u).map(|(_, n)| n.clone()))
                        .unwrap_or_default()
                };
                let versions = d
                    .versions
                    .iter()
                    .map(|v| {
                        view! {
                            <li class="document-version" data-n=v.n>
                                <span class="chip">{format!("v{}", v.n)}</span>
                                <span>{v.file_name.clone()}</span>
                                <span class="muted">{human_size(v.size)}</span>
                                <span class="muted">{format!("{} · {}", v.uploaded_at.format("%Y-%m-%d %H:%M"), who(v.uploaded_by))}</span>
                                <a href=file_href(id, v.n, false) download="" rel="external">{tx!(i18n, document.download)}</a>
                            </li>
                        }
                    })
                    .collect_view();
                let may_change = d.may_change;
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=RecordKind::Document
                            id=id
                            title=doc.title.clone()
                            subtitle=subtitle
                            edit_href=format!("/documents/{id}/edit")
                            delete=move || delete_document(id, version.get_untracked())
                            after_delete="/documents"
                        />
                        <RecordBody>
                            <section class="card">
                                <header class="card-header">
                                    <h2>{tx!(i18n, common.details)}</h2>
                                    <a class="button button-primary" href=file_href(id, doc.current_version, false) download="" rel="external">{tx!(i18n, document.download)}</a>
                                </header>
                                <dl class="details">
                                    <div class="detail"><dt>{tx!(i18n, document.attached_to)}</dt><dd>{record}</dd></div>
                                    <Detail label=tx!(i18n, document.doc_type) value=type_in(i18n, &doc.doc_type) />
                                    <Detail label=tx!(i18n, document.file_name) value=doc.file_name.clone() />
                                    <Detail label=tx!(i18n, document.size) value=human_size(doc.size) />
                                </dl>
                            </section>
                            {preview}
                            <section class="card document-versions">
                                <header class="card-header">
                                    <h2>{tx!(i18n, document.versions)}</h2>
                                    {may_change.then(|| view! { <FilePick label=tx!(i18n, document.replace) class="" chosen=replace /> })}
                                </header>
                                <p class="muted" role="status">
                                    {move || busy.get().then(|| t_string!(i18n, document.sending).to_string())}
                                    {move || kept.get().map(|done| sent_text(i18n, done))}
                                </p>
                                <UploadError error=error />
                                <ol class="related">{versions}</ol>
                            </section>
                            <RecordActivity kind=RecordKind::Document id=id reload=reload />
                        </RecordBody>
                    </article>
                }
            }
        />
    }
    .erase()
}

#[component]
pub fn DocumentEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let detail = resource(move || id.get(), get_document);
    view! {
        <Loaded
            resource=detail
            view=move |d: DocumentDetail| {
                let doc = d.document;
                let form = RwSignal::new(DocumentInput { doc_type: doc.doc_type.clone(), title: doc.title.clone() });
                let (id, version) = (doc.id, doc.version);
                let types = DOC_TYPES
                    .iter()
                    .map(|t| (t.to_string(), TextProp::from(move || type_in(i18n, t))))
                    .collect::<Vec<_>>();
                view! {
                    <RecordForm
                        form=form
                        check=DocumentInput::check
                        save=move |input, _| save_document(id, version, input)
                        base="/documents"
                        title=tx!(i18n, document.edit)
                        cancel_href=format!("/documents/{id}")
                    >
                        <FormSection title=tx!(i18n, common.details)>
                            <TextField name="title" label=tx!(i18n, document.title) bind=bind!(form.title) required=true />
                            <SelectField name="doc_type" label=tx!(i18n, document.doc_type) bind=bind!(form.doc_type) options=types required=true />
                        </FormSection>
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

/// `/documents/new`: the record first (a kind, then a picker), then the
/// same documents card as on its page.
#[component]
pub fn DocumentNew() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("person".to_string());
    let record = RwSignal::new(None::<i64>);
    let kinds = ["person", "company", "deal"]
        .into_iter()
        .filter_map(RecordKind::parse)
        .map(|k| {
            (
                k.as_str().to_string(),
                TextProp::from(move || crate::records::search::kind_label(i18n, k)),
            )
        })
        .collect::<Vec<_>>();
    let chosen_kind = move || RecordKind::parse(&kind.get()).unwrap_or(RecordKind::Person);
    view! {
        <div class="page">
            <h1>{tx!(i18n, document.new)}</h1>
            <p class="muted">{tx!(i18n, document.new_intro)}</p>
            <section class="card form-grid">
                <SelectField
                    name="record_kind"
                    label=tx!(i18n, document.record_kind)
                    bind=(Signal::derive(move || kind.get()), Callback::new(move |v| { kind.set(v); record.set(None); }))
                    options=kinds
                />
                {move || {
                    let k = chosen_kind();
                    view! {
                        <crate::ui::pickers::RecordPicker kind=k name="record" label=tx!(i18n, document.record)
                            value=Signal::derive(move || record.get())
                            set=Callback::new(move |v| record.set(v)) />
                    }
                }}
            </section>
            {move || record.get().map(|id| view! { <RecordDocuments kind=chosen_kind() id=id /> })}
        </div>
    }
    .erase()
}
