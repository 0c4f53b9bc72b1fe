/*
 * Offline support (issue 5 item 6), after squoosh's src/sw (style.md §1): on install, cache every file
 * of this build — listed in precache-manifest.json by vite.config.ts, workers and tfjs wasm binaries
 * included — in a cache named after the build; on activate, delete other builds' caches. Requests:
 * same-origin GETs only (the app never talks to another origin); page navigations go to the network
 * first and fall back to the cached app shell; everything else is served from the cache first.
 * main.ts registers this file as sw.js?build=<id> in production builds, so a new build installs anew.
 *
 * Cross-origin isolation for hosts that send no headers (issue 18 item 1): every response this worker
 * serves, network or cache, carries COOP same-origin and COEP require-corp, so a page it controls is
 * crossOriginIsolated and tfjs loads its threaded wasm build. The first visit is served by the host
 * alone (not isolated); src/state/isolation.ts reloads the page once when this worker takes control.
 * Everything the app loads is same-origin, so require-corp blocks nothing.
 */
const PREFIX = 'dmc-tune-';
const build = new URL(self.location.href).searchParams.get('build') ?? 'dev';
const CACHE = PREFIX + build;
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The response with the isolation headers added (an opaque or error response cannot be rewritten). */
function isolated(res) {
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(ISOLATION)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const res = await fetch('precache-manifest.json', { cache: 'no-store' });
      if (!res.ok) throw new Error(`precache-manifest.json: HTTP ${res.status}`);
      const manifest = await res.json();
      const cache = await caches.open(CACHE);
      await cache.addAll(manifest.files.map((f) => new Request(f, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .catch(
          async () => (await caches.match(req, { ignoreSearch: true, ignoreVary: true })) ?? (await caches.match('./', { ignoreVary: true })) ?? Response.error(),
        )
        .then(isolated),
    );
    return;
  }
  event.respondWith(
    (async () => {
      // ignoreVary: module scripts are requested in CORS mode with an Origin header, which a
      // `Vary: Origin` on the precached response would otherwise turn into a miss.
      const hit = await caches.match(req, { ignoreSearch: url.pathname.endsWith('.wasm'), ignoreVary: true });
      if (hit) return isolated(hit);
      const res = await fetch(req);
      if (res.ok && res.type === 'basic') {
        const copy = res.clone();
        void caches.open(CACHE).then((c) => c.put(req, copy));
      }
      // Worker scripts need the headers too: a dedicated worker of an isolated page whose script
      // comes without COEP is refused.
      return isolated(res);
    })(),
  );
});
