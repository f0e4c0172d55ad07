/**
 * LaneRouter: keeps an up-to-date copy of the registry's route table and picks the target of each
 * outgoing call from it and the request's lane.
 *
 * The subscription (docs/routing.md, "SDK behaviour"):
 * - it streams `GET /v1/routes/stream` (Server-Sent Events) and applies `snapshot`/`delta` events;
 * - a failed stream is retried with exponential backoff and jitter, sending `Last-Event-ID` (the
 *   table's version) so the registry can send only what was missed;
 * - after 3 failed stream attempts in a row it long-polls `GET /v1/routes?index=V&wait=30s` for a
 *   minute instead (some proxies break streaming but pass plain requests), then streams again;
 * - a stream that sends nothing, not even a heartbeat, for `heartbeatTimeoutMs` is dead;
 * - malformed data is ignored and the last good table kept; with no table at all every target
 *   uses `defaultPort`, so the service works (on prod) while the registry is unreachable.
 *
 * The router never keeps the Node process alive by itself: its timers and sockets are unref'd,
 * and close() aborts whatever is in flight.
 */
import * as http from "node:http";
import * as https from "node:https";
import { backoffDelay } from "./backoff.js";
import { effectiveLane } from "./context.js";
import { fetchWithLane, type FetchFunction } from "./fetch.js";
import { checkPort, joinUrl, RouteResolver } from "./resolve.js";
import { SseParser, type SseEvent } from "./sse.js";
import { applyEvent, type RouteTable, type ServiceRoute } from "./table.js";

/** Options of {@link LaneRouter}. Durations are in milliseconds unless the name says otherwise. */
export interface LaneRouterOptions {
  /**
   * Required. The port of every target while there is no table, and of services the table does
   * not know. There is deliberately no default: a silent port 80 would hide a misconfiguration.
   */
  defaultPort: number;
  /** Subscribe to the event stream (default). When false, only long-poll. */
  stream?: boolean;
  /** A stream silent this long (no event, no heartbeat) is dead. Default 45 000 (3 heartbeats). */
  heartbeatTimeoutMs?: number;
  /** First reconnection delay. Default 250. */
  backoffInitialMs?: number;
  /** Longest reconnection delay. Default 10 000. */
  backoffMaxMs?: number;
  /** `wait` of a long-poll, in seconds (the registry caps it at 300). Default 30. */
  pollWaitSeconds?: number;
  /** How long to long-poll after the stream failed 3 times in a row, before streaming again. Default 60 000. */
  longPollPeriodMs?: number;
  /** Called after every table applied (snapshot, delta, or a changed long-poll answer). */
  onChange?: (table: RouteTable) => void;
  /** Where warnings go (malformed data, failures, fallbacks). Default `console.warn`. */
  logger?: (message: string) => void;
  /** The fetch used by {@link LaneRouter.fetch}. Default: the global fetch at call time. */
  fetch?: FetchFunction;
}

/** Failed stream attempts in a row before falling back to long-polling. */
export const STREAM_FAILURES_BEFORE_POLLING = 3;

/** Larger responses are refused: a route table is kilobytes, not this. */
const MAX_BODY_CHARS = 16 * 1024 * 1024;

/** How one stream connection ended. */
interface StreamResult {
  /**
   * - `failed`: refused, non-200, wrong content type, or ended/silent before delivering anything;
   * - `gap`: a delta did not follow the table (reconnect with Last-Event-ID);
   * - `ended`/`dead`: a working stream closed, or went silent.
   */
  readonly kind: "failed" | "gap" | "ended" | "dead";
  readonly reason: string;
  /** Whether this connection applied at least one event. */
  readonly applied: boolean;
}

