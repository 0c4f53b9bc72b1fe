// The layering of src/ as one table, checked by the `layers/imports` rule (eslint.config.js) and drawn in
// README.md's Architecture section. A layer is a top-level folder of src/ (main.ts counts as its own
// layer: the composition root). Imports inside a layer are free; an import that crosses into another
// layer must name one of that layer's public entry points below, and the importing layer must be listed
// for it. Anything not listed is refused, so a new cross-layer edge is a change to this table.
import path from 'node:path';

/** Layers whose code never touches the DOM, Svelte, tfjs or IndexedDB, whatever thread runs it. */
export const PURE_LAYERS = ['shared', 'engine', 'sim', 'metrics', 'plots', 'cluster', 'inference'];

/**
 * Public entry points, as paths below src/, and the layers allowed to import each. Main-thread layers
 * (main.ts, state, ui, persistence, study-config) are never given nn/index.ts: importing it loads tfjs,
 * whose backends register themselves on import.
 */
export const ENTRIES = {
  'shared/index.ts': [
    'engine',
    'sim',
    'metrics',
    'nn',
    'study-config',
    'persistence',
    'plots',
    'workers',
    'state',
    'ui',
    'cli',
    'main.ts',
  ],
  'engine/index.ts': ['study-config', 'persistence', 'plots', 'cluster', 'workers', 'state', 'ui', 'cli'],
  'sim/index.ts': ['study-config', 'plots', 'inference', 'workers', 'state', 'ui', 'cli'],
  'metrics/index.ts': ['nn', 'study-config', 'plots', 'inference', 'workers', 'state', 'cli'],
  // The whole networks API; loads tfjs, so only worker entries and Node import it.
  'nn/index.ts': ['workers', 'cli'],
  // The part of the networks API that loads no tfjs (network files, hyperparameters, backend names).
  'nn/pure.ts': ['study-config', 'persistence', 'workers', 'state', 'cli'],
  'study-config/index.ts': ['cluster', 'inference', 'state', 'ui', 'cli'],
  // Trial-level data of one's own participants: parsing, posterior summaries, predictive checks.
  'inference/index.ts': ['persistence', 'workers', 'state', 'ui', 'cli'],
  // Files for Optuna workers on a cluster (study.py, simulator, journal, zip): pure text generation.
  'cluster/index.ts': ['state', 'cli'],
  'persistence/index.ts': ['state', 'main.ts'],
  'persistence/node/index.ts': ['cli'],
  // WebGPU in Node (Dawn): runs before tfjs loads, so it is its own entry, not part of nn/index.ts.
  'nn/node/index.ts': ['cli'],
  'plots/index.ts': ['workers', 'state', 'ui', 'cli', 'main.ts'],
  // Each worker is reached through its client; the worker module itself is loaded by URL.
  'workers/sim-pool.ts': ['state', 'main.ts'],
  'workers/train-client.ts': ['state', 'main.ts'],
  'workers/fanova-client.ts': ['state', 'main.ts'],
  'workers/infer-client.ts': ['state', 'main.ts'],
  'workers/node-sim-pool.ts': ['cli'],
  'state/index.ts': ['ui', 'main.ts'],
  'ui/App.svelte': ['main.ts'],
  'ui/BootError.svelte': ['main.ts'],
  'ui/styles.css': ['main.ts'],
};

const TFJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'];
// Backend internals (kernels registered against a backend's own classes) and wasm binaries by URL.
const TFJS_DEEP = ['@tensorflow/*/dist/**', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-*'];
const NODE = ['node:**'];

/**
 * Packages each layer may import, as glob patterns over the specifier; a file under one of the
 * `folders` keys follows that list instead of its layer's. Pure layers get none: chart.js is allowed
 * in plots as `import type` only (configurations are plain objects; ui/ owns the chart instances).
 */
export const PACKAGES = {
  layers: {
    shared: [],
    engine: [],
    sim: [],
    metrics: [],
    plots: ['type:chart.js'],
    cluster: ['fflate'],
    inference: ['papaparse'],
    nn: [...TFJS, ...NODE],
    'study-config': [],
    persistence: ['idb'],
    workers: ['comlink', ...TFJS, '@tensorflow/tfjs-backend-wasm/dist/*.wasm?url', ...NODE, 'tsx/esm/api'],
    state: ['svelte', 'svelte/*'],
    // marked + DOMPurify: notes' markdown rendered to sanitised HTML (ui/markdown.ts).
    ui: ['svelte', 'svelte/*', 'chart.js', 'chart.js/*', 'marked', 'dompurify'],
    cli: [...NODE],
    'main.ts': ['svelte'],
  },
  folders: {
    'nn/kernels': [...TFJS, ...TFJS_DEEP, ...NODE],
    'persistence/node': [...NODE],
    // No tfjs here: Dawn's navigator.gpu must exist before tfjs-backend-webgpu is imported.
    'nn/node': [...NODE, 'webgpu'],
  },
};

/** Globals of a page that pure code must not reach for (they do not exist in workers or Node either). */
export const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'indexedDB',
  'localStorage',
  'sessionStorage',
  'location',
  'HTMLElement',
  'HTMLCanvasElement',
  'OffscreenCanvas',
  'Worker',
];

