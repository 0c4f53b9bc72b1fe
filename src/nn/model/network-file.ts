/**
 * Network files: a trained approximator as one versioned JSON document — architecture
 * config, standardization, every named weight as base64 little-endian float32, and metadata. The same
 * object is what the IndexedDB model store keeps and what the user downloads.
 *
 * The format and its validation only: no tfjs, so the page can validate and store files without
 * loading it. Writing a network into a file and rebuilding one from it: ../networks/network-file-io.ts.
 */
import { validateNetworkConfig, type NetworkConfig } from './config.ts';
import { errorMessage } from '../../shared/index.ts';

export const NETWORK_FILE_FORMAT = 'dmc-tune-network';
export const NETWORK_FILE_VERSION = 1;

export interface NetworkFileWeight {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Base64 of the little-endian float32 values, row-major. */
  data: string;
}

export interface NetworkMetadata {
  /** ISO time the file was written. */
  createdAt: string;
  /** Inference-variable names, in column order (A, tau, mu_c, mu_r, b[, sd_r]). */
  paramNames: string[];
  /** Seed the approximator was built with (initial weights); training randomness is in `training`. */
  seed: number;
  /** Anything else worth keeping: hyperparameters, study/trial, history, metrics, backend, simulator config. */
  [key: string]: unknown;
}

export interface NetworkFile {
  format: typeof NETWORK_FILE_FORMAT;
  version: typeof NETWORK_FILE_VERSION;
  config: NetworkConfig;
  /** `condition` only for networks trained with a standardized sqrt(num_obs) (adapter `condition` option). */
  standardization: {
    mean: number[];
    std: number[];
    condition?: { mean: number; std: number };
    /** Only for networks trained with standardized per-trial inputs (adapter `trials` option): 3 each. */
    trials?: { mean: number[]; std: number[] };
  };
  weights: NetworkFileWeight[];
  metadata: NetworkMetadata;
}

export class NetworkFileError extends Error {
  override readonly name = 'NetworkFileError';
}

