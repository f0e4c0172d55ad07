/**
 * Turning a route table into call targets. Every target string is computed once, when a table
 * arrives, so that resolve() on the request path is a map lookup and no string building.
 */
import { normalizeLane, PROD_LANE } from "./lane.js";
import type { RouteTable } from "./table.js";

interface Targets {
  /** `{service}:{port}`: prod, and every lane the service does not have. */
  readonly base: string;
  /** lane → `{service}-{lane}:{port}` for the service's non-prod lanes. */
  readonly lanes: ReadonlyMap<string, string>;
}

/** Throws unless `port` is an integer in 1..65535: a wrong default port must fail loudly, never become 80. */
export function checkPort(port: unknown, what = "defaultPort"): number {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`${what} must be an integer port number, got ${describe(port)}`);
  }
  if (port < 1 || port > 65535) throw new RangeError(`${what} must be in 1..65535, got ${port}`);
  return port;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 32)) : String(value);
}

/**
 * An immutable resolver for one table (or none) and a default port.
 *
 * Rules (docs/routing.md): with a lane that is set, is not `prod` and is listed for the service,
 * the target is `{service}-{lane}:{port}`; otherwise `{service}:{port}`. The port is the table's
 * for services it knows and `defaultPort` for the rest (and for everything while there is no table).
 */
export class RouteResolver {
  private readonly targets: ReadonlyMap<string, Targets>;

  constructor(
    /** The table this resolver answers for, or null before the first one arrives. */
    readonly table: RouteTable | null,
    readonly defaultPort: number,
  ) {
    checkPort(defaultPort);
    const targets = new Map<string, Targets>();
    if (table !== null) {
      for (const [service, route] of Object.entries(table.services)) {
        const lanes = new Map<string, string>();
        for (const lane of route.lanes) {
          // Only real lane names can ever be asked for (resolve() validates its argument), and
          // prod is always the base Service.
          if (lane !== PROD_LANE && normalizeLane(lane) === lane) lanes.set(lane, `${service}-${lane}:${route.port}`);
        }
        targets.set(service, { base: `${service}:${route.port}`, lanes });
      }
    }
    this.targets = targets;
  }

  /**
   * `"host:port"` for `service` in `lane`. A lane that is not a lane name counts as no lane.
   */
  resolve(service: string, lane?: string | null): string {
    if (typeof service !== "string" || service.length === 0) {
      throw new TypeError("service must be a non-empty string");
    }
    const entry = this.targets.get(service);
    if (entry === undefined) return `${service}:${this.defaultPort}`;
    if (lane == null) return entry.base;
    return entry.lanes.get(lane) ?? entry.lanes.get(normalizeLane(lane) ?? "") ?? entry.base;
  }

  /** `"http://host:port/path"`; a path without a leading slash gets one. */
  url(service: string, path = "/", lane?: string | null): string {
    return joinUrl(this.resolve(service, lane), path);
  }
}

/** `http://{target}{path}`, adding the leading slash the path may lack. */
export function joinUrl(target: string, path: string): string {
  const p = path ?? "";
  return `http://${target}${p.startsWith("/") ? p : `/${p}`}`;
}
