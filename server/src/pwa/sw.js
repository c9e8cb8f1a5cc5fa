// Relais service worker. The server fills in the three constants below
// (see `server/src/pwa/mod.rs`); everything else is this file as written.
//
// Caches:
// - `relais-shell-<version>`: the app shell of one release (the hashed
//   wasm, JS and CSS, icons, manifest, offline page), taken whole at
//   install; a new release is a new version, so a new cache, and the old
//   one is deleted once the new worker takes over.
// - `relais-pages`: pages opened (network first; the copy answers when the
//   network does not).
// - `relais-data`: answers of the server functions that only read (network
//   first, keyed by endpoint and request body), so a page opened before is
//   readable offline, its data included.
// Pages and data belong to the signed-in user: they are dropped at login
// and logout.
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const READS = __READS__;

const SHELL = `relais-shell-${VERSION}`;
const PAGES = "relais-pages";
const DATA = "relais-data";
const OFFLINE_PAGE = "/offline.html";
const SESSION_CHANGES = ["/api/auth/login", "/api/auth/logout"];

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

self.addEventListener("message", (event) => {
  if (event.data === "forget-user") {
    event.waitUntil(forgetUser());
  }
});

function forgetUser() {
  return Promise.all([caches.delete(PAGES), caches.delete(DATA)]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && SESSION_CHANGES.includes(url.pathname)) {
    event.respondWith(forgetUser().then(() => fetch(request)));
  } else if (request.method === "POST" && READS.includes(url.pathname)) {
    event.respondWith(readThrough(request, url));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// A page: the network's answer (kept), else the copy kept, else the
// offline page.
async function page(request) {
  try {
    const answer = await fetch(request);
    if (answer.ok && !answer.redirected) {
      const copy = answer.clone();
      caches.open(PAGES).then((cache) => cache.put(request, copy));
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
    const answer = await fetch(request);
    if (answer.ok) {
      const copy = answer.clone();
      caches.open(DATA).then((cache) => cache.put(key, copy));
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
