import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { RegistryError } from './errors';
import { EmbeddedRegistry, parseVersion, type SchemaRequest } from './registry';
import type { RegistryStore } from './store';
import { isLoopbackHost } from '../net/loopback';

/** The media type Confluent's registry answers with (and its clients send). */
export const REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Request bodies the registry accepts, as Confluent's does; anything else is 415. */
const ACCEPTED_BODY_TYPES = new Set([REGISTRY_MEDIA_TYPE, 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream']);

export interface RegistryAppOptions {
  /**
   * Browser origins allowed to call the API (for a designer page on another port). Requests
   * from any other origin are refused, so a web page cannot change the registry behind a user's back.
   */
  allowedOrigins?: readonly string[];
  /**
   * Host names requests may address (DNS-rebinding defence). Undefined accepts any; the server
   * sets loopback names when it binds to loopback.
   */
  allowedHosts?: readonly string[];
  /** Largest request body; 8 MB by default. */
  bodyLimit?: string;
}

export interface RegistryServerOptions extends RegistryAppOptions {
  /** 127.0.0.1 by default. There is no authentication: bind elsewhere only on a trusted network. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where subjects and schemas live; the server owns it and closes it on close(). */
  store: RegistryStore;
}

export interface RegistryServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** The same registry in process, for callers that need no HTTP. */
  registry: EmbeddedRegistry;
  /** Stops accepting requests, ends open connections and closes the store. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1', '[::1]'];

/**
 * Starts the registry's HTTP API on `host:port` (127.0.0.1 and a free port by default).
 * Resolves once it listens.
 */
export async function createRegistryServer(options: RegistryServerOptions): Promise<RegistryServer> {
  const host = options.host ?? '127.0.0.1';
  const registry = new EmbeddedRegistry(options.store);
  const app = createRegistryApp(registry, {
    ...options,
    allowedHosts: options.allowedHosts ?? (isLoopbackHost(host) ? LOOPBACK_NAMES : undefined),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    registry,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await registry.close();
      })();
      return closing;
    },
  };
}

/**
 * The registry's routes as an express app, for embedding in another server (mount it at a
 * path of its own). Speaks the Confluent Schema Registry REST API for Avro schemas.
 */
