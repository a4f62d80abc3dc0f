/**
 * The template's dependency graph: which entry names which, through every form CloudFormation reads
 * a name in. `Ref`, `Fn::GetAtt` (list and dotted string), `Fn::Sub` (`${X}`, `${X.Attr}`, not
 * `${!Literal}`, not a name its own variable map defines), `DependsOn` (string or list), and condition
 * names (a resource's or output's `Condition`, the first argument of `Fn::If`, `{Condition: X}` inside
 * Conditions). Edges from Resources, Outputs and Conditions are all recorded, so the same graph
 * answers "is A already ordered after B?" and "which output exposes what?". Pure: it never edits.
 */
import type { Json, Template } from '../../src/document/cfn/index.js';
import { isPlainObject } from '../../src/document/cfn/index.js';
import { pointer } from '../../src/document/pointer.js';
import { perObjectCache } from '../_shared/cfn.js';

export type EdgeKind = 'Ref' | 'GetAtt' | 'Sub' | 'DependsOn' | 'Condition';
export type Section = 'Resources' | 'Outputs' | 'Conditions';

export interface Edge {
  /** The section of the entry that holds the reference. */
  section: Section;
  from: string;
  /** A resource, parameter or condition name (pseudo parameters like `AWS::Region` are not edges). */
  to: string;
  kind: EdgeKind;
  /** For `GetAtt` and `Sub` `${X.Attr}`: the attribute. */
  attribute?: string;
  /** Where the reference is written. */
  pointer: string;
  /**
   * Inside a branch of `Fn::If`: CloudFormation drops it when the branch is not taken, so it orders
   * nothing for sure.
   */
  underIf: boolean;
  /** Not in the text yet: a fix of this run is adding it (see `plan`). */
  planned?: boolean;
  /**
   * Inside the `Events` of a SAM function or state machine: SAM moves it into the resources it
   * generates (mapping, permission, rule), which reference the function, so it does not order the function.
   */
  samEvent?: boolean;
}

/** Resource attributes that are not walked for references: they hold names, not intrinsics. */
const ATTRIBUTE_KEYS = new Set(['Type', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy']);

/** SAM types whose `Events` become separate generated resources. */
const SAM_EVENT_SOURCES = new Set(['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']);

/** Resource-to-resource kinds: the ones CloudFormation orders creation by. */
const ORDERING_KINDS: ReadonlySet<EdgeKind> = new Set(['Ref', 'GetAtt', 'Sub', 'DependsOn']);

export class DependencyGraph {
  readonly edges: readonly Edge[];
  readonly resourceIds: ReadonlySet<string>;
  private readonly ordering = new Map<string, Edge[]>();

  constructor(template: Template) {
    const section = (name: string) => (isPlainObject(template[name]) ? (template[name] as { [key: string]: Json }) : {});
    const resources = section('Resources');
    this.resourceIds = new Set(Object.keys(resources).filter((id) => isPlainObject(resources[id]) && typeof resources[id].Type === 'string'));
    const edges: Edge[] = [];
    for (const id of this.resourceIds) edges.push(...resourceEdges(id, resources[id] as { [key: string]: Json }));
    for (const [id, output] of Object.entries(section('Outputs'))) edges.push(...remembered(output, `Outputs/${id}`, () => outputEdges(id, output)));
    for (const [id, condition] of Object.entries(section('Conditions'))) {
      edges.push(...remembered(condition, `Conditions/${id}`, () => walk(condition, { section: 'Conditions', from: id, path: ['Conditions', id], underIf: false, inConditions: true })));
    }
    this.edges = edges;
    for (const edge of edges) {
      if (edge.section !== 'Resources' || !ORDERING_KINDS.has(edge.kind) || !this.resourceIds.has(edge.to) || edge.samEvent) continue;
      const list = this.ordering.get(edge.from) ?? [];
      list.push(edge);
      this.ordering.set(edge.from, list);
    }
  }

  /** Edges from a resource to other resources of the template, in the order they are written (planned ones last). */
  orderingEdgesFrom(id: string): Edge[] {
    return this.ordering.get(id) ?? [];
  }

  /**
   * Record a dependency a fix is about to add (a DependsOn entry, a Ref replacing a literal), so that
   * the questions asked after it see it. It is not added to `edges`, which stay what the text says.
   */
  plan(from: string, to: string, kind: EdgeKind = 'DependsOn', where = pointer('Resources', from, 'DependsOn')): void {
    const list = this.ordering.get(from) ?? [];
    list.push({ section: 'Resources', from, to, kind, pointer: where, underIf: false, planned: true });
    this.ordering.set(from, list);
  }

  /** Forget a planned dependency (one that the others turned out to imply). */
  unplan(from: string, to: string): void {
    const list = this.ordering.get(from) ?? [];
    this.ordering.set(from, list.filter((e) => !(e.planned && e.to === to)));
  }

  /**
   * Every resource `id` is created after, transitively. By default only through edges that order it
   * for sure (not under `Fn::If`); `anyBranch` follows those too (some conditions take them). `skip`
   * leaves out edges (a DependsOn entry whose redundancy is in question).
   */
  dependenciesOf(id: string, { skip = () => false, anyBranch = false }: { skip?: (edge: Edge) => boolean; anyBranch?: boolean } = {}): Set<string> {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      for (const edge of this.orderingEdgesFrom(stack.pop()!)) {
        if ((edge.underIf && !anyBranch) || skip(edge) || seen.has(edge.to)) continue;
        seen.add(edge.to);
        stack.push(edge.to);
      }
    }
    return seen;
  }

  /** Is `from` already created after `to`, for sure? */
  isOrderedAfter(from: string, to: string): boolean {
    return this.dependenciesOf(from).has(to);
  }

  /** Would ordering `from` after `to` close a circle (`to` already comes after `from` in some branch)? */
  wouldCycle(from: string, to: string): boolean {
    return from === to || this.dependenciesOf(to, { anyBranch: true }).has(from);
  }

  /**
   * Groups of resources that depend on each other in a circle (any edge counts, `Fn::If` branches
   * included: some combination of conditions takes them). Tarjan's strongly connected components;
   * a resource that depends on itself is a group of one.
   */
  cycles(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const groups: string[][] = [];
    let counter = 0;
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      for (const { to } of this.orderingEdgesFrom(id)) {
        if (!index.has(to)) {
          visit(to);
          low.set(id, Math.min(low.get(id)!, low.get(to)!));
        } else if (onStack.has(to)) low.set(id, Math.min(low.get(id)!, index.get(to)!));
      }
      if (low.get(id) !== index.get(id)) return;
      const group: string[] = [];
      for (let member = ''; member !== id; ) {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      }
      const selfLoop = this.orderingEdgesFrom(id).some((e) => e.to === id);
      if (group.length > 1 || selfLoop) groups.push(group.sort());
    };
    for (const id of this.resourceIds) if (!index.has(id)) visit(id);
    return groups;
  }
}

