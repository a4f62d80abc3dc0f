/**
 * Is a template still valid CloudFormation? Checks what a fix can break: resource types, property
 * names, required properties and value shapes per the resource specification, and that every
 * `Ref`, `Fn::GetAtt`, `${…}` in `Fn::Sub`, `DependsOn` and `Condition` names something that exists.
 *
 * Values computed at deploy time (any intrinsic) are accepted where a value is expected: validation
 * speaks only to what the text itself settles.
 */
import type { Json, Template } from '../document/cfn/index.js';
import { isPlainObject } from '../document/cfn/index.js';
import type { Operation } from 'fast-json-patch';
import { escapeSegment, parsePointer, pointer } from '../document/pointer.js';
import { loadSpec, type PropertySpec, type Shape, type Spec } from './spec.js';

export interface SpecProblem {
  pointer: string;
  message: string;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);

const isIntrinsic = (value: Json): boolean => {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
};

export interface ValidateOptions {
  /** Check only these resources (and the outputs when `outputs` is true): what a fix changed. */
  resources?: Set<string>;
  outputs?: boolean;
}

/** Problems of a template; empty when the specification is not available (see loadSpec). */
export function validateTemplate(template: Template, options: ValidateOptions = {}, spec: Spec | undefined = loadSpec()): SpecProblem[] {
  if (!spec) return [];
  const problems: SpecProblem[] = [];
  const report = (path: string, message: string) => problems.push({ pointer: path, message });
  const resources = isPlainObject(template.Resources) ? template.Resources : {};
  const parameters = isPlainObject(template.Parameters) ? template.Parameters : {};
  const conditions = isPlainObject(template.Conditions) ? template.Conditions : {};
  // Looked at only when a reference names nothing else: isSam reads every resource, and a fix's check
  // (problemsIntroduced) looks at one resource of possibly thousands.
  let sam: boolean | undefined;

  // SAM creates resources the template does not list (`ServerlessRestApi`, `<Function>Role`, …): references to them are fine.
  const samGenerated = (id: string) =>
    /^(Serverless(Rest|Http)Api.*|.+(Role|Alias|Version|Stage|Url|Policy|Permission|Deployment.*))$/.test(id) && (sam ??= isSam(template, resources));
  const refTarget = (id: string) => PSEUDO_PARAMETERS.has(id) || id in parameters || id in resources || samGenerated(id);

  const checkReferences = (value: Json, at: string, locals: Set<string> = new Set()): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => checkReferences(item, `${at}/${i}`, locals));
    if (!isPlainObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      const here = `${at}/${escapeSegment(key)}`;
      if (key === 'Ref' && typeof inner === 'string') {
        if (!refTarget(inner) && !locals.has(inner)) report(here, `Ref to ${inner}, which is not a parameter or resource`);
      } else if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(inner) ? inner : typeof inner === 'string' ? inner.split(/\.(.*)/s) : [];
        if (typeof id === 'string' && !(id in resources) && !samGenerated(id)) report(here, `Fn::GetAtt on ${id}, which is not a resource`);
        else if (typeof id === 'string' && typeof attribute === 'string' && id in resources) checkAttribute(id, attribute, here);
        if (Array.isArray(inner)) checkReferences(inner, here, locals);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(inner) ? [inner[0], inner[1]] : [inner, undefined];
        const subLocals = new Set([...locals, ...(isPlainObject(variables) ? Object.keys(variables) : [])]);
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const [id, attribute] = match[1]!.trim().split(/\.(.*)/s);
            if (subLocals.has(match[1]!.trim()) || subLocals.has(id!)) continue;
            if (attribute !== undefined) {
              if (!(id! in resources) && !samGenerated(id!)) report(here, `\${${match[1]}} names ${id}, which is not a resource`);
            } else if (!refTarget(id!)) report(here, `\${${id}} names nothing in the template`);
          }
        }
        if (variables !== undefined) checkReferences(variables, `${here}/1`, locals);
      } else if ((key === 'Condition' && typeof inner === 'string' && Object.keys(value).length === 1) || key === 'Fn::If') {
        const name = key === 'Fn::If' ? (Array.isArray(inner) ? inner[0] : undefined) : inner;
        if (typeof name === 'string' && !(name in conditions)) report(here, `condition ${name} does not exist`);
        if (key === 'Fn::If' && Array.isArray(inner)) checkReferences(inner.slice(1), here, locals);
      } else {
        checkReferences(inner, here, locals);
      }
    }
  };

  const checkAttribute = (id: string, attribute: string, at: string) => {
    const type = (resources[id] as { Type?: Json } | undefined)?.Type;
    if (typeof type !== 'string') return;
    const resourceSpec = spec.resources.get(type);
    // Custom resources and nested stacks have attributes of their own making.
    if (!resourceSpec || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' || type === 'AWS::CloudFormation::Stack' || type.startsWith('AWS::Serverless::')) return;
    if (!resourceSpec.attributes.has(attribute) && ![...resourceSpec.attributes].some((a) => attribute.startsWith(`${a}.`))) {
      report(at, `${type} has no attribute ${attribute}`);
    }
  };

  const ids = options.resources ? [...options.resources].filter((id) => Object.hasOwn(resources, id)) : Object.keys(resources);
  for (const id of ids) {
    const resource = resources[id]!;
    const at = pointer('Resources', id);
    if (!isPlainObject(resource)) {
      report(at, 'a resource must be a mapping');
      continue;
    }
    const type = resource.Type;
    if (typeof type !== 'string') {
      report(at, 'a resource needs a Type');
      continue;
    }
    for (const dependency of [resource.DependsOn].flat()) {
      if (dependency === undefined) continue;
      if (typeof dependency !== 'string' || !(dependency in resources || samGenerated(dependency))) report(`${at}/DependsOn`, `DependsOn ${JSON.stringify(dependency)} names no resource`);
    }
    if (typeof resource.Condition === 'string' && !(resource.Condition in conditions)) report(`${at}/Condition`, `condition ${resource.Condition} does not exist`);
    for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[attribute];
      if (typeof value === 'string' && !['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate'].includes(value)) report(`${at}/${attribute}`, `${attribute} ${value} is not a policy`);
    }
    checkReferences(resource.Properties ?? null, `${at}/Properties`);
    checkReferences(resource.Metadata ?? null, `${at}/Metadata`);
    const resourceSpec = spec.resources.get(type);
    if (!resourceSpec) {
      if (type.startsWith('AWS::') && !type.startsWith('AWS::Serverless::')) report(`${at}/Type`, `unknown resource type ${type}`);
      continue;
    }
    const properties = resource.Properties;
    if (properties === undefined) {
      checkRequired({}, resourceSpec.properties, `${at}/Properties`, report);
    } else if (isPlainObject(properties) && !isIntrinsic(properties)) {
      checkObject(properties, resourceSpec.properties, `${at}/Properties`, type, spec, report);
    } else if (!isIntrinsic(properties)) {
      report(`${at}/Properties`, 'Properties must be a mapping');
    }
  }

  const outputs = options.outputs === false ? {} : isPlainObject(template.Outputs) ? template.Outputs : {};
  for (const [id, output] of Object.entries(outputs)) {
    const at = pointer('Outputs', id);
    if (!isPlainObject(output) || !('Value' in output)) {
      report(at, 'an output needs a Value');
      continue;
    }
    if (typeof output.Condition === 'string' && !(output.Condition in conditions)) report(`${at}/Condition`, `condition ${output.Condition} does not exist`);
    checkReferences(output, at);
  }
  if (!options.resources) checkReferences(template.Conditions ?? null, '/Conditions');
  return problems;
}

