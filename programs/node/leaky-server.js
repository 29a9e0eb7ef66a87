'use strict';
// LEAK 1: an unbounded cache. A plain object keyed by user id remembers every request's headers and
// is never trimmed. Every new user id adds an entry that lives as long as the process: the heap
// grows without bound, until V8 reaches its limit (--max-old-space-size) and the process dies.

const { serve } = require('./lib/harness');
const { CachedRequest } = require('./lib/cached-request');

const cache = {}; // user id -> CachedRequest, forever
let entries = 0;

serve((server) => {
  server.on('request', (req, res) => {
    const user = String(req.headers['x-user-id'] || 'anonymous');
    if (!Object.hasOwn(cache, user)) entries += 1;
    cache[user] = new CachedRequest(req);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ user, cachedUsers: entries }));
  });
});
