'use strict';
// The load driver: sends a bounded number of GET requests to a server on 127.0.0.1 (and nowhere
// else: the host is not an option) and stops by itself, after the last request, after
// --duration-ms, on the first connection error (the server died), or at the deadline.
//
//   node load.js --port P --requests N [--path TEMPLATE] [--first K] [--duration-ms D] [--concurrency 8]
//                [--user-headers] [--users N] [--close] [--cookie-bytes 2048] [--timeout-ms 120000]
//                [--progress-ms 100]
//
// Request k (numbered from --first, default 1) is GET TEMPLATE with {n} replaced by k (default
// /profile?request={n}). With --user-headers it carries `x-user-id: user-<k>` (or user-<1 + k mod U>
// with --users U) and a unique cookie of --cookie-bytes characters, like a real session cookie (what
// the bundled caching servers remember). --close sends every request on a new connection (the
// listener-leak servers leak per connection). --requests 0 with --duration-ms: as many as fit.
// A response with a status other than 2xx counts as failed; the load goes on.
//
// Standard output: progress lines {"done":d,"failed":f} and a last line
// {"event":"finished","done":d,"failed":f,"ms":m} or {"event":"error",...,"message":"..."}.
// Exit status: 0 all requests answered, 3 stopped by a connection error, 4 deadline reached.

const http = require('node:http');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');

const HOST = '127.0.0.1';

function int(values, name, min) {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`load.js: --${name} must be an integer >= ${min}, got ${values[name]}\n`);
    process.exit(2);
  }
  return v;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    requests: { type: 'string' },
    path: { type: 'string', default: '/profile?request={n}' },
    first: { type: 'string', default: '1' },
    'duration-ms': { type: 'string', default: '0' },
    'user-headers': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '8' },
    users: { type: 'string', default: '0' },
    close: { type: 'boolean', default: false },
    'cookie-bytes': { type: 'string', default: '2048' },
    'timeout-ms': { type: 'string', default: '120000' },
    'progress-ms': { type: 'string', default: '100' },
  },
  strict: true,
});
const port = int(values, 'port', 1);
const requests = int(values, 'requests', 0);
const concurrency = int(values, 'concurrency', 1);
const users = int(values, 'users', 0);
const cookieBytes = int(values, 'cookie-bytes', 0);
const timeoutMs = int(values, 'timeout-ms', 1);
const progressMs = int(values, 'progress-ms', 1);
const first = int(values, 'first', 0);
const durationMs = int(values, 'duration-ms', 0);
const template = values.path;
if (!template.startsWith('/')) {
  process.stderr.write(`load.js: --path must start with /, got ${template}\n`);
  process.exit(2);
}
if (requests === 0 && durationMs === 0) {
  process.stderr.write('load.js: give --requests or --duration-ms\n');
  process.exit(2);
}
const unlimited = requests === 0;

// Keep-alive connections, one per worker; with --close, a new connection for every request (an
// Agent without keep-alive would still reuse sockets while requests are queued).
const agent = values.close ? false : new http.Agent({ keepAlive: true, maxSockets: concurrency });
const started = Date.now();
let next = 0;
let done = 0;
let failed = 0;
let finished = false;

function say(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function finish(code, extra) {
  if (finished) return;
  finished = true;
  clearInterval(progress);
  clearTimeout(deadline);
  if (duration) clearTimeout(duration);
  if (agent) agent.destroy();
  say({ event: code === 0 ? 'finished' : 'error', done, failed, ms: Date.now() - started, ...extra });
  process.exitCode = code;
}

const progress = setInterval(() => say({ done, failed }), progressMs);
const deadline = setTimeout(() => finish(4, { message: `deadline of ${timeoutMs} ms reached` }), timeoutMs);
// After --duration-ms no new request starts; those in flight finish.
let timeUp = false;
let inFlight = 0;
const duration = durationMs > 0 ? setTimeout(() => { timeUp = true; if (inFlight === 0) finish(0, {}); }, durationMs) : null;

function one() {
  if (finished) return;
  if (timeUp || (!unlimited && next >= requests)) {
    if (inFlight === 0) finish(0, {});
    return;
  }
  const k = first + next;
  next += 1;
  inFlight += 1;
  const headers = {};
  if (values['user-headers']) {
    headers['x-user-id'] = users > 0 ? `user-${1 + (k % users)}` : `user-${k}`;
    headers.cookie = `session=${crypto.randomBytes(Math.ceil(cookieBytes / 2)).toString('hex').slice(0, cookieBytes)}`;
  }
  headers.accept = 'application/json';
  if (values.close) headers.connection = 'close';
  const req = http.request(
    { host: HOST, port, path: template.split('{n}').join(String(k)), agent, headers },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight -= 1;
        if (res.statusCode >= 200 && res.statusCode < 300) done += 1;
        else failed += 1;
        one();
      });
    },
  );
  req.on('error', (e) => {
    failed += 1;
    finish(3, { message: `request ${k}: ${e.code || ''} ${e.message}`.trim() });
  });
  req.end();
}

for (let i = 0; i < (unlimited ? concurrency : Math.min(concurrency, requests)); i++) one();
