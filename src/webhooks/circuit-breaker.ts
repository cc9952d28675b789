export interface BreakerOptions {
  /** Attempts in a row that got no answer (timeouts, refused or reset connections) before an endpoint is paused. */
  threshold: number;
  /** The first pause; each probe that fails doubles it, up to maxCooldownMs. */
  cooldownMs: number;
  maxCooldownMs: number;
  now?: () => number;
}

interface Health {
  /** Attempts in a row without an answer. */
  failures: number;
  /** While paused: when one probe may be sent. */
  openUntil: number | undefined;
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker per endpoint. An endpoint whose receiver keeps not answering ties up a slot
 * for a whole timeout on every attempt; after `threshold` such attempts in a row it is paused,
 * then tried with one delivery (a probe) when the pause ends: an answer of any kind closes the
 * breaker, another silence pauses it for twice as long. Only silence counts: a receiver that
 * answers 500 answers fast and costs nothing.
 */
export class CircuitBreakers {
  private readonly health = new Map<string, Health>();
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  state(endpointId: string): BreakerState {
    const health = this.health.get(endpointId);
    if (health?.openUntil === undefined) return 'closed';
    return this.now() < health.openUntil ? 'open' : 'half-open';
  }

  /** When the endpoint's pause ends, while it is paused. */
  pausedUntil(endpointId: string): number | undefined {
    return this.state(endpointId) === 'open' ? this.health.get(endpointId)?.openUntil : undefined;
  }

  /** Endpoints paused now. */
  open(): string[] {
    return [...this.health.keys()].filter((id) => this.state(id) === 'open');
  }

  /** Endpoints whose pause is over: one delivery may go, to see whether the receiver is back. */
  halfOpen(): string[] {
    return [...this.health.keys()].filter((id) => this.state(id) === 'half-open');
  }

  /**
   * Notes an attempt's result. Returns the end of a pause that begins now (the breaker just
   * opened, or a probe failed), else undefined.
   */
  record(endpointId: string, answered: boolean): number | undefined {
    if (answered) {
      this.health.delete(endpointId);
      return undefined;
    }
    const health = this.health.get(endpointId) ?? {
      failures: 0,
      openUntil: undefined,
      cooldownMs: this.options.cooldownMs,
    };
    this.health.set(endpointId, health);
    health.failures += 1;
    const state = this.state(endpointId);
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      health.cooldownMs = Math.min(health.cooldownMs * 2, this.options.maxCooldownMs);
    } else if (health.failures < this.options.threshold) {
      return undefined;
    }
    health.openUntil = this.now() + health.cooldownMs;
    return health.openUntil;
  }
}
