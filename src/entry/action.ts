/**
 * The GitHub Action's entry point, bundled into dist/action/index.js (see action.yml and
 * scripts/bundle-action.mjs). The runner passes inputs as INPUT_* variables; see src/action/run.ts.
 */
import { runAction } from '../action/run.js';

process.exitCode = await runAction(process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
