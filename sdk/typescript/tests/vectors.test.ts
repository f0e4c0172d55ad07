/**
 * The shared vectors (sdk/testdata/routing-vectors.json), run exactly as the Java and Python SDKs run them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyEvent, effectiveLane, laneFromHeaders, parseTable, RouteResolver, runWithLane, type RouteTable } from "../src/index.js";
import { loadVectors, plainServices } from "./helpers.js";

const vectors = loadVectors();

describe("vectors: resolve", () => {
  test("the file has cases", () => assert.ok(vectors.resolve.length > 0));
  for (const v of vectors.resolve) {
    test(v.name, () => {
      const table = v.table === null ? null : parseTable(v.table);
      const resolver = new RouteResolver(table, v.default_port);
      if (v.context_lane !== undefined) {
        // the resolver is pure: the router hands it the lane it settles on
        runWithLane(v.context_lane, () => {
          assert.equal(resolver.resolve(v.service, effectiveLane(v.lane)), v.target);
          if (v.path !== undefined) {
            assert.equal(resolver.url(v.service, v.path, effectiveLane(v.lane)), v.url);
          }
        });
        return;
      }
      assert.equal(resolver.resolve(v.service, v.lane), v.target);
      // With no context lane around, an explicit lane and the same lane from the context agree.
      assert.equal(runWithLane(v.lane, () => resolver.resolve(v.service, v.lane)), v.target);
      if (v.path !== undefined) assert.equal(resolver.url(v.service, v.path, v.lane), v.url);
    });
  }
});

describe("vectors: headers", () => {
  test("the file has cases", () => assert.ok(vectors.headers.length > 0));
  for (const v of vectors.headers) {
    test(v.name, () => {
      // A plain record as given (any case), Node's lower-cased IncomingHttpHeaders, and a Fetch Headers.
      assert.equal(laneFromHeaders(v.headers), v.lane, "plain record");
      const lower = Object.fromEntries(Object.entries(v.headers).map(([k, value]) => [k.toLowerCase(), value]));
      assert.equal(laneFromHeaders(lower), v.lane, "IncomingHttpHeaders-like");
      assert.equal(laneFromHeaders(new Headers(v.headers)), v.lane, "Headers");
    });
  }
});

describe("vectors: streams", () => {
  test("the file has cases", () => assert.ok(vectors.streams.length > 0));
  for (const v of vectors.streams) {
    test(v.name, () => {
      let table: RouteTable | null = null;
      const outcomes: string[] = [];
      for (const event of v.events) {
        const result = applyEvent(table, event.event, event.data);
        outcomes.push(result.outcome);
        if (result.outcome !== "applied") assert.equal(result.table, table, "a table not applied is kept as it was");
        table = result.table;
      }
      assert.deepEqual(outcomes, v.outcomes);
      assert.deepEqual(plainServices(table?.services ?? null), v.services);
      assert.equal(table?.version ?? null, v.version);
    });
  }
});
