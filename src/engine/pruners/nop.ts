/** NopPruner (optuna/pruners/_nop.py): never prunes. */
import type { Pruner } from './pruner.ts';

export class NopPruner implements Pruner {
  async prune(): Promise<boolean> {
    return false;
  }
}
