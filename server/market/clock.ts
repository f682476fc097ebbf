/**
 * Block height as a function of time: height = genesisHeight + floor((now - genesisTime) / blockTime).
 * The genesis is a fixed instant (not the server's start), so heights stored in a database stay
 * meaningful across restarts as long as the block time and genesis are unchanged.
 */

export const DEFAULT_BLOCK_TIME_MS = 6000;
/** 2024-01-01T00:00:00Z: heights today are in the tens of millions, like mainnet's. */
export const DEFAULT_GENESIS_TIME_MS = Date.UTC(2024, 0, 1);
export const DEFAULT_GENESIS_HEIGHT = 1;

export interface ClockOptions {
  blockTimeMs?: number;
  genesisTimeMs?: number;
  genesisHeight?: number;
}

export interface Clock {
  readonly blockTimeMs: number;
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Current block height. */
  height(): number;
  /** Block height at a given instant. */
  heightAt(timeMs: number): number;
  /** The instant a block height starts. */
  timeOfHeight(height: number): number;
  /** Moves time forward (tests and the admin route); never backward. */
  advanceMs(ms: number): void;
  advanceBlocks(blocks: number): void;
}

class BlockClock implements Clock {
  readonly blockTimeMs: number;
  readonly genesisTimeMs: number;
  readonly genesisHeight: number;
  #offsetMs = 0;

  constructor(
    private readonly source: () => number,
    options: ClockOptions,
  ) {
    this.blockTimeMs = options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS;
    this.genesisTimeMs = options.genesisTimeMs ?? DEFAULT_GENESIS_TIME_MS;
    this.genesisHeight = options.genesisHeight ?? DEFAULT_GENESIS_HEIGHT;
    if (!Number.isInteger(this.blockTimeMs) || this.blockTimeMs < 1) {
      throw new RangeError(`blockTimeMs must be a positive integer (milliseconds), got ${this.blockTimeMs}`);
    }
    if (!Number.isFinite(this.genesisTimeMs)) {
      throw new RangeError(`genesisTimeMs must be a finite timestamp, got ${this.genesisTimeMs}`);
    }
    if (!Number.isSafeInteger(this.genesisHeight) || this.genesisHeight < 1) {
      throw new RangeError(`genesisHeight must be a positive integer, got ${this.genesisHeight}`);
    }
  }

  now(): number {
    return this.source() + this.#offsetMs;
  }

  height(): number {
    return this.heightAt(this.now());
  }

  heightAt(timeMs: number): number {
    const elapsed = Math.max(0, timeMs - this.genesisTimeMs);
    return this.genesisHeight + Math.floor(elapsed / this.blockTimeMs);
  }

  timeOfHeight(height: number): number {
    return this.genesisTimeMs + (height - this.genesisHeight) * this.blockTimeMs;
  }

  advanceMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.#offsetMs += ms;
  }

  advanceBlocks(blocks: number): void {
    if (!Number.isInteger(blocks) || blocks < 0) {
      throw new RangeError(`cannot advance the clock by ${blocks} blocks (expected a whole number >= 0)`);
    }
    this.advanceMs(blocks * this.blockTimeMs);
  }
}

/** Wall time (Date.now), optionally pushed forward by advanceMs/advanceBlocks. */
export class SystemClock extends BlockClock {
  constructor(options: ClockOptions = {}) {
    super(Date.now, options);
  }
}

/** Time stands still until advanced: deterministic tests. Starts at `startMs` (default: genesis). */
export class ManualClock extends BlockClock {
  constructor(options: ClockOptions & { startMs?: number } = {}) {
    const start = options.startMs ?? options.genesisTimeMs ?? DEFAULT_GENESIS_TIME_MS;
    super(() => start, options);
  }
}
