/**
 * Building `CdkSource`s: one in-memory ts-morph project for all the files of a run (syntax only, no
 * type checker, no disk access), each file with its own style and the CDK version of its package.
 */
import { Project, ts } from 'ts-morph';
import { CdkSource } from './source.js';
import type { CdkVersion } from './types.js';
import { dirnameOf, readCdkVersion, type ReadFile } from './version.js';

export interface LoadCdkOptions {
  /**
   * Reads a file of the project by its path relative to the project root, with `/`
   * (`package.json`, `infra/node_modules/aws-cdk-lib/package.json`); undefined when it is missing or
   * refused. Used only for `package.json` files, to read the CDK version.
   */
  readFile: ReadFile;
}

/**
 * One `CdkSource` per file, in order. `path` is relative to the project root, with `/`; `text` is
 * the file's text without a byte order mark (`SourceText.body`). Every file is loaded as given;
 * callers pick CDK files with `isCdkFile` (./is-cdk-file.ts).
 */
export function loadCdkSources(files: Array<{ path: string; text: string }>, options: LoadCdkOptions): CdkSource[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, noLib: true },
  });
  const versions = new Map<string, CdkVersion | undefined>();
  const versionFor = (dir: string): CdkVersion | undefined => {
    if (!versions.has(dir)) versions.set(dir, readCdkVersion(dir, options.readFile));
    return versions.get(dir);
  };
  return files.map(({ path, text }) => {
    const normal = path.replace(/\\/g, '/').replace(/^\.\//, '');
    const file = project.createSourceFile(`/${normal.replace(/^\//, '')}`, text, { overwrite: true });
    return new CdkSource(file, { path: normal, version: versionFor(dirnameOf(normal)) });
  });
}
