import { defaultProviders } from 'qwen-auth';
import type { GlobalFlags } from './context.js';
import { EXIT } from './exit.js';
import type { Output } from './output.js';

/** `qwen-auth providers`: the registry. */
export function providers(flags: GlobalFlags, out: Output): number {
  if (flags.json) {
    out.json(defaultProviders);
    return EXIT.ok;
  }
  for (const p of defaultProviders) {
    const status = p.status === 'active' ? out.green(p.status) : out.red(`${p.status}${p.discontinuedOn ? ` on ${p.discontinuedOn}` : ''}`);
    out.line(`${out.bold(p.name)} ${out.dim(`[${p.id}]`)}  ${status}  ${out.dim(`${p.plan}, ${p.authType}`)}`);
    for (const e of p.endpoints) out.line(`    ${e.regionName.padEnd(18)} ${e.baseUrl}`);
    const facts: string[] = [];
    if (p.envKeys.length > 0) facts.push(`env ${p.envKeys.join(', ')}`);
    if (p.keyPrefixes?.length) facts.push(`keys ${p.keyPrefixes.map((k) => `${k}…`).join(', ')}${p.requiresKeyPrefix ? ', required' : ''}`);
    if (p.defaultModel) facts.push(`default model ${p.defaultModel}`);
    if (facts.length > 0) out.line(`    ${out.dim(facts.join(' · '))}`);
    for (const q of p.quotas ?? []) {
      const limits = q.limits.map((l) => `${l.requests.toLocaleString('en-US')}/${l.per}`).join(', ');
      const price = q.price && q.price.toLowerCase() !== q.tier.toLowerCase() ? ` ${q.price}` : '';
      out.line(`    ${out.dim(`${q.tier}${price}: ${limits} — ${q.source}`)}`);
    }
    if (p.note) out.line(`    ${out.dim(p.note)}`);
  }
  return EXIT.ok;
}
