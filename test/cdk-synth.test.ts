/**
 * Every patched CDK fixture synthesizes with the real aws-cdk-lib: type-checking (cdk-compile.test.ts)
 * proves the props have the right types; synthesis proves the constructs accept them (CDK validates
 * values at construction and at synth, e.g. a log group's retention or a queue's visibility timeout).
 *
 * The fixtures are compiled to CommonJS, as CDK apps usually run, into a temporary folder inside the
 * project (so that `aws-cdk-lib` resolves), and synthesized in a child process. An asset folder that a
 * fixture names but does not ship (`Code.fromAsset('lambda')`) is stood in for by inline code; the
 * files inline-code extracts are copied next to its fixtures, so those assets are real.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import { afterAll, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const WORK = path.join(ROOT, 'test', `.tmp-synth-${process.pid}`);

const HARNESS = `
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const cdk = require('aws-cdk-lib');
const work = __dirname;
// An asset folder or a NodejsFunction entry that the fixture names but does not ship is created empty
// (inside the temporary folder only), and the fixture synthesized again.
function standIn(message) {
  const asset = /Cannot find asset at (\\S+)/.exec(message);
  const entry = /Cannot find entry file at (\\S+)/.exec(message);
  const target = asset ? path.resolve(asset[1]) : entry ? path.resolve(work, entry[1]) : undefined;
  if (!target || path.relative(work, target).startsWith('..')) return false;
  if (asset) mkdirSync(target, { recursive: true });
  else { mkdirSync(path.dirname(target), { recursive: true }); writeFileSync(target, 'export const handler = async () => ({});\\n'); }
  return true;
}
const results = [];
for (const file of process.argv.slice(2)) {
  for (let attempt = 0; ; attempt++) {
    try {
      const mod = require(file);
      const app = new cdk.App({ outdir: path.join(path.dirname(file), 'cdk.out-' + attempt) });
      const stacks = Object.values(mod).filter((v) => typeof v === 'function' && v.prototype instanceof cdk.Stack);
      if (stacks.length === 0) throw new Error('exports no Stack class');
      // A concrete environment: some constructs (table replicas) refuse region-agnostic stacks.
      stacks.forEach((Stack, i) => new Stack(app, 'Fixture' + i, { env: { account: '123456789012', region: 'us-east-1' } }));
      const assembly = app.synth();
      results.push({ file, ok: true, stacks: assembly.stacks.length });
      break;
    } catch (error) {
      const message = String((error && error.message) || error);
      if (attempt < 5 && standIn(message)) continue;
      results.push({ file, ok: false, error: message.split('\\n')[0] });
      break;
    }
  }
}
process.stdout.write(JSON.stringify(results));
`;

function patchedV2Fixtures(): string[] {
  return readdirSync(path.join(ROOT, 'transforms')).flatMap((id) => {
    const dir = path.join(ROOT, 'transforms', id, 'fixtures');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => path.join(dir, name, 'output.ts'))
      .filter((file) => existsSync(file) && !/['"]@aws-cdk\//.test(readFileSync(file, 'utf8')));
  });
}

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

test('patched CDK fixtures synthesize', () => {
  const fixtures = patchedV2Fixtures();
  expect(fixtures.length).toBeGreaterThan(0);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(path.join(WORK, 'package.json'), '{ "type": "commonjs" }\n');
  const project = new Project({
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: WORK,
      rootDir: path.join(ROOT, 'transforms'),
      noEmitOnError: false,
    },
    skipAddingFilesFromTsConfig: true,
  });
  for (const file of fixtures) {
    project.addSourceFileAtPath(file);
    // Files the fix created (inline-code's extracted code) sit in files/ beside the fixture.
    const files = path.join(path.dirname(file), 'files');
    const target = path.join(WORK, path.relative(path.join(ROOT, 'transforms'), path.dirname(file)));
    if (existsSync(files)) cpSync(files, target, { recursive: true });
  }
  project.emitSync();
  writeFileSync(path.join(WORK, 'harness.cjs'), HARNESS);
  const compiled = fixtures.map((file) => path.join(WORK, path.relative(path.join(ROOT, 'transforms'), file)).replace(/\.ts$/, '.js'));
  const output = execFileSync(process.execPath, [path.join(WORK, 'harness.cjs'), ...compiled], { cwd: WORK, encoding: 'utf8', maxBuffer: 16 << 20 });
  const results = JSON.parse(output) as Array<{ file: string; ok: boolean; error?: string }>;
  const failures = results.filter((r) => !r.ok).map((r) => `${path.relative(WORK, r.file)}: ${r.error}`);
  expect(failures).toEqual([]);
  expect(results).toHaveLength(fixtures.length);
}, 300_000);
