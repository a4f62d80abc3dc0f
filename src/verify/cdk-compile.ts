/**
 * `--verify` for CDK sources: type-check every patched file with its project's own settings (the
 * nearest tsconfig.json, as `tsc --noEmit` would) and refuse a patch that adds a diagnostic the
 * original did not have. It costs what tsc costs: loading aws-cdk-lib's types dominates.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type Diagnostic } from 'ts-morph';
import { StackfixError, toErrorRecord } from '../errors.js';
import type { FileResult } from '../pipeline/result.js';

export function verifyCdkResults(root: string, results: FileResult[]): void {
  const changed = results.filter((r) => r.kind === 'cdk' && r.changed && r.errors.length === 0);
  const byProject = new Map<string, FileResult[]>();
  for (const result of changed) {
    const tsconfig = nearestTsconfig(root, path.join(root, path.dirname(result.path)));
    const key = tsconfig ?? '';
    byProject.set(key, [...(byProject.get(key) ?? []), result]);
  }
  for (const [tsconfig, files] of byProject) verifyProject(root, tsconfig || undefined, files);
}

function verifyProject(root: string, tsconfig: string | undefined, files: FileResult[]): void {
  const project = tsconfig
    ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true })
    : new Project({ compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true } });
  for (const result of files) {
    const absolute = path.join(root, result.path);
    const sourceFile = project.createSourceFile(absolute, stripBom(result.original), { overwrite: true });
    const before = new Set(describe(sourceFile.getPreEmitDiagnostics()));
    sourceFile.replaceWithText(stripBom(result.output));
    const after = describe(sourceFile.getPreEmitDiagnostics());
    const introduced = after.filter((d) => !before.has(d));
    if (introduced.length > 0) {
      result.errors.push(
        toErrorRecord(new StackfixError('engine', `the patched file does not type-check (${introduced[0]}); nothing was written`, { file: result.path })),
      );
      result.output = result.original;
      result.changed = false;
      result.created = [];
    }
  }
}

/** Diagnostics as text without positions, so that a fix that moves code does not count as new errors. */
function describe(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `TS${d.getCode()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as never, ' ')}`);
}

function nearestTsconfig(root: string, dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (current === root || path.dirname(current) === current) return undefined;
  }
}

const stripBom = (text: string) => (text.startsWith('\uFEFF') ? text.slice(1) : text);

