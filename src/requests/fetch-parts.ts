/**
 * The request side's code loaded on the first request (`auth.fetch`,
 * `check()`): the authenticated fetch with its header handling, renewals and
 * reasons. One chunk: a resolve that never sends a request never parses it.
 * (The transport choice stays in the core: the Qwen OAuth client shares it.)
 */
export { createAuthenticatedFetches } from './authenticated-fetch.js';
