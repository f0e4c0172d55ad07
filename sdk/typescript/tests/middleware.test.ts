/**
 * Inbound middleware with a real node:http server on an ephemeral port.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { currentLane, laneMiddleware, runWithLane, withLane } from "../src/index.js";

/** A handler that reports the lane before and after an await (and a timer callback). */
async function report(_req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const before = currentLane();
  await new Promise((resolve) => setImmediate(resolve));
  const afterAwait = currentLane();
  const inTimer = await new Promise<string | null>((resolve) => setTimeout(() => resolve(currentLane()), 1));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ before, afterAwait, inTimer }));
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function laneSeen(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  return res.json();
}

const cases: [string, Record<string, string>, string | null][] = [
  ["x-lane", { "x-lane": "dev" }, "dev"],
  ["x-lane in another case", { "X-Lane": "feature-x" }, "feature-x"],
  ["no header", {}, null],
  ["an illegal value", { "x-lane": "DEV;drop" }, null],
  ["too long", { "x-lane": "a".repeat(64) }, null],
  ["baggage", { baggage: "userId=alice, lane=qa;ttl=30" }, "qa"],
  ["an illegal x-lane falls through to baggage", { "x-lane": "../prod", baggage: "lane=qa" }, "qa"],
  ["x-lane wins over baggage", { "x-lane": "dev", baggage: "lane=qa" }, "dev"],
];

describe("withLane (plain node:http)", () => {
  let server: { url: string; close: () => Promise<void> };
  before(async () => {
    server = await listen(withLane(report));
  });
  after(() => server.close());

  for (const [name, headers, lane] of cases) {
    test(name, async () => {
      assert.deepEqual(await laneSeen(server.url, headers), { before: lane, afterAwait: lane, inTimer: lane });
    });
  }

  test("passes the handler's return value through", () => {
    const wrapped = withLane((_req: http.IncomingMessage, _res: http.ServerResponse) => currentLane());
    const req = { headers: { "x-lane": "dev" } } as unknown as http.IncomingMessage;
    assert.equal(wrapped(req, {} as http.ServerResponse), "dev");
  });

  test("a request without a lane does not inherit the caller's", () => {
    const wrapped = withLane((_req: http.IncomingMessage, _res: http.ServerResponse) => currentLane());
    const req = { headers: {} } as unknown as http.IncomingMessage;
    assert.equal(runWithLane("dev", () => wrapped(req, {} as http.ServerResponse)), null);
  });
});

describe("laneMiddleware (Express/Connect style)", () => {
  let server: { url: string; close: () => Promise<void> };
  before(async () => {
    // A minimal Connect-style chain: the middleware, then the route handler via next().
    const middleware = laneMiddleware();
    server = await listen((req, res) => {
      middleware(req, res, (err?: unknown) => {
        if (err) throw err;
        void report(req, res);
      });
    });
  });
  after(() => server.close());

  for (const [name, headers, lane] of cases) {
    test(name, async () => {
      assert.deepEqual(await laneSeen(server.url, headers), { before: lane, afterAwait: lane, inTimer: lane });
    });
  }
});
