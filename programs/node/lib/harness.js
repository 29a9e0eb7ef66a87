'use strict';
// What every bundled server shares: listen on 127.0.0.1 at an ephemeral port (port 0) and report it,
// sample process.memoryUsage() to a timeline, take heap snapshots at start and end, and stop cleanly
// on SIGINT/SIGTERM (Ctrl-C) or, with --stop-on-stdin-end, when standard input closes.
//
// Arguments: --timeline FILE   where the samples go (default: no timeline)
//            --interval MS     sampling interval (default 100)
//            --snapshot-dir D  write D/start.heapsnapshot before the load and D/end.heapsnapshot after it
//            --stop-on-stdin-end  stop when standard input closes (how the recorder stops a server)
//            --max-entries N   the bounded cache's size (bounded-server.js only; default 500)
//
// The first line on standard output is {"event":"listening","port":N,"pid":P,"node":"v20..."}.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const { parseArgs } = require('node:util');
const { startSampler } = require('./sampler');

function options() {
  const { values } = parseArgs({
    options: {
      timeline: { type: 'string' },
      interval: { type: 'string', default: '100' },
      'snapshot-dir': { type: 'string' },
      'max-entries': { type: 'string', default: '500' },
      'stop-on-stdin-end': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const interval = Number(values.interval);
  if (!Number.isInteger(interval) || interval < 1) throw new Error(`--interval must be a positive integer, got ${values.interval}`);
  const maxEntries = Number(values['max-entries']);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`--max-entries must be a positive integer`);
  return {
    timeline: values.timeline,
    interval,
    snapshotDir: values['snapshot-dir'],
    maxEntries,
    stopOnStdinEnd: values['stop-on-stdin-end'],
  };
}

// Write a snapshot under a temporary name, then rename: a reader never sees half a file.
function snapshot(dir, name) {
  const final = path.join(dir, `${name}.heapsnapshot`);
  const temp = `${final}.partial`;
  v8.writeHeapSnapshot(temp);
  fs.renameSync(temp, final);
  return final;
}

function say(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

// `setup(server, opts)` installs the request handler (and anything else the server needs).
function serve(setup) {
  const opts = options();
  const server = http.createServer();
  setup(server, opts);
  let sampler = null;
  let stopping = false;

  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    if (sampler) sampler.sample();
    if (opts.snapshotDir) snapshot(opts.snapshotDir, 'end');
    if (sampler) sampler.stop();
    say({ event: 'stopped' });
    process.exit(0);
  };

  // Only the loopback interface: this server is never reachable from another machine.
  server.listen(0, '127.0.0.1', () => {
    if (opts.snapshotDir) snapshot(opts.snapshotDir, 'start');
    if (opts.timeline) sampler = startSampler(opts.timeline, opts.interval);
    say({ event: 'listening', port: server.address().port, pid: process.pid, node: process.version });
  });
  if (opts.stopOnStdinEnd) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

module.exports = { serve };
