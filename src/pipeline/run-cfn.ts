/**
 * One template through the enabled transforms. Transforms run in their stable order, each on the view
 * the previous ones left; passes repeat until no fix applies (a fixed point), at most MAX_PASSES.
 * One print at the end turns the final view into minimal text edits, verified by a re-parse.
 */
import path from 'node:path';
import { CfnDocument, isPlainObject, type Template } from '../document/cfn/index.js';
import { restoreText, type SourceText } from '../document/source.js';
import { StackfixError, toErrorRecord } from '../errors.js';
import type { CfnFindingInput, Finding } from '../transform.js';
import { loadSpec } from '../verify/spec.js';
import { problemsIntroduced } from '../verify/validate.js';
import { FindingLog, MAX_PASSES } from './findings.js';
import { findingKey, FixJournal } from './journal.js';
import { NewFiles } from './new-files.js';
import { projectFiles } from './project-files.js';
import type { FileResult } from './result.js';
import type { PreparedTransform, RunEnv } from './types.js';

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** A CloudFormation (or SAM) template, as opposed to any other YAML or JSON file. */
export function isTemplate(view: Template): boolean {
  if ('AWSTemplateFormatVersion' in view) return true;
  const resources = view.Resources;
  if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return false;
  return Object.values(resources).some((r) => {
    const type = r && typeof r === 'object' && !Array.isArray(r) ? r.Type : undefined;
    return typeof type === 'string' && /^(AWS|Alexa|Custom)::/.test(type);
  });
}

export function isSamTemplate(view: Template): boolean {
  const transform = view.Transform;
  return transform === SAM_TRANSFORM || (Array.isArray(transform) && transform.includes(SAM_TRANSFORM));
}

/** Does this text claim to be a template, even if it does not parse? Decides whether a parse error is reported. */
export function claimsToBeTemplate(text: string): boolean {
  return /AWSTemplateFormatVersion|^\s*"?Resources"?\s*:|AWS::[A-Za-z0-9]+::/m.test(text);
}

