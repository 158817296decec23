/**
 * The protocol half of the Qwen OAuth client, on openid-client. Loaded only
 * when a login or a refresh actually happens.
 */
import * as oidc from 'openid-client';
import { QwenAuthError } from '../errors.js';
import { schemas } from '../internal/schemas.js';
import type { OAuthEndpoints } from './endpoints.js';
import { redactText, redactUrl } from '../redact.js';
import { qwenFetch, TransportFailure } from './qwen-fetch.js';
import type { TokenGrant } from './token-manager.js';
import type { FetchLike } from '../types.js';

export interface ProtocolOptions {
  readonly endpoints: OAuthEndpoints;
  readonly fetch: FetchLike;
  /** Per-request timeout, ms. */
  readonly timeoutMs: number;
  /** The clock, epoch ms: the device code's deadline is measured with it. */
  readonly now: () => number;
  /** Waits before a retry (default a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter of the retry delay, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * The longest device-code lifetime believed (one hour; Qwen's is ten
 * minutes). Beyond it, `expires_in` overflows timers (4.3e6 s is past what
 * `AbortSignal.timeout` takes, 3e6 s wraps around to "expired at once").
 */
export const MAX_DEVICE_CODE_SECONDS = 3600;

/** The longest polling interval believed, seconds. */
export const MAX_POLL_INTERVAL_SECONDS = 60;

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  readonly expiresIn: number;
  readonly interval?: number;
  /** When the code was issued (epoch ms, the client's clock): polling ends `expiresIn` after this. */
  readonly issuedAt: number;
  /** The raw response, kept for polling. */
  readonly raw: oidc.DeviceAuthorizationResponse;
  /** The PKCE verifier matching the challenge sent. */
  readonly codeVerifier: string;
}

/** A configured public client (no discovery: the endpoints are known). */
export function createConfiguration(options: ProtocolOptions): oidc.Configuration {
  const { endpoints } = options;
  const config = new oidc.Configuration(
    {
      issuer: endpoints.tokenEndpoint.origin,
      device_authorization_endpoint: endpoints.deviceAuthorizationEndpoint.href,
      token_endpoint: endpoints.tokenEndpoint.href,
    },
    endpoints.clientId,
    undefined,
    oidc.None(),
  );
  config[oidc.customFetch] = qwenFetch(options.fetch) as oidc.CustomFetch;
  config.timeout = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  // Only loopback http is ever allowed (checked by resolveEndpoints).
  if (endpoints.insecureLoopback) oidc.allowInsecureRequests(config);
  return config;
}

interface HttpFailure {
  readonly status?: number;
  readonly error?: string;
}

/** The status and OAuth error code of an openid-client failure, when there are any. */
function httpFailure(error: unknown): HttpFailure {
  if (error instanceof oidc.ResponseBodyError) return { status: error.status, error: error.error };
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof Response) return { status: cause.status };
  return {};
}

function isTransportFailure(error: unknown): boolean {
  // Only a request that got no complete answer; a TypeError raised while
  // reading an answer (a malformed one) is the server's fault, not the network's.
  if (error instanceof TransportFailure) return true;
  const e = error as { name?: unknown; code?: unknown; cause?: { name?: unknown } } | null;
  // openid-client turns a request timeout or abort into a ClientError with these codes.
  if (e?.code === 'OAUTH_TIMEOUT' || e?.code === 'OAUTH_ABORT') return true;
  const name = e?.name ?? e?.cause?.name;
  return name === 'AbortError' || name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
}

