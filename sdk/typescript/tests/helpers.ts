/**
 * Test helpers: polling instead of sleeping, the shared vectors, and a fake registry.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

/** The package root (tests run from dist-test/test/). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Resolves once `predicate()` is true, polling every few milliseconds; rejects after `timeoutMs`
 * with `message`. Used instead of fixed sleeps, so tests take as long as the behaviour does.
 */
export async function waitUntil(predicate: () => boolean, timeoutMs = 5000, message = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Asserts that `predicate()` stays false for `ms`: the only way to check that something does NOT
 * happen (e.g. no request after close()). It returns early with an error as soon as it happens.
 */
export async function staysFalse(predicate: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) throw new Error(`unexpected: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (predicate()) throw new Error(`unexpected: ${message}`);
}

// ---- vectors ----------------------------------------------------------------------------------

export interface ResolveVector {
  name: string;
  table: unknown;
  default_port: number;
  service: string;
  lane: string | null;
  /** The current request's lane while resolving, when the case has one. */
  context_lane?: string;
  target: string;
  path?: string;
  url?: string;
}
export interface HeaderVector {
  name: string;
  headers: Record<string, string>;
  lane: string | null;
}
export interface StreamVector {
  name: string;
  events: { event: string; data: string }[];
  outcomes: string[];
  services: Record<string, { lanes: string[]; port: number }> | null;
  version: number | null;
}
export interface Vectors {
  description: string;
  resolve: ResolveVector[];
  headers: HeaderVector[];
  streams: StreamVector[];
}

export function loadVectors(): Vectors {
  const file = path.resolve(PACKAGE_ROOT, "..", "testdata", "routing-vectors.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as Vectors;
}

/** A table's services as plain objects with only lanes and port, for deep comparison. */
export function plainServices(services: Readonly<Record<string, { lanes: readonly string[]; port: number }>> | null): unknown {
  if (services === null) return null;
  const out: Record<string, { lanes: string[]; port: number }> = {};
  for (const [name, route] of Object.entries(services)) out[name] = { lanes: [...route.lanes], port: route.port };
  return out;
}

/** A quiet logger that remembers what it was told. */
export function memoryLogger(): { lines: string[]; log: (message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (message: string) => void lines.push(message) };
}

// ---- fake registry ----------------------------------------------------------------------------

export interface FakeTable {
  services: Record<string, { lanes: string[]; port: number }>;
  version: number;
  updated_at?: string;
}

export interface StreamRequest {
  lastEventId: string | undefined;
  at: number;
}

export interface PollRequest {
  index: string | null;
  wait: string | null;
}

/**
 * A small registry: `/v1/routes/stream` (SSE) and `/v1/routes` (long-poll). Tests push events
 * on demand, break endpoints, and stop and restart it on the same port.
 */
export class FakeRegistry {
  /** The current table, served on connect (snapshot) and by long-polls; null: none yet. */
  table: FakeTable | null = null;
  /** On a stream connect, send a snapshot unless Last-Event-ID is the current version. */
  autoSnapshot = true;
  /** 200 serves the stream; another status answers with a problem document; "wrong-type" answers 200 text/plain. */
  streamMode: 200 | 404 | 500 | "wrong-type" = 200;
  readonly streamRequests: StreamRequest[] = [];
  readonly pollRequests: PollRequest[] = [];
  /** Every request that reached the server, whatever its path. */
  requestCount = 0;

  private server: http.Server | undefined;
  private port = 0;
  private readonly streams = new Set<http.ServerResponse>();
  private readonly polls = new Set<() => void>();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens on 127.0.0.1: on `port`, else on the previous port if it had one (a restart), else any. */
  async start(port = this.port): Promise<void> {
    this.port = port;
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection, as a crashed registry would. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    // Pending long-polls are dropped with their connections (their close handlers clear timers).
    this.polls.clear();
    for (const res of this.streams) res.destroy();
    this.streams.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Sends one event to every open stream. */
  send(event: string, data: string, id?: number): void {
    let frame = `event: ${event}\n`;
    if (id !== undefined) frame += `id: ${id}\n`;
    for (const line of data.split("\n")) frame += `data: ${line}\n`;
    this.write(frame + "\n");
  }

  /** Sends a comment line (a heartbeat) to every open stream. */
  comment(text = "heartbeat"): void {
    this.write(`: ${text}\n`);
  }

  /** Writes raw bytes to every open stream. */
  write(raw: string): void {
    for (const res of this.streams) res.write(raw);
  }

  /** Sets the table, optionally pushing it as a snapshot or as a delta from the previous one; answers waiting long-polls. */
  setTable(table: FakeTable, push: "snapshot" | "delta" | "none" = "none"): void {
    const previous = this.table;
    this.table = table;
    if (push === "snapshot") this.send("snapshot", JSON.stringify(table), table.version);
    if (push === "delta") {
      const upserts: FakeTable["services"] = {};
      for (const [name, route] of Object.entries(table.services)) {
        if (JSON.stringify(previous?.services[name]) !== JSON.stringify(route)) upserts[name] = route;
      }
      const removes = Object.keys(previous?.services ?? {}).filter((name) => !(name in table.services));
      this.send(
        "delta",
        JSON.stringify({ version: table.version, previous: previous?.version, upserts, removes }),
        table.version,
      );
    }
    for (const release of [...this.polls]) release();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requestCount++;
    const url = new URL(req.url ?? "/", "http://registry");
    if (url.pathname === "/v1/routes/stream") return this.handleStream(req, res);
    if (url.pathname === "/v1/routes") return this.handlePoll(url, res);
    this.problem(res, 404, "not_found");
  }

  private problem(res: http.ServerResponse, status: number, code: string): void {
    res.writeHead(status, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ code, detail: code }));
  }

  private handleStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    const header = req.headers["last-event-id"];
    this.streamRequests.push({ lastEventId: Array.isArray(header) ? header[0] : header, at: Date.now() });
    if (this.streamMode === "wrong-type") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("hello");
      return;
    }
    if (this.streamMode !== 200) {
      this.problem(res, this.streamMode, this.streamMode === 404 ? "not_found" : "internal");
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    res.write("retry: 1000\n\n");
    this.streams.add(res);
    res.on("close", () => this.streams.delete(res));
    const table = this.table;
    if (this.autoSnapshot && table !== null && String(table.version) !== this.streamRequests.at(-1)?.lastEventId) {
      res.write(`event: snapshot\nid: ${table.version}\ndata: ${JSON.stringify(table)}\n\n`);
    }
  }

  private handlePoll(url: URL, res: http.ServerResponse): void {
    const index = url.searchParams.get("index");
    const wait = url.searchParams.get("wait");
    this.pollRequests.push({ index, wait });
    const answer = (): void => {
      if (res.writableEnded || res.destroyed) return;
      if (this.table === null) {
        this.problem(res, 503, "not_ready");
        return;
      }
      res.writeHead(200, { "content-type": "application/json", etag: `"${this.table.version}"` });
      res.end(JSON.stringify(this.table));
    };
    if (this.table !== null && index !== null && index === String(this.table.version)) {
      const seconds = Number(/^(\d+)s$/.exec(wait ?? "")?.[1] ?? 30);
      const release = (): void => {
        clearTimeout(timer);
        this.polls.delete(release);
        answer();
      };
      const timer = setTimeout(release, seconds * 1000);
      this.polls.add(release);
      res.on("close", () => {
        clearTimeout(timer);
        this.polls.delete(release);
      });
      return;
    }
    answer();
  }
}

/** A port nobody listens on (bound then released). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
