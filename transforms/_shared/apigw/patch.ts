/**
 * Builds the operations of one fix against a draft of the view, so that a later step sees what an
 * earlier one created: adding `CacheClusterEnabled` to a missing `Globals.Api` and then a
 * `MethodSettings` entry to it must create `Globals.Api` once, not twice.
 */
import type { Operation } from 'fast-json-patch';
import { applyCopyOnWrite, type Json, type Template } from '../../../src/document/cfn/index.js';
import { isIntrinsic, isPlainObject, pointer, type JsonObject } from '../cfn.js';

export class Patch {
  readonly ops: Operation[] = [];
  /** The view with this patch's operations applied, copy-on-write: the template itself is never touched. */
  private draft: Json;
  /** Containers this patch copied already (see applyCopyOnWrite). */
  private readonly copied = new Set<object>();

  constructor(template: Template) {
    this.draft = template;
  }

  get(path: string[]): Json | undefined {
    let node: Json | undefined = this.draft;
    for (const segment of path) node = isPlainObject(node) ? node[segment] : Array.isArray(node) ? node[Number(segment)] : undefined;
    return node;
  }

  /**
   * Give the map at `path` these keys: `add` when absent, `test` + `replace` when present (a stale view
   * then fails instead of overwriting). A missing map is created with its missing parents. Returns
   * false, adding nothing, when the map or a parent is not a plain map.
   */
  setKeys(path: string[], values: JsonObject): boolean {
    const current = this.get(path);
    if (current === undefined) {
      if (!this.ensureMap(path.slice(0, -1))) return false;
      this.push({ op: 'add', path: pointer(...path), value: values });
      return true;
    }
    if (!isPlainObject(current) || isIntrinsic(current)) return false;
    for (const [key, value] of Object.entries(values)) {
      const at = pointer(...path, key);
      if (key in current) this.push({ op: 'test', path: at, value: current[key]! }, { op: 'replace', path: at, value });
      else this.push({ op: 'add', path: at, value });
    }
    return true;
  }

  /** Append `item` to the list at `path`, creating the list (and missing parent maps) when absent. */
  append(path: string[], item: Json): boolean {
    const list = this.get(path);
    if (Array.isArray(list)) {
      this.push({ op: 'add', path: pointer(...path, '-'), value: item });
      return true;
    }
    if (list !== undefined || !this.ensureMap(path.slice(0, -1))) return false;
    this.push({ op: 'add', path: pointer(...path), value: [item] });
    return true;
  }

  /** Add a new resource (the caller picked an unused logical id). */
  addResource(logicalId: string, resource: JsonObject): void {
    this.push({ op: 'add', path: pointer('Resources', logicalId), value: resource });
  }

  /**
   * Make resource `logicalId` depend on `dependency`, keeping its other `DependsOn` entries: a string
   * becomes a list, a list grows by one, nothing changes when it is there already.
   */
  addDependsOn(logicalId: string, dependency: string): boolean {
    const path = ['Resources', logicalId, 'DependsOn'];
    const current = this.get(path);
    if (current === undefined) this.push({ op: 'add', path: pointer(...path), value: dependency });
    else if (current === dependency || (Array.isArray(current) && current.includes(dependency))) return true;
    else if (typeof current === 'string') this.push({ op: 'test', path: pointer(...path), value: current }, { op: 'replace', path: pointer(...path), value: [current, dependency] });
    else if (Array.isArray(current)) this.push({ op: 'add', path: pointer(...path, '-'), value: dependency });
    else return false;
    return true;
  }

  private ensureMap(path: string[]): boolean {
    for (let i = 1; i <= path.length; i++) {
      const node = this.get(path.slice(0, i));
      if (node === undefined) this.push({ op: 'add', path: pointer(...path.slice(0, i)), value: {} });
      else if (!isPlainObject(node) || isIntrinsic(node)) return false;
    }
    return true;
  }

  private push(...ops: Operation[]): void {
    for (const op of ops) {
      this.draft = applyCopyOnWrite(this.draft, op, this.copied);
      this.ops.push(op);
    }
  }
}
