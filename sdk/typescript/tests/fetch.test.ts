/**
 * router.fetch against a local server: the router resolves service "127.0.0.1" with no table to
 * 127.0.0.1:{defaultPort}, so the call lands on the test server.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { LaneRouter, laneHeaders, runWithLane, withLane } from "../src/index.js";
import { freePort } from "./helpers.js";

describe("router.fetch", () => {
  let server: http.Server;
  let router: LaneRouter;
  const seen: { url: string | undefined; headers: http.IncomingHttpHeaders }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    // A registry nobody answers for: the router stays on default-port targets.
    router = new LaneRouter(`http://127.0.0.1:${await freePort()}`, { defaultPort: port, logger: () => undefined });
  });
  after(async () => {
    await router.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  test("sends x-lane from the context and keeps the caller's headers", async () => {
    const res = await runWithLane("dev", () =>
      router.fetch("127.0.0.1", "/items?limit=5", { headers: { "x-custom": "a", accept: "text/plain" } }),
    );
    assert.equal(await res.text(), "ok");
    const last = seen.at(-1)!;
    assert.equal(last.url, "/items?limit=5");
    assert.equal(last.headers["x-lane"], "dev");
    assert.equal(last.headers["x-custom"], "a");
    assert.equal(last.headers.accept, "text/plain");
  });

  test("no lane, no x-lane", async () => {
    await (await router.fetch("127.0.0.1", "plain")).text();
    assert.equal(seen.at(-1)?.url, "/plain");
    assert.equal(seen.at(-1)?.headers["x-lane"], undefined);
  });

  test("an explicit lane wins over the context", async () => {
    await runWithLane("dev", async () => (await router.fetch("127.0.0.1", "/", undefined, "qa")).text());
    assert.equal(seen.at(-1)?.headers["x-lane"], "qa");
  });

  test("the lane travels from an inbound request to the outbound call", async () => {
    // A front service (withLane) that calls the test server through the router.
    const front = http.createServer(
      withLane(async (_req, res) => {
        const upstream = await router.fetch("127.0.0.1", "/from-front", { headers: laneHeaders() });
        res.end(await upstream.text());
      }),
    );
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", () => resolve()));
    try {
      const { port } = front.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-lane": "feature-x" } });
      assert.equal(await res.text(), "ok");
      assert.equal(seen.at(-1)?.url, "/from-front");
      assert.equal(seen.at(-1)?.headers["x-lane"], "feature-x");
    } finally {
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        front.closeAllConnections();
      });
    }
  });
});
