/**
 * Inbound middleware: read the lane from the request's headers and run the rest of the handling
 * inside that lane's context, so that currentLane(), router.resolve() and router.fetch() see it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { runWithLane } from "./context.js";
import { laneFromHeaders, type HeaderSource } from "./headers.js";

/** The least a request must have: its headers (Node, Express, Connect and Koa's req all do). */
export interface RequestWithHeaders {
  readonly headers: HeaderSource;
}

/**
 * Express/Connect middleware: `app.use(laneMiddleware())`. Everything `next()` starts, and every
 * continuation of it (awaits, callbacks), runs with the request's lane (or explicitly no lane).
 */
export function laneMiddleware(): <Req extends RequestWithHeaders>(req: Req, res: unknown, next: (err?: unknown) => void) => void {
  return function laneMiddleware(req, _res, next) {
    runWithLane(laneFromHeaders(req.headers), () => next());
  };
}

/**
 * Wraps a plain `node:http` request handler: `http.createServer(withLane(async (req, res) => ...))`.
 * The handler's return value (e.g. its promise) is passed through.
 */
export function withLane<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse<Req>, R = void>(
  handler: (req: Req, res: Res) => R,
): (req: Req, res: Res) => R {
  return function laneHandler(req, res) {
    return runWithLane(laneFromHeaders(req.headers), () => handler(req, res));
  };
}
