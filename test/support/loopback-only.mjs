// Preloaded (`node --import`) into the child processes that run the docs'
// examples: any connection to a host that is not this machine fails, so an
// example can never reach a real provider from the tests.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host =
    typeof options === 'object' && options !== null
      ? options.path
        ? '127.0.0.1'
        : (options.host ?? 'localhost')
      : typeof args[1] === 'string'
        ? args[1]
        : 'localhost';
  if (!LOOPBACK.has(String(host).replace(/^\[|\]$/g, ''))) {
    throw new Error(`loopback-only: a docs example tried to connect to ${host}`);
  }
  return connect.apply(this, args);
};
