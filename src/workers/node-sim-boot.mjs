// Bootstrap of a Node simulation worker (see node-sim-pool.ts): Node 20 does not hand the parent's tsx
// loader to worker threads, so register it here before importing the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./node-sim.worker.ts');
