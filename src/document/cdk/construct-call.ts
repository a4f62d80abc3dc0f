/**
 * One `new X(scope, id, props)` of a CDK construct: what it is called, and reading and writing its props.
 */
import { Node, SyntaxKind, type Expression, type NewExpression, type ObjectLiteralExpression, type ObjectLiteralElementLike } from 'ts-morph';
import { isExpressionText, type Editor, type Tracked } from './editor.js';
import { indentContinuation, isFirstOnLine, lineIndent, planAppend, propertyKey, skipTrivia, type Splice } from './text-edit.js';
import type { CdkStyle, ConstructCall } from './types.js';

export class CdkConstructCall implements ConstructCall, Tracked {
  readonly id: string | undefined;
  readonly variableName: string | undefined;
  readonly constructPath: string;
  #expression: NewExpression;

  constructor(
    expression: NewExpression,
    readonly module: string,
    readonly className: string,
    private readonly editor: Editor,
    private readonly style: CdkStyle,
  ) {
    this.#expression = expression;
    const idArg = expression.getArguments()[1];
    this.id = idArg && (Node.isStringLiteral(idArg) || Node.isNoSubstitutionTemplateLiteral(idArg)) ? idArg.getLiteralValue() : undefined;
    this.variableName = assignedName(expression);
    this.constructPath = `${enclosingClassName(expression) ?? 'app'}/${this.id ?? this.variableName ?? className}`;
  }

  /** The `new` expression. The same object across edits of this file's props through this model. */
  get expression(): NewExpression {
    return this.#expression;
  }

  /** @internal For {@link Tracked}. */
  get node(): Node {
    return this.#expression;
  }

  /** @internal Points this call at its node after an edit that replaced it. */
  rebind(node: Node): void {
    if (Node.isNewExpression(node)) this.#expression = node;
  }

  /** The props literal; `{…} as Props`, `{…} satisfies Props` and parentheses are looked through. */
  getProps(): ObjectLiteralExpression | undefined {
    const arg = unwrap(this.#expression.getArguments()[2]);
    return arg && Node.isObjectLiteralExpression(arg) ? arg : undefined;
  }

  propsAreOpaque(): boolean {
    const arg = this.#expression.getArguments()[2];
    if (!arg) return false;
    const props = this.getProps();
    return !props || props.getProperties().some((p) => Node.isSpreadAssignment(p));
  }

  getProp(name: string): Expression | undefined {
    const property = findProperty(this.getProps(), name);
    if (Node.isPropertyAssignment(property)) return property.getInitializer();
    if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
    return undefined;
  }

  /**
   * Adds `name: initializerText` to the props, or replaces the initializer when the property exists
   * (the last one, when it is written twice). `initializerText` may span lines, written with any
   * consistent indent starting from column 0; it is laid out under the property in the file's indent.
   * Nodes inside the props literal are forgotten by the edit (construct calls found by the source are
   * re-attached). Throws when the props are not an object literal, when the call has no id argument,
   * or when `initializerText` is not an expression.
   */
  setProp(name: string, initializerText: string): void {
    if (!isExpressionText(initializerText)) throw new Error(`Not an expression: ${initializerText}`);
    const text = this.#expression.getSourceFile().getFullText();
    const key = propertyKey(name, this.style.quote);
    const props = this.getProps();
    if (props) {
      const property = findProperty(props, name);
      if (property) {
        const indent = lineIndent(text, property.getStart());
        const value = indentContinuation(initializerText, indent, this.style);
        if (Node.isPropertyAssignment(property)) {
          const initializer = property.getInitializerOrThrow();
          this.editor.splice(initializer, [{ start: initializer.getStart(), end: initializer.getEnd(), text: value }]);
        } else {
          this.editor.splice(property, [{ start: property.getStart(), end: property.getEnd(), text: `${key}: ${value}` }]);
        }
        return;
      }
      const properties = props.getProperties();
      const splices = planAppend(
        text,
        {
          open: props.getStart(),
          close: props.getEnd() - 1,
          items: properties.map((p) => ({ start: p.getStart(), end: p.getEnd() })),
          trailingComma: props.compilerNode.properties.hasTrailingComma,
        },
        `${key}: ${initializerText}`,
        this.style,
      );
      this.editor.splice(props, splices);
      return;
    }
    if (this.#expression.getArguments()[2]) {
      throw new Error(`The props of ${this.constructPath} are not an object literal`);
    }
    this.editor.splice(this.#expression, this.planNewProps(text, `${key}: ${initializerText}`));
  }

  /** Splices that add a props literal holding `item` after the id argument. */
  private planNewProps(text: string, item: string): Splice[] {
    const args = this.#expression.getArguments();
    const last = args[1];
    if (!last || args.length !== 2) throw new Error(`${this.constructPath}: expected (scope, id) before the props`);
    const { eol, indentUnit } = this.style;
    const ownLine = isFirstOnLine(text, last.getStart());
    const base = lineIndent(text, ownLine ? last.getStart() : last.getEnd());
    const element = indentContinuation(item, base + indentUnit, this.style) + (this.style.trailingCommas ? ',' : '');
    const literal = `{${eol}${base}${indentUnit}${element}${eol}${base}}`;
    const trailingComma = this.#expression.compilerNode.arguments?.hasTrailingComma ?? false;
    const at = trailingComma ? skipTrivia(text, last.getEnd()) + 1 : last.getEnd();
    // Arguments one per line get one more line; `(this, 'Id')` gets `, {` on the same line.
    const separator = ownLine ? eol + base : ' ';
    return [{ start: at, end: at, text: trailingComma ? `${separator}${literal},` : `,${separator}${literal}` }];
  }
}

function unwrap(node: Node | undefined): Node | undefined {
  while (
    node &&
    (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isTypeAssertion(node))
  ) {
    node = node.getExpression();
  }
  return node;
}

/** The last property called `name` (later ones win in JavaScript). */
function findProperty(props: ObjectLiteralExpression | undefined, name: string): ObjectLiteralElementLike | undefined {
  if (!props) return undefined;
  const properties = props.getProperties();
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i]!;
    if (Node.isSpreadAssignment(property)) continue;
    if (propertyName(property.getNameNode()) === name) return property;
  }
  return undefined;
}

