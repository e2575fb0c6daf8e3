import pino from 'pino';

/** Structured logs, one line per decision. Credentials and tokens are redacted wherever they appear. */
export function createLogger(level = 'info'): pino.Logger {
  return pino({
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
  });
}

export type Logger = pino.Logger;