function protocolError(endpoint: URL, error: unknown, failure: HttpFailure): QwenAuthError<'OAUTH_PROTOCOL_ERROR'> {
  // openid-client wraps the precise reason (never a token) in `cause`.
  const cause = (error as { cause?: unknown } | null)?.cause;
  const reason = cause instanceof Error && !(cause instanceof Response) ? `: ${cause.message}` : '';
  // The server's text is quoted bounded, sanitised and redacted: a server
  // reflecting a token (or a terminal escape) must not reach the user whole.
  const serverError = failure.error === undefined ? undefined : redactText(failure.error, 100);
  const what = serverError ?? redactText(error instanceof Error ? `${error.message}${reason}` : 'an unexpected answer', 200);
  return new QwenAuthError('OAUTH_PROTOCOL_ERROR', `${endpoint.origin}${endpoint.pathname} answered outside the protocol: ${what}.`, {
    details: {
      endpoint: redactUrl(endpoint.href),
      ...(failure.status !== undefined && { status: failure.status }),
      ...(serverError !== undefined && { error: serverError }),
    },
  });
}

function networkError(endpoint: URL, error: unknown, failure: HttpFailure, attempts: number): QwenAuthError<'NETWORK_ERROR'> {
  const why = failure.status !== undefined ? `HTTP ${failure.status}` : redactText((error as Error)?.message ?? 'no answer', 120);
  return new QwenAuthError('NETWORK_ERROR', `${endpoint.origin} could not be reached (${why}) after ${attempts} attempt(s).`, {
    details: { endpoint: redactUrl(endpoint.href), ...(failure.status !== undefined && { status: failure.status }), attempts },
    ...(failure.status === undefined && { cause: error }),
  });
}

/** Starts a device authorization with PKCE S256. */
export async function startDeviceAuthorization(config: oidc.Configuration, options: ProtocolOptions): Promise<DeviceAuthorization> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
  let raw: oidc.DeviceAuthorizationResponse;
  const issuedAt = options.now();
  try {
    raw = await oidc.initiateDeviceAuthorization(config, {
      scope: options.endpoints.scope,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
  } catch (error) {
    const failure = httpFailure(error);
    if (isTransportFailure(error) || (failure.status !== undefined && failure.status >= 500)) {
      throw networkError(options.endpoints.deviceAuthorizationEndpoint, error, failure, 1);
    }
    throw protocolError(options.endpoints.deviceAuthorizationEndpoint, error, failure);
  }
  // Validated (zod, internal/schemas.ts) and clamped here, at the boundary: every timer below gets a sane number.
  const lifetime = raw.expires_in as unknown;
  if (schemas().deviceCodeLifetime(lifetime)) {
    throw protocolError(options.endpoints.deviceAuthorizationEndpoint, new Error('"expires_in" of the device code must be a positive number'), {});
  }
  const expiresIn = Math.min(lifetime as number, MAX_DEVICE_CODE_SECONDS);
  // At most a minute, and short enough that the code is polled for at least twice before it expires.
  const interval =
    typeof raw.interval === 'number' && Number.isFinite(raw.interval) && raw.interval >= 0
      ? Math.min(raw.interval, MAX_POLL_INTERVAL_SECONDS, Math.floor(expiresIn / 2))
      : undefined;
  const checked = { ...raw, expires_in: expiresIn } as oidc.DeviceAuthorizationResponse;
  if (interval === undefined) delete (checked as { interval?: number }).interval;
  else (checked as { interval?: number }).interval = interval;
  return {
    deviceCode: raw.device_code,
    userCode: raw.user_code,
    verificationUri: raw.verification_uri,
    ...(typeof raw.verification_uri_complete === 'string' && { verificationUriComplete: raw.verification_uri_complete }),
    expiresIn,
    ...(interval !== undefined && { interval }),
    issuedAt,
    raw: checked,
    codeVerifier,
  };
}

function grantFrom(response: oidc.TokenEndpointResponse): TokenGrant {
  const extra = response as unknown as { resource_url?: unknown };
  return {
    accessToken: response.access_token,
    ...(typeof response.refresh_token === 'string' && { refreshToken: response.refresh_token }),
    // oauth4webapi lower-cases token_type; write it the way servers (and Qwen Code) spell it.
    ...(typeof response.token_type === 'string' && {
      tokenType: response.token_type.toLowerCase() === 'bearer' ? 'Bearer' : response.token_type,
    }),
    ...(typeof extra.resource_url === 'string' && extra.resource_url !== '' && { resourceUrl: extra.resource_url }),
    ...(typeof response.expires_in === 'number' && { expiresIn: response.expires_in }),
  };
}

/**
 * Polls the token endpoint until the user approves, honouring `slow_down`,
 * the device code's expiry and `signal`. `access_denied` and `expired_token`
 * end it at once.
 */
export async function pollDeviceToken(
  config: oidc.Configuration,
  options: ProtocolOptions,
  authorization: DeviceAuthorization,
  signal: AbortSignal | undefined,
): Promise<TokenGrant> {
  // The code's lifetime runs from when it was issued, not from when polling
  // starts (the user may take a while in onVerification).
  const left = Math.ceil(authorization.issuedAt + Math.min(authorization.expiresIn, MAX_DEVICE_CODE_SECONDS) * 1000 - options.now());
  if (!(left > 0)) throw new QwenAuthError('OAUTH_DEVICE_CODE_EXPIRED', 'The login code expired before it was approved.', { details: {} });
  const expiry = AbortSignal.timeout(Math.min(left, MAX_DEVICE_CODE_SECONDS * 1000));
  const combined = signal ? AbortSignal.any([signal, expiry]) : expiry;
  try {
    const polling = oidc.pollDeviceAuthorizationGrant(config, authorization.raw, { code_verifier: authorization.codeVerifier }, { signal: combined });
    // openid-client notices an abort only between 5-second waits: end at once, and let it wind down.
    polling.catch(() => undefined);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(combined.reason);
      if (combined.aborted) onAbort();
      else combined.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return grantFrom(await Promise.race([polling, aborted]));
    } finally {
      if (onAbort) combined.removeEventListener('abort', onAbort);
    }
  } catch (error) {
    if (signal?.aborted) {
      throw new QwenAuthError('ABORTED', 'The login was cancelled.', { details: {} });
    }
    const failure = httpFailure(error);
    if (expiry.aborted || failure.error === 'expired_token') {
      throw new QwenAuthError('OAUTH_DEVICE_CODE_EXPIRED', 'The login code expired before it was approved.', { details: {} });
    }
    if (failure.error === 'access_denied') {
      throw new QwenAuthError('OAUTH_ACCESS_DENIED', 'The login was denied.', { details: {} });
    }
    if (isTransportFailure(error) || (failure.status !== undefined && failure.status >= 500)) {
      throw networkError(options.endpoints.tokenEndpoint, error, failure, 1);
    }
    throw protocolError(options.endpoints.tokenEndpoint, error, failure);
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). */
  readonly attempts?: number;
  /** Delay before the first retry, doubled each time (default 500 ms). */
  readonly baseDelayMs?: number;
}

const timerSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Exchanges a refresh token. 400/401: LOGIN_REQUIRED (`refresh-rejected`).
 * 5xx, 429 and transport failures: retried with backoff, then NETWORK_ERROR.
 */
export async function refreshGrant(config: oidc.Configuration, options: ProtocolOptions, refreshToken: string, retry: RetryPolicy = {}): Promise<TokenGrant> {
  const attempts = Math.max(1, retry.attempts ?? 4);
  let delay = retry.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return grantFrom(await oidc.refreshTokenGrant(config, refreshToken));
    } catch (error) {
      const failure = httpFailure(error);
      if (failure.status === 400 || failure.status === 401) {
        throw new QwenAuthError('LOGIN_REQUIRED', 'The refresh token was rejected; log in again.', {
          details: { reason: 'refresh-rejected' },
        });
      }
      const transient = isTransportFailure(error) || failure.status === 429 || (failure.status ?? 0) >= 500;
      if (!transient) throw protocolError(options.endpoints.tokenEndpoint, error, failure);
      if (attempt >= attempts) throw networkError(options.endpoints.tokenEndpoint, error, failure, attempt);
      await (options.sleep ?? timerSleep)(delay * (0.8 + (options.random ?? Math.random)() * 0.4));
      delay *= 2;
    }
  }
}
