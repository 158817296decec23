import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect as netConnect, isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { TestCa } from './tls.js';

/** A plain-HTTP server on loopback that decrypted traffic is sent to. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface MitmProxyOptions {
  /** Signs the certificates the proxy shows for each CONNECT host. */
  readonly ca: TestCa;
  /**
   * Decides where decrypted traffic for host:port goes (a plain-HTTP server on
   * loopback). Return undefined to refuse the CONNECT (answered 403) — except
   * for loopback targets, which always go through to themselves (see below).
   */
  route(host: string, port: number): Upstream | undefined;
}

/** One thing the proxy saw. */
export interface MitmLogEntry {
  readonly kind: 'connect' | 'request';
  /** The host the client asked for (CONNECT target or absolute URL), not the upstream. */
  readonly host: string;
  readonly port: number;
  readonly method?: string;
  readonly path?: string;
  readonly refused?: boolean;
}

export interface MitmProxy {
  /** `http://127.0.0.1:PORT`, for `--proxy` / `HTTPS_PROXY`. */
  readonly url: string;
  readonly port: number;
  /** Every CONNECT and every forwarded (or refused) request, in order. */
  readonly log: MitmLogEntry[];
  /** Destroys every open socket and closes the servers. */
  close(): Promise<void>;
}

/** Where a tunnel's (or a socket's) requests go, and what the client asked for. */
interface Tunnel {
  readonly target: Upstream;
  readonly upstream: Upstream;
  readonly proto: 'http' | 'https';
}

/** Only loopback may ever be connected to. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The address to dial for a loopback host: never resolve `localhost` through DNS. */
function dialAddress(host: string): string {
  return host.toLowerCase().replace(/\.$/, '') === 'localhost' ? '127.0.0.1' : host;
}

/** `host:port` or `[v6]:port` from a CONNECT request line. */
function parseAuthority(authority: string): Upstream | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.*-]+)):(\d{1,5})$/.exec(authority);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port > 0 && port < 65536)) return undefined;
  return { host: host.toLowerCase(), port };
}

/**
 * Connection-level headers that describe one hop and must not be passed on
 * (RFC 9110 §7.6.1), plus proxy credentials. `expect` is dropped because the
 * proxy's own server already answered any `100-continue`.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  // Headers the Connection header names are hop-by-hop too.
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

const TLS_HANDSHAKE = 0x16;

const REFUSED = 'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n';

/**
 * Starts an HTTP proxy on 127.0.0.1 that intercepts HTTPS: a CONNECT to
 * host:port is answered 200, the TLS inside is terminated with a certificate
 * for host signed by `ca`, and each decrypted HTTP/1.1 request is forwarded
 * to the plain-HTTP upstream `route(host, port)` chose.
 *
 * Only loopback is ever dialled:
 * - a CONNECT `route` refuses gets 403, unless the target itself is loopback:
 *   then it goes straight through (undici 7's ProxyAgent tunnels `http://`
 *   targets with CONNECT too, so a fake at http://127.0.0.1:PORT must stay
 *   reachable through the proxy); plain HTTP in such a tunnel is still parsed
 *   and logged, TLS is passed through unread;
 * - an absolute-form request (`GET http://127.0.0.1:1234/x`) is forwarded only
 *   to a loopback host, else 403;
 * - an upstream `route` returns must be loopback, else 502.
 */
