/** Raised when a training or validation loss is NaN or ±Inf; the weights are those before the failing step. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';

  constructor(
    /** 0-based epoch. */
    readonly epoch: number,
    /** 0-based optimizer step (global over epochs); null for the validation loss. */
    readonly step: number | null,
    readonly value: number,
    readonly stage: 'training' | 'validation',
  ) {
    super(
      stage === 'training'
        ? `training diverged: loss ${value} at epoch ${epoch} (0-based), optimizer step ${step}; ` +
            'the update was not applied (try a lower learning rate)'
        : `training diverged: validation loss ${value} at epoch ${epoch} (0-based)`,
    );
  }
}
