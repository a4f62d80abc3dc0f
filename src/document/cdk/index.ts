/**
 * The CDK source model. Transforms' CDK halves use only what is exported here: find constructs by
 * what they are (through the file's imports), read and set their props, name CDK classes from new
 * code, and insert statements, with edits that look hand-written and leave the rest of the file
 * byte-identical.
 */
export type { CdkReference, CdkStyle, CdkVersion, ConstructCall } from './types.js';
export { CdkSource, type CdkSourceOptions } from './source.js';
export { isCdkFile } from './is-cdk-file.js';
export { loadCdkSources, type LoadCdkOptions } from './load.js';
export { rangeFloor, readCdkVersion, versionAtLeast, type ReadFile } from './version.js';
