/**
 * LaneRouter against a fake registry on localhost: streaming, reconnection, fallback to
 * long-polling, malformed data, gaps, heartbeats and close().
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { afterEach, describe, test } from "node:test";
import { LaneRouter, runWithLane, type LaneRouterOptions, type RouteTable } from "../src/index.js";
import {
  FakeRegistry,
  freePort,
  loadVectors,
  memoryLogger,
  plainServices,
  staysFalse,
  waitUntil,
  type FakeTable,
} from "./helpers.js";

const V100: FakeTable = {
  services: { web: { lanes: ["prod"], port: 8080 }, api: { lanes: ["prod"], port: 9090 } },
  version: 100,
  updated_at: "2026-11-25T10:40:00Z",
};
const V101: FakeTable = {
  services: { web: { lanes: ["dev", "prod"], port: 8080 }, api: { lanes: ["prod"], port: 9090 } },
  version: 101,
};
const V103: FakeTable = { services: { web: { lanes: ["dev", "qa", "prod"], port: 8080 } }, version: 103 };

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function registry(table: FakeTable | null = V100): Promise<FakeRegistry> {
  const fake = new FakeRegistry();
  fake.table = table;
  await fake.start();
  cleanups.push(() => fake.stop());
  return fake;
}

/** A router with test-sized timings, closed after the test. */
function router(url: string, options: Partial<LaneRouterOptions> = {}): { router: LaneRouter; log: string[]; changes: RouteTable[] } {
  const logger = memoryLogger();
  const changes: RouteTable[] = [];
  const r = new LaneRouter(url, {
    defaultPort: 8000,
    heartbeatTimeoutMs: 5000,
    backoffInitialMs: 10,
    backoffMaxMs: 50,
    pollWaitSeconds: 1,
    longPollPeriodMs: 60_000,
    logger: logger.log,
    onChange: (table) => void changes.push(table),
    ...options,
  });
  cleanups.push(() => r.close());
  return { router: r, log: logger.lines, changes };
}

