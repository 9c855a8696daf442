/**
 * The contract between `bench/run.ts` and the suites in `bench/suites/*.ts`.
 * Each suite file default-exports a `BenchSuite`. The runner measures the sides of a suite in
 * alternation (A B A B ...) for `ctx.rounds` rounds, takes medians per metric, and prints warren's
 * ratio against each baseline/peer side in one table (also JSON and SVG under bench/results/).
 */
export interface BenchContext {
  /** `--quick`: smaller N, fewer rounds; the whole quick run stays under 2 minutes. */
  quick: boolean;
  /** Rounds of alternation (≥ 3 in a full run). */
  rounds: number;
  /** A scratch directory for this run. */
  tmpDir: string;
  log(message: string): void;
  /** A progress bar for long steps; call `stop()` when done. */
  progress(label: string, total: number): { tick(n?: number): void; stop(): void };
  /** `--profile`: warren sides may CPU-profile themselves and write `.cpuprofile` files to `profileDir`. */
  profile?: boolean;
  /** `--cpu`: print CPU time per process for one round (also done with `profile`). */
  cpu?: boolean;
  /** Where profiles go (set when `profile` is true). */
  profileDir?: string;
}

export interface BenchMetric {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Goal as a ratio warren/baseline (e.g. 0.9 = "warren ≥ 0.9× the baseline" for higher-is-better). */
  goal?: number;
  /**
   * Goals per compared side name (overrides `goal`), e.g. `{ 'BullMQ': 1, 'raw amqplib': 0.75 }`.
   * For lower-is-better metrics a goal g means "warren ≤ g× that side".
   */
  goals?: Record<string, number>;
}

export interface BenchSide {
  name: string;
  role: 'warren' | 'baseline' | 'peer';
  /** Durability of this side's acknowledged writes, shown in the table (e.g. "fsync (RabbitMQ confirm)"). */
  durability?: string;
  /** One measurement run; returns a value per metric key. */
  run(ctx: BenchContext): Promise<Record<string, number>>;
  /** Once before this side's first round; throwing `BenchSkip` skips only this side. */
  setup?(ctx: BenchContext): Promise<void>;
  teardown?(ctx: BenchContext): Promise<void>;
}

export interface BenchSuite {
  id: string;
  title: string;
  metrics: BenchMetric[];
  /** Throws `BenchSkip` (with a reason) when a peer cannot be installed/run here. */
  setup?(ctx: BenchContext): Promise<void>;
  teardown?(ctx: BenchContext): Promise<void>;
  sides: BenchSide[];
}

/** A side or suite that cannot run on this machine; printed as skipped with the reason, never faked. */
export class BenchSkip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BenchSkip';
  }
}