// ---- base64 of float32 (explicit little-endian, so files are portable across platforms) ----------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    chunk += B64[b0 >> 2]! + B64[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!;
    chunk += b1 === undefined ? '=' : B64[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!;
    chunk += b2 === undefined ? '=' : B64[b2 & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function base64ToFloat32(text: string, what = 'data'): Float32Array {
  if (text.length % 4 !== 0) throw new NetworkFileError(`${what}: base64 length ${text.length} is not a multiple of 4`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const nBytes = (text.length / 4) * 3 - pad;
  if (nBytes % 4 !== 0) throw new NetworkFileError(`${what}: ${nBytes} bytes is not a whole number of float32 values`);
  const bytes = new Uint8Array(nBytes);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let acc = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const isPad = c === 61 && i + k >= text.length - pad;
      const v = isPad ? 0 : c < 128 ? B64_INDEX[c]! : -1;
      if (v < 0) throw new NetworkFileError(`${what}: invalid base64 character '${text[i + k]}' at offset ${i + k}`);
      acc = (acc << 6) | v;
    }
    if (o < nBytes) bytes[o++] = (acc >> 16) & 255;
    if (o < nBytes) bytes[o++] = (acc >> 8) & 255;
    if (o < nBytes) bytes[o++] = acc & 255;
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(nBytes / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function fail(path: string, expected: string, got: unknown): never {
  const g = Array.isArray(got)
    ? `an array of length ${got.length}`
    : got === null
      ? 'null'
      : `${typeof got} ${JSON.stringify(got)?.slice(0, 60)}`;
  throw new NetworkFileError(`network file: ${path} must be ${expected}, got ${g}`);
}

function finiteArray(v: unknown, path: string, length: number): number[] {
  if (!Array.isArray(v) || v.length !== length) fail(path, `an array of ${length} numbers`, v);
  return v.map((x, i) =>
    typeof x === 'number' && Number.isFinite(x) ? x : fail(`${path}[${i}]`, 'a finite number', x),
  );
}

/**
 * Validates a parsed network file (or its JSON text) and returns it typed. Errors name the field and
 * the bad value. Checks format/version, the config, standardization (std > 0), weight shapes against
 * their data length, and that the metadata names one inference variable per config.paramDim.
 */
export function parseNetworkFile(input: unknown): NetworkFile {
  let o: unknown = input;
  if (typeof input === 'string') {
    try {
      o = JSON.parse(input);
    } catch (e) {
      throw new NetworkFileError(`network file is not valid JSON (${errorMessage(e)})`);
    }
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('the document', 'an object', o);
  const r = o as Record<string, unknown>;
  if (r.format !== NETWORK_FILE_FORMAT) fail('format', `'${NETWORK_FILE_FORMAT}'`, r.format);
  if (r.version !== NETWORK_FILE_VERSION) {
    fail('version', `${NETWORK_FILE_VERSION} (the only version this build reads)`, r.version);
  }
  let config: NetworkConfig;
  try {
    config = validateNetworkConfig(r.config);
  } catch (e) {
    throw new NetworkFileError(`network file: config: ${errorMessage(e)}`);
  }
  const st = r.standardization as Record<string, unknown> | undefined;
  if (typeof st !== 'object' || st === null) fail('standardization', 'an object {mean, std}', st);
  const mean = finiteArray(st.mean, 'standardization.mean', config.paramDim);
  const std = finiteArray(st.std, 'standardization.std', config.paramDim);
  std.forEach((v, j) => {
    if (!(v > 0)) fail(`standardization.std[${j}]`, 'a number > 0', v);
  });
  let condition: { mean: number; std: number } | undefined;
  if (st.condition !== undefined) {
    const c = st.condition as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      fail('standardization.condition', 'an object {mean, std}', c);
    const { mean: cm, std: cs } = c;
    if (typeof cm !== 'number' || !Number.isFinite(cm)) fail('standardization.condition.mean', 'a finite number', cm);
    if (typeof cs !== 'number' || !Number.isFinite(cs) || !(cs > 0))
      fail('standardization.condition.std', 'a number > 0', cs);
    condition = { mean: cm, std: cs };
  }
  let trials: { mean: number[]; std: number[] } | undefined;
  if (st.trials !== undefined) {
    const t = st.trials as Record<string, unknown> | null;
    if (typeof t !== 'object' || t === null || Array.isArray(t))
      fail('standardization.trials', 'an object {mean, std}', t);
    trials = {
      mean: finiteArray(t.mean, 'standardization.trials.mean', 3),
      std: finiteArray(t.std, 'standardization.trials.std', 3),
    };
    trials.std.forEach((v, j) => {
      if (!(v > 0)) fail(`standardization.trials.std[${j}]`, 'a number > 0', v);
    });
  }
  if (!Array.isArray(r.weights) || r.weights.length === 0) fail('weights', 'a non-empty array', r.weights);
  const weights = r.weights.map((w: unknown, i): NetworkFileWeight => {
    const p = `weights[${i}]`;
    if (typeof w !== 'object' || w === null) fail(p, 'an object {name, shape, dtype, data}', w);
    const x = w as Record<string, unknown>;
    if (typeof x.name !== 'string' || x.name === '') fail(`${p}.name`, 'a non-empty string', x.name);
    if (!Array.isArray(x.shape) || !x.shape.every((d) => Number.isInteger(d) && (d as number) >= 1)) {
      fail(`${p}.shape (${x.name})`, 'an array of positive integers', x.shape);
    }
    if (x.dtype !== 'float32') fail(`${p}.dtype (${x.name})`, "'float32'", x.dtype);
    if (typeof x.data !== 'string') fail(`${p}.data (${x.name})`, 'a base64 string', x.data);
    const size = (x.shape as number[]).reduce((a, b) => a * b, 1);
    const count = ((x.data.length / 4) * 3 - (x.data.endsWith('==') ? 2 : x.data.endsWith('=') ? 1 : 0)) / 4;
    if (count !== size) {
      throw new NetworkFileError(
        `network file: ${p}.data (${x.name}) holds ${count} float32 values, shape [${(x.shape as number[]).join(',')}] needs ${size}`,
      );
    }
    return { name: x.name, shape: [...(x.shape as number[])], dtype: 'float32', data: x.data };
  });
  const m = r.metadata as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('metadata', 'an object', m);
  if (
    !Array.isArray(m.paramNames) ||
    m.paramNames.length !== config.paramDim ||
    !m.paramNames.every((s) => typeof s === 'string')
  ) {
    fail('metadata.paramNames', `an array of ${config.paramDim} strings (config.paramDim)`, m.paramNames);
  }
  if (typeof m.seed !== 'number' || !Number.isFinite(m.seed)) fail('metadata.seed', 'a finite number', m.seed);
  if (typeof m.createdAt !== 'string') fail('metadata.createdAt', 'an ISO date string', m.createdAt);
  return {
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    config,
    standardization: {
      mean,
      std,
      ...(condition === undefined ? {} : { condition }),
      ...(trials === undefined ? {} : { trials }),
    },
    weights,
    metadata: m as NetworkMetadata,
  };
}
