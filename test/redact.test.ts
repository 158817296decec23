import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redact } from '../src/index.js';
import { redactUrl, withRedactedView } from '../src/redact.js';

describe('redact', () => {
  it.each([
    ['sk-sp-0123456789abcdef9f3a', 'sk-sp-…9f3a'],
    ['sk-or-v1-0123456789abcdef', 'sk-or-v1-…cdef'],
    ['sk-0123456789abcdef0123456789abcdef', 'sk-…cdef'],
    ['ms-12345678-1234-1234-1234-123456789abc', 'ms-…9abc'],
    ['sk-short', '…'], // too short to show anything
    ['sk-sp-1234567890', 'sk-…'], // sk-sp- would leave too little hidden; sk- does not
    ['0123456789abcdef', '…cdef'],
    ['0123456789abcde', '…'],
    ['  sk-sp-0123456789abcdef9f3a  ', 'sk-sp-…9f3a'],
    ['', ''],
  ])('%j → %j', (secret, shown) => {
    expect(redact(secret)).toBe(shown);
  });

  it('never returns a secret whole, whatever its length', () => {
    for (let n = 1; n < 80; n++) {
      const secret = 'sk-sp-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, n);
      const shown = redact(secret);
      expect(shown).not.toBe(secret);
      expect(shown.replace('…', '').length).toBeLessThanOrEqual(secret.length - Math.min(12, secret.length));
    }
  });

  it('redacts credentials in a URL', () => {
    expect(redactUrl('https://user:hunter2@proxy.example/v1')).toBe('https://user:%E2%80%A6@proxy.example/v1');
    expect(redactUrl('https://token@proxy.example/v1')).not.toContain('token');
    expect(redactUrl('https://api.example/v1')).toBe('https://api.example/v1');
  });

  it('gives objects a redacted face for inspect and JSON, keeping their fields', () => {
    const o = withRedactedView({ apiKey: 'sk-secret-value-0123456789' }, () => ({ apiKey: redact('sk-secret-value-0123456789') }));
    expect(o.apiKey).toBe('sk-secret-value-0123456789');
    expect(JSON.stringify(o)).not.toContain('secret-value');
    expect(inspect(o)).not.toContain('secret-value');
    expect(Object.keys(o)).toEqual(['apiKey']);
  });
});
