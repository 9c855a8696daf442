import type { Input } from '@pulumi/pulumi';
import type { SstComponents } from './components';

const REF = /\{ref:([A-Za-z0-9]+\.[a-z]+)\}/g;

/**
 * Deploy-time values (queue URLs and ARNs, broker endpoints) the plan names as `{ref:Name.attr}`
 * placeholders. Components register their outputs here; strings are resolved once all of the
 * outputs they mention are known.
 */
export class Refs {
  private readonly values = new Map<string, Input<string>>();

  constructor(private readonly c: Pick<SstComponents, 'output'>) {}

  set(name: string, attrs: Record<string, Input<string>>): void {
    for (const [attr, v] of Object.entries(attrs)) this.values.set(`${name}.${attr}`, v);
  }

  resolve(text: string): Input<string> {
    const keys = [...new Set([...text.matchAll(REF)].map((m) => m[1]!))];
    if (keys.length === 0) return text;
    const inputs = keys.map((k) => {
      const v = this.values.get(k);
      if (v === undefined) throw new Error(`stacks: {ref:${k}} is used before it is created`);
      return v;
    });
    return this.c.output(inputs).apply((vals) => text.replace(REF, (_, k: string) => vals[keys.indexOf(k)]!));
  }

  resolveAll(env: Record<string, string>): Record<string, Input<string>> {
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, this.resolve(v)]));
  }
}
