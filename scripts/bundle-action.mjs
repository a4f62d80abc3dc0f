#!/usr/bin/env node
/**
 * Bundles the GitHub Action (src/entry/action.ts, with the engine, the built-in transforms and every
 * dependency) into dist/action/index.js: Actions run an action's committed files as they are, with no
 * npm install, so dist/ is committed.
 *
 *   node scripts/bundle-action.mjs           write dist/
 *   node scripts/bundle-action.mjs --check   exit 1 when dist/ is not what the sources bundle to
 *
 * The output is deterministic (no source maps, no timestamps, paths relative to the repository), so
 * --check can compare bytes.
 */
import { readFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');
const check = process.argv.includes('--check');

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'action/index': 'src/entry/action.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The oldest Node stackfix supports; runs on the runner's node24 as well.
  target: 'node20',
  // Bundled CommonJS (ts-morph and the TypeScript it carries) calls require() for Node's built-ins and
  // reads __filename/__dirname: give them what CommonJS would.
  banner: {
    js: [
      "import { createRequire as __stackfixCreateRequire } from 'node:module';",
      "import { fileURLToPath as __stackfixFileURLToPath } from 'node:url';",
      "import { dirname as __stackfixDirname } from 'node:path';",
      'const require = __stackfixCreateRequire(import.meta.url);',
      'const __filename = __stackfixFileURLToPath(import.meta.url);',
      'const __dirname = __stackfixDirname(__filename);',
    ].join('\n'),
  },
  // Legal comments stay (at the end); every bundled package's license text goes to dist/action/licenses.txt.
  legalComments: 'eof',
  metafile: true,
  sourcemap: false,
  minify: false,
  charset: 'utf8',
  logLevel: 'warning',
  write: false,
});

const files = new Map(result.outputFiles.map((f) => [path.relative(outdir, f.path).split(path.sep).join('/'), Buffer.from(f.contents)]));
files.set('action/licenses.txt', Buffer.from(licenses(Object.keys(result.metafile.inputs))));
// The CloudFormation resource specification, compacted, beside the bundle: the Action runs without
// node_modules, and every fix is checked against the specification before it is written.
const { compactSpecJson } = await import(path.join(root, 'build/src/verify/spec.js'));
const spec = compactSpecJson();
if (!spec) throw new Error('the resource specification (@aws-cdk/aws-service-spec) is not installed: run npm ci and npm run build first');
files.set('action/spec.json', Buffer.from(spec));
// dist/ is ESM whatever the package.json above it says.
files.set('package.json', Buffer.from('{\n  "type": "module"\n}\n'));

if (check) {
  const problems = [];
  for (const [name, contents] of files) {
    const target = path.join(outdir, name);
    if (!existsSync(target)) problems.push(`missing: dist/${name}`);
    else if (!readFileSync(target).equals(contents)) problems.push(`differs: dist/${name}`);
  }
  for (const name of listFiles(outdir)) if (!files.has(name)) problems.push(`extra: dist/${name}`);
  if (problems.length > 0) {
    console.error(`dist/ is out of date with the sources:\n  ${problems.join('\n  ')}\nRun: npm run bundle, and commit dist/.`);
    process.exit(1);
  }
  console.log(`dist/ is in sync (${files.size} files).`);
} else {
  rmSync(outdir, { recursive: true, force: true });
  for (const [name, contents] of files) {
    const target = path.join(outdir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
  const size = files.get('action/index.js')?.length ?? 0;
  console.log(`wrote dist/ (${files.size} files; action/index.js ${(size / 1024 / 1024).toFixed(1)} MiB)`);
}

/** The license of every package the bundle holds code from, as their MIT/Apache/ISC/BSD terms ask. */
function licenses(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], true);
  }
  const sections = [];
  for (const dir of [...packages.keys()].sort()) {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(path.join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = licenseFile ? readFileSync(path.join(root, dir, licenseFile), 'utf8').trim() : `(no license file; package.json says: ${pkg.license ?? 'unknown'})`;
    sections.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}`);
  }
  const own = `stackfix (${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).license})`;
  return `The GitHub Action bundle dist/action/index.js holds ${own} and these packages:\n\n${'-'.repeat(80)}\n\n${sections.join(`\n\n${'-'.repeat(80)}\n\n`)}\n`;
}

function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}
