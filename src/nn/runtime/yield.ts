/**
 * Yields to the event loop (a macrotask turn), so a worker can receive an abort message between
 * training steps or sampling chunks. `setImmediate` in Node; a MessageChannel round trip in browsers and
 * workers (no 4 ms clamp as with nested setTimeout, and not paused like requestAnimationFrame in hidden pages).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return new Promise((resolve) => si(resolve));
  }
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
