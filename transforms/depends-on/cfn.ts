/**
 * CloudFormation half. Order of work: report what is broken (DependsOn on a missing resource,
 * cycles), replace literal names with references, add the hidden orderings of the catalogue, then
 * report (or remove) the DependsOn entries that references already imply, on the graph as the fixes
 * leave it, so that a second run finds nothing to do.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { getResource, pointer, resources } from '../_shared/cfn.js';
import { DependsOnEdits } from './edits.js';
import { DependencyGraph, type Edge } from './graph.js';
import { literalArns, literalNames, type LiteralName } from './literal-names.js';
import { ruleFilter, type DependsOnOptions } from './meta.js';
import { requiredOrderings, type RequiredOrdering } from './orderings.js';
import { RULES, type Rule } from './rules.js';

export const cfn: CfnHalf<DependsOnOptions> = {
  detect(template, ctx) {
    const on = ruleFilter(ctx.options);

    const graph = new DependencyGraph(template);
    const findings: CfnFindingInput[] = [];
    if (on(RULES.missingTarget)) findings.push(...missingTargets(template, graph, ctx.doc.isSam));
    if (on(RULES.cycle)) findings.push(...cycleFindings(graph));

    const orderings = requiredOrderings(template);
    const names = on(RULES.literalNameToRef) || on(RULES.literalNameDependsOn) ? literalNames(template) : [];
    if (ctx.options.replaceLiteralNames && on(RULES.literalNameToRef)) findings.push(...literalReplacements(names, template, graph));
    else orderings.push(...names.map((n) => literalOrdering(n.dependent, n.target, `its ${n.where}, the literal name "${n.literal}"`)));
    orderings.push(...literalArns(template).map((a) => literalOrdering(a.dependent, a.target, `the literal ARN "${a.literal}"`)));

    const edits = new DependsOnEdits(template);
    findings.push(...orderingFindings(orderings.filter((o) => on(o.rule)), template, graph, edits));
    if (on(RULES.redundant)) findings.push(...redundantFindings(template, graph, edits, ctx.options.removeRedundant));
    return findings;
  },
};

function literalOrdering(dependent: string, target: string, because: string): RequiredOrdering {
  return { rule: RULES.literalNameDependsOn, dependent, target, because: `${target}, named by ${because}` };
}

// ---------------------------------------------------------------- reports on DependsOn as written

/** SAM generates these from the template's Serverless resources; a DependsOn may name them. */
function isSamGenerated(template: Template, name: string): boolean {
  if (name.startsWith('ServerlessRestApi') || name.startsWith('ServerlessHttpApi')) return true;
  return resources(template).some((r) => r.type.startsWith('AWS::Serverless::') && name.startsWith(r.logicalId) && name !== r.logicalId);
}

function missingTargets(template: Template, graph: DependencyGraph, isSam: boolean): CfnFindingInput[] {
  const missing = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.section !== 'Resources' || edge.kind !== 'DependsOn' || graph.resourceIds.has(edge.to)) continue;
    if (isSam && isSamGenerated(template, edge.to)) continue;
    missing.set(edge.from, [...(missing.get(edge.from) ?? []), edge.to]);
  }
  return [...missing].map(([id, names]) => ({
    pointer: pointer('Resources', id, 'DependsOn'),
    logicalId: id,
    message: `${id} has DependsOn on ${list(names)}, which ${names.length === 1 ? 'is' : 'are'} not ${names.length === 1 ? 'a resource' : 'resources'} of this template`,
    messageId: RULES.missingTarget.id,
    manual: `${RULES.missingTarget.reason} Whether the entry is a typo, a leftover or a resource that is missing is not knowable from the template.`,
  }));
}

