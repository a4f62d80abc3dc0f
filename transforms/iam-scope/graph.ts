/**
 * Which resources depend on which, as CloudFormation orders them (Ref, GetAtt, Sub, DependsOn), plus
 * the dependencies SAM adds when it expands a function. A policy may name a resource only if that
 * resource does not depend on the policy: otherwise CloudFormation rejects the template as circular
 * (the classic case: a bucket that notifies a function whose role names the bucket).
 */
import type { Template } from '../../src/document/cfn/index.js';
import { isPlainObject, referencedId, referencesIn, resources } from '../_shared/cfn.js';

export class DependencyGraph {
  private readonly edges = new Map<string, Set<string>>();

  constructor(template: Template) {
    for (const r of resources(template)) {
      const deps = referencesIn(r.resource.Properties);
      const dependsOn = r.resource.DependsOn;
      for (const d of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) if (typeof d === 'string') deps.add(d);
      this.edges.set(r.logicalId, deps);
    }
    for (const r of resources(template)) {
      if (r.type !== 'AWS::Serverless::Function' || !isPlainObject(r.properties.Events)) continue;
      for (const event of Object.values(r.properties.Events)) {
        // SAM writes the notification of an S3 event into the bucket: the bucket then depends on the function.
        if (!isPlainObject(event) || event.Type !== 'S3' || !isPlainObject(event.Properties)) continue;
        const bucket = referencedId(event.Properties.Bucket);
        if (bucket) this.edges.get(bucket)?.add(r.logicalId);
      }
    }
  }

  /** Does `from` depend on `to`, directly or through others? */
  dependsOn(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === to) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const next of this.edges.get(id) ?? []) stack.push(next);
    }
    return false;
  }
}