describe("LaneRouter", () => {
  test("picks up the snapshot, then a delta changes resolution", async () => {
    const fake = await registry();
    const { router: r, changes } = router(fake.url);
    assert.equal(await r.ready(5000), true);
    assert.equal(r.version, 100);
    assert.equal(fake.streamRequests[0]?.lastEventId, undefined, "no Last-Event-ID without a table");
    assert.deepEqual(plainServices(r.table()), V100.services);
    assert.equal(r.resolve("web", "dev"), "web:8080");
    assert.equal(r.resolve("billing", "dev"), "billing:8000");

    fake.setTable(V101, "delta");
    await waitUntil(() => r.resolve("web", "dev") === "web-dev:8080", 5000, "the delta");
    assert.equal(r.version, 101);
    assert.equal(r.url("web", "/x", "dev"), "http://web-dev:8080/x");
    assert.equal(r.resolve("web"), "web:8080");
    assert.deepEqual(changes.map((t) => t.version), [100, 101]);
    assert.equal(fake.streamRequests.length, 1, "one connection did it all");
  });

  test("resolves the vectors' cases from a table it received", async () => {
    const vectors = loadVectors().resolve;
    const common = vectors.find((v) => v.name === "a listed lane")?.table as FakeTable;
    const fake = await registry(common);
    const { router: r } = router(fake.url);
    assert.equal(await r.ready(5000), true);
    for (const v of vectors.filter((c) => JSON.stringify(c.table) === JSON.stringify(common) && c.default_port === 8000)) {
      runWithLane(v.context_lane ?? null, () => {
        assert.equal(r.resolve(v.service, v.lane), v.target, v.name);
        if (v.path !== undefined) assert.equal(r.url(v.service, v.path, v.lane), v.url, v.name);
      });
    }
  });

  test("registry down at start: default-port targets, then the table once it comes up", async () => {
    const port = await freePort();
    const { router: r } = router(`http://127.0.0.1:${port}`);
    assert.equal(r.resolve("web", "dev"), "web:8000");
    assert.equal(r.url("api", "health"), "http://api:8000/health");
    assert.equal(r.table(), null);
    assert.equal(r.version, null);
    assert.equal(await r.ready(100), false);

    const fake = new FakeRegistry();
    fake.table = V101;
    await fake.start(port); // the port the router has been trying
    cleanups.push(() => fake.stop());
    assert.equal(await r.ready(5000), true);
    assert.equal(r.resolve("web", "dev"), "web-dev:8080");
    assert.equal(r.resolve("api", "dev"), "api:9090");
  });

  test("the registry restarting mid-stream: reconnects with Last-Event-ID", async () => {
    const fake = await registry();
    const { router: r } = router(fake.url, { longPollPeriodMs: 200 });
    assert.equal(await r.ready(5000), true);
    await fake.stop();
    fake.table = V101;
    await fake.start();
    await waitUntil(() => r.version === 101, 5000, "the table after the restart");
    const after = fake.streamRequests.slice(1);
    assert.ok(after.length >= 1, "streamed again");
    assert.equal(after[0]?.lastEventId, "100");
    assert.equal(r.resolve("web", "dev"), "web-dev:8080");
  });

  test("malformed snapshots and deltas keep the last good table, without reconnecting", async () => {
    const fake = await registry();
    const { router: r, log } = router(fake.url);
    assert.equal(await r.ready(5000), true);
    fake.send("delta", "not json");
    fake.send("snapshot", JSON.stringify({ services: { web: { lanes: ["prod"], port: 70000 } }, version: 200 }));
    fake.send("delta", JSON.stringify({ version: 101, previous: 100, upserts: { web: { lanes: "dev", port: 8080 } } }));
    fake.send("snapshot", "{\"services\": {\"web\": ");
    await waitUntil(() => log.filter((l) => l.includes("malformed")).length === 4, 5000, "four warnings");
    assert.equal(r.version, 100);
    assert.deepEqual(plainServices(r.table()), V100.services);
    // The connection is still good: the next delta applies.
    fake.setTable(V101, "delta");
    await waitUntil(() => r.version === 101, 5000, "the good delta");
    assert.equal(fake.streamRequests.length, 1);
    assert.ok(log.every((l) => !l.includes("70000")), "warnings say what is wrong, not the data");
  });

  test("a gap drops the connection and reconnects with Last-Event-ID", async () => {
    const fake = await registry();
    const { router: r } = router(fake.url);
    assert.equal(await r.ready(5000), true);
    fake.table = V103;
    fake.send("delta", JSON.stringify({ version: 103, previous: 102, upserts: {}, removes: ["api"] }));
    await waitUntil(() => fake.streamRequests.length === 2, 5000, "a reconnection");
    assert.equal(fake.streamRequests[1]?.lastEventId, "100");
    await waitUntil(() => r.version === 103, 5000, "the snapshot after the gap");
    assert.equal(r.resolve("web", "qa"), "web-qa:8080");
    assert.equal(r.resolve("api", "qa"), "api:8000", "api left the table");
  });

  for (const mode of [404, 500, "wrong-type"] as const) {
    test(`a broken stream endpoint (${mode}): falls back to long-polling, gets updates, tries the stream again`, async () => {
      const fake = await registry();
      fake.streamMode = mode;
      const { router: r, log } = router(fake.url, { longPollPeriodMs: 400 });
      assert.equal(await r.ready(5000), true);
      assert.equal(r.version, 100);
      assert.ok(fake.streamRequests.length >= 3, "three stream attempts first");
      assert.equal(fake.pollRequests[0]?.index, null, "no index without a table");
      assert.equal(fake.pollRequests[0]?.wait, "1s");
      await waitUntil(() => fake.pollRequests.some((p) => p.index === "100"), 5000, "a blocking poll");
      fake.setTable(V101);
      await waitUntil(() => r.version === 101, 5000, "the update by long-poll");
      assert.equal(r.resolve("web", "dev"), "web-dev:8080");
      assert.ok(log.some((l) => l.includes("long-polling")));
      const streamsSoFar = fake.streamRequests.length;
      await waitUntil(() => fake.streamRequests.length > streamsSoFar, 5000, "the stream tried again");
      assert.equal(fake.streamRequests.at(-1)?.lastEventId, "101");
    });
  }

  test("stream: false only long-polls", async () => {
    const fake = await registry();
    const { router: r } = router(fake.url, { stream: false });
    assert.equal(await r.ready(5000), true);
    fake.setTable(V101);
    await waitUntil(() => r.version === 101, 5000, "the update");
    assert.equal(fake.streamRequests.length, 0);
  });

  test("a silent stream is dead after heartbeatTimeoutMs: reconnects; heartbeats keep it alive", async () => {
    const fake = await registry();
    const { router: r } = router(fake.url, { heartbeatTimeoutMs: 400 });
    assert.equal(await r.ready(5000), true);
    // Heartbeats every 50 ms: no reconnection.
    const beat = setInterval(() => fake.comment(), 50);
    try {
      await staysFalse(() => fake.streamRequests.length > 1, 700, "reconnected although heartbeats came");
    } finally {
      clearInterval(beat);
    }
    // Silence: the router gives up on the connection and comes back with Last-Event-ID.
    await waitUntil(() => fake.streamRequests.length >= 2, 5000, "a reconnection after silence");
    assert.equal(fake.streamRequests[1]?.lastEventId, "100");
    assert.ok(fake.streamRequests[1]!.at - fake.streamRequests[0]!.at >= 400);
    assert.equal(r.version, 100);
  });

  test("close() stops all activity", async () => {
    const fake = await registry();
    const { router: r } = router(fake.url);
    assert.equal(await r.ready(5000), true);
    await waitUntil(() => fake.openStreams === 1, 5000, "the open stream");
    await r.close();
    await waitUntil(() => fake.openStreams === 0, 5000, "the stream closed by the client");
    const requests = fake.requestCount;
    fake.setTable(V101, "delta");
    await staysFalse(() => fake.requestCount > requests, 300, "a request after close()");
    assert.equal(r.version, 100, "no update after close()");
    assert.equal(await r.ready(10), true, "the last table is still there to resolve from");
  });

  test("close() while backing off and while long-polling", async () => {
    const port = await freePort();
    const down = router(`http://127.0.0.1:${port}`, { backoffInitialMs: 10_000, backoffMaxMs: 10_000 });
    await waitUntil(() => down.log.length > 0, 5000, "the first failure");
    await down.router.close();

    const fake = await registry();
    const polling = router(fake.url, { stream: false });
    await waitUntil(() => fake.pollRequests.some((p) => p.index === "100"), 5000, "a blocking poll");
    const requests = fake.requestCount;
    await polling.router.close();
    await staysFalse(() => fake.requestCount > requests, 200, "a request after close()");
  });

  test("the process exits after close(), and a router alone does not keep it alive", async () => {
    const fake = await registry();
    const dist = path.resolve(__dirname, "..", "src", "index.js");
    const script = `
      const { LaneRouter } = require(${JSON.stringify(dist)});
      const quiet = { defaultPort: 8000, logger: () => {} };
      (async () => {
        const a = new LaneRouter(process.argv[1], quiet);
        if (!(await a.ready(5000))) process.exit(3);
        const b = new LaneRouter("http://127.0.0.1:1", quiet);   // refused: backing off
        const c = new LaneRouter(process.argv[1], { ...quiet, stream: false });   // long-polling
        await c.ready(5000);
        a.close();
        b.close();
        // c is left open: it must not hold the process either.
        console.log("done " + a.version);
      })();`;
    const child = spawn(process.execPath, ["-e", script, fake.url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    assert.equal(code, 0, "exited by itself");
    assert.equal(out.trim(), "done 100");
  });
});
