/**
 * Reconnection delays. Doubling keeps a down registry from being hammered; the jitter keeps the
 * many pods that lost it at the same moment from all coming back at the same moment.
 */

/**
 * The delay before retry number `attempt` (0 for the first retry): `initialMs * 2^attempt` capped at
 * `maxMs`, then "equal jitter": a random value in [half of it, all of it].
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
