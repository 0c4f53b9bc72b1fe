import { expect, it } from 'vitest';

it('headless Chromium exposes a WebGPU adapter with --enable-unsafe-webgpu', async () => {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  expect(gpu).toBeDefined();
  const adapter = await gpu!.requestAdapter();
  expect(adapter).not.toBeNull();
});