export async function startMitmProxy(options: MitmProxyOptions): Promise<MitmProxy> {
  const log: MitmLogEntry[] = [];
  const sockets = new Set<Duplex>();
  const contexts = new Map<string, SecureContext>();
  const tunnels = new WeakMap<Duplex, Tunnel>();
  // Our own pool, so close() can drop its kept-alive upstream sockets.
  const agent = new Agent({ keepAlive: true });

  /** Remembers a socket so close() can destroy it; errors (resets) must not crash the test run. */
  const track = (socket: Duplex): void => {
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  };

  /** A certificate for the host the client asked for (issued once, then reused). */
  const contextFor = (host: string): SecureContext => {
    let context = contexts.get(host);
    if (!context) {
      context = createSecureContext(options.ca.issue([host]));
      contexts.set(host, context);
    }
    return context;
  };

  /**
   * Forwards one request to `upstream` and streams the response back. Chunks
   * are piped as they come (nothing is buffered), so server-sent events stay
   * live; `flushHeaders` sends the status before the first event.
   */
  const forward = (req: IncomingMessage, res: ServerResponse, tunnel: Tunnel, path: string): void => {
    const { target, upstream, proto } = tunnel;
    log.push({ kind: 'request', host: target.host, port: target.port, method: req.method ?? 'GET', path });
    const headers = endToEndHeaders(req.headers);
    // The upstream sees its own address as host; the name the client used travels in X-Forwarded-*.
    headers['x-forwarded-host'] = req.headers.host ?? `${target.host}:${target.port}`;
    headers['x-forwarded-proto'] = proto;
    headers.host = `${upstream.host}:${upstream.port}`;

    const out = httpRequest({ host: dialAddress(upstream.host), port: upstream.port, method: req.method, path, headers, agent });
    out.on('socket', track);
    out.on('response', (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, endToEndHeaders(reply.headers));
      res.flushHeaders();
      reply.pipe(res);
      reply.on('error', () => res.destroy());
    });
    out.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
      } else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`mitm-proxy: upstream ${upstream.host}:${upstream.port} failed: ${error.message}\n`);
      }
    });
    // The client went away mid-response: stop the upstream too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  };

  /** Parses the HTTP/1.1 requests inside tunnels (decrypted, or plain); keep-alive works as usual. */
  const inner = createServer((req, res) => {
    const tunnel = tunnels.get(req.socket);
    if (!tunnel) {
      res.writeHead(500).end();
      return;
    }
    forward(req, res, tunnel, req.url ?? '/');
  });
  inner.on('clientError', (_error, socket) => socket.destroy());

  /** The proxy itself: absolute-form requests here, CONNECT below. */
  const outer: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('mitm-proxy: expected an absolute http:// URL\n');
      return;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || 80;
    if (url.protocol !== 'http:' || !isLoopback(host)) {
      log.push({ kind: 'request', host, port, method: req.method ?? 'GET', path: url.pathname + url.search, refused: true });
      res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end(`mitm-proxy: refused ${url.origin}\n`);
      return;
    }
    const target = { host, port };
    forward(req, res, { target, upstream: target, proto: 'http' }, url.pathname + url.search);
  });
  outer.on('connection', track);
  outer.on('clientError', (_error, socket) => socket.destroy());

  outer.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    const routed = options.route(target.host, target.port);
    if (routed && !isLoopback(routed.host)) {
      // A bug in the test's route(): refuse rather than ever dial a real host.
      log.push({ kind: 'connect', ...target, refused: true });
      socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = routed ?? (isLoopback(target.host) ? target : undefined);
    if (!upstream) {
      log.push({ kind: 'connect', ...target, refused: true });
      socket.end(`${REFUSED}\r\n`);
      return;
    }
    log.push({ kind: 'connect', ...target });
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');

    // Peek at the first byte the client sends to tell TLS from plain HTTP
    // (undici tunnels http:// targets too), then put it back for the real reader.
    const dispatch = (chunk: Buffer): void => {
      socket.pause();
      socket.unshift(chunk);
      const isTls = chunk[0] === TLS_HANDSHAKE;
      if (isTls && routed) intercept(socket, { target, upstream, proto: 'https' });
      else if (isTls) passThrough(socket, upstream);
      else {
        tunnels.set(socket, { target, upstream, proto: 'http' });
        inner.emit('connection', socket);
        socket.resume();
      }
    };
    if (head.length > 0) dispatch(head);
    else socket.once('data', dispatch);
  });

  /** Terminates TLS with a certificate for the target, then hands the clear stream to `inner`. */
  const intercept = (socket: Socket, tunnel: Tunnel): void => {
    let secureContext: SecureContext;
    try {
      secureContext = contextFor(tunnel.target.host);
    } catch {
      socket.destroy();
      return;
    }
    // HTTP/1.1 only: a client offering h2 must not pick it, since `inner` speaks HTTP/1.1.
    const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    track(tlsSocket);
    tunnels.set(tlsSocket, tunnel);
    // Like https.Server: give the socket to the HTTP parser once the handshake is done.
    tlsSocket.once('secure', () => inner.emit('connection', tlsSocket));
  };

  /** A loopback target the route did not claim, speaking TLS: relay the bytes unread. */
  const passThrough = (socket: Socket, upstream: Upstream): void => {
    const remote = netConnect(upstream.port, dialAddress(upstream.host));
    track(remote);
    remote.once('connect', () => {
      socket.pipe(remote);
      remote.pipe(socket);
    });
    remote.once('close', () => socket.destroy());
    socket.once('close', () => remote.destroy());
  };

  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(0, '127.0.0.1', () => {
      outer.off('error', reject);
      resolve();
    });
  });
  const { port } = outer.address() as AddressInfo;

  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => outer.close(() => resolve()));
    inner.close();
    for (const socket of sockets) socket.destroy();
    agent.destroy();
    await closed;
  };

  return { url: `http://127.0.0.1:${port}`, port, log, close };
}
