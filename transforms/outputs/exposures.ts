/**
 * What the template's existing outputs already expose, whatever their names: a `Value` that is
 * `!Ref X`, `!GetAtt X.Attr` (either form) or `!Sub '${X}'`/`'${X.Attr}'`, and API endpoint URLs
 * (`${Api}.execute-api.` in a Sub, `!Ref Api` followed by `.execute-api.` in a Join, `Api.ApiEndpoint`).
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../_shared/cfn.js';

/** `Ref` for a Ref (a parameter or a resource's Ref value), the attribute for a GetAtt, `Endpoint` for an API URL. */
export class Exposures {
  private readonly seen = new Set<string>();

  constructor(template: Template) {
    const outputs = isPlainObject(template.Outputs) ? template.Outputs : {};
    for (const output of Object.values(outputs)) {
      if (!isPlainObject(output)) continue;
      const direct = directReference(output.Value);
      if (direct) this.seen.add(key(direct.target, direct.attribute));
      for (const api of endpointApis(output.Value)) this.seen.add(key(api, 'Endpoint'));
    }
  }

  has(target: string, attribute: string): boolean {
    return this.seen.has(key(target, attribute));
  }
}

function key(target: string, attribute: string): string {
  return `${target}\u0000${attribute}`;
}

function directReference(value: Json | undefined): { target: string; attribute: string } | undefined {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return undefined;
  if (typeof value.Ref === 'string') return { target: value.Ref, attribute: 'Ref' };
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') return { target: getAtt[0], attribute: getAtt[1] };
  if (typeof getAtt === 'string' && getAtt.includes('.')) {
    const dot = getAtt.indexOf('.');
    return { target: getAtt.slice(0, dot), attribute: getAtt.slice(dot + 1) };
  }
  const sub = value['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  const whole = text === undefined ? null : /^\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}$/.exec(text);
  if (whole) return { target: whole[1]!, attribute: whole[2] ?? 'Ref' };
  return undefined;
}

/** The APIs whose execute-api URL a value builds, at any depth. */
function endpointApis(value: Json | undefined, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) endpointApis(item, out);
    return out;
  }
  if (!isPlainObject(value)) return out;
  const sub = value['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (text !== undefined) {
    for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)\}\.execute-api\./g)) out.push(m[1]!);
    for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)\.ApiEndpoint\}/g)) out.push(m[1]!);
  }
  const join = value['Fn::Join'];
  const items = Array.isArray(join) && Array.isArray(join[1]) ? join[1] : [];
  items.forEach((item, i) => {
    const next = items[i + 1];
    if (isPlainObject(item) && typeof item.Ref === 'string' && typeof next === 'string' && next.startsWith('.execute-api.')) out.push(item.Ref);
  });
  const getAtt = directReference(value);
  if (getAtt?.attribute === 'ApiEndpoint') out.push(getAtt.target);
  for (const inner of Object.values(value)) endpointApis(inner, out);
  return out;
}
