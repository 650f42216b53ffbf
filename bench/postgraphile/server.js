// PostGraphile 4.x server for the FraiseQL end-to-end benchmark (bench/run-all.sh starts it).
//
//   node server.js DATABASE_URL PORT [POOL_SIZE]
//
// The library form of PostGraphile with the options its documentation recommends for
// production (no GraphiQL, no query log, no watch), `simpleCollections: "both"` so the
// benchmark can use plain lists (`allTbPostsList`) on both sides, as PostGraphile's maintainer
// asks for a fair comparison, and postgraphile-plugin-connection-filter (with relation
// filters) for the filtered-list shape, which core PostGraphile 4 cannot express.
'use strict';
const http = require('http');
const { postgraphile } = require('postgraphile');
const ConnectionFilterPlugin = require('postgraphile-plugin-connection-filter');

const [databaseUrl, port, poolSize] = process.argv.slice(2);
if (!databaseUrl || !port) {
    console.error('usage: node server.js DATABASE_URL PORT [POOL_SIZE]');
    process.exit(2);
}
const { Pool } = require('pg');
const pool = new Pool({ connectionString: databaseUrl, max: Number(poolSize || 10) });

const middleware = postgraphile(pool, 'public', {
    graphiql: false,
    disableQueryLog: true,
    watchPg: false,
    simpleCollections: 'both',
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    disableDefaultMutations: true,
    retryOnInitFail: false,
    appendPlugins: [ConnectionFilterPlugin],
    graphileBuildOptions: { connectionFilterRelations: true },
});

const server = http.createServer(middleware);
server.keepAliveTimeout = 65000;
server.listen(Number(port), '127.0.0.1', () => {
    console.log(`postgraphile ${require('postgraphile/package.json').version} on ` +
                `http://127.0.0.1:${port}/graphql`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
