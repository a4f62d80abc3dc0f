/**
 * One error family for everything stackfix reports as a problem rather than a finding.
 * Per-file problems are data (they travel in FileResult.errors); only src/entry maps them to exit codes.
 */
export type StackfixErrorCode =
  | 'input' // the file cannot be read or parsed as what it claims to be
  | 'config' // the configuration is invalid (unknown key, wrong type)
  | 'transform' // a transform threw: a bug, kept to the file it happened on
  | 'engine' // the engine could not apply a fix faithfully: a bug, nothing is written
  | 'write' // the file could not be written
  | 'path'; // a path escapes the project root

export interface LinePos {
  line: number; // 1-based
  column: number; // 1-based
}

export class StackfixError extends Error {
  readonly code: StackfixErrorCode;
  readonly file?: string;
  readonly linePos?: LinePos;

  constructor(code: StackfixErrorCode, message: string, options: { file?: string; linePos?: LinePos; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StackfixError';
    this.code = code;
    this.file = options.file;
    this.linePos = options.linePos;
  }

  /** `file:line:column: message`, the form editors and CI logs link. */
  format(): string {
    const where = this.file ? `${this.file}${this.linePos ? `:${this.linePos.line}:${this.linePos.column}` : ''}: ` : '';
    return `${where}${this.message}`;
  }
}

export const inputError = (message: string, file?: string, linePos?: LinePos) =>
  new StackfixError('input', message, { file, linePos });
export const configError = (message: string, file?: string) => new StackfixError('config', message, { file });
export const engineError = (message: string, file?: string) => new StackfixError('engine', message, { file });

/** Plain data for reports: errors cross the API boundary as objects, not class instances. */
export interface ErrorRecord {
  code: StackfixErrorCode;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function toErrorRecord(error: unknown, file?: string): ErrorRecord {
  if (error instanceof StackfixError) {
    return {
      code: error.code,
      message: error.message,
      file: error.file ?? file,
      line: error.linePos?.line,
      column: error.linePos?.column,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'transform', message, file };
}
