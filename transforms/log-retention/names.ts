/**
 * Log group names as template strings, so that equivalent ways of writing one name compare equal:
 * `!Sub '/aws/lambda/${Fn}'`, `!Join ['', ['/aws/lambda/', !Ref Fn]]` and, for a function named
 * `orders`, the literal `/aws/lambda/orders`.
 */
import type { Json } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../_shared/cfn.js';

/** `Ref X` → `${X}`, `GetAtt X.Y` → `${X.Y}`, Sub and Join flattened; undefined when a part is not static. */
export function nameTemplate(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return undefined;
  if (typeof value.Ref === 'string') return '${' + value.Ref + '}';
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const parts = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
    return parts.length > 0 && parts.every((p) => typeof p === 'string') ? '${' + parts.join('.') + '}' : undefined;
  }
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') {
    let text = sub[0];
    for (const [name, inner] of Object.entries(isPlainObject(sub[1]) ? sub[1] : {})) {
      const innerText = nameTemplate(inner);
      if (innerText === undefined) return undefined;
      text = text.split('${' + name + '}').join(innerText);
    }
    return text;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(nameTemplate);
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

/**
 * The LogGroupName to write for a name template: a plain string when it references nothing, else a
 * Sub. Written from the function's own FunctionName, the group does not depend on the function, so
 * CloudFormation may create it first.
 */
export function logGroupNameValue(template: string): Json {
  return template.includes('${') ? { 'Fn::Sub': template } : template;
}
