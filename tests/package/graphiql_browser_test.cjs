'use strict';
// e2e.graphiql_browser: GraphiQL works offline, in a real browser.
//
// Starts `fraiseql serve` (development, the blog example on the test cluster), then Debian's
// Chromium headless with every host but 127.0.0.1 unresolvable and every non-loopback request
// sent to a dead proxy, and drives it over the DevTools protocol (the `ws` package, pinned in
// packaging/graphiql/package-lock.json): load GET /graphql, wait for the editor, type a query
// into it, press the execute button, read the result pane. Fails on any request that leaves
// 127.0.0.1, any failed load, any Content-Security-Policy report or page error. Keeps a
// screenshot in --artefacts. Bounded: 150 s in all, every wait has its own limit.
//
//   node graphiql_browser_test.cjs --fraiseql BIN --schema FILE --modules NODE_MODULES --artefacts DIR
//        --version VERSION   (also checked in /health and /metrics)
//   (FRAISEQL_TEST_CLUSTER_DIR: the test cluster; CHROMIUM: the browser, default chromium)

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['fraiseql', 'schema', 'modules', 'artefacts', 'version'])
  if (!args[k]) { console.error(`missing --${k}`); process.exit(2); }
const WebSocket = require(path.resolve(args.modules, 'ws'));

