/** Hash routes, so the server needs no rewrite rules: `#/` the flow list, `#/flows/<id>` the editor. */
export const LIST_HREF = '#/';

export function flowHref(id: string): string {
  return `#/flows/${id}`;
}

export function navigate(href: string): void {
  location.hash = href.replace(/^#/, '');
}