/** The name a property key stands for: `a`, `'a'`, `"a"`, `['a']`. */
function propertyName(node: Node): string | undefined {
  if (Node.isIdentifier(node) || Node.isPrivateIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isNumericLiteral(node)) {
    return String(node.getLiteralValue());
  }
  if (Node.isComputedPropertyName(node)) return propertyName(node.getExpression());
  return undefined;
}

/** `const t = new …` → `t`; `this.t = new …` → `this.t`; a class field `t = new …` → `this.t`. */
function assignedName(expression: NewExpression): string | undefined {
  let node: Node = expression;
  let parent = node.getParent();
  while (
    parent &&
    (Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) || Node.isSatisfiesExpression(parent) ||
      Node.isNonNullExpression(parent) || Node.isTypeAssertion(parent))
  ) {
    node = parent;
    parent = parent.getParent();
  }
  if (!parent) return undefined;
  if (Node.isVariableDeclaration(parent) && parent.getInitializer() === node) {
    const name = parent.getNameNode();
    return Node.isIdentifier(name) ? name.getText() : undefined;
  }
  if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken && parent.getRight() === node) {
    const left = parent.getLeft();
    return Node.isIdentifier(left) || Node.isPropertyAccessExpression(left) ? left.getText().replace(/\s+/g, '') : undefined;
  }
  if (Node.isPropertyDeclaration(parent) && parent.getInitializer() === node) {
    const name = parent.getNameNode();
    if (!Node.isIdentifier(name) && !Node.isPrivateIdentifier(name)) return undefined;
    const owner = parent.isStatic() ? parent.getParent().getName?.() : 'this';
    return owner ? `${owner}.${name.getText()}` : undefined;
  }
  return undefined;
}

function enclosingClassName(node: Node): string | undefined {
  const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  return cls && (Node.isClassDeclaration(cls) || Node.isClassExpression(cls)) ? cls.getName() : undefined;
}
