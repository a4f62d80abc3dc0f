/** Dispatch sources to the template runner or the CDK runner by what they are. */
import type { SourceText } from '../document/source.js';
import type { FileResult } from './result.js';
import { runCdk } from './run-cdk.js';
import { runTemplate } from './run-cfn.js';
import type { PreparedTransform, RunEnv } from './types.js';

export const TEMPLATE_EXTENSIONS = ['.yaml', '.yml', '.json', '.template'];
export const CDK_EXTENSIONS = ['.ts'];

/** Run a batch of sources (a CDK app's files go through one ts-morph project together). */
export async function runFile(sources: SourceText[], transforms: PreparedTransform[], env: RunEnv): Promise<FileResult[]> {
  const out: FileResult[] = [];
  const cdk: SourceText[] = [];
  for (const source of sources) {
    if (CDK_EXTENSIONS.some((ext) => source.path.endsWith(ext))) {
      cdk.push(source);
      continue;
    }
    const result = runTemplate(source, transforms, env);
    if (result) out.push(result);
  }
  out.push(...runCdk(cdk, transforms, env));
  return out;
}
