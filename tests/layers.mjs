#!/usr/bin/env -S node --test --test-reporter=spec
// layers: app/ is a stack of rooms (folders), and a room may use only itself and the rooms
// below it (docs/design.md, "Folder map"). Checked twice: on the #include lines of the sources,
// and on what the compiled objects really reference (nm), which also catches a call through a
// declaration copied into the wrong place. A circle between two files of one room counts too:
// each file must be readable without the ones that use it.
//
// Run by `make check` with BOXOFFICE_SRCDIR and BOXOFFICE_BUILDDIR set; by hand:
//   BOXOFFICE_SRCDIR=$PWD BOXOFFICE_BUILDDIR=$PWD/build node tests/layers.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

// Each room and the rooms it may use. Keep in step with docs/design.md.
const ROOMS = {
  core: [],
  db: ['core'],
  cache: ['core'],
  net: ['core'],
  tickets: ['core', 'db'],
  payments: ['core', 'net'],
  booking: ['core', 'db', 'payments'],
  notify: ['core', 'db', 'net', 'tickets'],
  http: ['core', 'db', 'cache', 'payments'],
  shop: ['core', 'db', 'cache', 'payments', 'booking', 'http', 'tickets'],
  account: ['core', 'db', 'http'],
  admin: ['core', 'db', 'http', 'tickets'],
  webhooks: ['core', 'db', 'payments', 'booking', 'http'],
  seed: ['core', 'db'],
  cmd: ['core', 'db', 'cache', 'net', 'tickets', 'payments', 'booking', 'notify', 'http', 'shop', 'account',
        'admin', 'webhooks', 'seed'],
};

const SRCDIR = process.env.BOXOFFICE_SRCDIR ?? process.cwd();
const BUILDDIR = process.env.BOXOFFICE_BUILDDIR ?? path.join(SRCDIR, 'build');
const APP = path.join(SRCDIR, 'app');

// Every source file as { room, name (without extension), file (relative to app/) }.
function sources() {
  const out = [];
  for (const room of readdirSync(APP, { withFileTypes: true })) {
    if (!room.isDirectory()) continue;
    for (const f of readdirSync(path.join(APP, room.name))) {
      if (/\.[ch]$/.test(f)) out.push({ room: room.name, name: f.replace(/\.[ch]$/, ''), file: `${room.name}/${f}` });
    }
  }
  return out;
}

function localIncludes(file) {
  const text = readFileSync(path.join(APP, file), 'utf8');
  return [...text.matchAll(/^#\s*include\s+"([^"]+)"/gm)].map((m) => m[1]);
}

const uses = (from, to) => from === to || ROOMS[from].includes(to);

// Circles in a directed graph (Map node -> Set of nodes): each strongly connected component
// of more than one node, as a sorted list (Tarjan).
function circles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), found = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

function addEdge(graph, from, to) {
  if (from === to) return;
  if (!graph.has(from)) graph.set(from, new Set());
  graph.get(from).add(to);
}

const files = sources();
const roomOf = new Map(files.map((s) => [s.name, s.room]));

test('every folder of app/ is a known room, and every file lives in one', () => {
  const rooms = new Set(files.map((s) => s.room));
  for (const room of rooms) assert.ok(room in ROOMS, `app/${room}/ is not a room of tests/layers.mjs`);
  const loose = readdirSync(APP).filter((f) => /\.[ch]$/.test(f));
  assert.deepEqual(loose, [], 'source files directly in app/');
  const names = files.map((s) => s.file.replace(/\.[ch]$/, ''));
  const byName = new Map();
  for (const n of new Set(names)) {
    const base = n.split('/')[1];
    byName.set(base, [...(byName.get(base) ?? []), n]);
  }
  for (const [base, where] of byName) assert.equal(where.length, 1, `${base} in several rooms: ${where}`);
});

test('every #include names its room, and only rooms at or below its own', () => {
  const wrong = [];
  for (const s of files) {
    for (const inc of localIncludes(s.file)) {
      // A table the build makes from a data file of the room (Makefile.am): room/name.inc from
      // app/room/name.txt, included only by that room's own files.
      const table = inc.match(/^([a-z_]+)\/([a-z0-9_]+)\.inc$/);
      if (table) {
        if (table[1] !== s.room) wrong.push(`${s.file} (${s.room}) includes ${inc}, another room's table`);
        else if (!existsSync(path.join(APP, table[1], `${table[2]}.txt`))) wrong.push(`${s.file}: #include "${inc}": no app/${table[1]}/${table[2]}.txt to make it from`);
        continue;
      }
      const m = inc.match(/^([a-z_]+)\/([a-z0-9_]+)\.h$/);
      if (!m) { wrong.push(`${s.file}: #include "${inc}" does not name a room`); continue; }
      if (!existsSync(path.join(APP, inc))) { wrong.push(`${s.file}: #include "${inc}": no such file`); continue; }
      if (!uses(s.room, m[1])) wrong.push(`${s.file} (${s.room}) includes ${inc}, a room above or beside it`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('no include circles between files', () => {
  const graph = new Map();
  for (const s of files) {
    for (const inc of localIncludes(s.file)) addEdge(graph, s.name, inc.replace(/^.*\//, '').replace(/\.h$/, ''));
  }
  assert.deepEqual(circles(graph), []);
});

// What the objects define and reference, from the archive the binary and the unit tests link.
function symbolGraph() {
  const archive = path.join(BUILDDIR, 'libboxoffice.a');
  assert.ok(existsSync(archive), `${archive} is missing: build first`);
  const run = (args) => execFileSync('nm', ['-A', ...args, archive], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const definedBy = new Map();
  for (const line of run(['--defined-only', '-g']).split('\n')) {
    const m = line.match(/:([^:]+)\.o:\s*\S*\s+[A-Za-z]\s+(\S+)$/);
    if (m) definedBy.set(m[2], m[1]);
  }
  const graph = new Map(), refs = [];
  for (const line of run(['-u']).split('\n')) {
    const m = line.match(/:([^:]+)\.o:\s+U\s+(\S+)$/);
    if (!m || !definedBy.has(m[2])) continue;   // libc, libraries, sanitizers
    addEdge(graph, m[1], definedBy.get(m[2]));
    refs.push({ from: m[1], to: definedBy.get(m[2]), symbol: m[2] });
  }
  return { graph, refs };
}

test('no object calls into a room above or beside its own (nm)', () => {
  const { refs } = symbolGraph();
  const wrong = new Set();
  for (const r of refs) {
    const from = roomOf.get(r.from), to = roomOf.get(r.to);
    assert.ok(from && to, `object without a source file: ${r.from} or ${r.to}`);
    if (!uses(from, to)) wrong.add(`${from}/${r.from}.o uses ${r.symbol} of ${to}/${r.to}.c`);
  }
  assert.deepEqual([...wrong].sort(), []);
});

test('no call circles between objects (nm)', () => {
  assert.deepEqual(circles(symbolGraph().graph), []);
});
