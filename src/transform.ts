/**
 * The contract between the engine and a fix. A transform is a plain object: static `meta` that can
 * be read without running anything (ESLint's rule meta, cfn-lint's rule header), and up to two
 * halves, one per kind of source. Halves never read or write disk and never print; they look at what
 * they are given and return findings, each with the fix that clears it or the reason it cannot be
 * fixed safely.
 */
import type { Operation } from 'fast-json-patch';
import type { CfnDocumentInfo, Template } from './document/cfn/index.js';
import type { CdkSource } from './document/cdk/index.js';
import type { Node as TsNode } from 'ts-morph';

/** Stable ids, in the order the pipeline runs them. Used in code, flags, config and reports alike. */
export const TRANSFORM_IDS = [
  'inline-code',
  'lambda-timeout',
  'lambda-env-kms',
  'iam-scope',
  'log-retention',
  'ddb-pitr',
  'apigw-cache',
  'apigw-logging',
  'cors',
  'depends-on',
  'removal-policy',
  'outputs',
] as const;

export type TransformId = (typeof TRANSFORM_IDS)[number];

export type OptionType = 'number' | 'string' | 'boolean' | 'string[]' | 'record';

export interface OptionSpec {
  type: OptionType;
  default: unknown;
  description: string;
  /** Allowed values, checked when the config is loaded. */
  enum?: readonly unknown[];
  min?: number;
  max?: number;
}

export interface TransformMeta {
  id: string;
  /** Imperative, short: "Enable DynamoDB point-in-time recovery". */
  title: string;
  /** What is wrong when the transform fires. */
  failure: string;
  docsUrl: string;
  /** The same check in other tools: `CKV_AWS_28`, `AwsSolutions-DDB3`, … */
  seeAlso: string[];
  options: Record<string, OptionSpec>;
}

/** A file a fix creates (extracted Lambda code, say), relative to the folder of the file being fixed. */
export interface NewFile {
  path: string;
  text: string;
}

/** What a half reports. One finding, one fix: its operations apply all or none. */
interface FindingBase {
  message: string;
  /** A stable id for the kind of message, for tests and filters. */
  messageId?: string;
  /** Why this is not fixed automatically. Mutually exclusive with a fix. */
  manual?: string;
  /** Files the fix creates; written only when the fix applies. */
  files?: NewFile[];
}

export interface CfnFindingInput extends FindingBase {
  /** Where the problem is: `/Resources/Table` or deeper. */
  pointer: string;
  logicalId?: string;
  /** RFC 6902 operations on the template's JSON view. Open with a `test` where a stale view would matter. */
  fix?: Operation[];
}

export interface CdkFindingInput extends FindingBase {
  /** The node at fault, for its line. */
  node: TsNode;
  /** `Stack/Table` or the variable name: how a user finds the construct. */
  constructPath?: string;
  /** Edits the source through ts-morph. Throwing turns the finding into a manual one. */
  fix?: () => void;
}

/** Read-only access to the project's files, relative to the folder of the file being fixed. */
export interface ProjectFiles {
  exists(relativePath: string): boolean;
  /** UTF-8 text, or undefined when the file does not exist or is outside the project root. */
  read(relativePath: string): string | undefined;
}

export interface BaseContext<O> {
  options: O;
  /** The file being fixed, relative to the project root. */
  file: string;
  files: ProjectFiles;
}

export interface CfnContext<O> extends BaseContext<O> {
  doc: CfnDocumentInfo;
}

export type CdkContext<O> = BaseContext<O>;

export interface CfnHalf<O> {
  detect(template: Template, ctx: CfnContext<O>): CfnFindingInput[];
}

export interface CdkHalf<O> {
  detect(source: CdkSource, ctx: CdkContext<O>): CdkFindingInput[];
}

export interface Transform<O = any> {
  meta: TransformMeta;
  cfn?: CfnHalf<O>;
  cdk?: CdkHalf<O>;
  /**
   * The CDK half, imported when first needed instead of given as `cdk`: the pipeline calls this when a
   * run has a CDK file to fix, so that a run on templates only never loads ts-morph (about 70 MiB and a
   * second of startup). The built-in transforms use it: `loadCdk: async () => (await import('./cdk.js')).cdk`.
   * When both are given, `cdk` is used.
   */
  loadCdk?: () => Promise<CdkHalf<O>>;
}

/** Does the transform fix CDK code (given directly or loaded on demand)? */
export function hasCdkHalf(transform: Transform): boolean {
  return transform.cdk !== undefined || transform.loadCdk !== undefined;
}

/** The transform's CDK half, loading it if it is loaded on demand; undefined when it has none. */
export async function cdkHalfOf<O>(transform: Transform<O>): Promise<CdkHalf<O> | undefined> {
  return transform.cdk ?? (await transform.loadCdk?.());
}

/** Identity, for type inference of options from the meta. */
export function defineTransform<O>(transform: Transform<O>): Transform<O> {
  return transform;
}

export type FindingStatus = 'fixed' | 'manual' | 'info';

/** A finding as reports show it. */
export interface Finding {
  transformId: string;
  messageId?: string;
  message: string;
  file: string;
  line?: number;
  column?: number;
  pointer?: string;
  logicalId?: string;
  constructPath?: string;
  status: FindingStatus;
  /** For `manual`: why it was not fixed. */
  reason?: string;
}
