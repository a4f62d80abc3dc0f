/**
 * Every patched CDK fixture (transforms/<id>/fixtures/<case>/output.ts) type-checks against the real
 * aws-cdk-lib: a fix that breaks the build is no fix. One program for all of them, so the library's
 * types load once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import { expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

function patchedCdkFixtures(): string[] {
  const transformsDir = path.join(ROOT, 'transforms');
  return readdirSync(transformsDir).flatMap((id) => {
    const fixtures = path.join(transformsDir, id, 'fixtures');
    if (!existsSync(fixtures)) return [];
    return readdirSync(fixtures)
      .map((name) => path.join(fixtures, name, 'output.ts'))
      .filter((file) => existsSync(file))
      // CDK v1 (end of life since 2023) is not installed here: its fixtures are checked by text only.
      .filter((file) => !/['"]@aws-cdk\//.test(readFileSync(file, 'utf8')));
  });
}

test('patched CDK fixtures compile', () => {
  const files = patchedCdkFixtures();
  expect(files.length).toBeGreaterThan(0);
  const project = new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    skipAddingFilesFromTsConfig: true,
  });
  for (const file of files) project.addSourceFileAtPath(file);
  const diagnostics = project
    .getPreEmitDiagnostics()
    .map((d) => `${path.relative(ROOT, d.getSourceFile()?.getFilePath() ?? '?')}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as never, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 180_000);
