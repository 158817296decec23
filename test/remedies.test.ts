/**
 * Every code's remedy — errors, diagnostics, check verdicts — through one
 * `remedyFor`, in three wordings: the library's default (neutral words), the
 * qwen-auth CLI's, and a wrapping tool's with its own flags and commands.
 * None may name an option of the library; only the CLI's may name qwen-auth.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_CHECK_CODES, authFlags, DIAGNOSTIC_CODES, ERROR_CODES, isAuthError, remedyFor, resolveAuth, type RemedyWording } from '../src/index.js';
import { makeTree } from './support/tree.js';

/** Words of the library's API a person using a tool cannot act on. */
const LIBRARY_TERMS = [
  'overrides.',
  'qwenCode',
  "'0.24'",
  'envFile',
  'homeFallback',
  'maxBytes',
  'resolveAuth',
  'interactive:',
  'probeOnFailure',
  'loginCommand',
  'checkCommand',
  'oauth.',
  'allowedResourceHosts',
  'trustedGateways',
  'options.',
  'store:',
  'getToken',
  'invalidate(',
];

const WORDINGS: ReadonlyArray<{ name: string; wording: RemedyWording | undefined; forbidden: readonly string[]; login: string; check?: string }> = [
  {
    name: 'library default',
    wording: undefined,
    forbidden: [...LIBRARY_TERMS, 'qwen-auth', '--openai-', '--auth-type', '--model', '--qwen-code'],
    login: '/auth in Qwen Code',
  },
  {
    name: 'qwen-auth CLI',
    wording: {
      flags: true,
      loginCommand: 'qwen-auth login',
      checkCommand: 'qwen-auth status --check --probe',
      qwenCode024Option: '--qwen-code 0.24',
      trustCommand: 'qwen-auth trust',
    },
    forbidden: LIBRARY_TERMS,
    login: '`qwen-auth login`',
    check: '`qwen-auth status --check --probe`',
  },
  {
    name: 'a wrapping tool',
    wording: { flags: true, loginCommand: 'mytool login', checkCommand: 'mytool doctor', trustCommand: 'mytool trust' },
    forbidden: [...LIBRARY_TERMS, 'qwen-auth'],
    login: '`mytool login`',
    check: '`mytool doctor`',
  },
];

const ALL = [...new Set([...ERROR_CODES, ...DIAGNOSTIC_CODES, ...AUTH_CHECK_CODES])];

describe.each(WORDINGS)('remedies in the wording of $name', ({ wording, forbidden, login, check }) => {
  it.each(ALL)('%s', (code) => {
    const remedy = remedyFor(code, wording);
    expect(remedy.length).toBeGreaterThan(20);
    // Without a wording, the one command a remedy may name is `qwen-auth trust <dir>` (UNTRUSTED_DESTINATION),
    // beside the neutral way it offers first: it writes Qwen Code's own trusted-folders file.
    const text = wording === undefined ? remedy.replace(/`qwen-auth trust [^`]*`/g, '') : remedy;
    for (const term of forbidden) expect(text, `${code} names "${term}"`).not.toContain(term);
    // A remedy that says how to log in names this wording's way.
    if (/log in again/i.test(remedy) && code !== 'RESOURCE_URL_REJECTED') expect(remedy).toContain(login);
  });

  it('the login and check commands appear where a remedy needs them', () => {
    expect(remedyFor('LOGIN_REQUIRED', wording)).toContain(login);
    expect(remedyFor('CREDENTIALS_INVALID', wording)).toContain(login);
    if (check) expect(remedyFor('KEY_REJECTED', wording)).toContain(check);
    else expect(remedyFor('KEY_REJECTED', wording)).not.toMatch(/`/);
  });
});

describe('flags', () => {
  it('name the tool’s flags only in a wording with flags', () => {
    expect(remedyFor('MISSING_API_KEY')).not.toContain('--openai-api-key');
    expect(remedyFor('MISSING_API_KEY', { flags: true })).toContain('--openai-api-key');
    expect(remedyFor('WRONG_REGION', { flags: true })).toContain('--openai-base-url');
  });

  it('the help text of authFlags names no library option or mode', () => {
    for (const f of Object.values(authFlags)) for (const term of LIBRARY_TERMS) expect(f.description).not.toContain(term);
  });

  it('no remedy points to Qwen Code 0.24 for a Google type (a dead end: that mode refuses it too)', () => {
    for (const w of WORDINGS) expect(remedyFor('UNSUPPORTED_AUTH_TYPE', w.wording)).not.toMatch(/0\.24/);
  });
});

describe('remedies thrown by resolution, in the three wordings', () => {
  const settings = (o: unknown) => JSON.stringify(o);
  const SCENARIOS: ReadonlyArray<{ name: string; files: Record<string, string>; options?: Record<string, unknown> }> = [
    { name: 'nothing configured', files: {} },
    { name: 'anthropic selected (default mode)', files: { 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'anthropic' } } }) } },
    { name: 'gemini selected (default mode)', files: { 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'gemini' } } }) } },
    {
      name: 'gemini selected (0.24)',
      files: { 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'gemini' } } }) },
      options: { qwenCode: '0.24' },
    },
    { name: 'nothing selected (0.24)', files: { 'w/.env': 'OPENAI_API_KEY=sk-only-a-key-000000000000\n' }, options: { qwenCode: '0.24' } },
    {
      name: 'openai without a key (0.24)',
      files: { 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai' } } }) },
      options: { qwenCode: '0.24' },
    },
    { name: 'qwen-oauth without a login', files: { 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'qwen-oauth' } } }) } },
    {
      name: 'the key in a home .env hidden by an app .env',
      files: { 'w/.env': 'DATABASE_URL=postgres://x\n', 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-000000000000000000\n' },
    },
  ];

  it.each(WORDINGS.flatMap((w) => SCENARIOS.map((s) => ({ ...s, w, label: `${s.name} — ${w.name}` }))))('$label', async ({ files, options, w }) => {
    const tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...files });
    try {
      const wording = w.wording ?? {};
      const error = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, ...options, ...wording }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAuthError(error), String(error)).toBe(true);
      // The test folder's own name is not a term the remedy uses.
      const remedy = (error as { remedy: string }).remedy.split(tree.path('')).join('<tree>/');
      for (const term of w.forbidden) expect(remedy, `${(error as { code: string }).code} names "${term}"`).not.toContain(term);
      if (/log in again/i.test(remedy)) expect(remedy).toContain(w.login);
    } finally {
      tree.remove();
    }
  });
});
