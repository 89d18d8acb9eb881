'use strict';
// A tiny static file server for a built site, bound to 127.0.0.1 only.
// Folders serve their index.html; a missing file serves the site's 404.html with status 404,
// as a static host would. Only GET and HEAD are answered; no path can leave the site folder.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
};

function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return null;
  }
  if (stat.isDirectory()) {
    if (!decoded.endsWith('/')) return { redirect: urlPath + '/' };
    const index = path.join(full, 'index.html');
    return fs.existsSync(index) ? { file: index } : null;
  }
  return stat.isFile() ? { file: full } : null;
}

// Starts serving `root`; resolves to { server, port, origin, close() }.
function serve(root, port = 0) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const urlPath = new URL(req.url, 'http://127.0.0.1').pathname;
    let found = resolveFile(root, urlPath);
    let status = 200;
    if (found && found.redirect) {
      res.writeHead(301, { Location: found.redirect });
      res.end();
      return;
    }
    if (!found) {
      status = 404;
      const notFound = path.join(root, '404.html');
      if (!fs.existsSync(notFound)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
        return;
      }
      found = { file: notFound };
    }
    const body = fs.readFileSync(found.file);
    res.writeHead(status, {
      'Content-Type': TYPES[path.extname(found.file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        server,
        port: actual,
        origin: `http://127.0.0.1:${actual}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

module.exports = { serve };

if (require.main === module) {
  // node server.js DIR [PORT]: serve a built site by hand.
  const [dir, port] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node server.js SITE_DIR [PORT]');
    process.exit(2);
  }
  serve(dir, Number(port || 0)).then((s) => console.log(`serving ${dir} at ${s.origin}/`));
}
