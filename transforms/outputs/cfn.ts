/**
 * CloudFormation half: for each resource (or parameter, or API stage) of an enabled kind, the outputs
 * it lacks. Existing outputs count whatever their names; new ones get unique ids and export names,
 * a Description, and the Condition of the resource they expose.
 */
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isPlainObject, pointer, resourcesOfType } from '../_shared/cfn.js';
import data from './data/attributes.json' with { type: 'json' };
import { apiEndpoints } from './endpoints.js';
import { Exposures } from './exposures.js';
import { enabledKinds, type OutputKind, type OutputsOptions } from './meta.js';
import { ATTRIBUTE_NOUNS, unique } from './naming.js';

/** CloudFormation's limit of outputs per template. */
const MAX_OUTPUTS = 200;

interface AttributeSpec {
  name: string;
  /** `['Ref']` or `['GetAtt', attribute]`. */
  value: string[];
  sameAs: string[][];
}

const ATTRIBUTES: Record<string, Record<string, { what: string; attributes: AttributeSpec[] }>> = data.kinds;

interface NewOutput {
  /** Completes the output's id and export name: `Arn`, `Name`, `Endpoint`, `ProdEndpoint`. */
  attr: string;
  value: Json;
  description: string;
}

/** Something that should be exposed: a resource, a parameter or an API. */
interface Subject {
  kind: OutputKind;
  logicalId: string;
  pointer: string;
  /** `KMS key`, `REST API`, `Parameter`: for messages. */
  what: string;
  outputs: NewOutput[];
  conditions: string[];
  blocked?: string;
}

export const cfn: CfnHalf<OutputsOptions> = {
  detect(template, ctx) {
    const exposures = new Exposures(template);
    const subjects = enabledKinds(ctx.options).flatMap((kind) => subjectsOf(kind, template, exposures, ctx.options));
    return new OutputWriter(template, ctx.options.exportNameTemplate).findings(subjects.filter((s) => s.outputs.length > 0));
  },
};

function subjectsOf(kind: OutputKind, template: Template, exposures: Exposures, options: OutputsOptions): Subject[] {
  if (kind === 'environment') return environmentSubjects(template, exposures, options.environmentParameterPattern);
  if (kind === 'api') return apiSubjects(template, exposures);
  return Object.entries(ATTRIBUTES[kind] ?? {}).flatMap(([type, { what, attributes }]) =>
    resourcesOfType(template, type).map((r) => ({
      kind,
      logicalId: r.logicalId,
      pointer: r.pointer,
      what,
      outputs: attributes
        .filter((a) => ![a.value, ...a.sameAs].some(([fn, attribute]) => exposures.has(r.logicalId, fn === 'Ref' ? 'Ref' : attribute!)))
        .map((a): NewOutput => ({
          attr: a.name,
          value: a.value[0] === 'Ref' ? { Ref: r.logicalId } : { 'Fn::GetAtt': [r.logicalId, a.value[1]!] },
          description: `${ATTRIBUTE_NOUNS[a.name] ?? a.name} of the ${what} ${r.logicalId}`,
        })),
      conditions: typeof r.resource.Condition === 'string' ? [r.resource.Condition] : [],
    })),
  );
}

function environmentSubjects(template: Template, exposures: Exposures, pattern: string): Subject[] {
  const matches = new RegExp(pattern, 'i');
  const parameters = isPlainObject(template.Parameters) ? template.Parameters : {};
  return Object.keys(parameters)
    .filter((name) => matches.test(name) && !exposures.has(name, 'Ref'))
    .map((name) => ({
      kind: 'environment' as const,
      logicalId: name,
      pointer: pointer('Parameters', name),
      what: 'Parameter',
      outputs: [{ attr: 'Value', value: { Ref: name }, description: `The environment this stack is deployed for (parameter ${name})` }],
      conditions: [],
    }));
}

function apiSubjects(template: Template, exposures: Exposures): Subject[] {
  const byApi = new Map<string, ReturnType<typeof apiEndpoints>>();
  for (const endpoint of apiEndpoints(template)) {
    if (!exposures.has(endpoint.api, 'Endpoint')) byApi.set(endpoint.api, [...(byApi.get(endpoint.api) ?? []), endpoint]);
  }
  return [...byApi].map(([api, endpoints]) => ({
    kind: 'api' as const,
    logicalId: api,
    pointer: resourcesOfType(template, ...API_TYPES).some((r) => r.logicalId === api) ? pointer('Resources', api) : '/Resources',
    what: endpoints[0]!.what,
    // One stage: `<Api>Endpoint`; several: `<Api><Stage>Endpoint`, so that ids and export names differ.
    outputs: endpoints.map((e) => ({
      attr: endpoints.length === 1 ? 'Endpoint' : `${e.stage.replace(/[^A-Za-z0-9]/g, '') || 'Default'}Endpoint`,
      value: { 'Fn::Sub': e.url },
      description: `Invoke URL of the ${e.what} ${api}${stageSuffix(e.stage)}`,
    })),
    conditions: [...new Set(endpoints.flatMap((e) => e.conditions))],
    blocked: endpoints.find((e) => e.blocked)?.blocked,
  }));
}

