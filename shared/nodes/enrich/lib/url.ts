import { getPath } from '../../../node-kit/paths';
import { fieldSteps } from './fields';
import { parseFieldTemplate, type TemplatePart } from '../../lib/field-template';

/**
 * URL templates with `{field.path}` placeholders, and the host allow-list every expanded URL is
 * checked against before a request may be made. Placeholder values are percent-encoded as one
 * path segment, so a value can never add a host, a port, credentials or a path of its own; the
 * allow-list check runs on the URL as the WHATWG parser reads it, which is what fetch will use.
 */

export type { TemplatePart };

export function parseUrlTemplate(template: string): TemplatePart[] {
  return parseFieldTemplate(template, { toSteps: fieldSteps, example: '{customer.id}' });
}

/** Fills placeholders from the record; throws when a value is missing or not a scalar. */
export function expandUrl(parts: readonly TemplatePart[], record: unknown): string {
  let out = '';
  for (const part of parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = getPath(record, part.steps);
    if (value === undefined || value === null) throw new Error(`placeholder {${part.field}} has no value in this record`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
      throw new Error(`placeholder {${part.field}} must be text, a number or true/false, not ${Array.isArray(value) ? 'a list' : 'a record'}`);
    }
    try {
      out += encodeURIComponent(String(value));
    } catch {
      throw new Error(`placeholder {${part.field}} holds text that cannot be put in a URL`);
    }
  }
  return out;
}

/** Fills every placeholder with a marker, to check the fixed parts of a template at lint time. */
export const PLACEHOLDER_MARKER = 'sluiceplaceholder';
export function expandWithMarker(parts: readonly TemplatePart[]): string {
  return parts.map((p) => ('text' in p ? p.text : PLACEHOLDER_MARKER)).join('');
}

/**
 * An allow-list entry in the form the URL parser writes host names (lower case, punycode,
 * canonical IPv4), so that comparisons are exact. Throws for anything that is not a bare host
 * name, `*.domain` or IP address.
 */
export function normalizeHostPattern(pattern: string): string {
  const p = pattern.trim().toLowerCase();
  const wildcard = p.startsWith('*.');
  const host = wildcard ? p.slice(2) : p;
  if (host === '' || host.includes('*')) throw new Error(`"${pattern}": a wildcard may only be a leading "*." before a domain, e.g. *.example.com`);
  if (/[/?#@\\%\s]/.test(host) || (!host.startsWith('[') && host.includes(':'))) {
    throw new Error(`"${pattern}" is not a host name: give the name only, without scheme, port or path`);
  }
  let parsed: string;
  try {
    parsed = new URL(`http://${host}/`).hostname;
  } catch {
    throw new Error(`"${pattern}" is not a valid host name`);
  }
  const normal = parsed.replace(/\.$/, '');
  if (wildcard && (normal.startsWith('[') || /^\d+(\.\d+){3}$/.test(normal))) {
    throw new Error(`"${pattern}": a wildcard cannot stand before an IP address`);
  }
  return wildcard ? `*.${normal}` : normal;
}

/** `*.example.com` matches any name below example.com (at any depth) but not example.com itself. */
export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p));
}

/**
 * Parses an expanded URL and applies the rules a request must pass: http or https, no
 * credentials, an allow-listed host. Throws with a reason that does not quote record values.
 */
export function checkUrl(href: string, patterns: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new Error('the URL built from this record is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) throw new Error('URLs may not carry a user name or password; send credentials in a header');
  if (!hostAllowed(url.hostname, patterns)) throw new Error(`host ${url.hostname} is not in allowHosts`);
  return url;
}
