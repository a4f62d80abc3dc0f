/** Run one transform over one in-memory file whose project root is a fixture folder. */
import { realpathSync } from 'node:fs';
import { runFile } from '../../src/pipeline/run-file.js';
import { prepareTransforms } from '../../src/pipeline/prepare.js';
import { toSourceText } from '../../src/document/source.js';
import type { FileResult } from '../../src/pipeline/result.js';

export type RunOneResult = FileResult;

export async function runOne(
  transformId: string,
  root: string,
  fileName: string,
  text: string,
  options?: Record<string, unknown>,
  _previouslyCreated?: Array<{ path: string; text: string }>,
): Promise<FileResult> {
  const transforms = await prepareTransforms({ only: [transformId], transforms: options ? { [transformId]: options } : undefined });
  const results = await runFile([toSourceText(fileName, text)], transforms, { root: realpathSync(root) });
  const result = results[0];
  if (!result) throw new Error(`${fileName} was not recognized as a template or CDK source`);
  return result;
}