function isSam(template: Template, resources: Record<string, Json>): boolean {
  const transform = [template.Transform].flat();
  return transform.includes('AWS::Serverless-2016-10-31') || Object.values(resources).some((r) => isPlainObject(r) && String(r.Type).startsWith('AWS::Serverless::'));
}

type Report = (pointer: string, message: string) => void;

function checkRequired(value: Record<string, Json>, properties: Record<string, PropertySpec>, at: string, report: Report) {
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) report(at, `required property ${name} is missing`);
  }
}

/**
 * Properties that `aws cloudformation package` (and `sam package`) accept as a local path and
 * rewrite into their S3 form before deployment: a string there is a valid template to package.
 */
const PACKAGEABLE = new Set([
  'AWS::Lambda::Function.Code',
  'AWS::Lambda::LayerVersion.Content',
  'AWS::Serverless::Function.CodeUri',
  'AWS::Serverless::LayerVersion.ContentUri',
  'AWS::Serverless::Api.DefinitionUri',
  'AWS::Serverless::HttpApi.DefinitionUri',
  'AWS::Serverless::StateMachine.DefinitionUri',
  'AWS::Serverless::Application.Location',
  'AWS::ApiGateway::RestApi.BodyS3Location',
  'AWS::StepFunctions::StateMachine.DefinitionS3Location',
  'AWS::CloudFormation::Stack.TemplateURL',
  'AWS::AppSync::GraphQLSchema.DefinitionS3Location',
  'AWS::AppSync::Resolver.RequestMappingTemplateS3Location',
  'AWS::AppSync::Resolver.ResponseMappingTemplateS3Location',
  'AWS::AppSync::FunctionConfiguration.CodeS3Location',
  'AWS::Glue::Job.Command.ScriptLocation',
]);

