/** RFC 6901 JSON pointers: the one way stackfix names a place in a template. */

export function escapeSegment(segment: string | number): string {
  const text = String(segment);
  // Most segments (logical ids, property names) need no escaping: skip the two regex passes.
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `pointer('Resources', 'Table', 'Properties')` → `/Resources/Table/Properties`. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + escapeSegment(s)).join('');
}

export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw new Error(`not a JSON pointer: ${ptr}`);
  return ptr.slice(1).split('/').map(unescapeSegment);
}

/** The value at a pointer in a plain JSON value, or undefined. */
export function getAt(root: unknown, ptr: string | string[]): unknown {
  const segments = typeof ptr === 'string' ? parsePointer(ptr) : ptr;
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (node !== null && typeof node === 'object') node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}
