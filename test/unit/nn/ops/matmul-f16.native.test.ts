// The native-f16 variant of MatMulF16 compiled where an adapter offers 'shader-f16': Dawn's null backend
// offers it and validates shaders and pipelines without executing (matmul-f16-native.script.ts, its own
// process: Dawn must be installed before tfjs loads). The packed variant's values are tested on
// SwiftShader (test/browser/matmul-f16-webgpu.test.ts); both sum in the same order.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it(
  'builds the native-f16 programs (forward and both gradient products) with no validation error',
  { timeout: 120_000 },
  async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'test/unit/nn/ops/matmul-f16.native.script.ts'], {
      maxBuffer: 1 << 24,
    });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      shaderF16: boolean;
      modules: number;
      f16Modules: number;
      enableFirst: boolean;
      enableElsewhere: number;
      validation: string | null;
      control: string | null;
      uncaptured: string[];
    };
    expect(out.shaderF16).toBe(true);
    // Forward, dX (B transposed) and dW (A transposed): three programs, each an `enable f16;` module.
    expect(out.f16Modules).toBeGreaterThanOrEqual(3);
    expect(out.enableFirst).toBe(true);
    expect(out.enableElsewhere).toBe(0);
    expect(out.validation).toBeNull();
    expect(out.control).toMatch(/f16|f32|type/i);
    expect(out.uncaptured).toEqual([]);
  },
);
