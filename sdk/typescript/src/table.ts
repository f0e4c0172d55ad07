/**
 * The route table and the rules for changing it: pure functions with no I/O, so that the shared
 * vectors (sdk/testdata/routing-vectors.json) can pin them down exactly as for the other SDKs.
 *
 * A table is immutable (deeply frozen): applying an event builds a new one, and the router swaps
 * it in with a single assignment, so a resolve() never sees half of a change.
 */

/** One service's entry: the lanes that have a ready endpoint (sorted) and the port to call. */
export interface ServiceRoute {
  readonly lanes: readonly string[];
  readonly port: number;
}

/** The registry's table: `service → {lanes, port}` at a version. */
export interface RouteTable {
  readonly services: Readonly<Record<string, ServiceRoute>>;
  readonly version: number;
  /** `updated_at` of the last snapshot (informational; absent after a delta, which has none). */
  readonly updatedAt?: string;
}

/**
 * What an event did:
 * - `applied`: the table changed (or was replaced);
 * - `ignored`: malformed, a duplicate, or an event the SDK does not know; the table is kept;
 * - `gap`: the event does not follow the table; reconnect with `Last-Event-ID`.
 */
export type Outcome = "applied" | "ignored" | "gap";

export interface ApplyResult {
  readonly outcome: Outcome;
  /** The table after the event (the same object when the outcome is not `applied`). */
  readonly table: RouteTable | null;
  /** Why the event was ignored or is a gap, for logs; absent when applied. */
  readonly reason?: string;
  /** True when the event was ignored because its data was malformed (worth a warning). */
  readonly malformed?: boolean;
}

/** Thrown by the parsers below; the message says what was wrong (never the whole payload). */
export class MalformedRouteData extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedRouteData";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Versions are milliseconds since the epoch or counters: non-negative integers JSON can carry exactly. */
function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function parseJsonObject(data: string | unknown): Record<string, unknown> {
  let value: unknown = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      throw new MalformedRouteData("not JSON");
    }
  }
  if (!isObject(value)) throw new MalformedRouteData("not a JSON object");
  return value;
}

/** Validates one `{lanes, port}` entry, keeping only those two fields (the protocol may grow). */
function parseServiceRoute(name: string, value: unknown): ServiceRoute {
  if (!isObject(value)) throw new MalformedRouteData(`service ${JSON.stringify(name)} is not an object`);
  const { lanes, port } = value;
  if (!Array.isArray(lanes) || !lanes.every((lane) => typeof lane === "string")) {
    throw new MalformedRouteData(`service ${JSON.stringify(name)}: lanes is not a list of strings`);
  }
  if (!isPort(port)) throw new MalformedRouteData(`service ${JSON.stringify(name)}: port is not an integer in 1..65535`);
  return Object.freeze({ lanes: Object.freeze([...(lanes as string[])]), port });
}

function parseServices(value: unknown, what: string): Record<string, ServiceRoute> {
  if (!isObject(value)) throw new MalformedRouteData(`${what} is not an object`);
  const services: Record<string, ServiceRoute> = Object.create(null);
  for (const [name, entry] of Object.entries(value)) services[name] = parseServiceRoute(name, entry);
  return services;
}

function freezeTable(services: Record<string, ServiceRoute>, version: number, updatedAt?: string): RouteTable {
  const table: RouteTable = updatedAt === undefined
    ? { services: Object.freeze(services), version }
    : { services: Object.freeze(services), version, updatedAt };
  return Object.freeze(table);
}

/**
 * Parses a whole table: the data of a `snapshot` event and the body of `GET /v1/routes` (they have
 * the same shape). Accepts the JSON text or an already parsed value.
 *
 * @throws MalformedRouteData when anything required is missing or has the wrong type; a table is
 *   taken whole or not at all, so a bad entry never replaces a good one.
 */
