/**
 * Node.js inline code, read with the TypeScript parser (it knows JavaScript's regex literals and
 * template strings, which a hand-written lexer would get wrong): where each substituted value
 * stands, the rewrite that reads it from `process.env`, ES module detection, and `cfn-response`.
 */
import { ts } from '../_shared/typescript.js';
import { lineOf } from './python.js';
import { applyEdits, markerHits, type CodeRewrite, type Edit, type MarkedCode } from './marked-code.js';

type Tree = ts.SourceFile & { parseDiagnostics: ts.Diagnostic[] };

function parseJavaScript(text: string): Tree {
  // parseDiagnostics is internal to the compiler API but stable: syntax errors without a type-check.
  return ts.createSourceFile('index.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS) as Tree;
}

/** Does the code use `import`/`export` statements, so that it must be saved as `.mjs`? */
export function isEsModule(text: string): boolean {
  // Without either word there is no such statement: no need to parse.
  if (!/\b(?:import|export)\b/.test(text)) return false;
  const tree = parseJavaScript(text);
  return tree.statements.some(
    (s) =>
      ts.isImportDeclaration(s) ||
      ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) ||
      (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
}

/** Rewrite each substituted value as `process.env.NAME` where it stands inside a string or template text. */
export function rewriteJavaScript(marked: MarkedCode): CodeRewrite {
  const tree = parseJavaScript(marked.text);
  if (tree.parseDiagnostics.length > 0) return { ok: false, reason: `its JavaScript does not parse (${message(tree, tree.parseDiagnostics[0]!)})` };
  const edits: Edit[] = [];
  const used = new Set<number>();
  const inComments = new Set<number>();
  const byLiteral = new Map<ts.Node, Array<{ at: number; index: number }>>();
  for (const hit of markerHits(marked)) {
    const token = tokenAt(tree, hit.at);
    if (!token) {
      edits.push({ start: hit.at, end: hit.at + hit.length, text: marked.placeholders[hit.index]!.written });
      inComments.add(hit.index);
      continue;
    }
    const problem = literalProblem(token, marked, hit.at);
    if (problem) return { ok: false, reason: problem };
    byLiteral.set(token, [...(byLiteral.get(token) ?? []), { at: hit.at, index: hit.index }]);
    used.add(hit.index);
  }
  for (const [token, hits] of byLiteral) edits.push(literalEdit(token, hits, marked));
  const code = applyEdits(marked.text, edits);
  const after = parseJavaScript(code);
  if (after.parseDiagnostics.length > 0) return { ok: false, reason: `reading its substitutions from the environment would not parse (${message(after, after.parseDiagnostics[0]!)})` };
  return { ok: true, code, used, inComments };
}

/** The token (a leaf of the tree) that holds `offset`, or undefined when the offset is in a comment. */
function tokenAt(tree: ts.SourceFile, offset: number): ts.Node | undefined {
  let node: ts.Node = tree;
  for (;;) {
    const children = node.getChildren(tree);
    if (children.length === 0) return node;
    const child = children.find((c) => offset >= c.getStart(tree) && offset < c.getEnd());
    // Inside a node but before every child's first token: leading trivia, that is a comment.
    if (!child) return undefined;
    node = child;
  }
}

/** Text of a template literal: `…`, or its head, middle or tail around `${}`. */
function isTemplateText(node: ts.Node): boolean {
  return ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node);
}

function literalProblem(token: ts.Node, marked: MarkedCode, at: number): string | undefined {
  const written = marked.placeholders.find((_, i) => marked.text.startsWith(marked.markerOf(i), at))?.written;
  const where = `line ${lineOf(marked.text, at)}`;
  if (!ts.isStringLiteral(token) && !isTemplateText(token)) {
    return `${written} is used as JavaScript code (${where}), not inside a string, so it cannot be read from an environment variable without changing what the code does`;
  }
  let backslashes = 0;
  for (let k = at - 1; k >= 0 && marked.text[k] === '\\'; k--) backslashes++;
  if (backslashes % 2 === 1) return `${written} follows a backslash escape in a JavaScript string (${where})`;
  const parent = token.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent) || (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword)) {
    return `${written} is part of a module name (${where}), which must be a literal`;
  }
  if (isTemplateText(token) && isTagged(token)) return `${written} is in a tagged template (${where}), whose tag sees the text and the values apart`;
  if (ts.isStringLiteral(token) && !ts.isPropertyAssignment(parent) && (parent as { name?: ts.Node }).name === token) {
    return `${written} is part of a declared name (${where})`;
  }
  return undefined;
}

function isTagged(token: ts.Node): boolean {
  let node = token.parent;
  while (node && (ts.isTemplateSpan(node) || ts.isTemplateExpression(node))) {
    if (ts.isTaggedTemplateExpression(node.parent)) return true;
    node = node.parent;
  }
  return ts.isTaggedTemplateExpression(token.parent);
}

function literalEdit(token: ts.Node, hits: Array<{ at: number; index: number }>, marked: MarkedCode): Edit {
  const sorted = [...hits].sort((a, b) => a.at - b.at);
  const start = token.getStart();
  const end = token.getEnd();
  const access = (index: number) => `process.env.${marked.names[index]}`;
  if (isTemplateText(token)) {
    // Template text takes the value in place: `a ${X} b` → `a ${process.env.X} b`.
    let text = '';
    let cursor = start;
    for (const hit of sorted) {
      text += marked.text.slice(cursor, hit.at) + '${' + access(hit.index) + '}';
      cursor = hit.at + marked.markerOf(hit.index).length;
    }
    return { start, end, text: text + marked.text.slice(cursor, end) };
  }
  const quote = marked.text[start]!;
  const parts: string[] = [];
  let cursor = start + 1;
  for (const hit of sorted) {
    if (hit.at > cursor) parts.push(quote + marked.text.slice(cursor, hit.at) + quote);
    parts.push(access(hit.index));
    cursor = hit.at + marked.markerOf(hit.index).length;
  }
  if (end - 1 > cursor) parts.push(quote + marked.text.slice(cursor, end - 1) + quote);
  const expression = parts.length > 1 ? `(${parts.join(' + ')})` : parts[0]!;
  // An object key that is computed must be bracketed: `{ [process.env.X]: 1 }`.
  const isKey = ts.isPropertyAssignment(token.parent) && token.parent.name === token;
  return { start, end, text: isKey ? `[${expression}]` : expression };
}

/** The string literals that load `cfn-response` (`require('cfn-response')`, `import … from 'cfn-response'`). */
export function cfnResponseSpecifiers(text: string): ts.StringLiteral[] {
  if (!text.includes('cfn-response')) return []; // most code never loads it: no need to parse
  const tree = parseJavaScript(text);
  const out: ts.StringLiteral[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) && node.text === 'cfn-response') {
      const parent = node.parent;
      const isRequire = ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'require';
      if (isRequire || ts.isImportDeclaration(parent)) out.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return out;
}

/** Point every `cfn-response` load at the vendored copy next to the code. */
export function loadVendoredCfnResponse(text: string, esm: boolean): string {
  const edits = cfnResponseSpecifiers(text).map((literal) => {
    const quote = text[literal.getStart()]!;
    const target = esm && ts.isImportDeclaration(literal.parent) ? './cfn-response.js' : './cfn-response';
    return { start: literal.getStart(), end: literal.getEnd(), text: `${quote}${target}${quote}` };
  });
  return applyEdits(text, edits);
}

function message(tree: ts.SourceFile, diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  return diagnostic.start === undefined ? text : `line ${tree.getLineAndCharacterOfPosition(diagnostic.start).line + 1}: ${text}`;
}
