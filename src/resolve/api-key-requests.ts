/**
 * The request side of an API-key result (`getToken`, `invalidate`, `fetch`,
 * `check`): the key that re-reads the configuration once after a rejection,
 * and the request methods over it. A chunk of its own, loaded by the
 * result's first call of one of those methods (./results.ts): a resolve that
 * only reads the values never loads it.
 */
import { type ApiKeyProvider, apiKeyProvider } from '../requests/api-key-provider.js';
import { requestMethods } from '../requests/request-methods.js';
import type { AuthRequests } from '../requests/types.js';
import { checkWireFor } from './endpoints.js';
import type { ApiKeyResultInputs } from './results.js';
import type { ApiKeyAuth } from './types.js';

/** The key and the four methods of one API-key result. */
export function apiKeyRequests(type: ApiKeyAuth['type'], inputs: ApiKeyResultInputs): { key: ApiKeyProvider; methods: AuthRequests } {
  const key = apiKeyProvider({ key: inputs.apiKey, baseUrl: inputs.baseUrl, keyHeader: inputs.keyHeader, reload: inputs.reload });
  const methods = requestMethods({
    provider: key,
    known: [inputs.apiKey],
    env: inputs.requestEnv,
    ...(inputs.transport && { transport: inputs.transport }),
    model: inputs.model,
    oauth: false,
    registry: inputs.registry,
    wire: checkWireFor(type),
    ...inputs.requests,
  });
  return { key, methods };
}
