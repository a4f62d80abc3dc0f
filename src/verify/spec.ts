/**
 * The CloudFormation resource specification, as the AWS CDK team publishes it for its own L1 classes
 * (@aws-cdk/aws-service-spec). The database is large (2.6 MB gzipped); it is reduced once per process
 * to what validation needs: property names, whether they are required, and their shapes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The compact form, as cached on disk and shipped beside the bundled GitHub Action. */
interface CompactSpec {
  version: string;
  resources: Record<string, [Record<string, PropertySpec>, string[]]>;
  structs: Record<string, [string, Record<string, PropertySpec>]>;
}

/**
 * The specification, from the first of: `spec.json` beside this module (the bundled Action ships it),
 * a cache in the OS temp folder keyed by the package version, the package itself (then cached).
 * Undefined when none is available: callers say that validation was skipped.
 */
export function loadSpec(): Spec | undefined {
  if (loaded) return loaded;
  const shipped = readCompact(fileURLToPath(new URL('./spec.json', import.meta.url)));
  if (shipped) return (loaded = fromCompact(shipped));
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('@aws-cdk/aws-service-spec/package.json');
  } catch {
    return undefined;
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const cacheFile = path.join(os.tmpdir(), 'stackfix-cache', `aws-service-spec-${version}-v1.json`);
  const cached = readCompact(cacheFile);
  if (cached && cached.version === version) return (loaded = fromCompact(cached));
  const compact = compactFromPackage(path.dirname(pkgJson), version);
  writeCache(cacheFile, compact);
  return (loaded = fromCompact(compact));
}

/** The compact specification as JSON text, for shipping beside a bundle. */
export function compactSpecJson(): string | undefined {
  const spec = loadSpec();
  return spec ? JSON.stringify(toCompact(spec)) : undefined;
}

function compactFromPackage(dir: string, version: string): CompactSpec {
  const db = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'db.json.gz'))).toString('utf8')) as {
    schema: {
      resource: { entities: Record<string, { cloudFormationType: string; properties?: Record<string, RawProperty>; attributes?: Record<string, unknown> }> };
      typeDefinition: { entities: Record<string, { $id: string; name: string; properties?: Record<string, RawProperty> }> };
    };
  };
  const compact: CompactSpec = { version, resources: {}, structs: {} };
  for (const entity of Object.values(db.schema.resource.entities)) {
    compact.resources[entity.cloudFormationType] = [propertiesOf(entity.properties), Object.keys(entity.attributes ?? {})];
  }
  for (const def of Object.values(db.schema.typeDefinition.entities)) compact.structs[def.$id] = [def.name, propertiesOf(def.properties)];
  return compact;
}

function fromCompact(compact: CompactSpec): Spec {
  return {
    version: compact.version,
    resources: new Map(Object.entries(compact.resources).map(([type, [properties, attributes]]) => [type, { properties, attributes: new Set(attributes) }])),
    structs: new Map(Object.entries(compact.structs).map(([id, [name, properties]]) => [id, { name, properties }])),
  };
}

function toCompact(spec: Spec): CompactSpec {
  const compact: CompactSpec = { version: spec.version, resources: {}, structs: {} };
  for (const [type, resource] of spec.resources) compact.resources[type] = [resource.properties, [...resource.attributes]];
  for (const [id, struct] of spec.structs) compact.structs[id] = [struct.name, struct.properties];
  return compact;
}

function readCompact(file: string): CompactSpec | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CompactSpec;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, compact: CompactSpec): void {
  // A cache that cannot be written only costs the next run the slower load.
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(compact));
    renameSync(temp, file);
  } catch {
    // ignored on purpose
  }
}
