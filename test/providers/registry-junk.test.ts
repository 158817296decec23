/**
 * Junk registries and broken provider definitions (issue 10, finding 9):
 * INVALID_OPTION, never a TypeError, wherever they come in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderRegistry, defaultProviders, isAuthError, type ProviderDefinition, resolveAuth } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const GOOD: ProviderDefinition = {
  id: 'corp',
  name: 'Corp',
  authType: 'openai',
  plan: 'internal',
  status: 'active',
  endpoints: [{ region: 'eu', regionName: 'EU', baseUrl: 'https://llm.corp.example/v1' }],
  envKeys: ['CORP_KEY'],
};

const BROKEN: [string, unknown][] = [
  ['a number', 5],
  ['a string', 'providers'],
  ['null', null],
  ['an object', {}],
  ['a null entry', [null]],
  ['a number entry', [5]],
  ['no endpoints', [{ ...GOOD, endpoints: undefined }]],
  ['endpoints a string', [{ ...GOOD, endpoints: 'https://x' }]],
  ['a null endpoint', [{ ...GOOD, endpoints: [null] }]],
  ['a numeric baseUrl', [{ ...GOOD, endpoints: [{ region: 'x', regionName: 'x', baseUrl: 5 }] }]],
  ['hosts a string', [{ ...GOOD, hosts: 'corp.example' }]],
  ['a numeric host', [{ ...GOOD, hosts: [5] }]],
  ['keyPrefixes a string', [{ ...GOOD, keyPrefixes: 'corp-' }]],
  ['an empty key prefix (would match every key)', [{ ...GOOD, keyPrefixes: [''] }]],
  ['loopbackPorts of strings', [{ ...GOOD, loopbackPorts: ['8080'] }]],
  ['a port out of range', [{ ...GOOD, loopbackPorts: [70_000] }]],
  ['envKeys a number', [{ ...GOOD, envKeys: 5 }]],
  ['a numeric name', [{ ...GOOD, name: 5 }]],
  ['an unknown status', [{ ...GOOD, status: 'maybe' }]],
  ['an unknown auth type', [{ ...GOOD, authType: 'gemini' }]],
  ['a numeric id', [{ ...GOOD, id: 5 }]],
  [
    'a getter that throws',
    [
      Object.defineProperty({ ...GOOD }, 'endpoints', {
        get: () => {
          throw new TypeError('boom');
        },
        enumerable: true,
      }),
    ],
  ],
];

describe('createProviderRegistry', () => {
  it.each(BROKEN)('%s: INVALID_OPTION', (_name, providers) => {
    let error: unknown;
    try {
      createProviderRegistry(providers as never);
    } catch (e) {
      error = e;
    }
    expect(isAuthError(error, 'INVALID_OPTION'), String(error)).toBe(true);
    expect((error as { details: { option: string } }).details.option).toBe('providers');
  });

  it('lookups take anything without throwing', () => {
    const r = createProviderRegistry([...defaultProviders, GOOD]);
    for (const junk of [5, null, undefined, {}, [], Symbol('x')]) {
      expect(r.matchBaseUrl(junk as never)).toBeUndefined();
      expect(r.matchKey(junk as never)).toEqual([]);
      expect(r.get(junk as never)).toBeUndefined();
    }
  });
});

describe('resolveAuth({ registry })', () => {
  const JUNK: [string, unknown][] = [
    ['a number', 5],
    ['a string', 'default'],
    ['an array', []],
    ['an empty object', {}],
    ['methods that are not functions', { providers: [], get: 5, matchBaseUrl: 5, matchKey: 5 }],
    ['providers not a list', { providers: 5, get: () => undefined, matchBaseUrl: () => undefined, matchKey: () => [] }],
    ['lookups answering junk', { providers: [], get: () => 5, matchBaseUrl: () => 'x', matchKey: () => 5 }],
    ['a match without a provider', { providers: [], get: () => undefined, matchBaseUrl: () => ({ endpoint: {} }), matchKey: () => [] }],
    ['keys owned by junk', { providers: [], get: () => undefined, matchBaseUrl: () => undefined, matchKey: () => [null] }],
  ];
  it.each(JUNK)('%s: INVALID_OPTION naming registry', async (_name, registry) => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const error = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: { OPENAI_API_KEY: 'sk-sp-0123456789abcdef' },
      registry: registry as never,
    }).catch((e: unknown) => e);
    expect(isAuthError(error, 'INVALID_OPTION'), String(error)).toBe(true);
    expect((error as { details: { option: string } }).details.option).toBe('registry');
  });

  it('a well-formed duck-typed registry still works', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const inner = createProviderRegistry([GOOD]);
    const duck = {
      providers: inner.providers,
      get: (id: string) => inner.get(id),
      matchBaseUrl: (u: string) => inner.matchBaseUrl(u),
      matchKey: (k: string) => inner.matchKey(k),
    };
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: { OPENAI_API_KEY: 'k-0123', OPENAI_BASE_URL: 'https://llm.corp.example/v1' },
      registry: duck,
    });
    expect(auth.provider?.id).toBe('corp');
  });
});
