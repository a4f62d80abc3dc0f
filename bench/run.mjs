// npm run bench: stackfix over the corpus vs the floor, a bare `yaml` parse + print of the same files.
// Uses the built package (build/): run `npm run build` first (npm ci does).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { fix } from '../build/src/index.js';

const corpusDir = path.resolve(import.meta.dirname, '../../shared/corpus/cfn');
const files = readdirSync(corpusDir).sort();
const texts = files.map((f) => readFileSync(path.join(corpusDir, f), 'utf8'));
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);

function floor() {
  for (const text of texts) {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length === 0) doc.toString(); // a file that does not parse cannot be printed
  }
}

async function stackfix() {
  await fix({ root: corpusDir, configFile: false, allowDuplicateKeys: true });
}

async function time(fn) {
  await fn(); // warm up: JIT and module loading are not what we measure
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const floorMs = await time(floor);
const stackfixMs = await time(stackfix);
const run = await fix({ root: corpusDir, configFile: false, allowDuplicateKeys: true });
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
const row = (name, ms) => `${name.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms  ${(files.length / (ms / 1000)).toFixed(0).padStart(6)} files/s`;
console.log(`corpus: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB; median of ${rounds} rounds`);
console.log(row('yaml parse+print (floor)', floorMs));
console.log(row('stackfix (all transforms)', stackfixMs));
console.log(`ratio stackfix / floor: ${(stackfixMs / floorMs).toFixed(2)}x`);
console.log(`findings: ${run.summary.fixed} fixed, ${run.summary.manual} need review, ${run.summary.info} notes; ${run.summary.changed} files changed; ${run.summary.errors} errors`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
