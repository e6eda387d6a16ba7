/**
 * Learning-rate schedules, evaluated per epoch (PyTorch LambdaLR / MultiStepLR / ReduceLROnPlateau style).
 * warmup: linear (e+1)/warmup for e < warmup, as the Blend/A-AMU pretraining does.
 */
export type ScheduleSpec =
  | { kind: 'constant'; warmup?: number }
  | { kind: 'cosine'; warmup?: number; minFactor?: number }
  | { kind: 'multistep'; milestones: number[]; gamma?: number; warmup?: number }
  | {
      kind: 'plateau';
      factor?: number;
      patience?: number;
      minLr?: number;
      warmup?: number;
      /** 'min' (default) for a loss, 'max' for an accuracy (PyTorch's mode). */
      mode?: 'min' | 'max';
      /** Relative improvement that counts (PyTorch threshold, 'rel' mode; default 1e-4). */
      threshold?: number;
      /** What fit() feeds to observe(): the epoch's training loss (default) or the validation accuracy. */
      monitor?: 'train-loss' | 'validation-accuracy';
    };

export class LrSchedule {
  private plateauLr: number | null = null;
  private best = Infinity;
  private badEpochs = 0;

  constructor(
    readonly baseLr: number,
    readonly epochs: number,
    readonly spec: ScheduleSpec = { kind: 'constant' },
  ) {
    if (!(baseLr > 0) || !Number.isFinite(baseLr)) throw new Error(`Learning rate must be a positive number, got ${baseLr}.`);
  }

  /** Learning rate for a (0-based) epoch. */
  lr(epoch: number): number {
    const warmup = this.spec.warmup ?? 0;
    if (epoch < warmup) return (this.baseLr * (epoch + 1)) / warmup;
    switch (this.spec.kind) {
      case 'constant':
        return this.baseLr;
      case 'cosine': {
        const span = Math.max(1, this.epochs - warmup);
        const f = 0.5 * (1 + Math.cos((Math.PI * (epoch - warmup)) / span));
        const min = this.spec.minFactor ?? 0;
        return this.baseLr * (min + (1 - min) * f);
      }
      case 'multistep': {
        const passed = this.spec.milestones.filter((m) => epoch >= m).length;
        return this.baseLr * (this.spec.gamma ?? 0.1) ** passed;
      }
      case 'plateau':
        return this.plateauLr ?? this.baseLr;
    }
  }

  /** Feeds the epoch's monitored value (a loss, or an accuracy in 'max' mode) to a plateau schedule (ignored by the others). */
  observe(value: number): void {
    if (this.spec.kind !== 'plateau') return;
    const threshold = this.spec.threshold ?? 1e-4;
    // Compare in 'min' orientation: an accuracy is negated.
    const v = this.spec.mode === 'max' ? -value : value;
    // The first value always improves on the initial +Infinity (Infinity - Infinity would be NaN).
    if (this.best === Infinity || v < this.best - threshold * Math.abs(this.best)) {
      this.best = v;
      this.badEpochs = 0;
      return;
    }
    this.badEpochs += 1;
    if (this.badEpochs > (this.spec.patience ?? 10)) {
      const cur = this.plateauLr ?? this.baseLr;
      this.plateauLr = Math.max(this.spec.minLr ?? 0, cur * (this.spec.factor ?? 0.1));
      this.badEpochs = 0;
    }
  }
}
