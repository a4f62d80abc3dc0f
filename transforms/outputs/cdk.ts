/**
 * CDK half: `new CfnOutput(this, '<Id><Attr>', { value, exportName, description })` at the end of the
 * stack's constructor for each construct of an enabled kind whose value no CfnOutput of the stack
 * already shows. Output ids are unique among the stack's construct ids. REST APIs are left alone:
 * CDK's RestApi already outputs its endpoint.
 */
import { Node, SyntaxKind, type ClassDeclaration, type ConstructorDeclaration } from 'ts-morph';
import type { CdkSource, ConstructCall } from '../../src/document/cdk/index.js';
import type { CdkFindingInput, CdkHalf } from '../../src/transform.js';
import data from './data/cdk-attributes.json' with { type: 'json' };
import { enabledKinds, type OutputKind, type OutputsOptions } from './meta.js';
import { ATTRIBUTE_NOUNS, unique } from './naming.js';

interface ConstructSpec {
  module: string;
  classes: string[];
  what: string;
  /** [attribute in output ids, the instance property that gives it]. */
  attributes: string[][];
}

const CDK_KINDS: Record<string, ConstructSpec[]> = data.kinds;

/** Fn::Sub pseudo parameters in the export name template, and what gives them inside a Stack. */
const PSEUDO: Record<string, string> = {
  'AWS::StackName': 'this.stackName',
  'AWS::Region': 'this.region',
  'AWS::AccountId': 'this.account',
  'AWS::Partition': 'this.partition',
  'AWS::URLSuffix': 'this.urlSuffix',
};

export const cdk: CdkHalf<OutputsOptions> = {
  detect(source, ctx) {
    const kinds = enabledKinds(ctx.options);
    return source.findStackClasses().flatMap((stack) => {
      const constructor = stack.getConstructors()[0];
      // A Stage holds stacks, not resources: its constructs get their outputs in their own stacks.
      if (!constructor || isStage(source, stack)) return [];
      return new StackOutputs(source, stack, constructor, ctx.options).findings(kinds);
    });
  },
};

function isStage(source: CdkSource, stack: ClassDeclaration): boolean {
  const base = stack.getExtends()?.getExpression();
  const reference = base ? source.resolveReference(base) : undefined;
  return reference?.module === 'core' && reference.path.join('.') === 'Stage';
}

class StackOutputs {
  /** Construct ids already used in this stack (`new X(this, 'Id')`): an output id must differ. */
  private readonly ids = new Set<string>();
  /** `value` texts of the stack's CfnOutputs: what is already shown. */
  private readonly shown = new Set<string>();

  constructor(
    private readonly source: CdkSource,
    private readonly stack: ClassDeclaration,
    private readonly stackConstructor: ConstructorDeclaration,
    private readonly options: OutputsOptions,
  ) {
    for (const expression of stack.getDescendantsOfKind(SyntaxKind.NewExpression)) {
      const [scope, id] = expression.getArguments();
      if (scope?.getText() === 'this' && id && Node.isStringLiteral(id)) this.ids.add(id.getLiteralValue());
    }
    for (const output of this.inStack(source.findConstructs('core', 'CfnOutput'))) {
      const value = output.getProp('value');
      if (value) this.shown.add(compact(value.getText()));
    }
  }

  findings(kinds: OutputKind[]): CdkFindingInput[] {
    return kinds.flatMap((kind) =>
      (CDK_KINDS[kind] ?? []).flatMap((spec) =>
        this.inStack(this.source.findConstructs(spec.module, spec.classes))
          .filter((call) => kind !== 'environment' || new RegExp(this.options.environmentParameterPattern, 'i').test(call.id ?? ''))
          .flatMap((call) => this.finding(kind, spec, call)),
      ),
    );
  }

