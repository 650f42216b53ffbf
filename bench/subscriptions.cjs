#!/usr/bin/env node
// Live-query load (issue 19, docs/subscriptions.md "Figures"): N subscribers of the blog's
// `posts` live query, over S sockets, in C cohorts (C distinct variable sets), against a
// running `fraiseql serve` on the blog example. Two phases:
//   idle     — nothing changes for `--seconds`: server CPU per interval (refetches only),
//              memory per subscriber (server RSS over the RSS before subscribing);
//   changing — one post of one cohort is updated through a mutation every interval: push
//              latency (mutation sent -> `next` received: the mutation's own time included) p50/p99, server CPU per interval.
// PostgreSQL's CPU is the sum over its processes (/proc), same windows.
//
//   node bench/subscriptions.cjs --modules DIR --port P --server-pid PID --pg-pid PID
//        [--subscribers 1000] [--sockets 50] [--cohorts 10] [--seconds 10] [--interval-ms 1000]
//
// bench/subscriptions.sh runs it for 1k, 5k and 10k subscribers (one socket each) in one go.
//
// DIR is a node_modules with graphql-ws and ws (tests/e2e/graphql_ws/package.json).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const a = {};
for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].slice(2)] = process.argv[i + 1];
const N = Number(a.subscribers || 1000), S = Number(a.sockets || 50), C = Number(a.cohorts || 10);
const seconds = Number(a.seconds || 10), interval = Number(a['interval-ms'] || 1000);
const { createClient } = require(path.join(a.modules, 'graphql-ws'));
const WebSocket = require(path.join(a.modules, 'ws'));
const http = `http://127.0.0.1:${a.port}/graphql`;

const tick = 100; // USER_HZ
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / tick;
}
function pgCpu(postmaster) {
  // The postmaster and its children (backends, walwriter, ...).
  let total = cpuSeconds(postmaster);
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(st[1]) === Number(postmaster)) total += cpuSeconds(p);
    } catch (_) { /* gone */ }
  }
  return total;
}
function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}
async function gql(query, variables) {
  const r = await fetch(http, { method: 'POST', headers: { 'content-type': 'application/json' },
                                body: JSON.stringify({ query, variables }) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${text}`);
  return JSON.parse(text);
}
const pct = (xs, p) => xs.length ? xs.slice().sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN;

async function main() {
  // One post per cohort, titled by the cohort: the live query selects it by id.
  const users = await gql('{ users(limit: 1) { id } }');
  const authorId = users.data.users[0].id;
  const posts = [];
  for (let c = 0; c < C; c++) {
    const r = await gql('mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
                        { i: { authorId, title: `bench-${Date.now()}-${c}`, body: 'x' } });
    posts.push(r.data.createPost.id);
  }
  const rss0 = rssKb(a['server-pid']);
  // Sockets open in batches of 500, each batch acknowledged before the next (10k connects at
  // once would overflow the listen backlog and measure SYN retries, not the server).
  const clients = [];
  for (let s = 0; s < S; s += 500) {
    const batch = [];
    for (let k = s; k < Math.min(S, s + 500); k++)
      batch.push(new Promise((resolve, reject) => {
        clients.push(createClient({ url: `ws://127.0.0.1:${a.port}/graphql`, webSocketImpl: WebSocket,
                                    retryAttempts: 0, lazy: false, keepAlive: 0,
                                    on: { connected: resolve, error: reject } }));
      }));
    await Promise.all(batch);
  }
  const waiting = new Map(); // post id -> time of the mutation's answer
  const latencies = [];
  let first = 0;
  const started = new Promise((resolve) => {
    for (let i = 0; i < N; i++) {
      const c = i % C;
      let got = false;
      clients[i % S].subscribe(
        { query: 'subscription($id: UUID!) { post(id: $id) { id title } }', variables: { id: posts[c] } },
        { next(v) {
            if (!got) { got = true; if (++first === N) resolve(); return; }
            const t = waiting.get(posts[c]);
            if (t !== undefined) latencies.push(Date.now() - t);
          },
          error(e) { console.error('subscription error', e); }, complete() {} });
    }
  });
  await started;
  await new Promise((r) => setTimeout(r, 2 * interval));
  const rss1 = rssKb(a['server-pid']);

  let cpu0 = cpuSeconds(a['server-pid']), pg0 = pgCpu(a['pg-pid']), t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  let intervals = (Date.now() - t0) / interval;
  const idle = { server_ms: (cpuSeconds(a['server-pid']) - cpu0) * 1000 / intervals,
                 pg_ms: (pgCpu(a['pg-pid']) - pg0) * 1000 / intervals };

  cpu0 = cpuSeconds(a['server-pid']); pg0 = pgCpu(a['pg-pid']); t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < seconds * 1000) {
    const id = posts[n++ % C];
    waiting.set(id, Date.now());
    await gql('mutation($i: UpdatePostTitleInput!) { updatePostTitle(input: $i) { __typename } }',
              { i: { id, title: `bench-${Date.now()}-${n}` } });
    await new Promise((r) => setTimeout(r, interval));
  }
  intervals = (Date.now() - t0) / interval;
  const changing = { server_ms: (cpuSeconds(a['server-pid']) - cpu0) * 1000 / intervals,
                     pg_ms: (pgCpu(a['pg-pid']) - pg0) * 1000 / intervals };
  const out = { subscribers: N, sockets: S, cohorts: C, interval_ms: interval, load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
                rss_per_subscriber_bytes: Math.round((rss1 - rss0) * 1024 / N),
                idle_cpu_ms_per_interval: idle, changing_cpu_ms_per_interval: changing,
                push_latency_ms: { p50: pct(latencies, 0.5), p99: pct(latencies, 0.99),
                                   samples: latencies.length } };
  console.log(JSON.stringify(out));
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
