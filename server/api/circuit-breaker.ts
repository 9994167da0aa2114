/**
 * For `confirm=chain`: once a call to the node has failed, further calls fail at once for a
 * cool-down, rather than each waiting for the node's timeout; after it, one call is let through
 * to test the node again (half-open), and its outcome closes or reopens the breaker.
 */
export class CircuitOpenError extends Error {
  constructor(
    readonly retryInMs: number,
    readonly lastFailure: string,
  ) {
    super(`the node failed recently (${lastFailure}); not asked again for ${Math.ceil(retryInMs / 1000)} s`);
    this.name = "CircuitOpenError";
  }
}

export class CircuitBreaker {
  private openUntil = 0;
  private trial = false;
  private lastFailure = "";

  constructor(
    private readonly coolDownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `fn`, or throws CircuitOpenError without running it while the breaker is open. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const t = this.now();
    if (t < this.openUntil || this.trial) throw new CircuitOpenError(Math.max(0, this.openUntil - t), this.lastFailure);
    const isTrial = this.openUntil > 0;
    if (isTrial) this.trial = true;
    try {
      const r = await fn();
      this.openUntil = 0;
      return r;
    } catch (e) {
      this.lastFailure = e instanceof Error ? e.message.slice(0, 200) : String(e);
      this.openUntil = this.now() + this.coolDownMs;
      throw e;
    } finally {
      if (isTrial) this.trial = false;
    }
  }
}
