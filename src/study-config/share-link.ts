/**
 * A study setup carried in a link: the configuration's JSON, deflated and base64url-encoded into the URL's
 * fragment (`#/setup?study=…`), so a teacher can send a class the exact study with no server — the fragment
 * never leaves the browser. Opening such a link only fills in Setup; nothing runs until the user presses Start.
 *
 * Decoding is defensive: the text length, the inflated size (a small link must not inflate into gigabytes)
 * and the configuration itself (the same validation as a loaded file) are checked, and every refusal is one
 * plain sentence. Uses the platform's CompressionStream ("deflate-raw"), present in browsers and Node ≥ 18.
 */
import type { StudyConfig } from './types.ts';
import { formatIssues, validateStudyConfig } from './validate.ts';

/** Marks the encoding, so a later format can be told apart and refused plainly. */
const PREFIX = 'v1.';
/** Links longer than this are refused before decoding: browsers and chat apps cut longer URLs unpredictably. */
export const MAX_LINK_CHARS = 32_000;
/** The most a link may inflate to; every real configuration is a few kB. */
export const MAX_CONFIG_BYTES = 256 * 1024;
export const STUDY_LINK_PARAM = 'study';

export class StudyLinkError extends Error {
  override readonly name = 'StudyLinkError';
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw new StudyLinkError(
      'The link is damaged: it contains characters a study link never has (was it cut or edited?).',
    );
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new StudyLinkError('The link is damaged: its study part is not readable (was it cut short?).');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function readAll(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new StudyLinkError(
        `The link's study is larger than ${limit / 1024} kB once unpacked; no real study setup is, so it was refused.`,
      );
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const source = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  return readAll(source.pipeThrough(stream), limit);
}

/** The fragment value that carries `config` (without the `#/setup?study=` around it). */
export async function encodeStudyLink(config: StudyConfig): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(config));
  const packed = await transform(json, new CompressionStream('deflate-raw'), Number.MAX_SAFE_INTEGER);
  return PREFIX + toBase64Url(packed);
}

/** The whole link: `base` (the app's address, any fragment dropped) with the study in its fragment. */
export async function studyLinkUrl(base: string, config: StudyConfig): Promise<string> {
  return `${base.replace(/#.*$/, '')}#/setup?${STUDY_LINK_PARAM}=${await encodeStudyLink(config)}`;
}

/** The configuration a link's fragment value carries, validated; a StudyLinkError says plainly why not. */
export async function decodeStudyLink(payload: string): Promise<StudyConfig> {
  if (payload.length > MAX_LINK_CHARS) {
    throw new StudyLinkError(
      `The link is too long (${payload.length.toLocaleString('en')} characters; at most ${MAX_LINK_CHARS.toLocaleString('en')}), so it was refused.`,
    );
  }
  if (!payload.startsWith(PREFIX)) {
    throw new StudyLinkError(
      'This is not a dmc-tune study link, or one from a newer version of the app (it does not start with "v1.").',
    );
  }
  const packed = fromBase64Url(payload.slice(PREFIX.length));
  let json: Uint8Array;
  try {
    json = await transform(packed, new DecompressionStream('deflate-raw'), MAX_CONFIG_BYTES);
  } catch (err) {
    if (err instanceof StudyLinkError) throw err;
    throw new StudyLinkError('The link is damaged: its study part does not unpack (was it cut short or edited?).');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new StudyLinkError('The link is damaged: its study part is not a readable configuration.');
  }
  const v = validateStudyConfig(value);
  if ('errors' in v) throw new StudyLinkError(`The link's study setup is not valid:\n${formatIssues(v.errors)}`);
  return v.config;
}
