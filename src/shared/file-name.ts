/** A file name from a study name: keeps letters, digits, dot, dash and underscore. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return s === '' ? 'study' : s;
}
