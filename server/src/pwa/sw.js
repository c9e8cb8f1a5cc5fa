// Relais service worker. The server fills in the six constants below
// (see `server/src/pwa/mod.rs`); everything else is this file as written.
//
// Caches:
// - `relais-shell-<version>`: the app shell of one release (the hashed
//   wasm, JS and CSS, icons, manifest, offline page): `PRECACHE` (the
//   main wasm, which holds the Desk, and the splitter's loader) taken at
//   install, `LATER` (the pieces) once the app has started and asks for them (`shell`), one
//   after the other, so that the install on a first visit's login page
//   does not compete with the Desk's own download; a piece a page fetches
//   before then is kept as it passes. A new release is a new version, so
//   a new cache, and the old one is deleted once the new worker takes
//   over.
// - `relais-pages`: pages opened (network first; the copy answers when the
//   network does not).
// - `relais-data`: answers of the server functions that only read (network
//   first, keyed by endpoint and request body), so a page opened before is
//   readable offline, its data included.
// Pages and data belong to the signed-in user: they are dropped at login
// and logout.
//
// Outbox (IndexedDB `relais-outbox`): the changes of `QUEUED` made while
// offline. Each request gets an idempotency key before it is first sent;
// when the network fails it is kept with that key and the app is told
// `{"kind":"queued"}`. Kept changes are sent one at a time, oldest first,
// when the app says the connection is back, and with the same key, so the
// server applies each once even when an answer was lost and it is sent
// again. A change the server refuses (the record changed or was deleted
// meanwhile) stays kept, marked, until the person decides: nothing kept is
// ever dropped but by them. Each change belongs to the user who made it
// and is only sent for them. A file sent to a record (`FILE_UPLOADS`) is
// kept the same way, the file itself as a Blob, with its address (the
// record, type and title are in its query) and its content type.
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const LATER = __LATER__;
const READS = __READS__;
const QUEUED = __QUEUED__;
const PAGES = __PAGES_CACHE__;

const SHELL = `relais-shell-${VERSION}`;
const DATA = "relais-data";
const OFFLINE_PAGE = "/offline.html";
const SESSION_CHANGES = [
  "/api/auth/login",
  "/api/auth/login_second_factor",
  "/api/auth/login_form",
  "/api/auth/login_code_form",
  "/api/auth/logout",
];
// The routes that take a file as their body: a new document, a new version
// of one (the server's `documents::is_upload_path` says the same).
const FILE_UPLOADS = /^\/files\/(upload|[0-9]+\/replace)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith("relais-shell-") && k !== SHELL)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// Messages from the app, as JSON text: `hello` (who is signed in; answers
// with the outbox), `sync` (the connection is back), `retry` (send a kept
// change again, with a new body when the person chose to apply theirs over
// a newer version), `discard`, and `keep` (pages to keep ahead of time for
// offline use: the calendar, the tasks board).
self.addEventListener("message", (event) => {
  let msg;
  try {
    msg = JSON.parse(event.data);
  } catch (notJson) {
    return;
  }
  if (msg.type === "hello") {
    event.waitUntil(setMeta("user", msg.user).then(() => announce()).then(() => drain()));
  } else if (msg.type === "sync") {
    // The connection is back: the waits grown while offline start over.
    retryDelay = 2000;
    event.waitUntil(drain());
  } else if (msg.type === "retry") {
    event.waitUntil(
      update(msg.seq, (item) => {
        item.state = "waiting";
        item.status = null;
        item.answer = null;
        if (typeof msg.body === "string") item.body = msg.body;
        return item;
      }).then(() => drain()),
    );
  } else if (msg.type === "discard") {
    event.waitUntil(remove(msg.seq).then(() => announce()));
  } else if (msg.type === "keep" && Array.isArray(msg.urls)) {
    event.waitUntil(keepPages(msg.urls));
  } else if (msg.type === "shell") {
    event.waitUntil(keepShell());
  }
});

// Takes the files of `LATER` the shell does not have yet, one after the
// other (background work); stops at the first failure (offline). One run
// at a time.
let keepingShell = null;
function keepShell() {
  keepingShell ??= (async () => {
    const cache = await caches.open(SHELL);
    for (const url of LATER) {
      if (await cache.match(url)) continue;
      try {
        const answer = await fetch(url);
        if (!answer.ok) return;
        await cache.put(url, answer);
      } catch (offline) {
        return;
      }
    }
  })().finally(() => {
    keepingShell = null;
  });
  return keepingShell;
}