export function createRegistryApp(registry: EmbeddedRegistry, options: RegistryAppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(guardOrigin(options));
  app.use(jsonBody(options.bodyLimit ?? '8mb'));

  const flag = (req: Request, name: string) => String(req.query[name] ?? '').toLowerCase() === 'true';
  const param = (req: Request, name: string) => req.params[name] as string;
  const body = (req: Request) => req.body as SchemaRequest;

  app.get('/', (_req, res) => send(res, 200, {}));
  app.get('/schemas/types', (_req, res) => send(res, 200, ['AVRO']));

  app.get('/subjects', async (req, res) => {
    const prefix = typeof req.query.subjectPrefix === 'string' ? req.query.subjectPrefix : undefined;
    send(res, 200, await registry.subjects({ deleted: flag(req, 'deleted'), ...(prefix !== undefined ? { prefix } : {}) }));
  });
  app.post('/subjects/:subject/versions', async (req, res) => {
    send(res, 200, await registry.register(param(req, 'subject'), body(req)));
  });
  app.post('/subjects/:subject', async (req, res) => {
    send(res, 200, await registry.lookup(param(req, 'subject'), body(req), { deleted: flag(req, 'deleted') }));
  });
  app.get('/subjects/:subject/versions', async (req, res) => {
    send(res, 200, await registry.versions(param(req, 'subject'), { deleted: flag(req, 'deleted') }));
  });
  app.get('/subjects/:subject/versions/:version', async (req, res) => {
    send(res, 200, await registry.version(param(req, 'subject'), parseVersion(param(req, 'version')), { deleted: flag(req, 'deleted') }));
  });
  app.get('/subjects/:subject/versions/:version/schema', async (req, res) => {
    const found = await registry.version(param(req, 'subject'), parseVersion(param(req, 'version')), { deleted: flag(req, 'deleted') });
    // The schema itself, not wrapped: it is JSON already.
    sendText(res, 200, found.schema);
  });
  app.get('/subjects/:subject/versions/:version/referencedby', async (req, res) => {
    await registry.version(param(req, 'subject'), parseVersion(param(req, 'version')));
    send(res, 200, []);
  });
  app.delete('/subjects/:subject', async (req, res) => {
    send(res, 200, await registry.deleteSubject(param(req, 'subject'), { permanent: flag(req, 'permanent') }));
  });
  app.delete('/subjects/:subject/versions/:version', async (req, res) => {
    send(res, 200, await registry.deleteVersion(param(req, 'subject'), parseVersion(param(req, 'version')), { permanent: flag(req, 'permanent') }));
  });

  app.get('/schemas/ids/:id', async (req, res) => {
    send(res, 200, await registry.schemaById(schemaId(param(req, 'id'))));
  });
  app.get('/schemas/ids/:id/schema', async (req, res) => {
    const found = await registry.schemaById(schemaId(param(req, 'id')));
    sendText(res, 200, found.schema);
  });
  app.get('/schemas/ids/:id/versions', async (req, res) => {
    send(res, 200, await registry.versionsOfSchema(schemaId(param(req, 'id')), { deleted: flag(req, 'deleted') }));
  });
  app.get('/schemas/ids/:id/subjects', async (req, res) => {
    send(res, 200, await registry.subjectsOfSchema(schemaId(param(req, 'id')), { deleted: flag(req, 'deleted') }));
  });

  app.get('/config', async (_req, res) => {
    send(res, 200, { compatibilityLevel: await registry.globalCompatibility() });
  });
  app.put('/config', async (req, res) => {
    send(res, 200, { compatibility: await registry.setGlobalCompatibility(configBody(req).compatibility) });
  });
  app.delete('/config', async (_req, res) => {
    send(res, 200, { compatibilityLevel: await registry.resetGlobalCompatibility() });
  });
  app.get('/config/:subject', async (req, res) => {
    send(res, 200, { compatibilityLevel: await registry.subjectCompatibility(param(req, 'subject'), { defaultToGlobal: flag(req, 'defaultToGlobal') }) });
  });
  app.put('/config/:subject', async (req, res) => {
    send(res, 200, { compatibility: await registry.setSubjectCompatibility(param(req, 'subject'), configBody(req).compatibility) });
  });
  app.delete('/config/:subject', async (req, res) => {
    send(res, 200, { compatibilityLevel: await registry.deleteSubjectCompatibility(param(req, 'subject')) });
  });

  app.post('/compatibility/subjects/:subject/versions/:version', async (req, res) => {
    const result = await registry.testCompatibility(param(req, 'subject'), parseVersion(param(req, 'version')), body(req));
    send(res, 200, flag(req, 'verbose') ? result : { is_compatible: result.is_compatible });
  });
  app.post('/compatibility/subjects/:subject/versions', async (req, res) => {
    const result = await registry.testCompatibility(param(req, 'subject'), undefined, body(req));
    send(res, 200, flag(req, 'verbose') ? result : { is_compatible: result.is_compatible });
  });

  // Only READWRITE: the embedded registry has no IMPORT or READONLY mode.
  app.get('/mode', (_req, res) => send(res, 200, { mode: 'READWRITE' }));
  app.get('/mode/:subject', (_req, res) => send(res, 200, { mode: 'READWRITE' }));
  const noModes: RequestHandler = (_req, res) =>
    send(res, 422, { error_code: 42204, message: 'Invalid mode: the embedded registry runs in READWRITE mode only' });
  app.put('/mode', noModes);
  app.put('/mode/:subject', noModes);

  app.use((_req, res) => send(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' }));
  app.use(errorHandler);
  return app;
}

function send(res: Response, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

/** As Confluent: the media type without a charset parameter (a Buffer keeps express from adding one). */
function sendText(res: Response, status: number, text: string): void {
  res.status(status).setHeader('Content-Type', REGISTRY_MEDIA_TYPE);
  res.send(Buffer.from(text, 'utf8'));
}

function schemaId(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1) throw new RegistryError(40403, `Schema ${text} not found`);
  return Number(text);
}

function configBody(req: Request): { compatibility?: unknown } {
  const b = req.body as unknown;
  return typeof b === 'object' && b !== null ? (b as { compatibility?: unknown }) : {};
}

/** An HTTP error that is not one of the registry's own (bad JSON, wrong media type, too large). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function jsonBody(limit: string): RequestHandler[] {
  const text = express.text({ type: () => true, limit });
  return [
    (req, _res, next) => {
      if (req.method !== 'POST' && req.method !== 'PUT') return next();
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (contentType !== '' && !ACCEPTED_BODY_TYPES.has(contentType)) {
        return next(new HttpError(415, `HTTP 415 Unsupported Media Type: send ${REGISTRY_MEDIA_TYPE} or application/json`));
      }
      next();
    },
    text,
    (req, _res, next) => {
      if (req.method !== 'POST' && req.method !== 'PUT') return next();
      const raw = typeof req.body === 'string' ? req.body : '';
      if (raw.trim() === '') {
        req.body = {};
        return next();
      }
      try {
        req.body = JSON.parse(raw) as unknown;
      } catch (err) {
        return next(new HttpError(400, `the request body is not valid JSON: ${(err as Error).message}`));
      }
      next();
    },
  ];
}

/**
 * Browsers send Origin on cross-site requests; a page elsewhere must not register or delete
 * schemas through a user's browser. A Host outside the allowed names is a DNS-rebinding attempt.
 */
function guardOrigin(options: RegistryAppOptions): RequestHandler {
  const origins = new Set(options.allowedOrigins ?? []);
  const hosts = options.allowedHosts ? new Set(options.allowedHosts) : undefined;
  return (req, _res, next) => {
    const hostHeader = req.headers.host ?? '';
    if (hosts) {
      const name = hostHeader.replace(/:\d+$/, '');
      if (!hosts.has(name)) return next(new HttpError(403, 'requests must address the registry by a loopback name (127.0.0.1 or localhost)'));
    }
    const origin = req.headers.origin;
    if (origin === undefined || origins.has(origin)) return next();
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== hostHeader) return next(new HttpError(403, 'cross-origin requests are not allowed'));
    next();
  };
}

const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof RegistryError) return send(res, err.httpStatus, err.toJSON());
  if (err instanceof HttpError) return send(res, err.status, { error_code: err.status, message: err.message });
  const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
  const message = err instanceof Error ? err.message : String(err);
  send(res, status, { error_code: status >= 500 ? 50001 : status, message: status >= 500 ? `Internal error: ${message}` : message });
};
