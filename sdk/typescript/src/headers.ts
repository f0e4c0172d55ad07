/**
 * Reading the lane of an inbound request, and writing it on outbound ones.
 *
 * The lane travels in `x-lane`; services instrumented with OpenTelemetry may instead propagate it
 * as the W3C baggage member `lane`, so that is read too (x-lane wins when it holds a lane).
 */
import { normalizeLane } from "./lane.js";
import { effectiveLane } from "./context.js";

/** The header that carries the lane between services. */
export const LANE_HEADER = "x-lane";

/** The W3C baggage member that may carry the lane. */
export const BAGGAGE_LANE_KEY = "lane";

type HeaderValue = string | readonly string[] | number | undefined | null;

/** Anything with `get(name)`, such as the Fetch API's `Headers`. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/**
 * The header shapes accepted: Node's `IncomingHttpHeaders`, a Fetch `Headers`, or a plain record
 * whose names may be in any case.
 */
export type HeaderSource = HeaderGetter | Readonly<Record<string, HeaderValue>>;

function isHeaderGetter(headers: HeaderSource): headers is HeaderGetter {
  return typeof (headers as HeaderGetter).get === "function";
}

/** All values of header `name` (lower case), in order, from any accepted shape. */
function headerValues(headers: HeaderSource, name: string): string[] {
  if (isHeaderGetter(headers)) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  const values: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = headers[key];
    if (Array.isArray(value)) values.push(...value.map(String));
    else if (value !== undefined && value !== null) values.push(String(value));
  }
  return values;
}

/**
 * The lane of a request with these headers, or null: `x-lane` when it holds a lane name, else the
 * baggage member `lane` when it does. Values that are not lane names are ignored.
 */
export function laneFromHeaders(headers: HeaderSource | null | undefined): string | null {
  if (headers == null) return null;
  // Node joins repeated unknown headers with ", ", which is no lane; only the first value counts.
  const xLane = headerValues(headers, LANE_HEADER)[0];
  const fromXLane = normalizeLane(xLane);
  if (fromXLane !== null) return fromXLane;
  const baggage = headerValues(headers, "baggage");
  return baggage.length === 0 ? null : laneFromBaggage(baggage.join(","));
}

/**
 * The `lane` member of a W3C baggage header (`key=value;property,...`), percent-decoded, or null
 * when there is none or it is not a lane name. Malformed members are skipped, not fatal: baggage
 * is written by many hands.
 */
export function laneFromBaggage(baggage: string): string | null {
  // The last `lane` member wins, as OpenTelemetry's baggage propagator reads duplicates.
  let lane: string | null = null;
  for (const member of baggage.split(",")) {
    const keyValue = member.split(";", 1)[0] ?? "";
    const eq = keyValue.indexOf("=");
    if (eq < 0) continue;
    const key = keyValue.slice(0, eq).trim();
    if (key !== BAGGAGE_LANE_KEY) continue;
    try {
      lane = decodeURIComponent(keyValue.slice(eq + 1).trim());
    } catch {
      lane = null;
    }
  }
  return lane === null ? null : normalizeLane(lane);
}

/**
 * Headers that carry `lane` (default: the current context's lane) to another service:
 * `{"x-lane": lane}`, or `{}` when there is no lane or it is not a lane name.
 */
export function laneHeaders(lane?: string | null): Record<string, string> {
  const value = effectiveLane(lane);
  return value === null ? {} : { [LANE_HEADER]: value };
}
