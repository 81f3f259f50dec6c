/**
 * Templates with `{field.path}` placeholders (enrich.http URLs, nats.publish subjects): text and
 * field parts, with readable reasons for unbalanced, nested or empty braces. What a placeholder
 * value may be, and how it is encoded, stays with each use (URL encoding, plain NATS tokens).
 */
export type TemplatePart = { text: string } | { field: string; steps: string[] };

export function parseFieldTemplate(
  template: string,
  options: { toSteps: (field: string) => string[]; example: string },
): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c === '}') throw new Error(`"}" at position ${i + 1} closes no placeholder`);
    if (c !== '{') {
      text += c;
      continue;
    }
    const end = template.indexOf('}', i + 1);
    if (end < 0) throw new Error(`the placeholder opened at position ${i + 1} is never closed with "}"`);
    const field = template.slice(i + 1, end).trim();
    if (field.includes('{')) throw new Error(`placeholders cannot be nested (position ${i + 1})`);
    if (field === '') throw new Error(`empty placeholder at position ${i + 1}: write a field path, e.g. ${options.example}`);
    let steps: string[];
    try {
      steps = options.toSteps(field);
    } catch (err) {
      throw new Error(`placeholder {${field}}: ${(err as Error).message}`);
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ field, steps });
    i = end;
  }
  if (text) parts.push({ text });
  return parts;
}
