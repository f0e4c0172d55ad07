/**
 * Outbound calls: the global fetch with the lane added, so that the next service down the line
 * sees the same lane and routes its own calls the same way.
 */
import { LANE_HEADER } from "./headers.js";

/** The fetch implementation used; the global one unless a caller passes another. */
export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * `init` with `x-lane: lane` added to its headers (a copy: the caller's object is not changed).
 * The caller's other headers are kept as they are. With a lane, `x-lane` is set to it even when the
 * caller set one, so the header always names the lane the target was picked for; with no lane the
 * caller's headers, x-lane included, are left alone.
 */
export function withLaneHeader(init: RequestInit | undefined, lane: string | null): RequestInit {
  if (lane === null) return { ...init };
  const headers = new Headers(init?.headers);
  headers.set(LANE_HEADER, lane);
  return { ...init, headers };
}

/** Calls `url` with `fetchImpl` (default: the global fetch) and the lane header added. */
export function fetchWithLane(
  url: string,
  lane: string | null,
  init?: RequestInit,
  fetchImpl: FetchFunction = globalThis.fetch,
): Promise<Response> {
  return fetchImpl(url, withLaneHeader(init, lane));
}
