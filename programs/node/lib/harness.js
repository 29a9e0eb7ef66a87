'use strict';
// What every bundled server shares: listen on 127.0.0.1 at $PORT (as `ccs node record` sets it; an
// ephemeral port when PORT is unset), report it, and stop cleanly on SIGINT/SIGTERM (Ctrl-C). The
// timeline and the heap snapshots come from the sampler the recorder preloads (lib/sampler.js), as
// for any other server.
//
// Arguments: --max-entries N   the bounded cache's size (bounded-server.js only; default 500)
//
// The first line on standard output is {"event":"listening","port":N,"pid":P,"node":"v20..."}.

const http = require('node:http');
const { parseArgs } = require('node:util');

function options() {
  const { values } = parseArgs({
    options: {
      'max-entries': { type: 'string', default: '500' },
    },
    strict: true,
  });
  const maxEntries = Number(values['max-entries']);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`--max-entries must be a positive integer`);
  return { maxEntries };
}

// `setup(server, opts)` installs the request handler (and anything else the server needs).
function serve(setup) {
  const opts = options();
  const server = http.createServer();
  setup(server, opts);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  // Only the loopback interface: this server is never reachable from another machine.
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    const say = { event: 'listening', port: server.address().port, pid: process.pid, node: process.version };
    process.stdout.write(JSON.stringify(say) + '\n');
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

module.exports = { serve };
