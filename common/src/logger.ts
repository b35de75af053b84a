// One line shape for every log line of both apps (pino, JSON, one object per line):
//   {"level":"info","time":"2025-01-01T00:00:00.000Z","component":"tenant","reqId":"…","msg":"…",…}
// Background tasks log through Logger (message first, then fields); Fastify is handed the same
// pino instance, so its lines and the request lines (requestLine) have the same shape. Any
// Error in the fields is written with its type, message, code, stack and causes.
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries these fields. */
  child(bindings: LogFields): Logger;
  /** The pino instance underneath, for Fastify's `loggerInstance`. */
  readonly pino: Pino;
}

export interface LoggerOptions {
  /** Which process wrote the line: control-plane, tenant, … */
  readonly component: string;
  readonly level: LogLevel;
  /** Where lines go (default stdout); anything with write(line). */
  readonly destination?: DestinationStream;
}

export function pinoOptions(component: string, level: LogLevel): pino.LoggerOptions {
  return {
    level,
    base: { component },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  const base = pino(pinoOptions(opts.component, opts.level), opts.destination ?? pino.destination({ fd: 1, sync: true }));
  return wrap(base);
}

function wrap(p: Pino): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (!p.isLevelEnabled(level)) return;
    if (fields) p[level](serializeErrors(fields), msg);
    else p[level](msg);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (bindings) => wrap(p.child(serializeErrors(bindings))),
    pino: p,
  };
}

/** Errors under any key keep their stack (pino's own serializer, configured above, does `err`). */
function serializeErrors(fields: LogFields): LogFields {
  let out: LogFields | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'err' && value instanceof Error) {
      out ??= { ...fields };
      out[key] = pino.stdSerializers.err(value);
    }
  }
  return out ?? fields;
}

/** Request header carrying the id Traefik's ForwardAuth call hands on to the tenant. */
export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: the X-Request-Id it arrived with when that is a plausible id (the control
 * plane's ForwardAuth answer, copied in by Traefik, or a client's own), else a new UUID.
 */
export function requestIdOf(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const given = headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What requestLine needs of a Fastify request and reply (typed structurally: no Fastify here). */
export interface RequestFacts {
  readonly method: string;
  readonly url: string;
  readonly routeOptions: { readonly url?: string };
}
export interface ReplyFacts {
  readonly statusCode: number;
  readonly elapsedTime: number;
}

/**
 * Fields of the one line logged per request. The path is logged without its query string, which
 * may carry one-time codes; the route is the pattern that matched (absent for a 404).
 */
export function requestLine(req: RequestFacts, reply: ReplyFacts, tenant?: string): LogFields {
  const q = req.url.indexOf('?');
  return {
    method: req.method,
    route: req.routeOptions.url ?? null,
    path: q === -1 ? req.url : req.url.slice(0, q),
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    // Omitted rather than null: the tenant app binds `tenant` to every line of its logger.
    ...(tenant ? { tenant } : {}),
  };
}
