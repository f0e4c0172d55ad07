/**
 * The lane of the request being handled, kept in an AsyncLocalStorage so that it follows the
 * request through callbacks, promises and awaits without being passed by hand.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { normalizeLane } from "./lane.js";

/** The store holds the lane or null; null shadows an outer lane (an inner "no lane" scope). */
const storage = new AsyncLocalStorage<string | null>();

/** The lane of the current context, or null outside any lane scope or in a "no lane" one. */
export function currentLane(): string | null {
  return storage.getStore() ?? null;
}

/**
 * Runs `fn` with `lane` as the current lane and returns what it returns. A value that is not a
 * lane name (or null) runs `fn` with no lane: it never inherits the caller's lane by accident.
 */
export function runWithLane<R>(lane: string | null | undefined, fn: () => R): R {
  return storage.run(normalizeLane(lane), fn);
}

/**
 * The lane a call should use: `lane` when it is a lane name, else the current context's. An
 * illegal explicit lane falls through to the context, as an illegal `x-lane` falls through to
 * baggage.
 */
export function effectiveLane(lane?: string | null): string | null {
  return (lane == null ? null : normalizeLane(lane)) ?? currentLane();
}