export function runTemplate(source: SourceText, transforms: PreparedTransform[], env: RunEnv): FileResult | undefined {
  const result: FileResult = {
    path: source.path,
    kind: 'cloudformation',
    findings: [],
    errors: [],
    warnings: [],
    original: restoreText(source, source.body),
    output: restoreText(source, source.body),
    changed: false,
    created: [],
  };
  // Neither a template nor claiming to be one (a data file, a config): not worth a parse, which for a big file is most of a run.
  if (!source.body.includes('Resources') && !claimsToBeTemplate(source.body)) return undefined;
  let doc: CfnDocument;
  try {
    doc = CfnDocument.parse(source, { allowDuplicateKeys: env.allowDuplicateKeys });
  } catch (error) {
    if (!claimsToBeTemplate(source.body)) return undefined;
    result.errors.push(toErrorRecord(error, source.path));
    return result;
  }
  if (!isTemplate(doc.template)) return undefined;
  result.warnings.push(...doc.warnings);
  if (!loadSpec()) result.warnings.push('the CloudFormation resource specification (@aws-cdk/aws-service-spec) is not available: fixes were not checked against it');

  const dir = path.posix.dirname(source.path);
  const newFiles = new NewFiles(env.root, dir);
  const files = projectFiles(env.root, path.join(env.root, dir), newFiles.overlay);
  const log = new FindingLog();
  const journal = new FixJournal();
  const info = { format: doc.format, isSam: isSamTemplate(doc.template) };
  // What each transform saw when it last looked: the journal's mark then, and the needs-review findings it reported.
  const lastLook = new Map<string, { mark: number; manual: Set<string> }>();
  /**
   * A needs-review finding that another transform's fix of this run brought about: it names a resource a fix created, or
   * (on a later look of its transform) it is new and a fix wrote in its resource since. Those fixes
   * are taken back: a fix must not leave a new problem behind.
   */
  const culpritsOf = (finding: Finding, key: string): ReturnType<FixJournal['fixesOn']> => {
    const id = finding.logicalId;
    if (!id) return [];
    const look = lastLook.get(finding.transformId);
    if (look?.manual.has(key)) return [];
    const existed = isPlainObject(doc.original.Resources) && Object.hasOwn(doc.original.Resources, id);
    if (!look) return existed ? [] : journal.fixesOn(id, 0, false);
    return journal.fixesOn(id, look.mark, true);
  };

  try {
    let pass = 0;
    for (let applied = true; applied; ) {
      if (++pass > MAX_PASSES) throw new StackfixError('engine', `fixes did not converge after ${MAX_PASSES} passes`, { file: source.path });
      log.startPass();
      applied = false;
      for (const { transform, options } of transforms) {
        if (!transform.cfn) continue;
        let inputs: CfnFindingInput[];
        try {
          inputs = transform.cfn.detect(doc.template, { options, file: source.path, files, doc: info });
        } catch (error) {
          throw new StackfixError('transform', `transform ${transform.meta.id} failed: ${(error as Error).message}`, { file: source.path, cause: error });
        }
        const look = { mark: journal.mark, manual: new Set<string>() };
        for (const input of inputs) {
          const finding = toFinding(transform.meta.id, input, source.path, doc);
          if (!input.fix || input.fix.length === 0 || input.manual) {
            if (finding.status === 'manual') {
              const key = findingKey(finding);
              look.manual.add(key);
              // Another transform's fixes only: what a transform says about its own result is its own business.
              const culprits = culpritsOf(finding, key).filter((entry) => entry.finding.transformId !== finding.transformId && !journal.dropped.has(entry.key));
              if (culprits.length > 0) {
                const reason = `it made ${finding.transformId} report a problem on ${finding.logicalId} ("${finding.message}"); a fix must not leave a new one behind`;
                for (const culprit of culprits) for (const dropped of journal.drop(culprit.key, reason, doc)) newFiles.remove(dropped.files);
                applied = true;
                continue; // looked at again on the view without those fixes, in the next pass
              }
            }
            log.add(finding);
            continue;
          }
          const key = findingKey(finding);
          const droppedBecause = journal.dropped.get(key);
          if (droppedBecause) continue; // reported when it was dropped
          if (journal.fixedBefore(key, pass)) {
            // The finding a fix cleared is back: that fix does not hold. Take it back, report it, rebuild.
            const reason = `the fix did not hold: its finding came back after the other fixes ran (another transform undoes it, or it does not clear its own finding)`;
            for (const dropped of journal.drop(key, reason, doc)) newFiles.remove(dropped.files);
            applied = true;
            continue;
          }
          const refused = newFiles.check(input.files ?? []);
          if (refused) {
            log.add({ ...finding, status: 'manual', reason: refused });
            continue;
          }
          const before = doc.template;
          try {
            doc.applyOps(input.fix);
          } catch (error) {
            log.add({ ...finding, status: 'manual', reason: `the fix did not apply (another fix changed this first?): ${(error as Error).message}` });
            continue;
          }
          // A fix must leave the template valid: per the resource specification and its own references.
          const introduced = problemsIntroduced(before, doc.template, input.fix);
          if (introduced.length > 0) {
            doc.revertTo(before);
            const [first] = introduced;
            log.add({ ...finding, status: 'manual', reason: `the fix would make the template invalid (${first!.pointer}: ${first!.message}); not applied` });
            continue;
          }
          const fixed: Finding = { ...finding, status: 'fixed' };
          newFiles.add(input.files ?? []);
          journal.record({ key, pass, ops: input.fix, files: input.files ?? [], finding: fixed });
          log.add(fixed);
          applied = true;
        }
        lastLook.set(transform.meta.id, look);
      }
    }
    const body = doc.print();
    result.output = restoreText(source, body);
    result.changed = body !== source.body;
    result.created = newFiles.list();
  } catch (error) {
    result.errors.push(toErrorRecord(error, source.path));
    result.output = result.original;
    result.changed = false;
    result.created = [];
  }
  result.findings = log.findings;
  return result;
}

function toFinding(transformId: string, input: CfnFindingInput, file: string, doc: CfnDocument): Finding {
  // Located in the original text; a pointer into something a fix created falls back to its nearest ancestor.
  const pos = doc.locate(input.pointer);
  return {
    transformId,
    messageId: input.messageId,
    message: input.message,
    file,
    line: pos?.line,
    column: pos?.column,
    pointer: input.pointer,
    logicalId: input.logicalId ?? logicalIdOf(input.pointer),
    status: input.manual ? 'manual' : input.fix && input.fix.length > 0 ? 'fixed' : 'info',
    reason: input.manual,
  };
}

function logicalIdOf(pointer: string): string | undefined {
  const match = /^\/Resources\/([^/]+)/.exec(pointer);
  return match?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
}
