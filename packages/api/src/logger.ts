import pino, { type Logger } from 'pino';

/**
 * Error serializer that keeps what an operator needs (type, code, stack frames) and drops
 * the message and any detail fields, which may quote personal data (a database error
 * that cites the offending value, an upstream body).
 */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: frames.slice(0, 15).join('\n'),
    ...(err.cause ? { cause: safeError(err.cause) } : {}),
  };
}

/**
 * The service's structured JSON logger. Log lines carry ids, routes, statuses and timings;
 * never personal data, request bodies, query strings or tokens.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sip-broker' },
      serializers: { err: safeError, error: safeError },
      redact: { paths: ['authorization', '*.authorization', 'token', '*.token'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
