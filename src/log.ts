import pino from 'pino';
import { redactSecrets } from './domain/redact';

/**
 * Structured logs, one line per decision. Credentials and tokens are redacted wherever they appear,
 * and every string logged loses URL query strings and secret fields (a SAS `sig=`, an `AccountKey=`),
 * whichever error message they arrive in.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'signout-bot' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        'secret',
        'token',
        'authorization',
        '*.password',
        '*.secret',
        '*.token',
        '*.authorization',
        '*.headers.authorization',
        'config.bot.password',
        'config.credential.clientSecret',
      ],
      censor: '[redacted]',
    },
    hooks: {
      logMethod(args, method) {
        return method.apply(this, args.map((a) => withoutSecrets(a, 0)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const MAX_DEPTH = 4;

function withoutSecrets(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth >= MAX_DEPTH || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, depth + 1));
  if (value instanceof Error) return { type: value.name, message: redactSecrets(value.message) };
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v, depth + 1)]));
}

export type Logger = pino.Logger;
