'use strict';
// LEAK 2: listeners that are never removed. For every connection the server subscribes to a
// long-lived emitter ("the configuration was reloaded") and never unsubscribes. Each listener is a
// closure over its socket, so every closed connection stays reachable from the emitter, forever.
// Node warns once (MaxListenersExceededWarning) and then keeps leaking silently.

const { EventEmitter } = require('node:events');
const { serve } = require('./lib/harness');

const config = new EventEmitter(); // lives as long as the process
let reloads = 0;

serve((server) => {
  server.on('connection', (socket) => {
    const onReload = (version) => {
      if (!socket.destroyed) socket.write(''); // would tell the client about `version`
      reloads = version;
    };
    config.on('reload', onReload); // ...and nothing ever calls config.off('reload', onReload)
  });
  server.on('request', (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ listeners: config.listenerCount('reload'), reloads }));
  });
});
