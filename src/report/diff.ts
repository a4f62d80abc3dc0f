/** Unified diffs of a run's changes, as `git diff` shows them (a/ and b/ prefixes). */
import { createTwoFilesPatch } from 'diff';
import type { FileResult } from '../pipeline/result.js';

export function unifiedDiff(result: FileResult): string {
  let out = '';
  if (result.changed) {
    out += createTwoFilesPatch(`a/${result.path}`, `b/${result.path}`, result.original, result.output, undefined, undefined, { context: 3 })
      .replace(/^=+\n/, '');
  }
  for (const created of result.created) {
    out += createTwoFilesPatch('/dev/null', `b/${created.path}`, '', created.text, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
  }
  return out;
}
