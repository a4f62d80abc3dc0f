import { describe, expect, test } from 'vitest';
import { CfnDocument, isPlainObject } from '../../src/document/cfn/index.js';
import { toSourceText } from '../../src/document/source.js';
import { CORPUS_DIR, corpusEntries } from '../../test/helpers/corpus.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';
import { runOne } from '../../test/helpers/run-one.js';
import { markCode } from './marked-code.js';
import { rewriteJavaScript } from './javascript.js';
import { rewritePython } from './python.js';
import { distinctPlaceholders, readTemplateCode } from './template-code.js';

defineFixtureTests(import.meta.dirname, 'inline-code');

/** Rewrite `!Sub` code the way the transform does, every placeholder named after its hint. */
function rewrite(language: 'python' | 'nodejs', sub: string) {
  const read = readTemplateCode({ 'Fn::Sub': sub });
  if (!read.ok) throw new Error(read.reason);
  const placeholders = distinctPlaceholders(read.segments);
  const names = placeholders.map((p) => p.builtin ?? p.nameHint.toUpperCase());
  const marked = markCode(read.segments, placeholders, names);
  return language === 'python' ? rewritePython(marked) : rewriteJavaScript(marked);
}

const code = (result: ReturnType<typeof rewrite>) => (result.ok ? result.code : `REFUSED: ${result.reason}`);

describe('Python substitutions', () => {
  test('adjacent literals are wrapped together, so implicit concatenation still applies first', () => {
    expect(code(rewrite('python', "import os\nx = 'a' 'b${B}c' 'd'\n"))).toBe("import os\nx = ('a' 'b' + os.environ['B'] + 'c' 'd')\n");
  });
  test('a triple-quoted string keeps its quotes on each piece', () => {
    expect(code(rewrite('python', 'import os\nx = """it\'s ${B}\nok"""\n'))).toBe('import os\nx = ("""it\'s """ + os.environ[\'B\'] + """\nok""")\n');
  });
  test('`import os` is added before the first import, after a docstring', () => {
    expect(code(rewrite('python', '"""Doc."""\nimport json\nx = "${B}"\n'))).toBe('"""Doc."""\nimport os\nimport json\nx = os.environ[\'B\']\n');
  });
  test('`import os.path` already binds os', () => {
    expect(code(rewrite('python', 'import os.path\nx = "${B}"\n'))).toBe('import os.path\nx = os.environ[\'B\']\n');
  });
  test('a substitution after a backslash is refused', () => {
    expect(code(rewrite('python', 'x = "\\${B}"\n'))).toMatch(/^REFUSED: .*backslash/);
  });
  test('a placeholder in a comment is kept as written and needs no variable', () => {
    const result = rewrite('python', '# uses ${B}\nx = 1\n');
    expect(result.ok && [...result.used]).toEqual([]);
    expect(code(result)).toBe('# uses ${B}\nx = 1\n');
  });
});

describe('JavaScript substitutions', () => {
  test('an object key becomes a computed key', () => {
    expect(code(rewrite('nodejs', "const o = { '${B}': 1 };\n"))).toBe('const o = { [process.env.B]: 1 };\n');
  });
  test('a regex literal with a quote does not confuse the reader', () => {
    expect(code(rewrite('nodejs', "const r = /'/g; const s = 'x${B}';\n"))).toBe("const r = /'/g; const s = ('x' + process.env.B);\n");
  });
  test('a tagged template is refused', () => {
    expect(code(rewrite('nodejs', 'const s = tag`a ${B}`;\n'))).toMatch(/^REFUSED: .*tagged template/);
  });
  test('a module name is refused', () => {
    expect(code(rewrite('nodejs', "import x from '${B}';\n"))).toMatch(/^REFUSED: .*module name/);
  });
});

describe('inline-code over the corpus', () => {
  const entries = corpusEntries().filter((e) => e.stackfixIds.includes('inline-code') && !e.notes.includes('PARSE-ERROR'));
  test('has corpus files', () => expect(entries.length).toBeGreaterThan(0));
  for (const entry of entries) {
    test(entry.name, async () => {
      const first = await runOne('inline-code', CORPUS_DIR, entry.name, entry.text);
      expect(first.errors).toEqual([]);
      const mine = first.findings.filter((f) => f.transformId === 'inline-code');
      expect(mine.length).toBeGreaterThan(0);
      for (const finding of mine) {
        expect(['fixed', 'manual']).toContain(finding.status);
        if (finding.status === 'manual') expect(finding.reason).toBeTruthy();
      }
      expectCodeMovedVerbatim(entry.name, entry.text, first.created);
      const second = await runOne('inline-code', CORPUS_DIR, entry.name, first.output, undefined, first.created);
      expect(second.output).toBe(first.output);
      expect(second.findings.filter((f) => f.status === 'fixed')).toEqual([]);
    });
  }
});

/** Every extracted file of literal (non-Sub) code holds exactly the text CloudFormation ran. */
function expectCodeMovedVerbatim(name: string, text: string, created: Array<{ path: string; text: string }>) {
  const resources = CfnDocument.parse(toSourceText(name, text), { allowDuplicateKeys: true }).template.Resources;
  if (!isPlainObject(resources)) return;
  for (const file of created) {
    const match = /^functions\/([^/]+)\/index\.(py|js|mjs)$/.exec(file.path);
    const resource = match ? resources[match[1]!] : undefined;
    if (!isPlainObject(resource) || !isPlainObject(resource.Properties)) continue;
    const props = resource.Properties;
    const inline = isPlainObject(props.Code) ? props.Code.ZipFile : props.InlineCode;
    if (typeof inline !== 'string') continue;
    expect(file.text).toBe(inline.replace(/require\((['"])cfn-response\1\)/g, "require($1./cfn-response$1)"));
  }
}