/** How one long-poll ended. */
type PollResult = { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly reason: string };

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export class LaneRouter {
  /** The registry's base URL, without a trailing slash. */
  readonly registryUrl: string;
  readonly defaultPort: number;

  private readonly streamEnabled: boolean;
  private readonly heartbeatTimeoutMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly pollWaitSeconds: number;
  private readonly longPollPeriodMs: number;
  private readonly onChange: ((table: RouteTable) => void) | undefined;
  private readonly log: (message: string) => void;
  private readonly fetchImpl: FetchFunction | undefined;
  private readonly transport: typeof http | typeof https;

  /** Swapped whole on every applied change; resolve() reads it once, so it never sees a half-change. */
  private resolver: RouteResolver;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly readyWaiters = new Set<(ready: boolean) => void>();
  private readonly loop: Promise<void>;

  constructor(registryUrl: string | URL, options: LaneRouterOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("LaneRouter needs options with a defaultPort");
    }
    this.defaultPort = checkPort(options.defaultPort, "defaultPort");
    let url: URL;
    try {
      url = new URL(String(registryUrl));
    } catch {
      throw new TypeError(`registryUrl is not a URL: ${String(registryUrl).slice(0, 200)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`registryUrl must be http or https, got ${url.protocol}`);
    }
    this.transport = url.protocol === "https:" ? https : http;
    url.search = "";
    url.hash = "";
    this.registryUrl = url.toString().replace(/\/+$/, "");

    this.streamEnabled = options.stream ?? true;
    this.heartbeatTimeoutMs = positive(options.heartbeatTimeoutMs, 45_000, "heartbeatTimeoutMs");
    this.backoffInitialMs = positive(options.backoffInitialMs, 250, "backoffInitialMs");
    this.backoffMaxMs = Math.max(positive(options.backoffMaxMs, 10_000, "backoffMaxMs"), this.backoffInitialMs);
    this.pollWaitSeconds = positive(options.pollWaitSeconds, 30, "pollWaitSeconds");
    if (this.pollWaitSeconds > 300) throw new RangeError("pollWaitSeconds must be at most 300 (the registry's cap)");
    this.longPollPeriodMs = positive(options.longPollPeriodMs, 60_000, "longPollPeriodMs");
    this.onChange = options.onChange;
    this.log = options.logger ?? ((message: string) => console.warn(message));
    this.fetchImpl = options.fetch;

    this.resolver = new RouteResolver(null, this.defaultPort);
    this.loop = this.run().catch((err: unknown) => {
      this.warn(`route subscription stopped by an unexpected error: ${errorMessage(err)}`);
    });
  }

  // ---- resolution -------------------------------------------------------------------------

  /**
   * `"host:port"` for a call to `service` in `lane` (default: the current context's lane):
   * `{service}-{lane}:{port}` when the table lists the lane for the service and it is not prod,
   * else `{service}:{port}`.
   */
  resolve(service: string, lane?: string | null): string {
    return this.resolver.resolve(service, effectiveLane(lane));
  }

  /** `"http://host:port/path"` for a call to `service` in `lane` (default: the context's lane). */
  url(service: string, path = "/", lane?: string | null): string {
    return joinUrl(this.resolve(service, lane), path);
  }

  /**
   * The global fetch to `service` at `path`, in `lane` (default: the context's lane): the URL is
   * resolved as by {@link url} and `x-lane` is added to the caller's headers.
   */
  fetch(service: string, path = "/", init?: RequestInit, lane?: string | null): Promise<Response> {
    const chosen = effectiveLane(lane);
    const url = joinUrl(this.resolver.resolve(service, chosen), path);
    return fetchWithLane(url, chosen, init, this.fetchImpl ?? globalThis.fetch);
  }

  /** The current table's services (deeply frozen; do not expect it to change), or null before the first table. */
  table(): Readonly<Record<string, ServiceRoute>> | null {
    return this.resolver.table?.services ?? null;
  }

  /** The current table's version, or null before the first table. */
  get version(): number | null {
    return this.resolver.table?.version ?? null;
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Resolves true once a table has been received (at once if one has), false when `timeoutMs`
   * passes first or the router is closed. Until then resolve() answers with `defaultPort`.
   */
  ready(timeoutMs = 10_000): Promise<boolean> {
    if (this.resolver.table !== null) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      // This timer is deliberately not unref'd: whoever awaits ready() wants an answer.
      const timer = setTimeout(() => settle(false), Math.max(0, timeoutMs));
      const settle = (value: boolean): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(settle);
        resolve(value);
      };
      this.readyWaiters.add(settle);
    });
  }

  /**
   * Stops the subscription: aborts the request in flight, clears timers, fails pending ready()
   * calls. Idempotent. The returned promise settles when the background loop has exited (at once,
   * in practice); there is no need to await it.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.abort.abort();
      for (const settle of [...this.readyWaiters]) settle(false);
    }
    return this.loop;
  }

  // ---- the subscription loop --------------------------------------------------------------

  private async run(): Promise<void> {
    let streamFailures = 0;
    /** Consecutive working streams that ended without applying anything (e.g. gap after gap). */
    let fruitless = 0;
    while (!this.closed) {
      if (!this.streamEnabled) {
        await this.pollUntil(Number.POSITIVE_INFINITY);
        continue;
      }
      const result = await this.streamOnce();
      if (this.closed) return;
      if (result.kind === "failed") {
        streamFailures++;
        if (streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
          this.warn(
            `route stream failed ${streamFailures} times in a row (${result.reason}); ` +
              `long-polling for ${Math.round(this.longPollPeriodMs / 1000)} s`,
          );
          await this.pollUntil(Date.now() + this.longPollPeriodMs);
          streamFailures = 0;
          fruitless = 0;
          continue;
        }
        const delay = this.backoff(streamFailures - 1);
        this.warn(`route stream failed (${result.reason}); retrying in ${delay} ms`);
        await this.sleep(delay);
        continue;
      }
      streamFailures = 0;
      fruitless = result.applied ? 0 : fruitless + 1;
      const delay = this.backoff(fruitless);
      this.warn(`route stream ${result.kind === "gap" ? "out of step" : result.kind} (${result.reason}); reconnecting in ${delay} ms`);
      await this.sleep(delay);
    }
  }

  /** Long-polls until `deadline` (or close); errors back off. */
  private async pollUntil(deadline: number): Promise<void> {
    let errors = 0;
    while (!this.closed && Date.now() < deadline) {
      const result = await this.pollOnce();
      if (this.closed) return;
      if (result.ok) {
        errors = 0;
        // An unchanged answer normally comes after the whole wait; should a server answer at once,
        // this pause keeps the loop from spinning.
        if (!result.changed) await this.sleep(this.backoffInitialMs);
      } else {
        const delay = this.backoff(errors++);
        this.warn(`route long-poll failed (${result.reason}); retrying in ${delay} ms`);
        await this.sleep(delay);
      }
    }
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt, this.backoffInitialMs, this.backoffMaxMs);
  }

  /** Waits `ms`, or less if the router is closed meanwhile. The timer does not hold the process. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed) {
        resolve();
        return;
      }
      const signal = this.abort.signal;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Starts a GET whose socket does not keep the process alive and which close() aborts. */
  private get(url: string, headers: Record<string, string>): http.ClientRequest {
    const req = this.transport.request(url, { method: "GET", headers, agent: false, signal: this.abort.signal });
    req.on("socket", (socket) => socket.unref());
    req.end();
    return req;
  }

  /** One stream connection, from connect to its end. Never rejects. */
  private streamOnce(): Promise<StreamResult> {
    return new Promise<StreamResult>((resolve) => {
      const version = this.version;
      const headers: Record<string, string> = { accept: "text/event-stream", "cache-control": "no-cache" };
      if (version !== null) headers["last-event-id"] = String(version);

      let delivered = false;
      let applied = false;
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (kind: StreamResult["kind"], reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(silence);
        req?.destroy();
        resolve({ kind, reason, applied });
      };
      /** A stream that has not delivered anything yet has failed; one that has, ended or died. */
      const stop = (working: "ended" | "dead", reason: string): void =>
        finish(delivered ? working : "failed", delivered ? reason : `${reason} before any event`);

      // Covers connecting and waiting for headers too, so a black-holed registry is noticed.
      const silence = setTimeout(() => stop("dead", `silent for ${this.heartbeatTimeoutMs} ms`), this.heartbeatTimeoutMs);
      silence.unref();

      const onEvent = (event: SseEvent): void => {
        if (settled) return;
        delivered = true;
        const result = applyEvent(this.resolver.table, event.event, event.data);
        if (result.outcome === "applied" && result.table !== null) {
          applied = true;
          this.install(result.table);
        } else if (result.outcome === "gap") {
          finish("gap", result.reason ?? "gap");
        } else if (result.malformed) {
          this.warn(`ignored a ${result.reason}; keeping table version ${String(this.version)}`);
        }
      };

      try {
        req = this.get(`${this.registryUrl}/v1/routes/stream`, headers);
      } catch (err) {
        finish("failed", errorMessage(err));
        return;
      }
      req.on("error", (err) => stop("ended", errorMessage(err)));
      req.on("response", (res) => {
        silence.refresh();
        if (res.statusCode !== 200) {
          res.resume();
          finish("failed", `HTTP ${res.statusCode ?? "?"}`);
          return;
        }
        const contentType = String(res.headers["content-type"] ?? "");
        if (!/^text\/event-stream[ \t]*(;|$)/i.test(contentType)) {
          res.resume();
          finish("failed", `content type ${JSON.stringify(contentType.slice(0, 100))}, not text/event-stream`);
          return;
        }
        const parser = new SseParser({
          onEvent,
          onComment: () => {
            delivered = true;
          },
        });
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (settled) return;
          silence.refresh();
          try {
            parser.feed(chunk);
          } catch (err) {
            stop("ended", errorMessage(err));
          }
        });
        res.on("end", () => stop("ended", "the registry closed the stream"));
        res.on("error", (err) => stop("ended", errorMessage(err)));
        res.on("close", () => stop("ended", "the connection closed"));
      });
    });
  }

  /** One long-poll. Never rejects. */
  private pollOnce(): Promise<PollResult> {
    return new Promise<PollResult>((resolve) => {
      const before = this.resolver.table;
      const wait = Number.isInteger(this.pollWaitSeconds)
        ? `${this.pollWaitSeconds}s`
        : `${Math.max(1, Math.round(this.pollWaitSeconds * 1000))}ms`;
      const query = before === null ? `wait=${wait}` : `index=${before.version}&wait=${wait}`;

      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (result: PollResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(silence);
        req?.destroy();
        resolve(result);
      };
      const limit = this.pollWaitSeconds * 1000 + this.heartbeatTimeoutMs;
      const silence = setTimeout(() => finish({ ok: false, reason: `no answer in ${limit} ms` }), limit);
      silence.unref();

      try {
        req = this.get(`${this.registryUrl}/v1/routes?${query}`, { accept: "application/json" });
      } catch (err) {
        finish({ ok: false, reason: errorMessage(err) });
        return;
      }
      req.on("error", (err) => finish({ ok: false, reason: errorMessage(err) }));
      req.on("response", (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish({ ok: false, reason: `HTTP ${res.statusCode ?? "?"}` });
          return;
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY_CHARS) finish({ ok: false, reason: "response too large" });
        });
        res.on("error", (err) => finish({ ok: false, reason: errorMessage(err) }));
        res.on("close", () => finish({ ok: false, reason: "the connection closed mid-answer" }));
        res.on("end", () => {
          if (settled) return;
          const result = applyEvent(this.resolver.table, "snapshot", body);
          if (result.outcome !== "applied" || result.table === null) {
            this.warn(`ignored a ${result.reason ?? "bad answer"} from long-polling; keeping table version ${String(this.version)}`);
            finish({ ok: false, reason: "malformed table" });
            return;
          }
          const current = this.resolver.table;
          if (current !== null && current.version === result.table.version) {
            finish({ ok: true, changed: false });
            return;
          }
          this.install(result.table);
          finish({ ok: true, changed: true });
        });
      });
    });
  }

  /** Makes `table` the one resolve() answers from, and tells whoever waits for it. */
  private install(table: RouteTable): void {
    this.resolver = new RouteResolver(table, this.defaultPort);
    for (const settle of [...this.readyWaiters]) settle(true);
    if (this.onChange !== undefined) {
      try {
        this.onChange(table);
      } catch (err) {
        this.warn(`onChange threw: ${errorMessage(err)}`);
      }
    }
  }

  private warn(message: string): void {
    if (this.closed) return;
    try {
      this.log(`lanes: ${message}`);
    } catch {
      // A broken logger must not break routing.
    }
  }
}
