/**
 * What the SDK helpers' `apiKey` function answers when there is no
 * credential to be had (a dead login): not a secret, and never sent anywhere
 * (the auth's fetch answers such a request itself, with a 401 carrying why).
 * Its own file: the SDK helpers (in every import) need it, the request side (loaded later) too.
 */
export const NO_CREDENTIAL = 'qwen-auth-no-credential';