export function parseTable(data: string | unknown): RouteTable {
  const body = parseJsonObject(data);
  if (!isVersion(body.version)) throw new MalformedRouteData("version is not a non-negative integer");
  const services = parseServices(body.services, "services");
  const updatedAt = typeof body.updated_at === "string" ? body.updated_at : undefined;
  return freezeTable(services, body.version, updatedAt);
}

/** A parsed `delta` event. */
export interface Delta {
  readonly version: number;
  readonly previous: number;
  readonly upserts: Readonly<Record<string, ServiceRoute>>;
  readonly removes: readonly string[];
}

/**
 * Parses the data of a `delta` event. `version` and `previous` are required; `upserts` and
 * `removes` may be absent (nothing to upsert or remove) but must have the right type when present.
 *
 * @throws MalformedRouteData when the delta cannot be applied as a whole.
 */
export function parseDelta(data: string | unknown): Delta {
  const body = parseJsonObject(data);
  if (!isVersion(body.version)) throw new MalformedRouteData("delta version is not a non-negative integer");
  if (!isVersion(body.previous)) throw new MalformedRouteData("delta previous is not a non-negative integer");
  const upserts = body.upserts === undefined ? {} : parseServices(body.upserts, "delta upserts");
  const removes = body.removes === undefined ? [] : body.removes;
  if (!Array.isArray(removes) || !removes.every((name) => typeof name === "string")) {
    throw new MalformedRouteData("delta removes is not a list of strings");
  }
  return { version: body.version, previous: body.previous, upserts, removes: removes as string[] };
}

/**
 * Applies one stream event to `table` (null: no table yet) and says what happened.
 *
 * - `snapshot`: replaces the table whatever its version, since a lower version means a restarted
 *   or different registry replica whose versions are its own.
 * - `delta`: checked in this order: malformed → ignored; no table → gap; not newer than the
 *   table → ignored (a duplicate, e.g. replayed after a reconnect); `previous` not the table's
 *   version → gap; else upserts replace whole entries and removes delete entries.
 * - any other event name: ignored, so that the registry can add event types.
 */
export function applyEvent(table: RouteTable | null, event: string, data: string): ApplyResult {
  if (event === "snapshot") {
    try {
      return { outcome: "applied", table: parseTable(data) };
    } catch (err) {
      return ignoredMalformed(table, "snapshot", err);
    }
  }
  if (event === "delta") {
    let delta: Delta;
    try {
      delta = parseDelta(data);
    } catch (err) {
      return ignoredMalformed(table, "delta", err);
    }
    if (table === null) {
      return { outcome: "gap", table, reason: `delta ${delta.version} arrived before any snapshot` };
    }
    if (delta.version <= table.version) {
      return { outcome: "ignored", table, reason: `delta ${delta.version} is not newer than table ${table.version}` };
    }
    if (delta.previous !== table.version) {
      return {
        outcome: "gap",
        table,
        reason: `delta ${delta.version} follows ${delta.previous}, the table is at ${table.version}`,
      };
    }
    return { outcome: "applied", table: applyDelta(table, delta) };
  }
  return { outcome: "ignored", table, reason: `unknown event ${JSON.stringify(event.slice(0, 64))}` };
}

function ignoredMalformed(table: RouteTable | null, what: string, err: unknown): ApplyResult {
  const detail = err instanceof MalformedRouteData ? err.message : String(err);
  return { outcome: "ignored", table, reason: `malformed ${what}: ${detail}`, malformed: true };
}

/** A new table: the old one with the delta's upserts and removes, at the delta's version. */
export function applyDelta(table: RouteTable, delta: Delta): RouteTable {
  const services: Record<string, ServiceRoute> = Object.assign(Object.create(null), table.services);
  for (const name of delta.removes) delete services[name];
  Object.assign(services, delta.upserts);
  // A delta does not say when the registry made the change, so the old updatedAt would be stale.
  return freezeTable(services, delta.version);
}
