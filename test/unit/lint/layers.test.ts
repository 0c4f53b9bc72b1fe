// The lint configuration is part of the build: these cases pin down that a wrong import fails
// `npm run lint` (and so `npm test`) and that the imports the README prescribes pass.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let eslint: ESLint;

/** Lints `code` as if it were the file `path` (relative to the repository root); the file need not exist. */
async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

describe('layers/imports', () => {
  it('refuses tfjs in nn/node, which must run before tfjs loads, and allows Dawn there only', async () => {
    const messages = await lint(
      'src/nn/node/fixture.ts',
      "import * as tf from '@tensorflow/tfjs';\nimport { create } from 'webgpu';\nexport const t = [tf, create];\n",
    );
    expect(messages).toEqual([
      "layers/imports: Layer nn may not import '@tensorflow/tfjs' (as a value) (allowed packages: node:**, webgpu); see eslint/layers.js.",
    ]);
    const elsewhere = await lint('src/nn/fixture.ts', "import { create } from 'webgpu';\nexport const c = create;\n");
    expect(elsewhere).toHaveLength(1);
  });

  it('refuses tfjs in the engine, wherever the engine file sits', async () => {
    const messages = await lint(
      'src/engine/importance/fixture.ts',
      "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n",
    );
    expect(messages).toEqual([
      "layers/imports: Layer engine may not import '@tensorflow/tfjs' (as a value) (allowed packages: none); see eslint/layers.js.",
    ]);
  });

  it('refuses nn in ui, from a .svelte component as from a .ts file', async () => {
    const svelte = await lint(
      'src/ui/components/Fixture.svelte',
      '<script lang="ts">\n  import { parseNetworkFile } from \'../../nn/pure.ts\';\n  export const p = parseNetworkFile;\n</script>\n',
    );
    expect(svelte).toEqual([
      'layers/imports: Layer ui may not import src/nn/pure.ts (allowed: study-config, persistence, workers, state, cli); see eslint/layers.js.',
    ]);
    const ts = await lint('src/ui/fixture.ts', "export { runObjective } from '../nn/objective.ts';\n");
    expect(ts).toEqual([
      'layers/imports: Deep import of src/nn/objective.ts from src/ui/fixture.ts: import the nn layer through src/nn/index.ts, src/nn/pure.ts, src/nn/node/index.ts.',
    ]);
  });

  it('refuses deep imports and tfjs-loading entries on the main thread', async () => {
    const messages = await lint(
      'src/state/fixture.ts',
      "export { parseNetworkFile } from '../nn/model/network-file.ts';\nexport { fit } from '../nn/index.ts';\n",
    );
    expect(messages).toEqual([
      'layers/imports: Deep import of src/nn/model/network-file.ts from src/state/fixture.ts: import the nn layer through src/nn/index.ts, src/nn/pure.ts, src/nn/node/index.ts.',
      'layers/imports: Layer state may not import src/nn/index.ts (allowed: workers, cli); see eslint/layers.js.',
    ]);
  });

  it('refuses page globals in pure layers', async () => {
    const messages = await lint('src/sim/fixture.ts', 'export const n = navigator.hardwareConcurrency;\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^no-restricted-globals: /);
  });

  it('accepts imports through the entry points the table allows', async () => {
    const state = await lint(
      'src/state/fixture.ts',
      [
        "import type { NetworkFile } from '../nn/pure.ts';",
        "import { parseNetworkFile } from '../nn/pure.ts';",
        "import { Rng } from '../shared/index.ts';",
        "import { TrialState } from '../engine/index.ts';",
        "import { openIdbStorage } from '../persistence/index.ts';",
        "import { TrainClient } from '../workers/train-client.ts';",
        'export const f = (x: NetworkFile): unknown => [parseNetworkFile(x), new Rng(1), TrialState.COMPLETE, openIdbStorage, TrainClient];',
        '',
      ].join('\n'),
    );
    expect(state).toEqual([]);
    const kernel = await lint(
      'src/nn/kernels/fixture.ts',
      "import * as tf from '@tensorflow/tfjs';\nimport { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu/dist/backend_webgpu';\nexport const k = [tf, WebGPUBackend];\n",
    );
    expect(kernel).toEqual([]);
    const ui = await lint(
      'src/ui/components/Fixture.svelte',
      '<script lang="ts">\n  import { href } from \'../../state/index.ts\';\n  export const h = href;\n</script>\n',
    );
    expect(ui).toEqual([]);
  });
});
