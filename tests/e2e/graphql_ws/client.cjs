#!/usr/bin/env node
// The graphql-ws reference client (graphql-transport-ws; pinned in package.json /
// package-lock.json, with the `ws` WebSocket for node) against the real `fraiseql serve` over
// loopback: the handshake, a query and a mutation over the socket, a live query pushed on
// change and only on change, completion, a refused token (4403). The raw-frame tests of every
// close code are tests/e2e/subscriptions_pgtest.cpp.
//
//   node client.cjs --modules DIR --server BIN --schema FILE --cluster-dir DIR --backend NAME
//                   --database DB
//
// DB is a private copy of the blog example (fixture graphql_ws_database): the posts this test
// creates must not show in the lists the blog e2e tests compare exactly.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');

function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    if (!a[i].startsWith('--') || i + 1 >= a.length) throw new Error(`bad argument ${a[i]}`);
    out[a[i].slice(2)] = a[i + 1];
  }
  for (const k of ['modules', 'server', 'schema', 'cluster-dir', 'backend', 'database'])
    if (!out[k]) throw new Error(`--${k} is required`);
  return out;
}

function clusterPort(dir) {
  const text = fs.readFileSync(path.join(dir, 'env'), 'utf8');
  const m = /^FRAISEQL_TEST_PORT=['"]?(\d+)/m.exec(text);
  if (!m) throw new Error(`no FRAISEQL_TEST_PORT in ${dir}/env`);
  return m[1];
}

const secret = 'graphql-ws-e2e-secret-0123456789-abcdefghijkl';
function b64url(s) { return Buffer.from(s).toString('base64url'); }
function jwt(claims) {
  const crypto = require('node:crypto');
  const input = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims));
  return input + '.' + crypto.createHmac('sha256', secret).update(input).digest('base64url');
}

function startServer(o) {
  const url = `postgres://postgres@127.0.0.1:${clusterPort(o['cluster-dir'])}/${o.database}`;
  const child = spawn(o.server, ['serve', '--schema', o.schema, '--database-url', url,
                                 '--backend', o.backend, '--port', '0'],
                      { stdio: ['ignore', 'pipe', 'pipe'],
                        env: { ...process.env, FRAISEQL_JWT_SECRET: secret,
                               FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL: '200ms' } });
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

// Pulls the next value of an async iterator, or 'timeout' after `ms`. A pull that timed out
// stays pending and is the one awaited next time (a second next() would miss its value).
const pending = new WeakMap();
async function nextWithin(it, ms) {
  let timer;
  if (!pending.has(it)) pending.set(it, it.next());
  const t = new Promise((r) => { timer = setTimeout(() => r('timeout'), ms); });
  const v = await Promise.race([pending.get(it), t]);
  clearTimeout(timer);
  if (v !== 'timeout') pending.delete(it);
  return v;
}

async function main() {
  const o = args();
  const { createClient } = require(path.join(o.modules, 'graphql-ws'));
  const WebSocket = require(path.join(o.modules, 'ws'));
  const server = await startServer(o);
  server.child.removeAllListeners('exit');
  const url = `ws://127.0.0.1:${server.port}/graphql`;
  let checks = 0;
  try {
    const token = jwt({ sub: 'ws-client', exp: Math.floor(Date.now() / 1000) + 600 });
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0,
                                  connectionParams: { Authorization: `Bearer ${token}` } });

    // A query over the socket: one result, then complete.
    const users = [];
    for await (const r of client.iterate({ query: '{ users(limit: 1) { id } }' })) users.push(r);
    assert.equal(users.length, 1);
    assert.equal(users[0].data.users.length, 1);
    const authorId = users[0].data.users[0].id;
    checks++;

    // A live query: the current result at once.
    const title = `graphql-ws-${Date.now()}`;
    const live = client.iterate({
      query: 'subscription($t: String!) { posts(where: {title: {eq: $t}}) { title } }',
      variables: { t: title },
    });
    let v = await nextWithin(live, 5000);
    assert.notEqual(v, 'timeout', 'no first result');
    assert.deepEqual(v.value, { data: { posts: [] } });
    checks++;
    // Nothing changed: nothing pushed.
    v = await nextWithin(live, 800);
    assert.equal(v, 'timeout', `pushed without a change: ${JSON.stringify(v)}`);
    checks++;

    // A mutation over the socket; the change is pushed within the interval.
    const created = [];
    for await (const r of client.iterate({
      query: 'mutation($i: CreatePostInput!) { createPost(input: $i) { title } }',
      variables: { i: { authorId, title, body: 'pushed by a live query' } },
    })) created.push(r);
    assert.equal(created.length, 1);
    assert.equal(created[0].data.createPost.title, title);
    const t0 = Date.now();
    v = await nextWithin(live, 3000);
    assert.notEqual(v, 'timeout', 'the change was not pushed');
    assert.deepEqual(v.value, { data: { posts: [{ title }] } });
    const latency = Date.now() - t0;
    assert.ok(latency < 1000, `pushed after ${latency} ms`);
    checks++;

    // complete (return) ends it on the server too.
    await live.return();
    await new Promise((r) => setTimeout(r, 300));
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    assert.match(metrics, /\nfraiseql_subscription_subscribers 0\n/);
    checks++;
    await client.dispose();

    // A refused token: the socket closes with 4403 before any result.
    const closed = new Promise((resolve) => {
      const bad = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0,
                                 connectionParams: { Authorization: 'Bearer not.a.token' },
                                 on: { closed: (e) => resolve(e.code) } });
      bad.subscribe({ query: '{ users { id } }' }, { next() {}, error() {}, complete() {} });
    });
    assert.equal(await closed, 4403);
    checks++;
    console.log(`graphql-ws client (${o.backend}): ${checks} checks passed`);
  } catch (e) {
    console.log(server.log().split('\n').slice(-30).join('\n'));
    throw e;
  } finally {
    server.child.kill('SIGTERM');
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
