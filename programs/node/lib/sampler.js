'use strict';
// The sampler, preloaded into a server by `ccs node record` with NODE_OPTIONS=--require <this file>.
// NODE_OPTIONS reaches every Node process the recorded command starts (npm, then the server): the
// sampler only wakes up in the one that listens on the recorder's port, CCS_NODE_PORT.
//
// There it writes one JSON line per sample to CCS_NODE_TIMELINE, every CCS_NODE_INTERVAL_MS:
// {t, rss, heapTotal, heapUsed, external, arrayBuffers}; t is a real timestamp in milliseconds since
// the Unix epoch (performance.timeOrigin plus the monotonic performance.now(), so it never goes
// backwards). Lines are written with writeSync, so every sample already taken survives a crash (V8's
// "heap out of memory" abort). A sample taken just after a major (mark-compact) collection is marked
// "gc":"major"; one taken after a full collection the recorder asked for, "gc":"forced"; one taken
// after a heap snapshot (which collects all garbage first), "gc":"snapshot". All are the after-GC
// baseline itself, which is what the leak verdict judges (a snapshot follows a mark with no load
// between: the two measure one heap, docs/spec-questions.md Q109).
//
// It also connects to the recorder's control socket, CCS_NODE_CONTROL (host:port on 127.0.0.1), and
// answers its commands, one JSON object a line:
//   {"cmd":"mark"}                -> a full GC, a "forced" sample  -> {"event":"marked"}
//   {"cmd":"snapshot","path":P}   -> v8.writeHeapSnapshot to P.partial, renamed to P, a "snapshot"
//                                    sample -> {"event":"snapshot"}
//   {"cmd":"stop"}                -> a last sample, the timeline closed -> {"event":"stopped"}
// and says {"event":"listening","pid":...,"port":...,"node":"v20..."} first. Errors are answered
// {"event":"error","message":...}. Nothing here keeps the process alive (the socket is unref'd).
//
// By hand, without the recorder: CCS_NODE_TIMELINE=/tmp/t.jsonl node --require ./lib/sampler.js server.js
// samples the first server that listens.

const fs = require('node:fs');
const net = require('node:net');
const v8 = require('node:v8');
const vm = require('node:vm');
const { performance, PerformanceObserver, constants } = require('node:perf_hooks');

const wantedPort = Number(process.env.CCS_NODE_PORT || 0);
const control = process.env.CCS_NODE_CONTROL || '';
const timelinePath = process.env.CCS_NODE_TIMELINE || '';
const intervalMs = Math.max(1, Number(process.env.CCS_NODE_INTERVAL_MS || 100));

function startSampler(file, everyMs) {
  const fd = fs.openSync(file, 'w');
  let closed = false;
  const sample = (gc) => {
    if (closed) return;
    const m = process.memoryUsage();
    const t = Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
    const fields = {
      t,
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
    if (gc) fields.gc = gc;
    fs.writeSync(fd, JSON.stringify(fields) + '\n');
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  const gcs = new PerformanceObserver((list) => {
    if (list.getEntries().some((e) => e.detail && e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      sample('major');
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  return {
    sample,
    stop() {
      if (closed) return;
      clearInterval(timer);
      gcs.disconnect();
      sample();
      closed = true;
      fs.closeSync(fd);
    },
  };
}

let fullGc = null;
function collectGarbage() {
  if (!fullGc) {
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc');
  }
  fullGc();
}

function serve(port) {
  const sampler = timelinePath ? startSampler(timelinePath, intervalMs) : null;
  if (!control) return;
  const [host, controlPort] = control.split(':');
  const socket = net.connect(Number(controlPort), host);
  socket.unref();
  socket.setEncoding('utf8');
  const say = (obj) => socket.write(JSON.stringify(obj) + '\n');
  socket.on('connect', () => say({ event: 'listening', pid: process.pid, port, node: process.version }));
  socket.on('error', () => {}); // the recorder went away: keep serving
  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let cmd;
      try {
        cmd = JSON.parse(line);
        if (cmd.cmd === 'mark') {
          collectGarbage();
          if (sampler) sampler.sample('forced');
          say({ event: 'marked' });
        } else if (cmd.cmd === 'snapshot') {
          const partial = `${cmd.path}.partial`;
          v8.writeHeapSnapshot(partial);
          fs.renameSync(partial, cmd.path);
          // writing a snapshot collects all garbage first: this sample is after a full GC
          if (sampler) sampler.sample('snapshot');
          say({ event: 'snapshot', path: cmd.path });
        } else if (cmd.cmd === 'stop') {
          if (sampler) sampler.stop();
          say({ event: 'stopped' });
        } else {
          say({ event: 'error', message: `unknown command ${line}` });
        }
      } catch (e) {
        say({ event: 'error', message: `${cmd && cmd.cmd}: ${e.message}` });
      }
    }
  });
}

// Wake up in the process whose server listens on the wanted port (or, by hand, the first one).
if (control || timelinePath) {
  let found = false;
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (...args) {
    this.once('listening', () => {
      const address = this.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      if (!found && (wantedPort === 0 || port === wantedPort)) {
        found = true;
        serve(port);
      }
    });
    return listen.apply(this, args);
  };
}
