/**
 * The CloudFormation resource specification, as the AWS CDK team publishes it for its own L1 classes
 * (@aws-cdk/aws-service-spec). The database is large (2.6 MB gzipped); it is reduced once per process
 * to what validation needs: property names, whether they are required, and their shapes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A property's shape. */
export type Shape =
  | { kind: 'string' | 'number' | 'boolean' | 'json' | 'tag' | 'date' }
  | { kind: 'struct'; def: string }
  | { kind: 'list' | 'map'; element: Shape }
  | { kind: 'union'; options: Shape[] };

export interface PropertySpec {
  required: boolean;
  shape: Shape;
}

export interface ResourceSpec {
  properties: Record<string, PropertySpec>;
  attributes: Set<string>;
}

export interface Spec {
  version: string;
  resources: Map<string, ResourceSpec>;
  structs: Map<string, { name: string; properties: Record<string, PropertySpec> }>;
}

interface RawType {
  type?: string;
  element?: RawType;
  types?: RawType[];
  reference?: { $ref?: string };
}

interface RawProperty {
  type?: RawType;
  previousTypes?: RawType[];
  required?: boolean;
}

function shapeOf(raw: RawType | undefined): Shape {
  switch (raw?.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
    case 'integer':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date-time':
      return { kind: 'date' };
    case 'tag':
      return { kind: 'tag' };
    case 'ref':
      return { kind: 'struct', def: raw.reference?.$ref ?? '' };
    case 'array':
      return { kind: 'list', element: shapeOf(raw.element) };
    case 'map':
      return { kind: 'map', element: shapeOf(raw.element) };
    case 'union':
      return { kind: 'union', options: (raw.types ?? []).map(shapeOf) };
    default:
      return { kind: 'json' };
  }
}

function propertiesOf(raw: Record<string, RawProperty> | undefined): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const [name, property] of Object.entries(raw ?? {})) {
    // A property whose type changed over time still accepts its older shapes.
    const shapes = [property.type, ...(property.previousTypes ?? [])].map(shapeOf);
    out[name] = { required: Boolean(property.required), shape: shapes.length === 1 ? shapes[0]! : { kind: 'union', options: shapes } };
  }
  return out;
}

let loaded: Spec | undefined;

export function loadSpec(): Spec {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@aws-cdk/aws-service-spec/package.json');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const db = JSON.parse(gunzipSync(readFileSync(path.join(path.dirname(pkgJson), 'db.json.gz'))).toString('utf8')) as {
    schema: {
      resource: { entities: Record<string, { cloudFormationType: string; properties?: Record<string, RawProperty>; attributes?: Record<string, unknown> }> };
      typeDefinition: { entities: Record<string, { $id: string; name: string; properties?: Record<string, RawProperty> }> };
    };
  };
  const resources = new Map<string, ResourceSpec>();
  for (const entity of Object.values(db.schema.resource.entities)) {
    resources.set(entity.cloudFormationType, { properties: propertiesOf(entity.properties), attributes: new Set(Object.keys(entity.attributes ?? {})) });
  }
  const structs = new Map<string, { name: string; properties: Record<string, PropertySpec> }>();
  for (const def of Object.values(db.schema.typeDefinition.entities)) structs.set(def.$id, { name: def.name, properties: propertiesOf(def.properties) });
  loaded = { version, resources, structs };
  return loaded;
}
