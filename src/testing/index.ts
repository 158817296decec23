/**
 * `qwen-auth/testing`: test your own tools without a network or an account.
 * Imports nothing of the library's core.
 *
 * @packageDocumentation
 */
export { startFakeQwenServer } from './fake-qwen-server.js';
export type {
  FakeQwenApiRequest,
  FakeQwenCredentials,
  FakeQwenServer,
  FakeQwenServerOptions,
  FakeQwenServerStats,
} from './fake-qwen-server.js';
export { fakeErrorAnswer, startFakeModelServer } from './fake-model-server.js';
export type {
  FakeKeyGrant,
  FakeModelEndpoint,
  FakeModelErrorKind,
  FakeModelFlavor,
  FakeModelRequest,
  FakeModelServer,
  FakeModelServerOptions,
} from './fake-model-server.js';