function cycleFindings(graph: DependencyGraph): CfnFindingInput[] {
  return graph.cycles().map((group) => {
    const members = new Set(group);
    const inside = group.flatMap((id) => graph.orderingEdgesFrom(id).filter((e) => members.has(e.to)));
    // Point at a DependsOn in the circle when there is one: it is the usual culprit and the easiest to change.
    const at = inside.find((e) => e.kind === 'DependsOn') ?? inside[0]!;
    return {
      pointer: at.pointer,
      logicalId: at.from,
      message: `${list(group)} depend on each other: ${inside.map((e) => `${e.from} → ${e.to} (${e.kind})`).join(', ')}`,
      messageId: RULES.cycle.id,
      manual: `${RULES.cycle.reason} Which dependency to break (a DependsOn, or a reference moved to a separate resource) is a design decision.`,
    };
  });
}

// ---------------------------------------------------------------- literal names → references

function literalReplacements(names: LiteralName[], template: Template, graph: DependencyGraph): CfnFindingInput[] {
  return names.map((n) => {
    const base = {
      pointer: n.pointer,
      logicalId: n.dependent,
      message: `${n.dependent} names ${n.target} by its literal name "${n.literal}" in its ${n.where}`,
      messageId: RULES.literalNameToRef.id,
    };
    const blocked = conditionObstacle(template, n.dependent, n.target);
    if (blocked) return { ...base, manual: blocked };
    // A literal name is the classic way out of a circular dependency: then it stays.
    if (graph.wouldCycle(n.dependent, n.target)) return { ...base, message: `${base.message}; kept, a reference would close a dependency cycle` };
    graph.plan(n.dependent, n.target, 'Ref', n.pointer);
    return { ...base, fix: [{ op: 'test', path: n.pointer, value: n.literal }, { op: 'replace', path: n.pointer, value: n.replacement }] };
  });
}

// ---------------------------------------------------------------- hidden orderings → DependsOn

interface Group {
  rule: Rule;
  dependent: string;
  orderings: RequiredOrdering[];
  added: RequiredOrdering[];
  blocked: Array<{ ordering: RequiredOrdering; obstacle: string }>;
}

function orderingFindings(orderings: RequiredOrdering[], template: Template, graph: DependencyGraph, edits: DependsOnEdits): CfnFindingInput[] {
  const groups = groupByRuleAndDependent(orderings);
  for (const group of groups) {
    for (const ordering of group.orderings) {
      const { dependent, target } = ordering;
      if (graph.isOrderedAfter(dependent, target)) continue;
      const obstacle = !graph.resourceIds.has(dependent)
        ? `${dependent} is generated by SAM, not written in the template, so it cannot carry a DependsOn; declare it as a resource to order it`
        : (conditionObstacle(template, dependent, target) ?? (graph.wouldCycle(dependent, target) ? cycleObstacle(dependent, target) : undefined));
      if (obstacle) {
        group.blocked.push({ ordering, obstacle });
        continue;
      }
      graph.plan(dependent, target);
      group.added.push(ordering);
    }
  }
  dropImpliedAdditions(groups, graph);
  return groups.flatMap((group) => groupFindings(group, edits));
}

