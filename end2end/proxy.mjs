// A small HTTP reverse proxy for the end-to-end tests, with nothing but
// Node's standard library: it stands in front of several Relais instances
// as a load balancer would.
//
//     node proxy.mjs LISTEN UPSTREAM [UPSTREAM...]
//     node proxy.mjs 127.0.0.1:3302 127.0.0.1:3300 127.0.0.1:3301
//
// Each request goes to the next upstream in turn (round robin, per request,
// not per connection), with its method, path, headers and body; the answer
// comes back as it is, both bodies streamed. Like a real proxy it keeps the
// client's Host, appends the address it received the request from to
// X-Forwarded-For, and drops the hop-by-hop headers.
//
// Switchable: a request carrying `X-Proxy-Upstream: N` (the upstream's
// index, from 0, or its address) goes to that upstream instead of the next
// in turn; the header is not passed on. Every answer says which upstream
// served it in its own `X-Proxy-Upstream` header.
//
// Prints `proxy listening on http://LISTEN` once ready; stops on SIGTERM or
// SIGINT. An upstream that cannot be reached is a 502. Plain HTTP/1.1 only:
// no TLS, no WebSocket upgrade (Relais uses neither behind it).

import http from 'node:http';

function hostPort(text) {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text ?? '');
  if (!m) throw new Error(`${text}: expected HOST:PORT`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]), name: text };
}

const [listenArg, ...upstreamArgs] = process.argv.slice(2);
if (!listenArg || upstreamArgs.length === 0) {
  console.error('usage: node proxy.mjs LISTEN UPSTREAM [UPSTREAM...]  (each HOST:PORT)');
  process.exit(2);
}
const listen = hostPort(listenArg);
const upstreams = upstreamArgs.map((u) => ({
  ...hostPort(u),
  agent: new http.Agent({ keepAlive: true }),
}));

// Headers meaningful for one connection only (RFC 9110, 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const CHOOSE = 'x-proxy-upstream';

/** Raw header pairs minus hop-by-hop ones and those `Connection` names. */
function endToEnd(rawHeaders, drop = []) {
  const named = new Set(drop);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1].split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) kept.push([rawHeaders[i], rawHeaders[i + 1]]);
  }
  return kept;
}

let next = 0;
function pick(req) {
  const wanted = req.headers[CHOOSE];
  if (wanted !== undefined) {
    const found = /^\d+$/.test(wanted) ? upstreams[Number(wanted)] : upstreams.find((u) => u.name === wanted);
    if (found) return found;
  }
  const chosen = upstreams[next];
  next = (next + 1) % upstreams.length;
  return chosen;
}

function fail(res, status, text) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(text + '\n');
}

const server = http.createServer((req, res) => {
  const upstream = pick(req);
  const headers = endToEnd(req.rawHeaders, [CHOOSE, 'x-forwarded-for']);
  // The chain so far, then the address this request came from.
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const earlier = req.headers['x-forwarded-for'];
  headers.push(['X-Forwarded-For', earlier ? `${earlier}, ${client}` : client]);
  if (req.headers['x-forwarded-proto'] === undefined) headers.push(['X-Forwarded-Proto', 'http']);

  const outgoing = http.request({
    host: upstream.host,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: headers.flat(),
    agent: upstream.agent,
    setHost: false,
  });
  outgoing.on('response', (answer) => {
    const back = endToEnd(answer.rawHeaders);
    back.push(['X-Proxy-Upstream', upstream.name]);
    res.writeHead(answer.statusCode, answer.statusMessage, back.flat());
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  outgoing.on('error', (e) => fail(res, 502, `proxy: ${upstream.name}: ${e.message}`));
  // The client went away before the answer was through: so does the request.
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.on('error', () => outgoing.destroy());
  req.pipe(outgoing);
});

// Open connections, to close them at once on the way out (keep-alive ones
// would otherwise hold the process).
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
server.on('clientError', (_e, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

function stop() {
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
  for (const u of upstreams) u.agent.destroy();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(listen.port, listen.host, () => {
  console.log(
    `proxy listening on http://${listen.name}, round robin over ${upstreams.map((u) => u.name).join(', ')}`,
  );
});
