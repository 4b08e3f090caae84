// The app's service worker. The server writes SHELL_VERSION (a hash of the shell files) and
// SHELL_FILES in front of this file, so every deploy that changes the shell installs a new
// worker with a new cache. The new worker waits until the trainer chooses to update.
/* global SHELL_VERSION, SHELL_FILES */

const CACHE_PREFIX = "lensan-shell-";
const CACHE_NAME = CACHE_PREFIX + SHELL_VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE_NAME)
      .then((cache) => cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  // Delete only our own stale caches, never another app's on the same origin.
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE_NAME).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  // The page reports which shell it runs (js/version.js).
  if (event.data && event.data.type === "VERSION" && event.ports[0]) event.ports[0].postMessage(SHELL_VERSION);
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // data goes through IndexedDB and the outbox
  if (event.request.mode === "navigate" && url.pathname.startsWith("/app")) {
    event.respondWith(fromCache("/app/"));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) event.respondWith(fromCache(url.pathname));
});

async function fromCache(path) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(path);
  return cached || fetch(path);
}
