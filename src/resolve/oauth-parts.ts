/**
 * Everything of the Qwen OAuth side that loads on first use, as one module:
 * the resolution branch, the client, and the file and keychain stores. The
 * main entry's factories (`on-first-use.ts`) and `resolveAuth()` import it
 * only dynamically, so the build makes it one chunk: a cached login costs
 * the cold process one more file, not one per part. (The OAuth protocol,
 * with openid-client, is a chunk of its own, loaded only to talk to the
 * token endpoint.)
 */
export { createQwenOAuthClient } from '../oauth/client.js';
export { createFileTokenStore } from '../storage/file-store.js';
export { createKeychainTokenStore } from '../storage/keychain-store.js';
export { describeCredentialsLocation, findCachedLogin, resolveQwenOAuth } from './qwen-oauth.js';
