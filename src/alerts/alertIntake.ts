import { CallerRateLimit } from '../domain/callerRateLimit';
import type { AlertCaller, SubmittedAlert } from '../domain/webhookAlert';
import { parseAlertBody } from './alertBody';
import type { TokenCheck } from './alertToken';

/**
 * POST /api/alerts without the HTTP server: the token first (401, 403, 503), then the caller's rate
 * (429), then the body (400), and only then is the alert handed on to be posted. A refusal posts
 * nothing. The answer's body never echoes the token; `note` is for the log only.
 */

export const ALERTS_PER_MINUTE = 60;

/** What became of an alert that passed every check. */
export type SubmitResult =
  | { kind: 'posted'; alertId: string }
  /** the user the alert names is not in the tenant */
  | { kind: 'unknownUser' }
  /** Graph, the store or Teams could not take it now: the sender should retry */
  | { kind: 'unavailable'; why: string };

export interface IntakeAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** why, for the log line (never sent) */
  note?: string;
  caller?: AlertCaller;
}

export interface AlertIntakeDeps {
  tokens: { check(authorization: string | undefined): Promise<TokenCheck> };
  submit(alert: SubmittedAlert, caller: AlertCaller): Promise<SubmitResult>;
  now?: () => number;
}

export class AlertIntake {
  private readonly limit = new CallerRateLimit(ALERTS_PER_MINUTE, 60_000);

  constructor(private readonly deps: AlertIntakeDeps) {}

  async receive(authorization: string | undefined, body: unknown): Promise<IntakeAnswer> {
    const token = await this.deps.tokens.check(authorization);
    if (!token.ok) {
      const words = {
        401: 'unauthorized',
        403: `forbidden: the caller lacks the app role Alerts.Submit`,
        503: 'the token cannot be checked right now',
      }[token.status];
      return {
        status: token.status,
        body: { error: words },
        headers: token.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined,
        note: token.reason,
      };
    }
    const caller = token.caller;
    const now = (this.deps.now ?? Date.now)();
    const who = caller.objectId ?? caller.appId;
    if (!this.limit.allow(who, now)) {
      return {
        status: 429,
        body: { error: `too many alerts: at most ${ALERTS_PER_MINUTE} a minute per caller` },
        headers: { 'Retry-After': String(this.limit.retryAfterSeconds(who, now)) },
        note: 'rate limit',
        caller,
      };
    }
    const parsed = parseAlertBody(body);
    if (!parsed.ok) return { status: 400, body: { error: parsed.problem }, note: parsed.problem, caller };
    const result = await this.deps.submit(parsed.alert, caller);
    switch (result.kind) {
      case 'posted':
        return { status: 202, body: { alertId: result.alertId }, caller };
      case 'unknownUser':
        return {
          status: 400,
          body: {
            error: `${parsed.alert.user.kind === 'upn' ? 'userPrincipalName' : 'userId'} names no user of this tenant`,
          },
          note: 'unknown user',
          caller,
        };
      case 'unavailable':
        return {
          status: 503,
          body: { error: 'the alert could not be posted right now; try again' },
          headers: { 'Retry-After': '30' },
          note: result.why,
          caller,
        };
    }
  }
}