// A file of the shell: the copy kept, else the network's answer, kept.
async function shellFile(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const answer = await fetch(request);
  if (answer.ok) cache.put(request, answer.clone()).catch(() => {});
  return answer;
}

// Loads same-origin pages and keeps them as if they had been opened. One
// after the other; stops at the first failure (offline, or signed out).
async function keepPages(urls) {
  const sent = era;
  for (const url of urls) {
    if (new URL(url, self.location.origin).origin !== self.location.origin) continue;
    try {
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!answer.ok || answer.redirected || sent !== era) return;
      await keepFor(sent, PAGES, url, answer);
    } catch (offline) {
      return;
    }
  }
}

// Bumped when what was kept is forgotten: an answer that was on its way
// then is not kept (it would bring the caches back after a logout).
let era = 0;
function forgetUser() {
  era += 1;
  return Promise.all([caches.delete(PAGES), caches.delete(DATA)]);
}

// A login or a logout: what was kept is forgotten before it is sent, and
// again once it is answered. A read sent while the session still held and
// answered before the logout was would otherwise be kept after it, the last
// user's data left on the device (a Playwright run caught one:
// `relais-data` back after a logout, with the Desk's reads in flight).
async function changeSession(request) {
  await forgetUser();
  try {
    return await fetch(request);
  } finally {
    await forgetUser();
  }
}

// Keeps `copy` under `key` in the cache `name`, unless the user was
// forgotten since `sent`. Opening the cache creates it: when a logout came
// between the check and the opening (or the keeping), the cache is
// forgotten again once the keeping has settled, so a logout never leaves a
// cache behind (a Playwright run caught one: an answer to a read on its way
// while the person logged out).
function keepFor(sent, name, key, copy) {
  if (sent !== era) return Promise.resolve();
  return caches
    .open(name)
    .then((cache) => cache.put(key, copy))
    .catch(() => {})
    .then(() => (sent === era ? undefined : caches.delete(name)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && SESSION_CHANGES.includes(url.pathname)) {
    event.respondWith(changeSession(request));
  } else if (request.method === "POST" && READS.includes(url.pathname)) {
    event.respondWith(readThrough(request, url));
  } else if (request.method === "POST" && (QUEUED.includes(url.pathname) || FILE_UPLOADS.test(url.pathname))) {
    event.respondWith(sendOrKeep(request, url));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (PRECACHE.includes(url.pathname) || LATER.includes(url.pathname)) {
    event.respondWith(shellFile(request));
  }
});

// A page: the network's answer (kept), else the copy kept, else the
// offline page.
async function page(request) {
  try {
    const sent = era;
    const answer = await fetch(request);
    if (answer.ok && !answer.redirected) {
      const copy = answer.clone();
      keepFor(sent, PAGES, request, copy);
    } else if (answer.redirected && new URL(answer.url).pathname === "/login") {
      // The session ended: what was kept is someone else's now.
      await forgetUser();
    }
    return answer;
  } catch (offline) {
    const kept = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
    return kept || (await caches.match(OFFLINE_PAGE)) || Response.error();
  }
}

// A read-only server function: the network's answer (kept under a key made
// of the endpoint and the body), else the answer kept, else a 503 the app
// shows as "offline".
async function readThrough(request, url) {
  const body = await request.clone().text();
  const key = new Request(`${url.pathname}?body=${encodeURIComponent(body)}`);
  try {
    const sent = era;
    const answer = await fetch(request);
    if (answer.ok) {
      const copy = answer.clone();
      keepFor(sent, DATA, key, copy);
    } else if (answer.status === 401) {
      await forgetUser();
    }
    return answer;
  } catch (offline) {
    const kept = await caches.match(key, { cacheName: DATA });
    return (
      kept ||
      new Response(JSON.stringify({ kind: "offline" }), {
        status: 503,
        headers: { "Content-Type": "application/json", "X-Relais-Offline": "1" },
      })
    );
  }
}

// ---- Outbox ----------------------------------------------------------------

// A change that may be made offline: sent at once with a fresh key; kept
// when the network fails, or when older changes still wait (a new change
// never overtakes them).
async function sendOrKeep(request, url) {
  const key = self.crypto.randomUUID();
  const item = { key, endpoint: url.pathname, body: "", at: Date.now(), state: "waiting" };
  if (FILE_UPLOADS.test(url.pathname)) {
    item.endpoint = url.pathname + url.search;
    item.file = await request.clone().blob();
    item.contentType = request.headers.get("Content-Type") || "application/octet-stream";
  } else {
    item.body = await request.clone().text();
  }
  const waiting = (await allItems()).filter((i) => i.state === "waiting");
  if (waiting.length === 0) {
    try {
      return await send(item);
    } catch (offline) {
      // Kept below.
    }
  }
  item.user = await meta("user");
  await put(item);
  await announce();
  if (waiting.length > 0) drain();
  return new Response(JSON.stringify({ kind: "queued" }), {
    status: 503,
    headers: { "Content-Type": "application/json", "X-Relais-Queued": "1" },
  });
}

function send(item) {
  return fetch(item.endpoint, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": item.file ? item.contentType : "application/json",
      Accept: "application/json",
      "Idempotency-Key": item.key,
    },
    body: item.file || item.body,
  });
}

