/**
 * CloudFormation and SAM: `AWS::Lambda::Function` `Code.ZipFile` → `Code: <folder>`, SAM
 * `InlineCode` → `CodeUri: <folder>`, the code written to `<folder>/index.<ext>`. Both are the local
 * paths `aws cloudformation package` (and `sam build`/`sam package`) upload to S3 before a deploy.
 */
import path from 'node:path';
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnContext, CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isPlainObject, pointer, resourcesOfType, samGlobals, type JsonObject, type ResourceRef } from '../_shared/cfn.js';
import { extractCode, type Extracted } from './extract.js';
import type { InlineCodeOptions } from './meta.js';
import { handlerModule, languageOfRuntime } from './runtime.js';
import { codeBytes, readTemplateCode } from './template-code.js';

export const LIMITS =
  'Inline code counts against the template body limit (51,200 bytes when passed directly, 1 MB from S3); the old 4 KB ZipFile limit no longer applies (CloudFormation now takes a 4 MB zip).';

/** A function with inline code, wherever the code sits. */
interface InlineFunction {
  resource: ResourceRef;
  /** Pointer to the code value (`…/Code/ZipFile` or `…/InlineCode`). */
  codePointer: string;
  code: Json;
  sam: boolean;
  /** Properties with SAM Globals merged in (the function's own win). */
  settings: JsonObject;
}

export const cfn: CfnHalf<InlineCodeOptions> = {
  detect(template, ctx) {
    const findings: CfnFindingInput[] = [];
    const functions = inlineFunctions(template);
    // Measured only when there is inline code to speak of (it serializes the whole template).
    const nearLimit = functions.length > 0 && templateBytes(template) >= ctx.options.nearLimitBytes;
    for (const fn of functions) {
      const finding = detectOne(fn, template, ctx, nearLimit);
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

function inlineFunctions(template: Template): InlineFunction[] {
  const out: InlineFunction[] = [];
  const globals = samGlobals(template, 'Function');
  for (const resource of resourcesOfType(template, 'AWS::Lambda::Function', 'AWS::Serverless::Function')) {
    const { logicalId, properties } = resource;
    if (resource.type === 'AWS::Lambda::Function') {
      const code = properties.Code;
      if (!isPlainObject(code) || !('ZipFile' in code)) continue;
      out.push({ resource, codePointer: pointer('Resources', logicalId, 'Properties', 'Code', 'ZipFile'), code: code.ZipFile!, sam: false, settings: properties });
    } else if ('InlineCode' in properties) {
      const settings = { ...globals, ...properties };
      out.push({ resource, codePointer: pointer('Resources', logicalId, 'Properties', 'InlineCode'), code: properties.InlineCode!, sam: true, settings });
    }
  }
  return out;
}

function detectOne(fn: InlineFunction, template: Template, ctx: CfnContext<InlineCodeOptions>, nearLimit: boolean): CfnFindingInput | undefined {
  const { logicalId, properties } = fn.resource;
  const base = { pointer: fn.codePointer, logicalId };
  const manual = (reason: string): CfnFindingInput => ({
    ...base,
    messageId: 'inlineCodeManual',
    message: `${logicalId} carries its code inline. ${LIMITS}`,
    manual: `Not moved to a file: ${reason}.`,
  });
  const read = readTemplateCode(fn.code);
  if (!read.ok) return manual(read.reason);
  const bytes = codeBytes(read.segments);
  if (bytes < ctx.options.minBytes) {
    if (!nearLimit) return undefined;
    return {
      ...base,
      messageId: 'inlineCodeNearLimit',
      message: `${logicalId} keeps ${bytes} bytes of inline code (below minBytes ${ctx.options.minBytes}) in a template that is near its size limit. ${LIMITS}`,
    };
  }
  if (!fn.sam && Object.keys(properties.Code as JsonObject).length > 1) return manual('its Code has other keys beside ZipFile, which a packaged folder cannot carry');
  if (fn.sam && 'CodeUri' in properties) return manual('it has both InlineCode and CodeUri');
  const language = languageOfRuntime(fn.settings.Runtime, template);
  if (typeof language !== 'string') return manual(language.reason);
  const module = handlerModule(fn.settings.Handler);
  if (typeof module !== 'string') return manual(module.reason);
  const environment = existingEnvironment(fn, template);
  const folder = path.posix.join(ctx.options.directory, logicalId.replace(/[^A-Za-z0-9_-]/g, '_'));
  const extracted = extractCode({ segments: read.segments, language, folder, existingEnv: environment ?? {} });
  if ('reason' in extracted) return manual(extracted.reason);
  if (extracted.newEnv.length > 0 && !environment) {
    return manual('its environment variables are given by an intrinsic function, so the variables its code would read cannot be added safely');
  }
  return {
    ...base,
    messageId: 'inlineCodeExtracted',
    message: [
      `Inline code of ${logicalId} (${bytes} bytes${read.form === 'literal' ? '' : ` from ${read.form}`}) goes to ${extracted.codeFile}, and ${fn.sam ? 'CodeUri' : 'Code'} points at ${folder}.`,
      ...extracted.notes,
      LIMITS,
      fn.sam
        ? 'The template now needs packaging: sam build and sam deploy (or aws cloudformation package) upload the folder to S3.'
        : 'The template now needs packaging: aws cloudformation package (or sam package) uploads the folder to S3 and writes the deployable template.',
    ].join(' '),
    fix: operations(fn, folder, extracted),
    files: extracted.files,
  };
}

/** The variables the function already has, SAM Globals included; undefined when an intrinsic hides them. */
function existingEnvironment(fn: InlineFunction, template: Template): JsonObject | undefined {
  const own = variablesOf(fn.resource.properties.Environment);
  const global = fn.sam ? variablesOf(samGlobals(template, 'Function').Environment) : {};
  return own && global ? { ...global, ...own } : undefined;
}

function variablesOf(environment: Json | undefined): JsonObject | undefined {
  if (environment === undefined) return {};
  if (!isPlainObject(environment)) return undefined;
  const variables = environment.Variables;
  if (variables === undefined) return {};
  return isPlainObject(variables) ? variables : undefined;
}

function operations(fn: InlineFunction, folder: string, extracted: Extracted): Operation[] {
  const props = (...rest: string[]) => pointer('Resources', fn.resource.logicalId, 'Properties', ...rest);
  // The test pins the code that was extracted: a stale view must not lose a later edit of it.
  const ops: Operation[] = [{ op: 'test', path: fn.codePointer, value: fn.code }];
  if (fn.sam) ops.push({ op: 'remove', path: props('InlineCode') }, { op: 'add', path: props('CodeUri'), value: folder });
  else ops.push({ op: 'replace', path: props('Code'), value: folder });
  if (extracted.newEnv.length === 0) return ops;
  const variables = Object.fromEntries(extracted.newEnv);
  const environment = fn.resource.properties.Environment;
  if (!isPlainObject(environment)) ops.push({ op: 'add', path: props('Environment'), value: { Variables: variables } });
  else if (!isPlainObject(environment.Variables)) ops.push({ op: 'add', path: props('Environment', 'Variables'), value: variables });
  else for (const [name, value] of extracted.newEnv) ops.push({ op: 'add', path: props('Environment', 'Variables', name), value });
  return ops;
}

/** The template's size as compact JSON: close to what CloudFormation counts, whatever the file's format. */
function templateBytes(template: Template): number {
  return Buffer.byteLength(JSON.stringify(template));
}
