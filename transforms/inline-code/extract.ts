/**
 * Inline code → the files that replace it. Shared by both halves: given the code (literal text and
 * substitutions) and its language, produce the code file (byte for byte what CloudFormation ran, each
 * substitution read from an environment variable instead), a vendored `cfn-response` when the code
 * loads it, and the environment variables the function now needs. Refuses, with the reason, whatever
 * it cannot move without changing what the code does.
 */
import path from 'node:path';
import type { Json } from '../../src/document/cfn/index.js';
import { deepEqual } from '../../src/document/cfn/index.js';
import type { NewFile } from '../../src/transform.js';
import { NODE_CFN_RESPONSE, NODE_FILE, PYTHON_CFN_RESPONSE, PYTHON_FILE } from './cfn-response.js';
import reservedNames from './data/reserved-env-vars.json' with { type: 'json' };
import { cfnResponseSpecifiers, isEsModule, loadVendoredCfnResponse, rewriteJavaScript } from './javascript.js';
import { markCode, type CodeRewrite } from './marked-code.js';
import { importsCfnResponse, rewritePython } from './python.js';
import { INLINE_MODULE, type Language } from './runtime.js';
import { distinctPlaceholders, envName, type Placeholder, type Segment } from './template-code.js';

interface ExtractInput {
  segments: Segment[];
  language: Language;
  /** Folder the code goes to, relative to the template or stack file: `functions/MyFunction`. */
  folder: string;
  /** Environment variables the function already has (SAM Globals included): reused when equal. */
  existingEnv: { [name: string]: Json };
}

export interface Extracted {
  files: NewFile[];
  /** The code file, relative to the template's folder. */
  codeFile: string;
  /** Variables to add to the function, in order. */
  newEnv: Array<[string, Json]>;
  /** Sentences for the finding: what else changed and why. */
  notes: string[];
}

const RESERVED = new Set<string>(reservedNames);

export function extractCode(input: ExtractInput): Extracted | { reason: string } {
  const placeholders = distinctPlaceholders(input.segments);
  const names = variableNames(placeholders, input.existingEnv);
  let code = input.segments.map((s) => ('text' in s ? s.text : '')).join('');
  let used = new Set<number>();
  const notes: string[] = [];
  if (placeholders.length > 0) {
    const marked = markCode(input.segments, placeholders, names);
    const rewrite: CodeRewrite = input.language === 'python' ? rewritePython(marked) : rewriteJavaScript(marked);
    if (!rewrite.ok) return { reason: rewrite.reason };
    ({ code, used } = rewrite);
    const commented = [...rewrite.inComments].map((i) => placeholders[i]!.written);
    if (commented.length > 0) notes.push(`Comments keep ${commented.join(', ')} as written.`);
  }
  const files: NewFile[] = [];
  let extension = 'py';
  if (input.language === 'python') {
    if (importsCfnResponse(code)) files.push(vendored(input.folder, PYTHON_FILE, PYTHON_CFN_RESPONSE, notes, 'cfnresponse'));
  } else {
    const esm = isEsModule(code);
    extension = esm ? 'mjs' : 'js';
    if (esm) notes.push('The code uses import/export statements, so it is saved as .mjs to load as an ES module.');
    if (cfnResponseSpecifiers(code).length > 0) {
      code = loadVendoredCfnResponse(code, esm);
      files.push(vendored(input.folder, NODE_FILE, NODE_CFN_RESPONSE, notes, 'cfn-response'));
      notes.push(`Its require of 'cfn-response' now names the copy: './cfn-response'.`);
    }
  }
  const codeFile = path.posix.join(input.folder, `${INLINE_MODULE}.${extension}`);
  files.unshift({ path: codeFile, text: code });
  const newEnv: Array<[string, Json]> = [];
  for (const index of [...used].sort((a, b) => a - b)) {
    const placeholder = placeholders[index]!;
    const name = names[index]!;
    if (placeholder.builtin) notes.push(`${placeholder.written} is read from ${name}, which Lambda sets itself.`);
    else if (name in input.existingEnv) notes.push(`${placeholder.written} is read from the existing variable ${name}.`);
    else newEnv.push([name, placeholder.value]);
  }
  if (newEnv.length > 0) notes.push(`Substituted values are now environment variables the code reads: ${newEnv.map(([n]) => n).join(', ')}.`);
  return { files, codeFile, newEnv, notes };
}

function vendored(folder: string, file: string, text: string, notes: string[], module: string): NewFile {
  notes.push(
    `The code loads ${module}, which CloudFormation provides to inline code only: a copy of the module AWS publishes is written to ${path.posix.join(folder, file)} so the function keeps responding to its custom resource.`,
  );
  return { path: path.posix.join(folder, file), text };
}

/** One variable name per placeholder: Lambda's own, an existing one with the same value, or a new unique one. */
function variableNames(placeholders: Placeholder[], existing: { [name: string]: Json }): string[] {
  const taken = new Set([...RESERVED, ...Object.keys(existing)]);
  return placeholders.map((placeholder) => {
    if (placeholder.builtin) return placeholder.builtin;
    const same = Object.entries(existing).find(([, value]) => deepEqual(value, placeholder.value));
    if (same) return same[0];
    const base = envName(placeholder.nameHint);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  });
}
