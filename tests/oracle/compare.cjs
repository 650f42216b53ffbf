'use strict';
// Differential test of FraiseQL's GraphQL front end against graphql-js (pinned in
// package.json), driven by CTest (tests/oracle/CMakeLists.txt).
//
//   node compare.cjs validate      --modules DIR --tool TOOL --schema SDL --work DIR
//                                  --corpus FILE [--generated N] [--seed S]
//   node compare.cjs introspection --modules DIR --tool TOOL --schema SDL --work DIR
//   node compare.cjs sdl           --modules DIR --tool TOOL --schema SDL --work DIR
//                                  --corpus FILE
//
// validate: for every document of the corpus (documents start at lines "#== name") and N
// mutants of its valid documents, our parse success must equal graphql-js `parse`'s, and
// our validation verdict must equal `validate(buildSchema(our printed schema), doc)`'s.
// Message and location agreement are measured and printed.
// introspection: our answer to graphql-js's introspection query, through
// `buildClientSchema` + `printSchema`, must print the same schema as `printSchema` of
// `buildSchema(our printed SDL)`; the two introspection results are also compared.
// sdl: every schema document of the corpus goes through our build_schema and through
// graphql-js `buildSchema` + `validateSchema` (with FraiseQL's directives and scalars, as
// printed from --schema, prepended); the verdicts must agree, except for documents whose
// id starts with "fraiseql-", which break a FraiseQL rule (product.md §2) that graphql-js
// does not know: those we must refuse and graphql-js must accept.
// Exit status 1 on any disagreement that must not happen; never skips.

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

function parseArgs(argv) {
  const out = { mode: argv[0], generated: 0, seed: 20211026 };
  for (let i = 1; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['modules', 'tool', 'schema', 'work'])
    if (!out[k]) throw new Error(`missing --${k}`);
  out.generated = Number(out.generated);
  out.seed = Number(out.seed);
  return out;
}

const args = parseArgs(process.argv.slice(2));
const graphql = require(path.resolve(args.modules, 'graphql'));
if (graphql.version !== '16.8.1') {
  console.error(`oracle: expected graphql 16.8.1, found ${graphql.version}`);
  process.exit(1);
}
fs.mkdirSync(args.work, { recursive: true });

function tool(...toolArgs) {
  return execFileSync(args.tool, toolArgs, { encoding: 'utf8', maxBuffer: 1 << 28 });
}

function printedSchema() {
  const sdl = tool('print-schema', args.schema);
  fs.writeFileSync(path.join(args.work, 'schema.printed.graphql'), sdl);
  const schema = graphql.buildSchema(sdl);
  const problems = graphql.validateSchema(schema);
  if (problems.length) {
    console.error('graphql-js refuses our printed schema:');
    for (const p of problems) console.error('  ' + p.message);
    process.exit(1);
  }
  return { sdl, schema };
}

// ---- introspection ------------------------------------------------------------------

function sortDeep(x) {
  if (Array.isArray(x)) {
    const items = x.map(sortDeep);
    if (items.every((i) => i && typeof i === 'object' && typeof i.name === 'string'))
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return items;
  }
  if (x && typeof x === 'object') {
    const out = {};
    for (const k of Object.keys(x).sort()) out[k] = sortDeep(x[k]);
    return out;
  }
  return x;
}

function diffJson(a, b, where, out) {
  if (out.length >= 400) return;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${where}: ours ${JSON.stringify(a)} / graphql-js ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) out.push(`${where}: ${a.length} items / graphql-js ${b.length}`);
    const names = (l) => l.map((i) => (i && i.name) || '?').join(',');
    if (a.length !== b.length && a.every((i) => i && i.name)) {
      out.push(`${where}: ours [${names(a)}] / graphql-js [${names(b)}]`);
      return;
    }
    for (let i = 0; i < Math.min(a.length, b.length); i++)
      diffJson(a[i], b[i], `${where}[${(a[i] && a[i].name) || i}]`, out);
    return;
  }
  if (a && typeof a === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffJson(a[k], b[k], `${where}.${k}`, out);
    return;
  }
  if (a !== b) out.push(`${where}: ours ${JSON.stringify(a)} / graphql-js ${JSON.stringify(b)}`);
}

