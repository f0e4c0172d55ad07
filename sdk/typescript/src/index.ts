/**
 * Lanes routing SDK for Node.js. See README.md and docs/routing.md.
 */
export { LaneRouter, STREAM_FAILURES_BEFORE_POLLING, type LaneRouterOptions } from "./router.js";
export { RouteResolver, joinUrl, checkPort } from "./resolve.js";
export {
  applyEvent,
  applyDelta,
  parseTable,
  parseDelta,
  MalformedRouteData,
  type RouteTable,
  type ServiceRoute,
  type Delta,
  type Outcome,
  type ApplyResult,
} from "./table.js";
export { currentLane, runWithLane, effectiveLane } from "./context.js";
export {
  laneFromHeaders,
  laneFromBaggage,
  laneHeaders,
  LANE_HEADER,
  BAGGAGE_LANE_KEY,
  type HeaderSource,
  type HeaderGetter,
} from "./headers.js";
export { laneMiddleware, withLane, type RequestWithHeaders } from "./middleware.js";
export { fetchWithLane, withLaneHeader, type FetchFunction } from "./fetch.js";
export { isLaneName, normalizeLane, LANE_PATTERN, MAX_LANE_LENGTH, PROD_LANE } from "./lane.js";
export { SseParser, SseLineTooLongError, DEFAULT_MAX_LINE_LENGTH, type SseEvent, type SseHandlers } from "./sse.js";
export { backoffDelay } from "./backoff.js";