function groupByRuleAndDependent(orderings: RequiredOrdering[]): Group[] {
  const groups = new Map<string, Group>();
  for (const ordering of orderings) {
    const key = `${ordering.rule.id}\u0000${ordering.dependent}`;
    const group = groups.get(key) ?? { rule: ordering.rule, dependent: ordering.dependent, orderings: [], added: [], blocked: [] };
    if (!group.orderings.some((o) => o.target === ordering.target)) group.orderings.push(ordering);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * An addition that other additions of this run already imply (the function now comes after the
 * policy, so its mapping does too) would be reported as redundant by the next run: leave it out.
 */
function dropImpliedAdditions(groups: Group[], graph: DependencyGraph): void {
  for (const group of groups) {
    group.added = group.added.filter(({ dependent, target }) => {
      const implied = graph.dependenciesOf(dependent, { skip: (e) => e.planned === true && e.from === dependent && e.to === target }).has(target);
      if (implied) graph.unplan(dependent, target);
      return !implied;
    });
  }
}

function groupFindings(group: Group, edits: DependsOnEdits): CfnFindingInput[] {
  const { rule, dependent } = group;
  const describe = (items: RequiredOrdering[]) => `${dependent} must be created after ${items.map((o) => o.because).join('; ')}`;
  const out: CfnFindingInput[] = [];
  const at = pointer('Resources', dependent);
  if (group.added.length > 0) {
    out.push({
      pointer: at,
      logicalId: dependent,
      message: describe(group.added),
      messageId: rule.id,
      fix: edits.add(dependent, group.added.map((o) => o.target)),
    });
  }
  if (group.blocked.length > 0) {
    const blocked = group.blocked.map((b) => b.ordering);
    const obstacles = group.blocked.map((b) => b.obstacle).join('; ');
    // A literal ARN that would close a cycle is usually there on purpose, to break that very cycle.
    if (rule === RULES.literalNameDependsOn) out.push({ pointer: at, logicalId: dependent, message: `${describe(blocked)}; not added: ${obstacles}`, messageId: rule.id });
    else out.push({ pointer: at, logicalId: dependent, message: describe(blocked), messageId: rule.id, manual: `${obstacles}. ${rule.reason}` });
  }
  return out;
}

function cycleObstacle(dependent: string, target: string): string {
  return `${target} already depends on ${dependent} (directly or through other resources), so a DependsOn would close a cycle`;
}

/**
 * A DependsOn (or Ref) on a conditional resource fails when its condition is false, unless the
 * dependent exists only under the same condition.
 */
function conditionObstacle(template: Template, dependent: string, target: string): string | undefined {
  const targetCondition = getResource(template, target)?.resource.Condition;
  if (typeof targetCondition !== 'string') return undefined;
  if (getResource(template, dependent)?.resource.Condition === targetCondition) return undefined;
  return (
    `${target} exists only when condition ${targetCondition} is true, and a dependency on it fails when it is false; ` +
    `give ${dependent} the same Condition, or order it through an AWS::CloudFormation::WaitConditionHandle whose Metadata references ${target} in an Fn::If`
  );
}

// ---------------------------------------------------------------- redundant DependsOn

function redundantFindings(template: Template, graph: DependencyGraph, edits: DependsOnEdits, remove: boolean): CfnFindingInput[] {
  const out: CfnFindingInput[] = [];
  for (const r of resources(template)) {
    const written = r.resource.DependsOn;
    const entries: Json[] = Array.isArray(written) ? written : written === undefined ? [] : [written];
    const redundant: Array<{ index: number; why: string }> = [];
    entries.forEach((target, index) => {
      if (typeof target !== 'string' || !graph.resourceIds.has(target)) return;
      if (entries.indexOf(target) < index) redundant.push({ index, why: `${target} is listed twice` });
      else {
        const why = impliedBy(graph, r.logicalId, target);
        if (why) redundant.push({ index, why });
      }
    });
    if (redundant.length === 0) continue;
    const finding: CfnFindingInput = {
      pointer: pointer('Resources', r.logicalId, 'DependsOn'),
      logicalId: r.logicalId,
      message: `${r.logicalId} has DependsOn entries that are already implied: ${redundant.map((x) => x.why).join('; ')}`,
      messageId: RULES.redundant.id,
    };
    out.push(remove ? { ...finding, fix: edits.remove(r.logicalId, redundant.map((x) => x.index)) } : finding);
  }
  return out;
}

/** Why `from` is ordered after `target` without its DependsOn entries on it, or undefined when it is not. */
function impliedBy(graph: DependencyGraph, from: string, target: string): string | undefined {
  const isTheEntry = (e: Edge) => e.from === from && e.kind === 'DependsOn' && e.to === target && !e.planned;
  if (!graph.dependenciesOf(from, { skip: isTheEntry }).has(target)) return undefined;
  const sure = graph.orderingEdgesFrom(from).filter((e) => !e.underIf && !isTheEntry(e));
  const direct = sure.find((e) => e.to === target);
  if (direct) return `${from} references ${target} (${direct.kind}${direct.planned ? ', added by this fix' : ''})`;
  const via = sure.find((e) => graph.dependenciesOf(e.to).has(target))!;
  const how = via.kind === 'DependsOn' ? 'depends on' : 'references';
  return `${target} comes before ${via.to}, which ${from} ${how}${via.planned ? ' (added by this fix)' : ''}`;
}

function list(names: string[]): string {
  return names.join(', ');
}

