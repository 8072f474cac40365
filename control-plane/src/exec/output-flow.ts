/** Bytes of a session's output that may wait for a slow client before the command is paused. */
export const OUTPUT_HIGH_WATER_BYTES = 1024 * 1024;
/** Once a paused session's waiting output has drained below this, the command is read again. */
export const OUTPUT_LOW_WATER_BYTES = 256 * 1024;

/**
 * Flow control of a session's output towards its client: counts the bytes handed to the client's
 * connection and not yet written out, pauses the command above the high-water mark and resumes it below
 * the low-water mark. So a client that reads slowly (or not at all) blocks the command, as a terminal
 * would, instead of its output piling up in the control plane's memory.
 */
export class OutputFlow {
  private waiting = 0;
  private paused = false;

  constructor(
    private readonly control: { pause(): void; resume(): void },
    private readonly highWater = OUTPUT_HIGH_WATER_BYTES,
    private readonly lowWater = OUTPUT_LOW_WATER_BYTES,
  ) {}

  /** Bytes handed to the connection, not yet written out. */
  get waitingBytes(): number {
    return this.waiting;
  }

  /** Whether the command is paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** `bytes` were handed to the connection. */
  queued(bytes: number): void {
    this.waiting += bytes;
    if (!this.paused && this.waiting > this.highWater) {
      this.paused = true;
      this.control.pause();
    }
  }

  /** `bytes` handed earlier were written out (or dropped with the connection). */
  written(bytes: number): void {
    this.waiting = Math.max(0, this.waiting - bytes);
    if (this.paused && this.waiting <= this.lowWater) {
      this.paused = false;
      this.control.resume();
    }
  }
}
