/** Dispatch sources to the template runner or the CDK runner by what they are. */
import { isCdkFile } from '../document/cdk/is-cdk-file.js';
import type { SourceText } from '../document/source.js';
import type { FileResult } from './result.js';
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
      // A .ts file that does not import the CDK (a Lambda handler, say) is not fixed, nor reported.
      if (isCdkFile(source.body)) cdk.push(source);
      continue;
    }
    const result = runTemplate(source, transforms, env);
    if (result) out.push(result);
  }
  if (cdk.length > 0) {
    // The CDK runner brings ts-morph (about 70 MiB, a second to load): only a run with CDK code pays for it.
    const { runCdk } = await import('./run-cdk.js');
    out.push(...(await runCdk(cdk, transforms, env)));
  }
  return out;
}
