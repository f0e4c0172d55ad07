/**
 * The example runs against a fake registry and prints the targets; it also proves that an ES
 * module can import the built package (dist/, CommonJS) by name.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { FakeRegistry, PACKAGE_ROOT } from "./helpers.js";

let fake: FakeRegistry;
before(async () => {
  fake = new FakeRegistry();
  fake.table = { services: { web: { lanes: ["dev", "prod"], port: 8080 } }, version: 42 };
  await fake.start();
});
after(() => fake.stop());

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "examples", "route-demo.mjs"), ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 15_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

test("route-demo prints the target of each lane and exits 0", async () => {
  const { code, stdout, stderr } = await run(["--registry", fake.url, "--app", "web"]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "x-lane: dev -> http://web-dev:8080/\nx-lane: qa -> http://web:8080/\n");
  assert.match(stderr, /route table version 42/);
});

test("route-demo without a registry uses the default port", async () => {
  const { code, stdout } = await run(["--registry", "http://127.0.0.1:1", "--app", "api", "--default-port", "9000", "--wait-ms", "200"]);
  assert.equal(code, 0);
  assert.equal(stdout, "x-lane: dev -> http://api:9000/\nx-lane: qa -> http://api:9000/\n");
});

test("route-demo without arguments prints its usage and exits 2", async () => {
  const { code, stderr } = await run([]);
  assert.equal(code, 2);
  assert.match(stderr, /usage:/);
});
