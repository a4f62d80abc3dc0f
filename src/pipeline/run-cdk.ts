/**
 * CDK TypeScript files through the enabled transforms: one in-memory ts-morph project for the batch,
 * each file edited in place by the transforms' fix functions, passes repeated to a fixed point.
 * A fix that throws is rolled back (the file's text before it is restored) and reported for review.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCdkSources, type CdkSource } from '../document/cdk/index.js';
import { restoreText, type SourceText } from '../document/source.js';
import { StackfixError, toErrorRecord } from '../errors.js';
import { cdkHalfOf, type CdkFindingInput, type CdkHalf, type Finding } from '../transform.js';
import { FindingLog, MAX_PASSES } from './findings.js';
import { NewFiles } from './new-files.js';
import { projectFiles, resolveInside } from './project-files.js';
import type { FileResult } from './result.js';
import type { PreparedTransform, RunEnv } from './types.js';

/** A transform's CDK half, loaded, with its options. */
interface CdkStep {
  id: string;
  half: CdkHalf<unknown>;
  options: Record<string, unknown>;
}

/** `sources`: the CDK files of the batch (see isCdkFile). */
export async function runCdk(sources: SourceText[], transforms: PreparedTransform[], env: RunEnv): Promise<FileResult[]> {
  if (sources.length === 0) return [];
  let steps: CdkStep[];
  try {
    steps = await loadSteps(transforms);
  } catch (error) {
    return sources.map((source) => ({ ...unchanged(source), errors: [toErrorRecord(error, source.path)] }));
  }
  const readFile = (relative: string) => {
    const target = resolveInside(env.root, env.root, relative);
    if (!target) return undefined;
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return undefined;
    }
  };
  const loaded = loadCdkSources(sources.map((s) => ({ path: s.path, text: s.body })), { readFile });
  return loaded.map((cdk, i) => runOneCdkFile(cdk, sources[i]!, steps, env));
}

/** The CDK halves of the transforms that have one, in order; halves loaded on demand are loaded now. */
async function loadSteps(transforms: PreparedTransform[]): Promise<CdkStep[]> {
  const steps: CdkStep[] = [];
  for (const { transform, options } of transforms) {
    let half: CdkHalf<unknown> | undefined;
    try {
      half = await cdkHalfOf(transform);
    } catch (error) {
      throw new StackfixError('transform', `transform ${transform.meta.id} failed: cannot load its CDK half: ${(error as Error).message}`, { cause: error });
    }
    if (half) steps.push({ id: transform.meta.id, half, options });
  }
  return steps;
}

function unchanged(source: SourceText): FileResult {
  const original = restoreText(source, source.body);
  return { path: source.path, kind: 'cdk', findings: [], errors: [], warnings: [], original, output: original, changed: false, created: [] };
}

function runOneCdkFile(cdk: CdkSource, source: SourceText, steps: CdkStep[], env: RunEnv): FileResult {
  const result = unchanged(source);
  const original = result.original;
  const dir = path.posix.dirname(source.path);
  const newFiles = new NewFiles(env.root, dir);
  const files = projectFiles(env.root, path.join(env.root, dir), newFiles.overlay);
  const log = new FindingLog();
  try {
    let pass = 0;
    for (let applied = true; applied; ) {
      if (++pass > MAX_PASSES) throw new StackfixError('engine', `fixes did not converge after ${MAX_PASSES} passes`, { file: source.path });
      log.startPass();
      applied = false;
      for (const { id, half, options } of steps) {
        cdk.applyStyle();
        let inputs: CdkFindingInput[];
        try {
          inputs = half.detect(cdk, { options, file: source.path, files });
        } catch (error) {
          throw new StackfixError('transform', `transform ${id} failed: ${(error as Error).message}`, { file: source.path, cause: error });
        }
        // Positions first: a fix may replace the nodes the later findings point at.
        const findings = inputs.map((input) => toFinding(id, input, source.path));
        for (const [i, input] of inputs.entries()) {
          const finding = findings[i]!;
          if (!input.fix || input.manual) {
            log.add(finding);
            continue;
          }
          const refused = newFiles.check(input.files ?? []);
          if (refused) {
            log.add({ ...finding, status: 'manual', reason: refused });
            continue;
          }
          const before = cdk.file.getFullText();
          try {
            input.fix();
          } catch (error) {
            cdk.file.replaceWithText(before);
            log.add({ ...finding, status: 'manual', reason: `the fix could not be applied: ${(error as Error).message}` });
            // The rollback replaced every node: this transform's other findings wait for the next pass.
            applied = true;
            break;
          }
          newFiles.add(input.files ?? []);
          log.add({ ...finding, status: 'fixed' });
          applied = true;
        }
      }
    }
    const body = cdk.file.getFullText();
    result.output = restoreText(source, body);
    result.changed = body !== source.body;
    result.created = newFiles.list();
  } catch (error) {
    result.errors.push(toErrorRecord(error, source.path));
    result.output = original;
    result.changed = false;
    result.created = [];
  }
  result.findings = log.findings;
  return result;
}

function toFinding(transformId: string, input: CdkFindingInput, file: string): Finding {
  let line: number | undefined;
  let column: number | undefined;
  try {
    const start = input.node.getStart();
    const pos = input.node.getSourceFile().getLineAndColumnAtPos(start);
    line = pos.line;
    column = pos.column;
  } catch {
    // a node forgotten by an earlier edit: the finding stands without a position
  }
  return {
    transformId,
    messageId: input.messageId,
    message: input.message,
    file,
    line,
    column,
    constructPath: input.constructPath,
    status: input.manual ? 'manual' : input.fix ? 'fixed' : 'info',
    reason: input.manual,
  };
}