/** An entry's edges, by the entry's object (see perObjectCache): an entry no fix touched is not walked again. */
const knownEdges = perObjectCache<readonly Edge[]>();

/** `place` is the entry's section and name (`Outputs/Url`): the same edges stand only for the same place. */
function remembered(entry: Json, place: string, compute: () => readonly Edge[]): readonly Edge[] {
  return entry !== null && typeof entry === 'object' ? knownEdges(entry, place, compute) : compute();
}

function resourceEdges(id: string, resource: { [key: string]: Json }): readonly Edge[] {
  return remembered(resource, `Resources/${id}`, () => walkResource(id, resource));
}

function walkResource(id: string, resource: { [key: string]: Json }): Edge[] {
  const edges: Edge[] = [];
  const base = { section: 'Resources' as const, from: id, underIf: false };
  const dependsOn = resource.DependsOn;
  if (typeof dependsOn === 'string') edges.push({ ...base, to: dependsOn, kind: 'DependsOn', pointer: pointer('Resources', id, 'DependsOn') });
  if (Array.isArray(dependsOn)) {
    dependsOn.forEach((to, i) => {
      if (typeof to === 'string') edges.push({ ...base, to, kind: 'DependsOn', pointer: pointer('Resources', id, 'DependsOn', i) });
    });
  }
  if (typeof resource.Condition === 'string') edges.push({ ...base, to: resource.Condition, kind: 'Condition', pointer: pointer('Resources', id, 'Condition') });
  for (const [key, value] of Object.entries(resource)) {
    if (!ATTRIBUTE_KEYS.has(key)) edges.push(...walk(value, { ...base, path: ['Resources', id, key], inConditions: false }));
  }
  if (SAM_EVENT_SOURCES.has(String(resource.Type))) {
    const events = pointer('Resources', id, 'Properties', 'Events') + '/';
    for (const edge of edges) if (edge.pointer.startsWith(events)) edge.samEvent = true;
  }
  return edges;
}

function outputEdges(id: string, output: Json): Edge[] {
  if (!isPlainObject(output)) return [];
  const edges: Edge[] = [];
  const base = { section: 'Outputs' as const, from: id, underIf: false };
  if (typeof output.Condition === 'string') edges.push({ ...base, to: output.Condition, kind: 'Condition', pointer: pointer('Outputs', id, 'Condition') });
  for (const [key, value] of Object.entries(output)) {
    if (key !== 'Condition') edges.push(...walk(value, { ...base, path: ['Outputs', id, key], inConditions: false }));
  }
  return edges;
}

