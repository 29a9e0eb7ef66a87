'use strict';
// Makes a large pair of heap snapshots of ONE process, for measuring `ccs node diff`: the leaky
// server's cache (CachedRequest entries keeping request headers) filled without HTTP, a snapshot,
// more entries, another snapshot. Write them outside the repository; they are large.
//
//   node make-snapshot-pair.js OUT_DIR [--base-entries 15000] [--target-entries 139000] [--cookie-bytes 200]
//
// The defaults give a base of about 20 MB and a target of about 157 MB with Node 20.

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const { CachedRequest } = require('./lib/cached-request');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'base-entries': { type: 'string', default: '15000' },
    'target-entries': { type: 'string', default: '139000' },
    'cookie-bytes': { type: 'string', default: '200' },
  },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node make-snapshot-pair.js OUT_DIR [--base-entries N] [--target-entries N] [--cookie-bytes N]\n');
  process.exit(2);
}
const out = positionals[0];
fs.mkdirSync(out, { recursive: true });
const cookieBytes = Number(values['cookie-bytes']);

const cache = {};
let entries = 0;
function leak(upTo) {
  for (; entries < upTo; entries++) {
    const req = {
      url: `/profile?request=${entries}`,
      headers: {
        host: '127.0.0.1',
        'x-user-id': `user-${entries}`,
        cookie: `session=${crypto.randomBytes(cookieBytes).toString('hex').slice(0, cookieBytes)}`,
        accept: 'application/json',
      },
    };
    cache[req.headers['x-user-id']] = new CachedRequest(req);
  }
}

for (const [name, upTo] of [['base', Number(values['base-entries'])], ['target', Number(values['target-entries'])]]) {
  leak(upTo);
  const file = v8.writeHeapSnapshot(path.join(out, `${name}.heapsnapshot`));
  const mb = (fs.statSync(file).size / 1e6).toFixed(1);
  process.stdout.write(`${file}: ${entries} cached entries, ${mb} MB\n`);
}