  private finding(kind: OutputKind, spec: ConstructSpec, call: ConstructCall): CdkFindingInput[] {
    const name = call.variableName;
    const missing = spec.attributes.filter(([, property]) => !this.shown.has(`${name}.${property}`));
    if (missing.length === 0) return [];
    const base = {
      node: call.expression,
      constructPath: call.constructPath,
      messageId: `${kind}-output`,
      message: `${spec.what} ${call.constructPath} is not exposed as a stack output (${missing.map(([attr]) => attr).join(', ')})`,
    };
    if (!name) return [{ ...base, manual: 'the construct is not assigned to a variable, so an output cannot name it; assign it and run again' }];
    if (!this.inScopeAtEnd(call)) return [{ ...base, manual: `${name} is declared in a nested block, out of scope at the end of the constructor where outputs go` }];
    const exportName = this.exportNameText(call, missing);
    if (exportName === null) return [{ ...base, manual: 'exportNameTemplate uses a variable other than a pseudo parameter, which has no CDK equivalent here' }];
    const label = (call.id ?? name).replace(/[^A-Za-z0-9]/g, '');
    const outputs = missing.map(([attr, property], i) => ({
      id: unique(`${label.charAt(0).toUpperCase()}${label.slice(1)}${attr}`, this.ids),
      value: `${name}.${property}`,
      exportName: exportName[i],
      description: `${ATTRIBUTE_NOUNS[attr!] ?? attr} of the ${spec.what} ${call.id ?? name}`,
    }));
    for (const output of outputs) this.shown.add(output.value);
    return [{ ...base, fix: () => this.append(outputs) }];
  }

  private inStack(calls: ConstructCall[]): ConstructCall[] {
    return calls.filter((call) => call.expression.getFirstAncestorByKind(SyntaxKind.ClassDeclaration) === this.stack);
  }

  /** `this.x = new …`, or `const x = new …` directly in the constructor's body. */
  private inScopeAtEnd(call: ConstructCall): boolean {
    if (call.variableName?.startsWith('this.')) return true;
    const statement = call.expression.getFirstAncestorByKind(SyntaxKind.VariableStatement);
    return statement?.getParent() === this.stackConstructor.getBody();
  }

  /** One export name expression per attribute (undefined: no export), or null when the template cannot be written in CDK. */
  private exportNameText(call: ConstructCall, attributes: string[][]): Array<string | undefined> | null {
    const template = this.options.exportNameTemplate;
    if (template === '') return attributes.map(() => undefined);
    const variables = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
    if (variables.some((v) => !(v in PSEUDO))) return null;
    const label = (call.id ?? call.variableName!).replace(/[^A-Za-z0-9]/g, '');
    return attributes.map(([attr]) => {
      const text = template.replaceAll('<LogicalId>', label).replaceAll('<Attr>', attr!).replace(/[`\\]/g, '\\$&');
      return '`' + text.replace(/\$\{([^}]*)\}/g, (_, v: string) => `\${${PSEUDO[v]}}`) + '`';
    });
  }

  private append(outputs: Array<{ id: string; value: string; exportName: string | undefined; description: string }>): void {
    const cfnOutput = this.source.ensureImport('core', 'CfnOutput');
    const { quote, semicolons, trailingCommas, indentUnit, eol } = this.source.style;
    const string = (text: string) => quote + text.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`) + quote;
    const statements = outputs.map(({ id, value, exportName, description }) => {
      const props = [`value: ${value}`, ...(exportName ? [`exportName: ${exportName}`] : []), `description: ${string(description)}`];
      const body = props.map((p, i) => `${indentUnit}${p}${i < props.length - 1 || trailingCommas ? ',' : ''}`).join(eol);
      return `new ${cfnOutput}(this, ${string(id)}, {${eol}${body}${eol}})${semicolons ? ';' : ''}`;
    });
    this.source.applyStyle();
    const body = this.stackConstructor.getBodyOrThrow().asKindOrThrow(SyntaxKind.Block);
    // A blank line sets the outputs apart from the code before them, as a person would write it.
    const last = body.getStatements().at(-1);
    const afterOutput = last !== undefined && /^new\s+[\w.]*CfnOutput\b/.test(last.getText());
    body.addStatements((writer) => {
      if (!afterOutput && last !== undefined) writer.newLine();
      writer.write(statements.join(eol));
    });
  }
}

function compact(text: string): string {
  return text.replace(/\s+/g, '').replace(/!$/, '');
}
