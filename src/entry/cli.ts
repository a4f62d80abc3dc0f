/**
 * `stackfix [paths..]`: flags → fix() → report → exit code. Thin on purpose: everything it does is
 * available through the API too.
 *
 * Exit codes: 0 done (and, with --check, nothing pending); 1 --check found fixes pending; 2 errors.
 */
import path from 'node:path';
import yargs from 'yargs';
import { fix, transformsFor, type FixOptions } from '../api.js';
import { StackfixError } from '../errors.js';
import { prepareTransforms } from '../pipeline/prepare.js';
import { renderJson } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { hasCdkHalf, type Transform } from '../transform.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The folder relative paths on the command line are read from. */
  cwd: string;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const parser = yargs(argv)
    .scriptName('stackfix')
    .command(
      '$0 [paths..]',
      'Fix CloudFormation, SAM and CDK code: rewrites what linters only complain about, with a reviewable diff.\n' +
        'Without --write it is a dry run: it prints the diff and changes nothing.',
      (y) => y.positional('paths', { describe: 'Files or folders to fix (default: the current folder)', type: 'string', array: true }),
    )
    .option('write', { alias: 'w', type: 'boolean', describe: 'Write the fixes (atomically)' })
    .option('dry-run', { type: 'boolean', describe: 'Show the diff, write nothing (the default)' })
    .option('check', { type: 'boolean', describe: 'Exit 1 when a fix is pending (for CI); write nothing' })
    .option('only', { type: 'string', array: true, describe: 'Run only these transform ids (comma or space separated)' })
    .option('skip', { type: 'string', array: true, describe: 'Skip these transform ids' })
    .option('config', { alias: 'c', type: 'string', describe: 'Config file (default: stackfix.config.yml in the root)' })
    .option('option', {
      alias: 'o',
      type: 'string',
      array: true,
      describe: 'Set a transform option: <transform>.<option>=<value> (value read as JSON when it parses)',
    })
    .option('plugin', { type: 'string', array: true, describe: 'Load transforms from a module' })
    .option('root', { type: 'string', describe: 'Project root: nothing outside it is read or written (default: the current folder)' })
    .option('allow-duplicate-keys', { type: 'boolean', describe: 'Accept duplicate YAML keys, the last one winning, as CloudFormation does' })
    .option('verify', {
      type: 'boolean',
      describe: 'Also type-check patched CDK files with their tsconfig.json and refuse patches that break the build (costs a tsc run)',
    })
    .option('format', {
      alias: 'f',
      choices: ['text', 'json', 'sarif'] as const,
      default: 'text' as const,
      describe: 'Report format (sarif: SARIF 2.1.0 for code scanning, with the fixes as replacements)',
    })
    .option('list-transforms', { type: 'boolean', default: false, describe: 'List the transforms and their options, then exit' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Only diffs, errors and the summary' })
    .option('color', { type: 'boolean', describe: 'Color the output (default: when writing to a terminal)' })
    .conflicts('write', 'check')
    .conflicts('write', 'dry-run')
    .example('$0 templates/ --dry-run', 'show what would change')
    .example('$0 template.yaml --write', 'fix in place')
    .example('$0 . --check', 'fail CI when a fix is pending')
    .example('$0 . --format sarif > stackfix.sarif', 'a SARIF report for code scanning')
    .example('$0 . --only ddb-pitr,log-retention -o log-retention.days=30', 'run two fixes with a 30-day retention')
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new StackfixError('config', message);
    });

  let args;
  try {
    args = await parser.parseAsync();
  } catch (error) {
    io.stderr.write(`stackfix: ${(error as Error).message}\nRun stackfix --help for usage.\n`);
    return 2;
  }
  if (args.help || args.version) return 0;

  const color = args.color ?? Boolean((io.stdout as NodeJS.WriteStream).isTTY);
  const split = (list?: string[]) => list?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  try {
    if (args['list-transforms']) {
      const prepared = await prepareTransforms({ plugins: args.plugin?.map((p) => (p.startsWith('.') ? path.resolve(io.cwd, p) : p)) });
      io.stdout.write(listTransforms(prepared.map((p) => p.transform)));
      return 0;
    }
    const cwd = io.cwd;
    const root = path.resolve(args.root ?? cwd);
    const given = (args.paths as string[] | undefined) ?? [];
    const paths = (given.length > 0 ? given : ['.']).map((p) => path.relative(root, path.resolve(cwd, String(p))) || '.');
    const stderr = io.stderr as NodeJS.WriteStream;
    const options: FixOptions = {
      root,
      paths,
      configFile: args.config ? path.resolve(cwd, args.config) : undefined,
      only: split(args.only),
      skip: split(args.skip),
      plugins: args.plugin?.map((p) => (p.startsWith('.') ? path.resolve(cwd, p) : p)),
      allowDuplicateKeys: args['allow-duplicate-keys'],
      transforms: parseOptionFlags(args.option ?? []),
      write: args.write,
      verify: args.verify,
      onProgress:
        stderr.isTTY && !args.quiet
          ? (done, total, file) => {
              if (total >= 20) stderr.write(`\r\x1b[K[${done}/${total}] ${file}${done === total ? '\n' : ''}`);
            }
          : undefined,
    };
    const run = await fix(options);
    if (args.format === 'json') io.stdout.write(renderJson(run));
    else if (args.format === 'sarif') {
      const transforms = await transformsFor(options);
      io.stdout.write(renderSarif(run, { transforms: transforms.map((t) => t.meta), applied: args.write === true }));
    } else io.stdout.write(renderText(run, { color, diffs: !args.write, quiet: args.quiet }));
    if (run.summary.errors > 0) return 2;
    if (args.check && run.summary.changed > 0) return 1;
    return 0;
  } catch (error) {
    io.stderr.write(`stackfix: ${error instanceof StackfixError ? error.format() : (error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

/** `cors.origins=["https://a.com"]` → { cors: { origins: [...] } } */
export function parseOptionFlags(flags: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const flag of flags) {
    const match = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.*)$/s.exec(flag);
    if (!match) throw new StackfixError('config', `--option wants <transform>.<option>=<value>, got "${flag}"`);
    const [, id, key, raw] = match as unknown as [string, string, string, string];
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string such as https://example.com
    }
    (out[id] ??= {})[key] = value;
  }
  return out;
}

function listTransforms(transforms: Transform[]): string {
  const lines: string[] = [];
  for (const t of transforms) {
    const halves = [t.cfn ? 'CloudFormation' : '', hasCdkHalf(t) ? 'CDK' : ''].filter(Boolean).join(' + ');
    lines.push(`${t.meta.id}  ${t.meta.title}${halves ? `  [${halves}]` : ''}`);
    if (t.meta.failure) lines.push(`    failure: ${t.meta.failure}`);
    for (const [name, spec] of Object.entries(t.meta.options)) {
      lines.push(`    ${name} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
    }
  }
  return lines.join('\n') + '\n';
}
