export { CfnDocument, type ParseOptions, type Template } from './document.js';
export { applyCopyOnWrite } from './copy-on-write.js';
export { deepEqual, isPlainObject } from './json.js';
export type { Json } from './view.js';

/** What a transform may know about the template's file beyond its content. */
export interface CfnDocumentInfo {
  format: 'yaml' | 'json';
  /** Has `Transform: AWS::Serverless-2016-10-31` (alone or in a list). */
  isSam: boolean;
}
