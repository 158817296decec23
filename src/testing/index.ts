/**
 * `qwen-auth/testing`: test your own tools without a network or an account.
 * Imports nothing of the library's core.
 *
 * @packageDocumentation
 */
export { startFakeQwenServer } from './fake-qwen-server.js';
export type {
  FakeQwenCredentials,
  FakeQwenServer,
  FakeQwenServerOptions,
  FakeQwenServerStats,
} from './fake-qwen-server.js';
