/**
 * The text of anything thrown: an Error's message, else its string form. Messages shown to users and
 * recorded as fail reasons go through this one function, so a thrown string, a DOMException and a
 * worker's rejected value all read the same way.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
