'use strict';
// Test oracle: the Summary and Comparison computed the naive way, with JSON.parse and DevTools'
// rules written out directly (class name per node type; objects of zero self size left out;
// per-class matching of object ids). Only for small snapshots.
//
//   node reference.js summary SNAP            -> {"<class>": [count, selfSize], ...}
//   node reference.js diff BASE TARGET        -> {"<class>": [new, deleted, allocSize, freedSize], ...}

const fs = require('node:fs');

function load(path) {
  const snap = JSON.parse(fs.readFileSync(path, 'utf8'));
  const meta = snap.snapshot.meta;
  const f = meta.node_fields;
  const n = f.length;
  const types = meta.node_types[f.indexOf('type')];
  const objects = [];
  for (let i = 0; i < snap.nodes.length; i += n) {
    const type = types[snap.nodes[i + f.indexOf('type')]];
    const name = snap.strings[snap.nodes[i + f.indexOf('name')]];
    const id = snap.nodes[i + f.indexOf('id')];
    const size = snap.nodes[i + f.indexOf('self_size')];
    if (size === 0) continue;
    let cls;
    if (type === 'hidden') cls = '(system)';
    else if (type === 'code') cls = '(compiled code)';
    else if (type === 'closure') cls = 'Function';
    else if (type === 'regexp') cls = 'RegExp';
    else if (type === 'object' || type === 'native') {
      cls = name;
      if (name.startsWith('<') && name.indexOf(' ') !== -1) cls = name.slice(0, name.indexOf(' ')) + '>';
      else if (name.startsWith('Detached <') && name.indexOf(' ', 10) !== -1) cls = name.slice(0, name.indexOf(' ', 10)) + '>';
    } else cls = `(${type})`;
    objects.push({ cls, id, size });
  }
  return objects;
}

function byClass(objects) {
  const m = new Map();
  for (const o of objects) {
    if (!m.has(o.cls)) m.set(o.cls, new Map());
    m.get(o.cls).set(o.id, o.size);
  }
  return m;
}

const [cmd, a, b] = process.argv.slice(2);
const out = {};
if (cmd === 'summary') {
  for (const o of load(a)) {
    const r = out[o.cls] || (out[o.cls] = [0, 0]);
    r[0] += 1;
    r[1] += o.size;
  }
} else if (cmd === 'diff') {
  const base = byClass(load(a));
  const target = byClass(load(b));
  for (const cls of new Set([...base.keys(), ...target.keys()])) {
    const bs = base.get(cls) || new Map();
    const ts = target.get(cls) || new Map();
    const r = [0, 0, 0, 0];
    for (const [id, size] of ts) if (!bs.has(id)) { r[0] += 1; r[2] += size; }
    for (const [id, size] of bs) if (!ts.has(id)) { r[1] += 1; r[3] += size; }
    if (r[0] || r[1]) out[cls] = r;
  }
} else {
  process.stderr.write('usage: reference.js summary SNAP | diff BASE TARGET\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(out) + '\n');
