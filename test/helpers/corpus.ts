/** The shared corpus of public templates (read-only; CI has it beside the project too). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../shared/corpus/cfn');

export interface CorpusEntry {
  name: string;
  file: string;
  text: string;
  /** MANIFEST notes: `PARSE-ERROR(...)`, `dup-keys:...`, … */
  notes: string;
  stackfixIds: string[];
}

export function corpusEntries(): CorpusEntry[] {
  if (!existsSync(CORPUS_DIR)) throw new Error(`corpus not found at ${CORPUS_DIR}`);
  const manifest = readFileSync(path.join(CORPUS_DIR, '../MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = manifest[0]!.split('\t');
  const column = (name: string) => header.indexOf(name);
  const rows = new Map(manifest.slice(1).map((line) => {
    const cells = line.split('\t');
    return [cells[column('local_file')]!.replace(/^cfn\//, ''), cells] as const;
  }));
  return readdirSync(CORPUS_DIR)
    .sort()
    .map((name) => {
      const row = rows.get(name) ?? rows.get(`cfn/${name}`);
      return {
        name,
        file: path.join(CORPUS_DIR, name),
        text: readFileSync(path.join(CORPUS_DIR, name), 'utf8'),
        notes: row?.[column('notes')] ?? '',
        stackfixIds: (row?.[column('stackfix_ids')] ?? '').split(',').filter((s) => s && s !== '-'),
      };
    });
}
