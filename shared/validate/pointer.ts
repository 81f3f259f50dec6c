/** RFC 6901 JSON pointers from path segments, so keys containing "/" or "~" stay unambiguous. */
export function pointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function joinPointer(base: string, segments: readonly PropertyKey[]): string {
  return base + pointer(segments);
}
