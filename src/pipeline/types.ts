import type { Transform } from '../transform.js';

/** A transform with its options resolved from defaults and config. */
export interface PreparedTransform {
  transform: Transform;
  options: Record<string, unknown>;
}

export interface RunEnv {
  /** Absolute, real path of the project root: nothing is read or written outside it. */
  root: string;
  allowDuplicateKeys?: boolean;
}