function checkObject(value: Record<string, Json>, properties: Record<string, PropertySpec>, at: string, owner: string, spec: Spec, report: Report) {
  checkRequired(value, properties, at, report);
  for (const [name, inner] of Object.entries(value)) {
    const property = properties[name];
    const here = `${at}/${escapeSegment(name)}`;
    if (!property) {
      report(here, `${owner} has no property ${name}`);
      continue;
    }
    if (typeof inner === 'string' && PACKAGEABLE.has(`${owner}.${name}`)) continue;
    checkShape(inner, property.shape, here, spec, report);
  }
}

/**
 * What a change introduced: problems of the resources and outputs that differ between `before` and
 * `after` (copy-on-write views share what did not change) that `before` did not have. Given the
 * change's operations, the resources they name are the ones compared, without looking at the others
 * (a fix on a template of thousands of resources would otherwise cost a look at each).
 */
export function problemsIntroduced(before: Template, after: Template, ops?: readonly Operation[], spec: Spec | undefined = loadSpec()): SpecProblem[] {
  if (!spec || before === after) return [];
  const beforeResources = isPlainObject(before.Resources) ? before.Resources : {};
  const afterResources = isPlainObject(after.Resources) ? after.Resources : {};
  const named = ops ? resourcesNamedBy(ops) : undefined;
  const candidates = named ?? Object.keys(afterResources);
  const changed = new Set(candidates.filter((id) => Object.hasOwn(afterResources, id) && afterResources[id] !== beforeResources[id]));
  const options = { resources: changed, outputs: before.Outputs !== after.Outputs };
  return newProblems(validateTemplate(before, options, spec), validateTemplate(after, options, spec));
}

/** The logical ids operations write under (`/Resources/<id>/…`); undefined when one writes the section itself or above it. */
function resourcesNamedBy(ops: readonly Operation[]): string[] | undefined {
  const ids: string[] = [];
  for (const op of ops) {
    for (const path of 'from' in op && op.from !== undefined ? [op.path, op.from] : [op.path]) {
      if (!path.startsWith('/Resources')) {
        if (path === '' || path === '/') return undefined;
        continue;
      }
      const segments = parsePointer(path);
      if (segments[0] !== 'Resources') continue; // `/ResourcesX`: another section
      if (segments.length < 2) return undefined;
      ids.push(segments[1]!);
    }
  }
  return ids;
}

function checkShape(value: Json, shape: Shape, at: string, spec: Spec, report: Report): void {
  if (isIntrinsic(value)) return;
  switch (shape.kind) {
    case 'json':
      return;
    case 'string':
    case 'date':
      if (typeof value === 'object' && value !== null) report(at, 'expected a string');
      return;
    case 'number':
      if (typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) report(at, 'expected a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') report(at, 'expected true or false');
      return;
    case 'tag':
      if (!isPlainObject(value) || !('Key' in value)) report(at, 'expected a tag {Key, Value}');
      return;
    case 'list':
      if (!Array.isArray(value)) report(at, 'expected a list');
      else value.forEach((item, i) => checkShape(item, shape.element, `${at}/${i}`, spec, report));
      return;
    case 'map':
      if (!isPlainObject(value)) report(at, 'expected a mapping');
      else for (const [k, v] of Object.entries(value)) checkShape(v, shape.element, `${at}/${k}`, spec, report);
      return;
    case 'struct': {
      const struct = spec.structs.get(shape.def);
      if (!struct) return;
      if (!isPlainObject(value)) report(at, `expected a ${struct.name} mapping`);
      else checkObject(value, struct.properties, at, struct.name, spec, report);
      return;
    }
    case 'union': {
      // Accept the value when any option accepts it without a problem.
      for (const option of shape.options) {
        const trial: SpecProblem[] = [];
        checkShape(value, option, at, spec, (p, m) => trial.push({ pointer: p, message: m }));
        if (trial.length === 0) return;
      }
      report(at, 'the value matches none of the shapes the property accepts');
    }
  }
}

/** Problems in `after` that `before` did not have: what a fix introduced. */
export function newProblems(before: SpecProblem[], after: SpecProblem[]): SpecProblem[] {
  const known = new Set(before.map((p) => `${p.pointer}\u0000${p.message}`));
  return after.filter((p) => !known.has(`${p.pointer}\u0000${p.message}`));
}
