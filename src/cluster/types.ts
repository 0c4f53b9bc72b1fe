/** Options of a cluster export and the files it produces. */

export interface ClusterOptions {
  /** `numpy`: dmc_simulator.py, the project's simulator in NumPy; `amortized-dmc`: the reference's DMC class. */
  readonly simulator: 'numpy' | 'amortized-dmc';
  /**
   * `project`: dropout and embed_dim applied as the study tunes them; `reference`: the networks the
   * reference notebook effectively trained (networks.md §3), for reproducing its study.
   */
  readonly network: 'project' | 'reference';
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { simulator: 'numpy', network: 'project' };

export interface ClusterFile {
  /** Relative to the export folder. */
  readonly path: string;
  /** Text (UTF-8) or bytes (the data sets' .npz). */
  readonly content: string | Uint8Array;
  readonly executable?: boolean;
}

export interface ClusterExport {
  readonly files: readonly ClusterFile[];
  readonly studyName: string;
  /** Finished trials of the browser carried in the journal. */
  readonly trialsCarried: number;
  /** Trials left out because they were not finished (running or waiting in the browser). */
  readonly trialsLeftOut: number;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}