function introspection() {
  const { schema } = printedSchema();
  const query = graphql.getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  const queryFile = path.join(args.work, 'introspection.graphql');
  fs.writeFileSync(queryFile, query);
  const ours = JSON.parse(tool('introspect', args.schema, queryFile));
  fs.writeFileSync(path.join(args.work, 'introspection.ours.json'), JSON.stringify(ours, null, 2));
  let failed = false;

  const fromOurs = graphql.printSchema(graphql.buildClientSchema(ours.data));
  const fromSdl = graphql.printSchema(schema);
  if (fromOurs !== fromSdl) {
    failed = true;
    const a = fromOurs.split('\n');
    const b = fromSdl.split('\n');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    console.error('printSchema(buildClientSchema(our introspection)) differs from printSchema(buildSchema(our SDL)) at line ' + (i + 1) + ':');
    console.error('  ours:       ' + a.slice(i, i + 5).join('\n              '));
    console.error('  graphql-js: ' + b.slice(i, i + 5).join('\n              '));
  } else {
    console.log(`introspection: printSchema round trip identical (${fromSdl.split('\n').length} lines)`);
  }

  // The whole introspection result, against graphql-js answering the same query.
  const ref = graphql.graphqlSync({ schema, source: query });
  if (ref.errors) throw new Error(ref.errors.map((e) => e.message).join('; '));
  // Known and reported, not failed: our schema has every standard scalar, graphql-js's
  // only the ones that something references.
  const refNames = new Set(ref.data.__schema.types.map((t) => t.name));
  const extra = ours.data.__schema.types.filter((t) => !refNames.has(t.name) && ['Int', 'Float', 'String', 'Boolean', 'ID'].includes(t.name));
  if (extra.length) {
    console.log(`introspection: note: unreferenced standard scalars listed by ours only: ${extra.map((t) => t.name).join(', ')}`);
    ours.data.__schema.types = ours.data.__schema.types.filter((t) => !extra.includes(t));
  }
  const diffs = [];
  diffJson(sortDeep(ours.data), sortDeep(ref.data), 'data', diffs);
  // Every difference fails, the descriptions of the introspection types (__Schema,
  // __Type, …, spec §4.2) included: ours carry graphql-js's.
  const real = diffs;
  if (real.length) {
    failed = true;
    console.error(`introspection: ${real.length}${diffs.length >= 400 ? '+' : ''} differences from graphql-js's own answer:`);
    for (const d of real) console.error('  ' + d);
  } else {
    console.log('introspection: result otherwise identical to graphql-js\'s own answer (types and directives compared by name)');
  }
  process.exit(failed ? 1 : 0);
}

// ---- validation -----------------------------------------------------------------------

function splitCorpus(text) {
  const docs = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^#== (.*)$/.exec(line);
    if (m) {
      if (cur) docs.push(cur);
      cur = { id: m[1].trim(), source: '' };
    } else if (cur) {
      cur.source += line + '\n';
    }
  }
  if (cur) docs.push(cur);
  const ids = new Set();
  for (const d of docs) {
    if (ids.has(d.id)) throw new Error(`duplicate corpus id ${d.id}`);
    ids.add(d.id);
  }
  return docs;
}

// mulberry32: a small deterministic generator, so that the generated corpus is the same
// on every run and a failure can be reproduced.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lex(source) {
  const lexer = new graphql.Lexer(new graphql.Source(source));
  const out = [];
  try {
    for (let t = lexer.advance(); t.kind !== graphql.TokenKind.EOF; t = lexer.advance())
      out.push(t.kind === graphql.TokenKind.STRING || t.kind === graphql.TokenKind.BLOCK_STRING
        ? JSON.stringify(t.value)
        : t.value !== undefined ? t.value : t.kind);
  } catch (e) {
    return null;
  }
  return out;
}

function schemaNames(schema) {
  const names = new Set(['foo', 'nmae', 'Usr', 'id', 'on', 'query', 'fragment', 'true', 'null']);
  for (const t of Object.values(schema.getTypeMap())) {
    names.add(t.name);
    if (t.getFields) for (const f of Object.values(t.getFields())) {
      names.add(f.name);
      for (const a of f.args || []) names.add(a.name);
    }
    if (t.getValues) for (const v of t.getValues()) names.add(v.name);
  }
  for (const d of schema.getDirectives()) names.add(d.name);
  return [...names].sort();
}

const VALUES = ['1', '-3', '2147483648', '1.5', '"str"', 'true', 'null', 'ADMIN', 'DRAFT', 'PLAIN',
  '[1, 2]', '[null]', '{title: "t", authorId: 1}', '{pinned: true}', '$v', '$id', '{}', '[]', '"ADMIN"',
  '{from: 1, from: 2}', '[[1]]', '"1"', '0'];
