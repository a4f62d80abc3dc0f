/** Naming shared by both halves: how descriptions name an attribute, and unique ids. */

export const ATTRIBUTE_NOUNS: Record<string, string> = {
  Name: 'Name',
  Arn: 'ARN',
  KeyId: 'Key ID',
  Url: 'URL',
  Endpoint: 'Endpoint URL',
  Value: 'Value',
};

/** `base`, or `base2`, `base3`, … whichever is not taken yet; it is taken from then on. */
export function unique(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}${i}`;
  taken.add(candidate);
  return candidate;
}
