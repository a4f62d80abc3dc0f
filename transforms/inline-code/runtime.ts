/**
 * The language a function's inline code is written in, read from its `Runtime`, and the module its
 * `Handler` loads. Inline code exists only for Node.js and Python, and CloudFormation always saves it
 * as `index.js` / `index.py`, so a working handler is always `index.<function>`.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../../src/document/cfn/index.js';

export type Language = 'python' | 'nodejs';

export const INLINE_MODULE = 'index';

function languageOf(runtime: string): Language | undefined {
  if (/^python\d/.test(runtime)) return 'python';
  if (/^nodejs\d/.test(runtime)) return 'nodejs';
  return undefined;
}

/**
 * Every value a property may take at deploy time, when they are all known: a literal, a `Ref` to a
 * parameter (its Default and AllowedValues), each branch of an `Fn::If`. Undefined otherwise.
 */
function possibleStrings(value: Json | undefined, template: Template): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!isPlainObject(value)) return undefined;
  if (typeof value.Ref === 'string') {
    const params = template.Parameters;
    const param = isPlainObject(params) ? params[value.Ref] : undefined;
    if (!isPlainObject(param) || typeof param.Default !== 'string') return undefined;
    const allowed = Array.isArray(param.AllowedValues) ? param.AllowedValues.filter((v): v is string => typeof v === 'string') : [];
    return [param.Default, ...allowed];
  }
  const branches = value['Fn::If'];
  if (Array.isArray(branches) && branches.length === 3) {
    const [a, b] = [possibleStrings(branches[1], template), possibleStrings(branches[2], template)];
    return a && b ? [...a, ...b] : undefined;
  }
  return undefined;
}

/** The one language every possible runtime belongs to, or why there is none. */
export function languageOfRuntime(runtime: Json | undefined, template: Template): Language | { reason: string } {
  if (runtime === undefined) return { reason: 'it has no Runtime, so the language of its code is unknown' };
  const values = possibleStrings(runtime, template);
  if (!values) return { reason: 'its Runtime is only known at deploy time, so the language of its code is unknown' };
  const languages = new Set(values.map(languageOf));
  const [only] = languages;
  if (languages.size !== 1 || !only) return { reason: `its Runtime (${values.join(', ')}) is not one Node.js or Python family` };
  return only;
}

/**
 * The module a literal Handler loads (`index.handler` → `index`). A handler that is not a literal
 * (a parameter) must still be `index.*` at deploy time, since that is the only file inline code has.
 */
export function handlerModule(handler: Json | undefined): string | { reason: string } {
  if (handler === undefined) return { reason: 'it has no Handler' };
  if (typeof handler !== 'string') return INLINE_MODULE;
  const dot = handler.lastIndexOf('.');
  const module = dot > 0 ? handler.slice(0, dot) : '';
  if (module !== INLINE_MODULE) {
    return { reason: `its Handler ${handler} does not load ${INLINE_MODULE}, the only file CloudFormation writes inline code to; fix the handler first` };
  }
  return module;
}
