/**
 * A token bucket: `capacity` tokens, refilled at `ratePerSecond`, one taken per request. It allows a
 * burst of `capacity` requests, then `ratePerSecond` on average, as RunPod's per-key limits do
 * ("1000 requests per 10 s"). Pure: time comes in as an argument, so tests drive it with numbers.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /**
   * Takes one token if there is one: answers 0. Otherwise takes nothing and answers the milliseconds
   * until a token will be there.
   */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    // Less a hair, so that float noise (0.999 tokens) does not round a 1 ms wait up to 2.
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond - 1e-9));
  }

  /** True when the bucket is full at `now`: it then carries no state worth keeping. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.updatedAt = now;
    }
  }
}
