/**
 * Node-only setup of the networks layer: WebGPU through Dawn. Imports no tfjs (it must run before
 * tfjs-backend-webgpu loads), so the CLI and the benchmarks call it first and import nn/index.ts after.
 */
export { ensureNodeWebgpu, NoWebgpuError, type NodeWebgpu } from './dawn.ts';
export {
  NO_WEBGPU_MESSAGE,
  REEXEC_FLAG,
  SWIFTSHADER_ICD,
  planVulkan,
  probeVulkan,
  type FileProbe,
  type IcdManifest,
  type VulkanPlan,
  type VulkanProbe,
} from './vulkan.ts';
