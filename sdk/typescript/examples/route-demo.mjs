#!/usr/bin/env node
/**
 * route-demo: shows which target a service would call for requests in different lanes.
 *
 *   npm run build
 *   node examples/route-demo.mjs --registry http://localhost:8081 --app web [--default-port 8080]
 *
 * It waits (a few seconds) for the registry's route table, starts a tiny HTTP server whose
 * handler answers with router.url(app, "/") for the request's lane, sends itself one request with
 * `x-lane: dev` and one with `x-lane: qa`, prints the targets and exits. It only prints the
 * targets: names like web-dev resolve inside the cluster only.
 */
import * as http from "node:http";
import { parseArgs } from "node:util";
import { LaneRouter, withLane } from "../dist/index.js";

const usage = "usage: node examples/route-demo.mjs --registry http://localhost:8081 --app web [--default-port 8080] [--wait-ms 5000]";

let values;
try {
  ({ values } = parseArgs({
    options: {
      registry: { type: "string" },
      app: { type: "string" },
      "default-port": { type: "string", default: "8080" },
      "wait-ms": { type: "string", default: "5000" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.registry || !values.app) {
  console.error(usage);
  process.exit(2);
}

const app = values.app;
const router = new LaneRouter(values.registry, { defaultPort: Number(values["default-port"]) });
if (await router.ready(Number(values["wait-ms"]))) {
  console.error(`route table version ${router.version} from ${router.registryUrl}`);
} else {
  console.error(`no route table from ${router.registryUrl} yet; targets use the default port`);
}

// The handler runs inside the request's lane (withLane), so router.url() picks the lane's target.
const server = http.createServer(withLane((_req, res) => res.end(router.url(app, "/"))));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();

try {
  for (const lane of ["dev", "qa"]) {
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-lane": lane } });
    console.log(`x-lane: ${lane} -> ${await res.text()}`);
  }
} finally {
  server.close();
  server.closeAllConnections();
  await router.close();
}
