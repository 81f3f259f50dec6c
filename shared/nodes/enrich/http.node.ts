import { z } from 'zod';
import { LRUCache } from 'lru-cache';
import { defineNode, hint, isJsonObject, REF_IN_TEXT_PATTERN, setPath, withValue, type LintIssue } from '../../node-kit';
import { durationPattern, parseDuration } from '../../flow/document';
import { deepFreeze, fieldSteps } from './lib/fields';
import { Semaphore } from './lib/semaphore';
import {
  checkUrl,
  expandUrl,
  expandWithMarker,
  hostAllowed,
  normalizeHostPattern,
  parseUrlTemplate,
  PLACEHOLDER_MARKER,
} from './lib/url';

type Outcome = { found: true; body: unknown } | { found: false };

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|api-?key|password/i;
const HAS_REF = new RegExp(REF_IN_TEXT_PATTERN.source);

export default defineNode({
  type: 'enrich.http',
  version: 1,
  category: 'enricher',
  title: 'Call a web service',
  summary: 'Fetches JSON for each record from an allow-listed web service and adds it to the record.',
  icon: 'globe',
  docs: `
Calls a web service (HTTP GET) for each record and adds the JSON answer to the record under
**Put the answer in**. Typical use: fetch a customer's profile from a CRM by the customer id.

**URL** is the address to call, with fields of the record in braces:
\`https://crm.example.com/customers/{customer.id}\`. Values are encoded for a URL, so a value
like \`a/b\` or \`x@y\` stays part of the path and can never change which server is called.
A record without a value for a placeholder fails.

**Allowed hosts** lists the only servers this node may call, e.g. \`crm.example.com\`.
\`*.example.com\` allows every server under example.com (\`eu.crm.example.com\` too) but not
\`example.com\` itself. Before any connection is made, each record's URL is checked: it must use
http or https, carry no user name or password, and point to an allowed host; otherwise the record
fails with the reason and nothing is sent. Redirects are not followed (a redirect could lead to a
host that is not allowed): a redirect answer is an error.

**Headers** are sent with every request. Put tokens and keys in as secret references, e.g.
\`Authorization: Bearer \${secret:CRM_TOKEN}\`, never as plain text.

**Answers.**
- 2xx with JSON: the JSON is placed in the field (204 No Content places an empty value, null).
- 404 Not Found: **When not found** decides: \`pass\` (default) lets the record continue without
  the field, \`drop\` removes it, \`error\` fails it.
- Anything else (other error codes, redirects, an answer that is not JSON, no answer within the
  **timeout**): the record fails and the node's error policy applies (retry with backoff, then
  dead letter).

**Load on the service.** At most **concurrency** requests run at once from this node (8 by
default). Answers (including 404s) are kept for **cache → ttl** (60s) for up to **cache → max
entries** URLs (1000), so records for the same customer within a minute cost one request;
records arriving together for the same URL share one request. Set either to 0 to turn the cache
off. The timeout counts from sending the request to the end of the answer, not the time waiting
for a free slot.

**Schema.** The shape of the answer is not known before the flow runs, so the schema after this
node is unknown and later expressions are checked only when records arrive.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out', title: 'Enriched' }],
  },
  config: z.strictObject({
    url: z.string().min(1).meta({
      title: 'URL',
      description: 'Address to GET, with `{field}` placeholders filled from the record, e.g. `https://crm.example.com/customers/{customer.id}`.',
    }),
    allowHosts: z
      .array(z.string().min(1).meta({ title: 'Host', description: 'A host name, or `*.domain` for every host under it.' }))
      .min(1)
      .meta({ title: 'Allowed hosts', description: 'The only hosts this node may call; every URL is checked before a connection is made.' }),
    into: hint.field(z.string().min(1), {
      title: 'Put the answer in',
      description: 'Field that receives the JSON answer, e.g. `profile` or `customer.crm`.',
    }),
    timeout: hint.duration(z.string().regex(durationPattern).default('2s'), {
      title: 'Timeout',
      description: 'How long one request may take, e.g. `500ms` or `2s`.',
    }),
    concurrency: hint.advanced(z.number().int().min(1).max(256).default(8), {
      title: 'Concurrent requests',
      description: 'The most requests this node runs at the same time.',
    }),
    cache: hint.advanced(
      z
        .strictObject({
          maxEntries: z.number().int().min(0).default(1000).meta({ title: 'Max entries', description: 'How many URLs’ answers are kept; 0 turns the cache off.' }),
          ttl: hint.duration(z.string().regex(durationPattern).default('60s'), { title: 'Keep for', description: 'How long an answer is reused; 0s turns the cache off.' }),
        })
        .default({ maxEntries: 1000, ttl: '60s' }),
      { title: 'Cache', description: 'Reuses answers for the same URL.' },
    ),
    headers: hint.keyValue(z.record(z.string().min(1), z.string()).default({}), {
      title: 'Headers',
      description: 'Sent with every request. Use `${secret:NAME}` references for tokens.',
    }),
    onNotFound: z.enum(['pass', 'drop', 'error']).default('pass').meta({
      title: 'When not found (404)',
      description: '`pass`: keep the record without the field. `drop`: remove it. `error`: fail it.',
    }),
  }),
  lint(config) {
    const issues: LintIssue[] = [];
    const allow: string[] = [];
    config.allowHosts.forEach((h, i) => {
      try {
        const p = normalizeHostPattern(h);
        allow.push(p);
        if (p.startsWith('*.') && !p.slice(2).includes('.')) {
          issues.push({ path: `/allowHosts/${i}`, message: `"${h}" allows every host under .${p.slice(2)}`, severity: 'warning' });
        }
      } catch (err) {
        issues.push({ path: `/allowHosts/${i}`, message: (err as Error).message });
      }
    });
    try {
      const sample = expandWithMarker(parseUrlTemplate(config.url));
      let url: URL | undefined;
      try {
        url = new URL(sample);
      } catch {
        issues.push({ path: '/url', message: 'not a full URL: start with https:// and the host, e.g. https://crm.example.com/customers/{id}' });
      }
      if (url) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          issues.push({ path: '/url', message: `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}` });
        } else if (url.username || url.password) {
          issues.push({ path: '/url', message: 'the URL may not carry a user name or password; send credentials in a header' });
        } else if (!url.hostname.includes(PLACEHOLDER_MARKER) && !hostAllowed(url.hostname, allow)) {
          issues.push({ path: '/url', message: `host ${url.hostname} is not in allowed hosts` });
        }
      }
    } catch (err) {
      issues.push({ path: '/url', message: (err as Error).message });
    }
    try {
      fieldSteps(config.into);
    } catch (err) {
      issues.push({ path: '/into', message: (err as Error).message });
    }
    if (parseDuration(config.timeout) === 0) issues.push({ path: '/timeout', message: 'the timeout must be longer than 0' });
    for (const [name, value] of Object.entries(config.headers)) {
      const pointer = `/headers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!HEADER_NAME.test(name)) issues.push({ path: pointer, message: `"${name}" is not a valid header name` });
      else if (CREDENTIAL_HEADER.test(name) && !HAS_REF.test(value)) {
        issues.push({ path: pointer, message: `${name} looks like a credential: use a \${secret:NAME} reference`, severity: 'warning' });
      }
    }
    return issues;
  },
  schema() {
    return { out: undefined };
  },
  create(config, ctx) {
    const template = parseUrlTemplate(config.url);
    const allow = config.allowHosts.map(normalizeHostPattern);
    const into = fieldSteps(config.into);
    const timeoutMs = parseDuration(config.timeout);
    const ttlMs = parseDuration(config.cache.ttl);
    const cache =
      config.cache.maxEntries > 0 && ttlMs > 0 ? new LRUCache<string, Outcome>({ max: config.cache.maxEntries, ttl: ttlMs }) : undefined;
    const inflight = new Map<string, Promise<Outcome>>();
    const gate = new Semaphore(config.concurrency);
    // Error messages name the template, never the expanded URL: it may hold personal data.
    const where = `GET ${config.url}`;
    const closing = new AbortController();
    const stop = AbortSignal.any([ctx.signal, closing.signal]);
    const stopping = () => new Error(`${where}: stopped because the flow is stopping`);
    if (stop.aborted) gate.close(stopping());
    else stop.addEventListener('abort', () => gate.close(stopping()), { once: true });
    const headers: Record<string, string> = { ...config.headers };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept')) headers.accept = 'application/json';

    async function request(href: string): Promise<Outcome> {
      const release = await gate.acquire();
      const timer = AbortSignal.timeout(timeoutMs);
      // Following a redirect would leave the allow-list unchecked.
      const init = { method: 'GET', headers, signal: AbortSignal.any([stop, timer]), redirect: 'manual' as const };
      try {
        let status: number;
        let text: string;
        try {
          const res = await ctx.http.fetch(href, init);
          status = res.status;
          // Read even bodies we discard, so the connection goes back to the pool.
          text = await res.text();
        } catch (err) {
          if (timer.aborted) throw new Error(`${where}: no complete answer within ${config.timeout}`);
          if (stop.aborted) throw stopping();
          throw new Error(`${where}: request failed: ${(err as Error).message}`, { cause: err });
        }
        if (status === 404) return { found: false };
        if (status === 0 || (status >= 300 && status < 400)) {
          throw new Error(`${where}: the server answered with a redirect (${status}); redirects are not followed`);
        }
        if (status < 200 || status >= 300) throw new Error(`${where}: the server answered ${status}`);
        if (status === 204) return { found: true, body: null };
        try {
          return { found: true, body: deepFreeze(JSON.parse(text)) };
        } catch {
          throw new Error(`${where}: the answer is not valid JSON`);
        }
      } finally {
        release();
      }
    }

    function fetchOnce(href: string): Promise<Outcome> {
      const cached = cache?.get(href);
      if (cached) return Promise.resolve(cached);
      let pending = inflight.get(href);
      if (!pending) {
        pending = request(href).then((outcome) => {
          cache?.set(href, outcome);
          return outcome;
        });
        const settled = () => inflight.delete(href);
        pending.then(settled, settled);
        inflight.set(href, pending);
      }
      return pending;
    }

    return {
      role: 'processor',
      async process(msg, emit) {
        const record = msg.value;
        if (!isJsonObject(record)) throw new Error('enrich.http expects a record (a JSON object)');
        let url: URL;
        try {
          url = checkUrl(expandUrl(template, record), allow);
        } catch (err) {
          throw new Error(`${where}: refused: ${(err as Error).message}`);
        }
        const outcome = await fetchOnce(url.href);
        if (outcome.found) emit('out', withValue(msg, setPath(record, into, outcome.body, { nullParents: 'fail' })));
        else if (config.onNotFound === 'pass') emit('out', msg);
        else if (config.onNotFound === 'error') throw new Error(`${where}: not found (404)`);
      },
      async close() {
        closing.abort();
        cache?.clear();
      },
    };
  },
  examples: [
    {
      title: 'Add the CRM profile of the customer',
      config: {
        url: 'https://crm.example.com/customers/{customer.id}',
        allowHosts: ['crm.example.com'],
        into: 'profile',
        timeout: '2s',
        concurrency: 8,
        cache: { maxEntries: 1000, ttl: '60s' },
        headers: { Authorization: 'Bearer ${secret:CRM_TOKEN}' },
        onNotFound: 'pass',
      },
    },
    {
      title: 'Drop orders for unknown products',
      description: 'Product services in every region under example.com; a 404 removes the record.',
      config: {
        url: 'https://{region}.products.example.com/v1/products/{sku}',
        allowHosts: ['*.products.example.com'],
        into: 'product',
        timeout: '500ms',
        concurrency: 16,
        cache: { maxEntries: 10000, ttl: '5m' },
        headers: {},
        onNotFound: 'drop',
      },
    },
  ],
});