const DIRECTIVES = ['@skip(if: true)', '@include(if: $v)', '@deprecated', '@unknown', '@skip(if: true) @skip(if: false)',
  '@include', '@skip(if: "yes")', '@include(if: false, if: true)', '@view(name: "x")'];

function mutate(tokens, names, r) {
  const t = tokens.slice();
  const pick = (l) => l[Math.floor(r() * l.length)];
  const nameIdx = () => {
    const idx = t.map((x, i) => (/^[_A-Za-z][_0-9A-Za-z]*$/.test(x) ? i : -1)).filter((i) => i >= 0);
    return idx.length ? pick(idx) : -1;
  };
  const ops = 1 + Math.floor(r() * 2);
  for (let n = 0; n < ops; n++) {
    const op = r();
    if (op < 0.3) {
      const i = nameIdx();
      if (i >= 0) t[i] = pick(names);
    } else if (op < 0.5) {
      const idx = t.map((x, i) => (/^(-?\d|"|true$|false$|null$|[A-Z]+$)/.test(x) && t[i - 1] === ':' ? i : -1)).filter((i) => i >= 0);
      if (idx.length) t[pick(idx)] = pick(VALUES);
      else t.splice(Math.floor(r() * t.length), 0, pick(VALUES));
    } else if (op < 0.62) {
      const i = nameIdx();
      if (i >= 0 && t[i - 1] !== ':' && t[i + 1] !== ':' && t[i - 1] !== '$' && t[i - 1] !== '@')
        t.splice(i, 0, pick(t.filter((x) => /^[a-z]/.test(x))) || 'alias', ':');
    } else if (op < 0.75) {
      const i = nameIdx();
      if (i >= 0) t.splice(i + 1, 0, pick(DIRECTIVES));
    } else if (op < 0.83) {
      // Duplicate a balanced { … } selection (overlapping fields, repeated fragments).
      const opens = t.map((x, i) => (x === '{' ? i : -1)).filter((i) => i > 0);
      if (opens.length) {
        const s = pick(opens);
        let depth = 0;
        let e = s;
        for (; e < t.length; e++) {
          if (t[e] === '{') depth++;
          if (t[e] === '}' && --depth === 0) break;
        }
        const field = t[s - 1];
        if (/^[_A-Za-z]/.test(field)) t.splice(e + 1, 0, field, ...t.slice(s, e + 1));
      }
    } else if (op < 0.9) {
      const i = Math.floor(r() * t.length);
      const j = Math.floor(r() * t.length);
      [t[i], t[j]] = [t[j], t[i]];
    } else {
      t.splice(Math.floor(r() * t.length), 1);
    }
  }
  return t.join(' ');
}

function refResult(schema, source) {
  let doc;
  try {
    doc = graphql.parse(source);
  } catch (e) {
    return { parsed: false, message: e.message.replace(/^Syntax Error: /, ''),
      locations: (e.locations || []).map((l) => [l.line, l.column]) };
  }
  let errors;
  try {
    errors = graphql.validate(schema, doc);
  } catch (e) {
    return { parsed: true, crashed: String(e && e.message), errors: [] };
  }
  return { parsed: true, errors: errors.map((e) => ({ message: e.message,
    locations: (e.locations || []).map((l) => [l.line, l.column]) })) };
}

function validateMode() {
  if (!args.corpus) throw new Error('missing --corpus');
  const { schema } = printedSchema();
  const hand = splitCorpus(fs.readFileSync(args.corpus, 'utf8'));
  const docs = hand.map((d) => ({ ...d, kind: 'hand' }));
  const refs = new Map();
  for (const d of docs) refs.set(d.id, refResult(schema, d.source));
  const seeds = docs.filter((d) => refs.get(d.id).parsed && refs.get(d.id).errors.length === 0)
    .map((d) => ({ d, tokens: lex(d.source) })).filter((s) => s.tokens);
  const names = schemaNames(schema);
  const r = rng(args.seed);
  for (let i = 0; i < args.generated && seeds.length; i++) {
    const s = seeds[i % seeds.length];
    const d = { id: `gen${i}:${s.d.id}`, source: mutate(s.tokens, names, r), kind: 'generated' };
    docs.push(d);
    refs.set(d.id, refResult(schema, d.source));
  }
  const jsonl = path.join(args.work, 'docs.jsonl');
  fs.writeFileSync(jsonl, docs.map((d) => JSON.stringify({ id: d.id, source: d.source })).join('\n') + '\n');
  const ours = new Map();
  for (const line of tool('validate', args.schema, jsonl).split('\n'))
    if (line) { const o = JSON.parse(line); ours.set(o.id, o); }

  const stats = { docs: docs.length, hand: hand.length, parseAgree: 0, bothParsed: 0, verdictAgree: 0,
    syntaxMsg: 0, syntaxFail: 0, invalid: 0, msgExact: 0, msgSet: 0, locExact: 0, valid: 0, codeOk: 0, crashed: 0 };
  const hard = [];
  const soft = [];
  for (const d of docs) {
    const ref = refs.get(d.id);
    const our = ours.get(d.id);
    if (!our) { hard.push(`${d.id}: no answer from the tool`); continue; }
    if (our.parsed !== ref.parsed) {
      hard.push(`${d.id}: parse ${our.parsed ? 'succeeded' : 'failed (' + our.message + ')'}, graphql-js ${ref.parsed ? 'succeeded' : 'failed (' + ref.message + ')'}\n    ${d.source.trim().replace(/\n/g, '\n    ')}`);
      continue;
    }
    stats.parseAgree++;
    if (!ref.parsed) {
      stats.syntaxFail++;
      if (our.message === ref.message && JSON.stringify(our.locations) === JSON.stringify(ref.locations)) stats.syntaxMsg++;
      else soft.push(`${d.id}: syntax error "${our.message}" ${JSON.stringify(our.locations)} / graphql-js "${ref.message}" ${JSON.stringify(ref.locations)}`);
      continue;
    }
    stats.bothParsed++;
    if (ref.crashed) { stats.crashed++; soft.push(`${d.id}: graphql-js threw ${ref.crashed}`); }
    const ourValid = our.errors.length === 0;
    const refValid = ref.errors.length === 0;
    if (ourValid !== refValid && !ref.crashed) {
      hard.push(`${d.id}: ${ourValid ? 'valid' : 'invalid'} for us, ${refValid ? 'valid' : 'invalid'} for graphql-js\n    ours: ${our.errors.map((e) => e.message).join('\n          ')}\n    ref:  ${ref.errors.map((e) => e.message).join('\n          ')}\n    ${d.source.trim().replace(/\n/g, '\n    ')}`);
      continue;
    }
    stats.verdictAgree++;
    if (refValid) { stats.valid++; continue; }
    stats.invalid++;
    if (our.errors.every((e) => e.code === 'GRAPHQL_VALIDATION_FAILED')) stats.codeOk++;
    const om = our.errors.map((e) => e.message);
    const rm = ref.errors.map((e) => e.message);
    if (JSON.stringify(om) === JSON.stringify(rm)) stats.msgExact++;
    if (JSON.stringify([...om].sort()) === JSON.stringify([...rm].sort())) stats.msgSet++;
    else soft.push(`${d.id}: messages differ\n    ours: ${om.join('\n          ')}\n    ref:  ${rm.join('\n          ')}\n    ${d.source.trim().replace(/\n/g, '\n    ')}`);
    const ol = our.errors.map((e) => e.message + JSON.stringify(e.locations));
    const rl = ref.errors.map((e) => e.message + JSON.stringify(e.locations));
    if (JSON.stringify(ol.sort()) === JSON.stringify(rl.sort())) stats.locExact++;
    else if (JSON.stringify([...om].sort()) === JSON.stringify([...rm].sort()))
      soft.push(`${d.id}: locations differ\n    ours: ${our.errors.map((e) => JSON.stringify(e.locations)).join(' ')}\n    ref:  ${ref.errors.map((e) => JSON.stringify(e.locations)).join(' ')}`);
  }
  const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '100.0') + '%';
  fs.writeFileSync(path.join(args.work, 'differences.txt'), soft.join('\n') + '\n');
  for (const s of soft.slice(0, 25)) console.log('note: ' + s);
  if (soft.length > 25) console.log(`note: … ${soft.length - 25} more in ${path.join(args.work, 'differences.txt')}`);
  for (const h of hard) console.error('MISMATCH: ' + h);
  console.log(`documents: ${stats.docs} (${stats.hand} hand-written, ${stats.docs - stats.hand} generated)`);
  console.log(`parse success/failure agrees: ${stats.parseAgree}/${stats.docs}; syntax errors with identical message and location: ${stats.syntaxMsg}/${stats.syntaxFail} (${pct(stats.syntaxMsg, stats.syntaxFail)})`);
  console.log(`validation verdict agrees: ${stats.verdictAgree}/${stats.bothParsed} (valid ${stats.valid}, invalid ${stats.invalid})`);
  console.log(`invalid documents with identical messages in identical order: ${stats.msgExact}/${stats.invalid} (${pct(stats.msgExact, stats.invalid)}); same messages in any order: ${stats.msgSet}/${stats.invalid} (${pct(stats.msgSet, stats.invalid)}); messages and locations identical: ${stats.locExact}/${stats.invalid} (${pct(stats.locExact, stats.invalid)})`);
  console.log(`errors coded GRAPHQL_VALIDATION_FAILED: ${stats.codeOk}/${stats.invalid}`);
  if (stats.crashed) console.log(`graphql-js threw on ${stats.crashed} documents (not compared)`);
  const failed = hard.length + (stats.invalid - stats.codeOk);
  console.log(`${stats.docs - hard.length} passed, ${hard.length} failed`);
  process.exit(failed ? 1 : 0);
}

// ---- schema documents -------------------------------------------------------------------

function sdlMode() {
  if (!args.corpus) throw new Error('missing --corpus');
  // FraiseQL's own directives and scalars, for graphql-js: those of our printed schema.
  const printed = graphql.parse(tool('print-schema', args.schema));
  const preludeDefs = printed.definitions.filter((d) =>
    (d.kind === graphql.Kind.DIRECTIVE_DEFINITION) ||
    (d.kind === graphql.Kind.SCALAR_TYPE_DEFINITION));
  const docs = splitCorpus(fs.readFileSync(args.corpus, 'utf8'));
  const jsonl = path.join(args.work, 'sdl.jsonl');
  fs.writeFileSync(jsonl, docs.map((d) => JSON.stringify({ id: d.id, source: d.source })).join('\n') + '\n');
  const ours = new Map();
  for (const line of tool('build-schemas', jsonl).split('\n'))
    if (line) { const o = JSON.parse(line); ours.set(o.id, o); }
  const hard = [];
  let agree = 0;
  let fraiseqlOnly = 0;
  for (const d of docs) {
    let refErrors;
    try {
      const own = graphql.parse(d.source);
      const defined = new Set(own.definitions.filter((x) => x.name).map((x) => x.name.value));
      const prelude = preludeDefs.filter((x) => !defined.has(x.name.value));
      const schema = graphql.buildASTSchema({ kind: graphql.Kind.DOCUMENT,
        definitions: [...prelude, ...own.definitions] });
      refErrors = graphql.validateSchema(schema).map((e) => e.message);
    } catch (e) {
      refErrors = [String(e && e.message)];
    }
    const our = ours.get(d.id);
    if (!our) { hard.push(`${d.id}: no answer from the tool`); continue; }
    const refOk = refErrors.length === 0;
    const expectOurs = d.id.startsWith('fraiseql-') ? false : refOk;
    if (d.id.startsWith('fraiseql-') && !refOk) {
      hard.push(`${d.id}: meant to break only a FraiseQL rule, but graphql-js refuses it too: ${refErrors.join(' / ')}`);
      continue;
    }
    if (our.ok !== expectOurs) {
      hard.push(`${d.id}: ${our.ok ? 'accepted' : 'refused'} by us, ${refOk ? 'accepted' : 'refused'} by graphql-js` +
        `\n    ours: ${our.errors.map((e) => e.message).join('\n          ')}` +
        `\n    ref:  ${refErrors.join('\n          ')}\n    ${d.source.trim().replace(/\n/g, '\n    ')}`);
      continue;
    }
    if (d.id.startsWith('fraiseql-')) fraiseqlOnly++;
    else agree++;
    if (!our.ok) console.log(`${d.id}: ${our.errors[0].message} [graphql-js: ${refErrors[0] || 'accepts'}]`);
  }
  for (const h of hard) console.error('MISMATCH: ' + h);
  console.log(`schema documents: ${docs.length}; verdict agrees with graphql-js: ${agree}; refused for a FraiseQL rule only: ${fraiseqlOnly}`);
  console.log(`${docs.length - hard.length} passed, ${hard.length} failed`);
  process.exit(hard.length ? 1 : 0);
}

if (args.mode === 'introspection') introspection();
else if (args.mode === 'validate') validateMode();
else if (args.mode === 'sdl') sdlMode();
else {
  console.error(`unknown mode ${args.mode}`);
  process.exit(2);
}
