'use strict';
// FIX 2: every subscription made for a connection is tied to an AbortController, and the
// connection's 'close' aborts it: one abort() removes all of that connection's listeners, so the
// emitter holds listeners only for open connections.

const { EventEmitter } = require('node:events');
const { serve } = require('./lib/harness');

const config = new EventEmitter(); // lives as long as the process
let reloads = 0;

// Subscribe `listener` to `event` until `signal` aborts.
function onUntilAborted(emitter, event, listener, signal) {
  emitter.on(event, listener);
  signal.addEventListener('abort', () => emitter.off(event, listener), { once: true });
}

serve((server) => {
  server.on('connection', (socket) => {
    const lifetime = new AbortController();
    onUntilAborted(
      config,
      'reload',
      (version) => {
        if (!socket.destroyed) socket.write('');
        reloads = version;
      },
      lifetime.signal,
    );
    socket.once('close', () => lifetime.abort());
  });
  server.on('request', (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ listeners: config.listenerCount('reload'), reloads }));
  });
});
