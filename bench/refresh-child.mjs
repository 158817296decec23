// One of the 16 processes: waits for the common start, then asks for a token.
import { createFileTokenStore, createQwenOAuthClient } from '../dist/index.js';

const o = JSON.parse(process.argv[2]);
const client = createQwenOAuthClient({
  store: createFileTokenStore({ qwenDir: o.qwenDir }),
  env: {},
  tokenEndpoint: o.tokenEndpoint,
  deviceAuthorizationEndpoint: o.deviceEndpoint,
});
await new Promise((r) => setTimeout(r, Math.max(0, o.startAt - Date.now())));
const token = await client.getAccessToken();
process.stdout.write(JSON.stringify({ token, at: Date.now() }));