/** `, stage prod`, `, stage from parameter Stage`, or nothing for `$default`. */
function stageSuffix(stage: string): string {
  const parameter = /^\$\{(.*)\}$/.exec(stage);
  if (parameter) return `, stage from parameter ${parameter[1]}`;
  return stage ? `, stage ${stage}` : '';
}

const API_TYPES = ['AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::Serverless::Api', 'AWS::Serverless::HttpApi'];

/** Turns subjects into findings, keeping output ids and export names unique across all of them. */
class OutputWriter {
  private readonly ids: Set<string>;
  private readonly exportNames: Set<string>;
  private hasSection: boolean;
  private count: number;

  constructor(
    template: Template,
    private readonly exportNameTemplate: string,
  ) {
    const outputs = isPlainObject(template.Outputs) ? template.Outputs : undefined;
    this.hasSection = outputs !== undefined;
    this.count = Object.keys(outputs ?? {}).length;
    // Output ids must be unique in the template; staying clear of every other section's names too
    // keeps a reader from confusing the output with the resource or parameter it shows.
    const sections = ['Resources', 'Parameters', 'Conditions', 'Mappings', 'Outputs'].map((s) => template[s]);
    this.ids = new Set(sections.flatMap((section) => (isPlainObject(section) ? Object.keys(section) : [])));
    this.exportNames = new Set(Object.values(outputs ?? {}).flatMap((o) => (isPlainObject(o) ? exportText(o.Export) : [])));
  }

  findings(subjects: Subject[]): CfnFindingInput[] {
    return subjects.map((subject) => {
      const attrs = subject.outputs.map((o) => o.attr).join(', ');
      const base = {
        pointer: subject.pointer,
        logicalId: subject.logicalId,
        message: `${subject.what} ${subject.logicalId} is not exposed as a stack output (${attrs})`,
        messageId: `${subject.kind}-output`,
      };
      const obstacle = this.obstacle(subject);
      return obstacle ? { ...base, manual: obstacle } : { ...base, fix: this.add(subject) };
    });
  }

  private obstacle(subject: Subject): string | undefined {
    if (subject.blocked) return subject.blocked;
    if (subject.conditions.length > 1) {
      return `the output would need conditions ${subject.conditions.join(' and ')} at once, and an output takes one Condition name; add a condition that combines them (Fn::And) and the output by hand`;
    }
    if (this.count + subject.outputs.length > MAX_OUTPUTS) return `a template holds at most ${MAX_OUTPUTS} outputs`;
    return undefined;
  }

  /** Operations adding the subject's outputs; the first output of a template without Outputs creates the section. */
  private add(subject: Subject): Operation[] {
    const entries = subject.outputs.map((output) => this.entry(subject, output));
    this.count += entries.length;
    if (!this.hasSection) {
      this.hasSection = true;
      return [{ op: 'add', path: '/Outputs', value: Object.fromEntries(entries) }];
    }
    return entries.map(([id, value]) => ({ op: 'add', path: pointer('Outputs', id), value }));
  }

  private entry(subject: Subject, output: NewOutput): [string, Json] {
    const id = unique(`${subject.logicalId}${output.attr}`, this.ids);
    const value: { [key: string]: Json } = { Description: output.description };
    if (subject.conditions[0] !== undefined) value.Condition = subject.conditions[0];
    value.Value = output.value;
    if (this.exportNameTemplate !== '') {
      const name = unique(this.exportNameTemplate.replaceAll('<LogicalId>', subject.logicalId).replaceAll('<Attr>', output.attr), this.exportNames);
      value.Export = { Name: name.includes('${') ? { 'Fn::Sub': name } : name };
    }
    return [id, value];
  }
}

/** An existing export's name as text (a literal, or the text of its Fn::Sub), to avoid reusing it. */
function exportText(exported: Json | undefined): string[] {
  const name = isPlainObject(exported) ? exported.Name : undefined;
  if (typeof name === 'string') return [name];
  const sub = isPlainObject(name) ? name['Fn::Sub'] : undefined;
  return typeof sub === 'string' ? [sub] : [];
}
