/**
 * How a TypeScript file is written: indent unit, quote kind, semicolons, trailing commas, line ending.
 * New code copies the file; when the file gives no evidence, the defaults are those of `cdk init`
 * (two spaces, single quotes, semicolons) and trailing commas.
 */
import { IndentationText, NewLineKind, QuoteKind, ts, type Project, type SourceFile } from 'ts-morph';
import { detectEol } from '../source.js';
import type { CdkStyle } from './types.js';

export function detectStyle(file: SourceFile): CdkStyle {
  const text = file.getFullText();
  const sf = file.compilerNode;
  const votes = { single: 0, double: 0, moduleSingle: 0, moduleDouble: 0, semi: 0, noSemi: 0, comma: 0, noComma: 0 };
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;

  const countList = (elements: ts.NodeArray<ts.Node>, closeEnd: number) => {
    const last = elements[elements.length - 1];
    // Only lists whose closing bracket sits on its own line say anything about trailing commas.
    if (!last || lineOf(last.end) === lineOf(closeEnd)) return;
    if (elements.hasTrailingComma) votes.comma++;
    else votes.noComma++;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) {
      const quoted = text.charAt(node.getStart(sf));
      const isModule =
        (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isExternalModuleReference(node.parent)) ||
        (ts.isCallExpression(node.parent) && ts.isIdentifier(node.parent.expression) && node.parent.expression.text === 'require');
      if (quoted === "'") isModule ? votes.moduleSingle++ : votes.single++;
      else if (quoted === '"') isModule ? votes.moduleDouble++ : votes.double++;
    } else if (
      ts.isVariableStatement(node) || ts.isExpressionStatement(node) || ts.isImportDeclaration(node) ||
      ts.isImportEqualsDeclaration(node) || ts.isExportDeclaration(node) || ts.isReturnStatement(node) ||
      ts.isThrowStatement(node)
    ) {
      if (text.charAt(node.end - 1) === ';') votes.semi++;
      else votes.noSemi++;
    }
    if (ts.isObjectLiteralExpression(node)) countList(node.properties, node.end);
    else if (ts.isArrayLiteralExpression(node)) countList(node.elements, node.end);
    else if (ts.isNamedImports(node)) countList(node.elements, node.end);
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const moduleVotes = votes.moduleSingle + votes.moduleDouble;
  const doubleQuotes = moduleVotes > 0 ? votes.moduleDouble > votes.moduleSingle : votes.double > votes.single;
  return {
    indentUnit: detectIndentUnit(text),
    quote: doubleQuotes ? '"' : "'",
    semicolons: votes.semi >= votes.noSemi,
    trailingCommas: votes.comma >= votes.noComma,
    eol: detectEol(text),
  };
}

/** The most common step between the indentation of a line and that of the line before it. */
export function detectIndentUnit(text: string): string {
  const steps = new Map<number, number>();
  let tabs = 0;
  let spaces = 0;
  let previous = 0;
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    // Blank lines and the inside of block comments (` * …`) say nothing about the indent unit.
    if (content === '' || content === '\r' || content.startsWith('*')) continue;
    const indent = line.slice(0, line.length - content.length);
    if (indent.startsWith('\t')) {
      tabs++;
      continue;
    }
    const width = indent.length;
    if (width > previous) {
      spaces++;
      const step = width - previous;
      if (step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    previous = width;
  }
  if (tabs > spaces) return '\t';
  let best = 2;
  let bestCount = 0;
  for (const [step, count] of steps) {
    if (count > bestCount || (count === bestCount && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return ' '.repeat(best);
}

/**
 * Points ts-morph's manipulation settings at this file's style. They are per project, and one
 * project holds every file, so each source applies its own before it edits.
 */
export function applyStyle(project: Project, style: CdkStyle): void {
  project.manipulationSettings.set({
    indentationText: indentationText(style.indentUnit),
    quoteKind: style.quote === '"' ? QuoteKind.Double : QuoteKind.Single,
    newLineKind: style.eol === '\r\n' ? NewLineKind.CarriageReturnLineFeed : NewLineKind.LineFeed,
    useTrailingCommas: style.trailingCommas,
  });
}

function indentationText(unit: string): IndentationText {
  if (unit === '\t') return IndentationText.Tab;
  // ts-morph knows only 2, 4 and 8 spaces; our own edits use the exact unit regardless.
  if (unit.length <= 2) return IndentationText.TwoSpaces;
  if (unit.length <= 4) return IndentationText.FourSpaces;
  return IndentationText.EightSpaces;
}