interface WalkState {
  section: Section;
  from: string;
  path: Array<string | number>;
  underIf: boolean;
  /** `{Condition: X}` is an intrinsic only inside the Conditions section (elsewhere it is, say, an IAM statement's key). */
  inConditions: boolean;
}

/**
 * The walk keeps one path (pushed on the way down, popped on the way up) and appends to one list: a
 * pointer is spelled out only for the references it finds, not for every node it passes.
 */
function edgeAt(state: WalkState, more: Array<string | number>, to: string, kind: EdgeKind, attribute?: string): Edge {
  return {
    section: state.section,
    from: state.from,
    to,
    kind,
    ...(attribute !== undefined ? { attribute } : {}),
    pointer: pointer(...state.path, ...more),
    underIf: state.underIf,
  };
}

function walkInto(value: Json, state: WalkState, out: Edge[], ...segments: Array<string | number>): void {
  state.path.push(...segments);
  walkValue(value, state, out);
  state.path.length -= segments.length;
}

function walk(value: Json, state: WalkState): Edge[] {
  const out: Edge[] = [];
  walkValue(value, { ...state, path: [...state.path] }, out);
  return out;
}

function walkValue(value: Json, state: WalkState, out: Edge[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walkInto(value[i]!, state, out, i);
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0]! : undefined;
  const arg = only === undefined ? undefined : value[only]!;

  if (only === 'Ref' && typeof arg === 'string') {
    if (!isPseudo(arg)) out.push(edgeAt(state, [only], arg, 'Ref'));
    return;
  }
  if (only === 'Condition' && state.inConditions && typeof arg === 'string') {
    out.push(edgeAt(state, [only], arg, 'Condition'));
    return;
  }
  if (only === 'Fn::GetAtt' && typeof arg === 'string') {
    const dot = arg.indexOf('.');
    out.push(edgeAt(state, [only], dot === -1 ? arg : arg.slice(0, dot), 'GetAtt', dot === -1 ? undefined : arg.slice(dot + 1)));
    return;
  }
  if (only === 'Fn::GetAtt' && Array.isArray(arg) && typeof arg[0] === 'string') {
    out.push(edgeAt(state, [only, 0], arg[0], 'GetAtt', typeof arg[1] === 'string' ? arg[1] : undefined));
    // The attribute name may itself be an intrinsic (`!Ref AttrParam`): walk it too.
    for (let i = 1; i < arg.length; i++) walkInto(arg[i]!, state, out, only, i);
    return;
  }
  if (only === 'Fn::Sub') {
    state.path.push(only);
    subEdges(arg!, state, out);
    state.path.pop();
    return;
  }
  if (only === 'Fn::If' && Array.isArray(arg)) {
    const [condition, ...branches] = arg;
    if (typeof condition === 'string') out.push(edgeAt(state, [only, 0], condition, 'Condition'));
    // The same path, marked as taken only under a condition.
    const branchState = { ...state, underIf: true };
    branches.forEach((branch, i) => walkInto(branch, branchState, out, only, i + 1));
    return;
  }
  for (const key of keys) walkInto(value[key]!, state, out, key);
}

/** `${Name}` and `${Name.Attr}` in a Sub string; `${!Literal}` is text, and map-defined names are local. */
function subEdges(arg: Json, state: WalkState, out: Edge[]): void {
  const listForm = Array.isArray(arg);
  const [text, variables] = listForm ? [arg[0], arg[1]] : [arg, undefined];
  const textAt: Array<string | number> = listForm ? [0] : [];
  const local = isPlainObject(variables) ? new Set(Object.keys(variables)) : new Set<string>();
  if (typeof text === 'string') {
    for (const { name, attribute } of subVariables(text)) {
      if (!isPseudo(name) && !local.has(name)) out.push(edgeAt(state, textAt, name, 'Sub', attribute));
    }
  } else if (text !== undefined) walkInto(text, state, out, ...textAt);
  if (variables !== undefined) walkInto(variables, state, out, 1);
}

/** The variables of a Sub string, in order: `${X}` → X, `${X.Attr}` → X and Attr; `${!X}` is literal text. */
export function subVariables(text: string): Array<{ name: string; attribute?: string }> {
  const out: Array<{ name: string; attribute?: string }> = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const body = match[1]!.trim();
    if (body === '' || body.startsWith('!')) continue;
    // Pseudo parameters hold `::` and no dot; `Resource.Attr.Sub` splits at the first dot.
    const dot = body.includes('::') ? -1 : body.indexOf('.');
    out.push(dot === -1 ? { name: body } : { name: body.slice(0, dot), attribute: body.slice(dot + 1) });
  }
  return out;
}

function isPseudo(name: string): boolean {
  return name.startsWith('AWS::');
}
