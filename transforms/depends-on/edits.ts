/**
 * Edits of resources' DependsOn, across the findings of one detect call. The engine applies findings
 * in the order they are returned, so each finding's operations start from the value the previous
 * findings left: this class remembers that value per resource.
 *
 * Style kept: a missing DependsOn becomes a string for one entry (a list for several); an existing
 * string becomes a list only when an entry joins it (`[Old, New]`); a list is appended to.
 */
import type { Operation } from 'fast-json-patch';
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject, pointer } from '../_shared/cfn.js';

export class DependsOnEdits {
  private readonly planned = new Map<string, Json | undefined>();

  constructor(private readonly template: Template) {}

  /** Operations that add `targets` to the DependsOn of resource `id`. */
  add(id: string, targets: string[]): Operation[] {
    const path = pointer('Resources', id, 'DependsOn');
    const current = this.current(id);
    let ops: Operation[];
    let next: Json;
    if (current === undefined) {
      next = targets.length === 1 ? targets[0]! : targets;
      ops = [{ op: 'add', path, value: next }];
    } else if (Array.isArray(current)) {
      next = [...current, ...targets];
      ops = targets.map((target) => ({ op: 'add', path: `${path}/-`, value: target }));
    } else {
      next = [current, ...targets];
      ops = [{ op: 'replace', path, value: next }];
    }
    this.planned.set(id, next);
    return ops;
  }

  /** Operations that drop the entries at `indexes` (into the DependsOn as written; additions come after them). */
  remove(id: string, indexes: number[]): Operation[] {
    const path = pointer('Resources', id, 'DependsOn');
    const current = this.current(id);
    const entries: Json[] = Array.isArray(current) ? current : current === undefined ? [] : [current];
    const kept = entries.filter((_, i) => !indexes.includes(i));
    if (kept.length === 0) {
      this.planned.set(id, undefined);
      return [{ op: 'remove', path }];
    }
    this.planned.set(id, kept);
    // Highest index first, so that each removal leaves the next index valid.
    return [...indexes].sort((a, b) => b - a).map((i) => ({ op: 'remove', path: `${path}/${i}` }));
  }

  private current(id: string): Json | undefined {
    if (this.planned.has(id)) return this.planned.get(id);
    const resources = this.template.Resources;
    const resource = isPlainObject(resources) ? resources[id] : undefined;
    return isPlainObject(resource) ? resource.DependsOn : undefined;
  }
}