const started = Date.now();
const log = (m) => console.log(`graphiql_browser: [${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);
const children = [];
let userDataDir = null;
function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) { try { c.kill('SIGKILL'); } catch {} }
  // Chromium may still be writing its profile while it dies.
  if (userDataDir) try { fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5 }); } catch {}
}
function fail(msg) {
  console.error(`graphiql_browser: FAIL: ${msg}`);
  cleanup();
  process.exit(1);
}
setTimeout(() => fail('the whole test took more than 150 s'), 150000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, ms, probe) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) fail(`${what}: not within ${ms / 1000} s`);
    await sleep(100);
  }
}
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function main() {
  fs.mkdirSync(args.artefacts, { recursive: true });
  const env = fs.readFileSync(path.join(process.env.FRAISEQL_TEST_CLUSTER_DIR, 'env'), 'utf8');
  const pgPort = /^FRAISEQL_TEST_PORT=(\d+)$/m.exec(env)[1];

  // ---- the server
  const server = spawn(args.fraiseql, ['serve', '--schema', args.schema, '--database-url',
    `postgres://postgres@127.0.0.1:${pgPort}/fraiseql_e2e`, '--port', '0', '--environment', 'development'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(server);
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const port = await until('the server listening', 30000, async () => {
    if (server.exitCode !== null) fail(`the server exited ${server.exitCode}: ${serverLog}`);
    const m = / on http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(serverLog);
    return m && m[1];
  });
  const origin = `http://127.0.0.1:${port}`;
  log(`server on ${origin}`);

  // ---- the version (product.md §10)
  const health = JSON.parse((await get(`${origin}/health`)).body.toString());
  if (health.version !== args.version) fail(`/health: ${JSON.stringify(health)}, want version ${args.version}`);
  const metrics = (await get(`${origin}/metrics`)).body.toString();
  if (!metrics.split('\n').includes(`fraiseql_build_info{version="${args.version}"} 1`))
    fail(`/metrics lacks fraiseql_build_info{version="${args.version}"} 1`);

  // ---- the page and its assets, as HTTP sees them
  const page = await get(`${origin}/graphql`, { accept: 'text/html' });
  const html = page.body.toString();
  if (page.status !== 200) fail(`GET /graphql (text/html): ${page.status}`);
  const csp = page.headers['content-security-policy'] || '';
  if (!/script-src 'self'(;|$)/.test(csp) || !/style-src 'self'(;|$)/.test(csp) ||
      !/default-src 'none'/.test(csp) || /unsafe/.test(csp)) fail(`weak or no CSP: "${csp}"`);
  if (/ style="/.test(html)) fail('the page has a style attribute (refused by its CSP)');
  if (/https?:\/\/(?!127\.0\.0\.1)/.test(html)) fail('the page references another origin');
  if (/<script>/.test(html)) fail('the page has an inline script');
  const assets = [...html.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map((m) => m[1]);
  if (assets.length !== 5) fail(`expected 5 assets (React, ReactDOM, GraphiQL js+css, init), found ${assets}`);
  for (const a of assets) {
    const r = await get(origin + a);
    if (r.status !== 200 || r.body.length < 100) fail(`GET ${a}: ${r.status}, ${r.body.length} bytes`);
    if (!/immutable/.test(r.headers['cache-control'] || '')) fail(`GET ${a}: no immutable Cache-Control`);
    if (r.headers['x-content-type-options'] !== 'nosniff') fail(`GET ${a}: no nosniff`);
  }
  log(`page and ${assets.length} assets served (CSP: ${csp})`);

  // ---- the browser, with no network beyond 127.0.0.1
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fraiseql-chromium-'));
  const chromium = spawn(process.env.CHROMIUM || 'chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`,
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1',
    '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-extensions',
    '--window-size=1280,800', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(chromium);
  let chromiumErr = '';
  chromium.stderr.on('data', (d) => { chromiumErr += d; });
  const devtools = await until('Chromium DevTools endpoint', 30000, async () => {
    if (chromium.exitCode !== null) fail(`chromium exited ${chromium.exitCode}: ${chromiumErr.slice(-2000)}`);
    try {
      const [p, wsPath] = fs.readFileSync(path.join(userDataDir, 'DevToolsActivePort'), 'utf8').trim().split('\n');
      return wsPath ? `ws://127.0.0.1:${p}${wsPath}` : null;
    } catch { return null; }
  });
  const ws = new WebSocket(devtools, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 1;
  const pending = new Map();
  const events = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject, method } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
      else resolve(msg.result);
    } else if (msg.method) events.push(msg);
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, method });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const cmd = (method, params) => send(method, params, sessionId);
  await cmd('Network.enable');
  await cmd('Runtime.enable');
  await cmd('Log.enable');
  await cmd('Page.enable');
  const evaluate = async (expression) => {
    const r = await cmd('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) return undefined;
    return r.result.value;
  };

  await cmd('Page.navigate', { url: `${origin}/graphql` });
  await until('the GraphiQL editor', 30000, () =>
    evaluate(`!!document.querySelector('.graphiql-query-editor .CodeMirror')`));
  log('GraphiQL rendered');

  const query = '{ users(limit: 2, orderBy: [{email: ASC}]) { email } }';
  const typed = await evaluate(`(() => {
    const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
    cm.setValue(${JSON.stringify(query)});
    return cm.getValue();
  })()`);
  if (typed !== query) fail(`the editor holds ${JSON.stringify(typed)}`);
  await evaluate(`document.querySelector('.graphiql-execute-button').click()`);
  const resultText = await until('the result pane', 30000, () => evaluate(`(() => {
    const el = document.querySelector('.graphiql-response .CodeMirror');
    const v = el && el.CodeMirror.getValue();
    return v && v.includes('"data"') ? v : null;
  })()`));
  let result;
  try { result = JSON.parse(resultText); } catch { fail(`the result pane holds no JSON: ${resultText}`); }
  const emails = (result.data && result.data.users || []).map((u) => u.email);
  if (emails.length !== 2 || emails[0] !== 'alice@example.com' || result.errors)
    fail(`unexpected result: ${resultText}`);
  log(`result pane: ${JSON.stringify(result)}`);

  const shot = await cmd('Page.captureScreenshot', { format: 'png' });
  const png = path.join(args.artefacts, 'graphiql.png');
  fs.writeFileSync(png, Buffer.from(shot.data, 'base64'));
  log(`screenshot ${png} (${fs.statSync(png).size} bytes)`);

  // ---- what the page did
  const requests = events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => e.params.request);
  const offsite = requests.filter((r) => !r.url.startsWith(origin + '/') && !/^(data|blob|about):/.test(r.url));
  if (offsite.length) fail(`requests beyond ${origin}: ${offsite.map((r) => r.url).join(', ')}`);
  const posted = requests.filter((r) => r.method === 'POST' && r.url === `${origin}/graphql` &&
    (r.postData || '').includes('orderBy'));
  if (posted.length === 0) fail('the query did not reach POST /graphql');
  const failed = events.filter((e) => e.method === 'Network.loadingFailed');
  if (failed.length) fail(`failed loads: ${JSON.stringify(failed.map((e) => e.params))}`);
  const problems = events.filter((e) =>
    e.method === 'Runtime.exceptionThrown' ||
    (e.method === 'Log.entryAdded' && e.params.entry.level === 'error') ||
    (e.method === 'Runtime.consoleAPICalled' && e.params.type === 'error'));
  if (problems.length) fail(`page errors (CSP, scripts): ${JSON.stringify(problems.map((e) => e.params)).slice(0, 3000)}`);
  log(`${requests.length} requests, all to ${origin}; no page errors`);

  await send('Browser.close').catch(() => {});
  ws.close();
  server.kill('SIGTERM');
  await until('the server stopping on SIGTERM', 20000, async () => server.exitCode !== null);
  if (server.exitCode !== 0) fail(`the server exited ${server.exitCode} after SIGTERM`);

  // ---- production serves neither the page nor its assets
  const prod = spawn(args.fraiseql, ['serve', '--schema', args.schema, '--database-url',
    `postgres://postgres@127.0.0.1:${pgPort}/fraiseql_e2e`, '--port', '0', '--environment', 'production'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(prod);
  let prodLog = '';
  prod.stdout.on('data', (d) => { prodLog += d; });
  prod.stderr.on('data', (d) => { prodLog += d; });
  const prodPort = await until('the production server listening', 30000, async () => {
    if (prod.exitCode !== null) fail(`the production server exited ${prod.exitCode}: ${prodLog}`);
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(prodLog);
    return m && m[1];
  });
  const prodPage = await get(`http://127.0.0.1:${prodPort}/graphql`, { accept: 'text/html' });
  if (prodPage.body.toString().includes('graphiql')) fail('production served the GraphiQL page');
  for (const a of assets) {
    const r = await get(`http://127.0.0.1:${prodPort}${a}`);
    if (r.status !== 404) fail(`production answered ${r.status} for ${a}, want 404`);
  }
  log('production: no page, assets 404');
  prod.kill('SIGTERM');
  cleanup();
  log('ok');
}

main().catch((e) => fail(e.stack || String(e)));
