'use strict';
// The sampler: one JSON line per sample, {t, rss, heapTotal, heapUsed, external, arrayBuffers}.
// t is a real timestamp in milliseconds since the Unix epoch (performance.timeOrigin plus the
// monotonic performance.now(), so it never goes backwards). Lines are written with writeSync so that
// every sample already taken survives a crash (V8's "heap out of memory" abort).
//
// Besides the samples every `intervalMs`, one is taken just after each major (mark-compact) garbage
// collection, marked "gc":"major": its heapUsed is the after-GC baseline itself, and the spacing of
// these marks tells the leak verdict how long its windows must be to contain a real trough.

const fs = require('node:fs');
const { performance, PerformanceObserver, constants } = require('node:perf_hooks');

function startSampler(file, intervalMs) {
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
  const timer = setInterval(sample, intervalMs);
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
      clearInterval(timer);
      gcs.disconnect();
      sample();
      closed = true;
      fs.closeSync(fd);
    },
  };
}

module.exports = { startSampler };
