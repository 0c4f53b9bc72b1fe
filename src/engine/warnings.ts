/**
 * Warning hook of the engine. Optuna reports recoverable oddities through Python's `warnings`
 * module (grid adjustment of `high`, an ignored repeated report, a NaN objective value, ...); the
 * engine routes the same messages through one replaceable handler so the UI can show them and tests
 * can assert on them. The default handler writes to `console.warn`.
 */

export type WarningHandler = (message: string) => void;

const defaultHandler: WarningHandler = (message) => console.warn(`[engine] ${message}`);

let handler: WarningHandler = defaultHandler;

/** Installs `h` (or restores the default with null); returns the handler it replaced. */
export function setWarningHandler(h: WarningHandler | null): WarningHandler {
  const previous = handler;
  handler = h ?? defaultHandler;
  return previous;
}

export function warn(message: string): void {
  handler(message);
}

/** Runs `fn` with warnings collected instead of emitted; restores the previous handler afterwards. */
export async function collectWarnings<T>(fn: () => T | Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const previous = setWarningHandler((m) => warnings.push(m));
  try {
    const result = await fn();
    return { result, warnings };
  } finally {
    setWarningHandler(previous);
  }
}
