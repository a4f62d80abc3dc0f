/** The public API: the one export list. */
export { fix, transformsFor, type FixOptions } from './api.js';
export { CfnDocument, type CfnDocumentInfo, type Template, type Json } from './document/cfn/index.js';
export type { CdkSource } from './document/cdk/index.js';
export { pointer, parsePointer, getAt } from './document/pointer.js';
export { StackfixError, type ErrorRecord, type StackfixErrorCode } from './errors.js';
export type { FileResult, RunResult, RunSummary } from './pipeline/result.js';
export { unifiedDiff } from './report/diff.js';
export { renderJson } from './report/json.js';
export { renderSarif, toSarif, type SarifOptions } from './report/sarif.js';
export { renderText } from './report/text.js';
export {
  cdkHalfOf,
  defineTransform,
  hasCdkHalf,
  TRANSFORM_IDS,
  type CdkContext,
  type CdkFindingInput,
  type CfnContext,
  type CfnFindingInput,
  type CdkHalf,
  type CfnHalf,
  type Finding,
  type FindingStatus,
  type OptionSpec,
  type ProjectFiles,
  type NewFile,
  type Transform,
  type TransformId,
  type TransformMeta,
} from './transform.js';
export type { StackfixConfig } from './config.js';
export { builtinTransforms } from '../transforms/index.js';