// Sends the signed-in user's waiting changes, oldest first, one at a time;
// stops at the first network failure, server failure or ended session
// (they stay kept for the next try). One drain at a time.
// After a failure the worker tries again by itself, waiting longer each
// time (2 s, 4 s… up to a minute); any success, or the app saying the
// connection is back, starts over.
let draining = null;
let retryDelay = 2000;
let retryTimer = null;
function drain() {
  if (!draining) {
    draining = drainAll()
      .then((stopped) => {
        clearTimeout(retryTimer);
        if (stopped) {
          retryTimer = setTimeout(drain, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 60000);
        } else {
          retryDelay = 2000;
        }
      })
      .finally(() => {
        draining = null;
      });
  }
  return draining;
}

async function drainAll() {
  const user = await meta("user");
  let sent = 0;
  let syncing = false;
  let stopped = false;
  for (;;) {
    const next = (await allItems()).find((i) => i.state === "waiting" && i.user === user);
    if (!next) break;
    if (!syncing) {
      syncing = true;
      await announce({ syncing: true });
    }
    let answer;
    try {
      answer = await send(next);
    } catch (offline) {
      stopped = true;
      break;
    }
    const text = await answer.text();
    if (answer.ok) {
      await remove(next.seq);
      await followVersion(next, text);
      sent += 1;
    } else if ([400, 403, 404, 405, 409, 413, 415, 422].includes(answer.status)) {
      // Refused for good: kept for the person to decide.
      next.state = "refused";
      next.status = answer.status;
      next.answer = text;
      await put(next);
    } else {
      // 401 (signed out) or the server failing: try again later.
      stopped = answer.status !== 401;
      break;
    }
    await announce({ syncing: true });
  }
  if (syncing) await announce({ syncing: false, sent });
  return stopped;
}

// A change applied moves its record's version on; later changes of the same
// record were made on the version the app had, so they follow (otherwise
// two offline moves of one task would refuse each other).
async function followVersion(done, answer) {
  let before;
  try {
    before = JSON.parse(done.body);
  } catch (e) {
    return;
  }
  if (typeof before.id !== "number" || typeof before.version !== "number") return;
  let after = before.version + 1;
  if (done.endpoint !== "/api/interactions/save") {
    const v = Number(answer);
    if (Number.isInteger(v)) after = v;
  }
  for (const item of await allItems()) {
    if (item.state !== "waiting") continue;
    let body;
    try {
      body = JSON.parse(item.body);
    } catch (e) {
      continue;
    }
    if (body.id === before.id && body.version === before.version) {
      body.version = after;
      item.body = JSON.stringify(body);
      await put(item);
    }
  }
}

// Tells every open window of the app what the outbox holds.
async function announce(extra = {}) {
  const user = await meta("user");
  const items = (await allItems()).filter((i) => i.user === user);
  const msg = JSON.stringify({
    type: "outbox",
    items: items.map(({ seq, endpoint, body, file, at, state, status, answer }) => ({
      seq,
      endpoint,
      body,
      size: file ? file.size : null,
      at,
      state,
      status: status ?? null,
      answer: answer ?? null,
    })),
    syncing: false,
    ...extra,
  });
  for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    client.postMessage(msg);
  }
}

// IndexedDB, promised.
function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("relais-outbox", 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("items", { keyPath: "seq", autoIncrement: true });
      open.result.createObjectStore("meta");
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function store(name, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const request = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(request && request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const allItems = () => store("items", "readonly", (s) => s.getAll());
const put = (item) => store("items", "readwrite", (s) => s.put(item));
const remove = (seq) => store("items", "readwrite", (s) => s.delete(seq));
const meta = (key) => store("meta", "readonly", (s) => s.get(key));
const setMeta = (key, value) => store("meta", "readwrite", (s) => s.put(value, key));

async function update(seq, change) {
  const item = (await allItems()).find((i) => i.seq === seq);
  if (item) await put(change(item));
}
