'use strict';
// What the caching servers remember about a request: its headers (cookies and all), URL and time.
// A named class, so that it shows up under its own name in a heap snapshot's Summary and Comparison
// views instead of hiding among every other `Object`.

class CachedRequest {
  constructor(req) {
    this.headers = req.headers;
    this.url = req.url;
    this.seenAt = Date.now();
  }
}

module.exports = { CachedRequest };
