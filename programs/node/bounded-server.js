'use strict';
// FIX 1: the same cache, bounded. A least-recently-used cache with a maximum entry count
// (--max-entries, default 500): once full, each new user evicts the least recently seen one, so
// the heap levels off however many users arrive.

const { serve } = require('./lib/harness');
const { CachedRequest } = require('./lib/cached-request');
const { LruCache } = require('./lib/lru');

serve((server, opts) => {
  const cache = new LruCache(opts.maxEntries);
  server.on('request', (req, res) => {
    const user = String(req.headers['x-user-id'] || 'anonymous');
    cache.set(user, new CachedRequest(req));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ user, cachedUsers: cache.size }));
  });
});