/** `a/b.ts` (below src/) → `a`; `main.ts` → `main.ts`. */
function layerOf(rel) {
  return rel.split('/')[0];
}

/** Minimal glob over a specifier: `*` within a path segment, `**` across segments. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function packageAllowed(patterns, specifier, typeOnly) {
  return patterns.some((p) => {
    const isType = p.startsWith('type:');
    const glob = isType ? p.slice(5) : p;
    if (isType && !typeOnly) return false;
    return globToRegExp(glob).test(specifier);
  });
}

function packagePatternsFor(rel) {
  const folder = Object.keys(PACKAGES.folders)
    .filter((f) => rel.startsWith(`${f}/`))
    .sort((a, b) => b.length - a.length)[0];
  return folder !== undefined ? PACKAGES.folders[folder] : (PACKAGES.layers[layerOf(rel)] ?? []);
}

function describe(list) {
  return list.length === 0 ? 'none' : list.join(', ');
}

/** @type {import('eslint').Rule.RuleModule} */
export const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Cross-layer imports follow the table in eslint/layers.js' },
    schema: [{ type: 'object', properties: { srcDir: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const srcDir = path.resolve(context.options[0]?.srcDir ?? path.join(context.cwd, 'src'));
    const file = path.resolve(context.filename);
    const fromRel = path.relative(srcDir, file).split(path.sep).join('/');
    if (fromRel.startsWith('..') || path.isAbsolute(fromRel)) return {};
    const fromLayer = layerOf(fromRel);

    function check(node, source, typeOnly) {
      if (source === null || source === undefined || typeof source.value !== 'string') return;
      const spec = source.value;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path.resolve(path.dirname(file), spec.replace(/\?.*$/, ''));
        const rel = path.relative(srcDir, target).split(path.sep).join('/');
        if (rel.startsWith('..')) {
          context.report({ node, message: `${fromRel} imports '${spec}', outside src/.` });
          return;
        }
        const toLayer = layerOf(rel);
        if (toLayer === fromLayer) return;
        const allowed = ENTRIES[rel];
        if (allowed === undefined) {
          const entries = Object.keys(ENTRIES).filter((e) => layerOf(e) === toLayer);
          context.report({
            node,
            message: `Deep import of src/${rel} from src/${fromRel}: import the ${toLayer} layer through ${describe(entries.map((e) => `src/${e}`))}.`,
          });
        } else if (!allowed.includes(fromLayer)) {
          context.report({
            node,
            message: `Layer ${fromLayer} may not import src/${rel} (allowed: ${describe(allowed)}); see eslint/layers.js.`,
          });
        }
        return;
      }
      const patterns = packagePatternsFor(fromRel);
      if (!packageAllowed(patterns, spec, typeOnly)) {
        context.report({
          node,
          message: `Layer ${fromLayer} may not import '${spec}'${typeOnly ? '' : ' (as a value)'} (allowed packages: ${describe(patterns)}); see eslint/layers.js.`,
        });
      }
    }

    const isTypeOnly = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers !== undefined &&
        node.specifiers.length > 0 &&
        node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => {
        if (node.source.type === 'Literal') check(node, node.source, false);
      },
      TSImportType: (node) => {
        const arg = node.argument?.literal ?? node.argument;
        if (arg?.type === 'Literal') check(node, arg, true);
      },
      // `new Worker(new URL('./x.worker.ts', import.meta.url))` loads a module too.
      NewExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'URL' && node.arguments[0]?.type === 'Literal') {
          const arg = node.arguments[0];
          const second = node.arguments[1];
          if (second?.type === 'MemberExpression' && second.object.type === 'MetaProperty') check(node, arg, false);
        }
      },
    };
  },
};
