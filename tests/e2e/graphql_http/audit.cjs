#!/usr/bin/env node
// The GraphQL-over-HTTP audit of the graphql-http package (auditServer, pinned in
// package.json / package-lock.json) against the real `fraiseql serve` over loopback.
// Fails on any audit that is not "ok": a MUST (error) and a SHOULD (warning) alike.
//
//   node audit.cjs --modules DIR --server BIN --schema FILE --cluster-dir DIR --backend NAME
//
// The database is the fraiseql_e2e database of the test cluster (tests/CMakeLists.txt,
// fixture pg_cluster); the cluster's env file gives its port.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    if (!a[i].startsWith('--') || i + 1 >= a.length) throw new Error(`bad argument ${a[i]}`);
    out[a[i].slice(2)] = a[i + 1];
  }
  for (const k of ['modules', 'server', 'schema', 'cluster-dir', 'backend'])
    if (!out[k]) throw new Error(`--${k} is required`);
  return out;
}

function clusterPort(dir) {
  const text = fs.readFileSync(path.join(dir, 'env'), 'utf8');
  const m = /^FRAISEQL_TEST_PORT=['"]?(\d+)/m.exec(text);
  if (!m) throw new Error(`no FRAISEQL_TEST_PORT in ${dir}/env`);
  return m[1];
}

// Starts the server on a free port and resolves with it once the log says it serves.
function startServer(o) {
  const url = `postgres://postgres@127.0.0.1:${clusterPort(o['cluster-dir'])}/fraiseql_e2e`;
  const child = spawn(o.server, ['serve', '--schema', o.schema, '--database-url', url,
                                 '--backend', o.backend, '--port', '0'],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not come up within 20 s:\n${log}`));
    }, 20000);
    const onData = (d) => {
      log += d.toString();
      const m = /serving .* on http:\/\/[^:]+:(\d+)\/graphql/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), log: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving:\n${log}`));
    });
  });
}

async function main() {
  const o = args();
  const { auditServer } = require(path.join(o.modules, 'graphql-http'));
  const server = await startServer(o);
  server.child.removeAllListeners('exit');
  let failed = 0;
  try {
    const results = await auditServer({ url: `http://127.0.0.1:${server.port}/graphql` });
    const counts = { ok: 0, warn: 0, error: 0 };
    for (const r of results) {
      counts[r.status] = (counts[r.status] || 0) + 1;
      if (r.status !== 'ok') {
        failed++;
        let detail = r.reason;
        try {
          if (r.response) detail += ` (status ${r.response.status}: ${await r.response.text()})`;
        } catch (_) { /* the body was read by the audit */ }
        console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${detail}`);
      }
    }
    console.log(`graphql-http audit (${o.backend}): ${counts.ok} ok, ${counts.warn} warnings, ` +
                `${counts.error} errors of ${results.length}`);
    if (results.length < 50) {
      console.log('fewer audits than expected: is the pinned graphql-http installed?');
      failed++;
    }
  } finally {
    server.child.kill('SIGTERM');
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
