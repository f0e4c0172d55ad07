import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  backoffDelay,
  currentLane,
  effectiveLane,
  laneFromBaggage,
  LaneRouter,
  laneHeaders,
  runWithLane,
  withLaneHeader,
} from "../src/index.js";

describe("LaneRouter options", () => {
  const url = "http://127.0.0.1:1";
  test("defaultPort is required and must be an integer port", () => {
    assert.throws(() => new LaneRouter(url, {} as never), TypeError);
    assert.throws(() => new LaneRouter(url, undefined as never), TypeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: "8080" as never }), TypeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: 80.5 }), TypeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: Number.NaN }), TypeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: 0 }), RangeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: 65536 }), RangeError);
  });

  test("the registry URL must be http(s)", () => {
    assert.throws(() => new LaneRouter("not a url", { defaultPort: 8080 }), TypeError);
    assert.throws(() => new LaneRouter("ftp://registry", { defaultPort: 8080 }), TypeError);
  });

  test("durations must be positive", () => {
    assert.throws(() => new LaneRouter(url, { defaultPort: 8080, heartbeatTimeoutMs: 0 }), RangeError);
    assert.throws(() => new LaneRouter(url, { defaultPort: 8080, pollWaitSeconds: 301 }), RangeError);
  });

  test("a trailing slash on the registry URL is dropped; close() is idempotent", async () => {
    const router = new LaneRouter("http://127.0.0.1:1/base/", { defaultPort: 8080, logger: () => undefined });
    assert.equal(router.registryUrl, "http://127.0.0.1:1/base");
    assert.equal(router.resolve("web", "dev"), "web:8080");
    assert.equal(await router.ready(0), false);
    const first = router.close();
    assert.equal(router.close(), first);
    await first;
    assert.equal(router.isClosed, true);
    assert.equal(await router.ready(1000), false);
  });
});

describe("backoff", () => {
  test("doubles from the initial delay to the maximum, with jitter in [half, all]", () => {
    assert.equal(backoffDelay(0, 250, 10_000, () => 1), 250);
    assert.equal(backoffDelay(0, 250, 10_000, () => 0), 125);
    assert.equal(backoffDelay(1, 250, 10_000, () => 1), 500);
    assert.equal(backoffDelay(3, 250, 10_000, () => 1), 2000);
    assert.equal(backoffDelay(10, 250, 10_000, () => 1), 10_000);
    assert.equal(backoffDelay(1000, 250, 10_000, () => 0), 5000);
  });
});

describe("context", () => {
  test("runWithLane sets the lane; an invalid lane means no lane, even inside another lane", async () => {
    assert.equal(currentLane(), null);
    await runWithLane("dev", async () => {
      assert.equal(currentLane(), "dev");
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(currentLane(), "dev");
      runWithLane("Not A Lane", () => assert.equal(currentLane(), null));
      runWithLane(null, () => assert.equal(currentLane(), null));
      runWithLane(" qa ", () => assert.equal(currentLane(), "qa"));
    });
    assert.equal(currentLane(), null);
  });

  test("an explicit lane wins over the context; an illegal one falls through to it", () => {
    runWithLane("dev", () => {
      assert.equal(effectiveLane(), "dev");
      assert.equal(effectiveLane("qa"), "qa");
      assert.equal(effectiveLane("QA!"), "dev");
    });
  });
});

describe("outbound headers", () => {
  test("laneHeaders uses the argument, else the context", () => {
    assert.deepEqual(laneHeaders(), {});
    assert.deepEqual(laneHeaders("dev"), { "x-lane": "dev" });
    assert.deepEqual(laneHeaders("bad lane"), {});
    runWithLane("qa", () => {
      assert.deepEqual(laneHeaders(), { "x-lane": "qa" });
      assert.deepEqual(laneHeaders("dev"), { "x-lane": "dev" });
    });
  });

  test("withLaneHeader keeps the caller's headers and does not change their object", () => {
    const callerHeaders = { "content-type": "application/json", "X-Lane": "stale" };
    const init = { method: "POST", headers: callerHeaders };
    const out = withLaneHeader(init, "dev");
    const headers = new Headers(out.headers);
    assert.equal(headers.get("content-type"), "application/json");
    assert.equal(headers.get("x-lane"), "dev");
    assert.equal(out.method, "POST");
    assert.deepEqual(callerHeaders, { "content-type": "application/json", "X-Lane": "stale" });
    assert.equal(new Headers(withLaneHeader(init, null).headers).get("x-lane"), "stale");
  });
});

describe("baggage", () => {
  test("the last lane member decides; bad percent-encoding is no lane", () => {
    assert.equal(laneFromBaggage("lane=dev,lane=qa"), "qa");
    assert.equal(laneFromBaggage("lane=%E0%A4%A"), null);
    assert.equal(laneFromBaggage("a=b;lane=dev"), null, "a property is not a member");
  });
});
