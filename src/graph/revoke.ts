import type { TargetOutcome } from '../domain/types';
import {
  GUEST_MESSAGE,
  explainGraphFailure,
  outcomeUnknown,
  unconfirmedRevokeText,
} from '../domain/graphErrors';
import { GraphCallError, type GraphApi } from './client';

interface ReadBack {
  signInSessionsValidFromDateTime?: string | null;
  userType?: string | null;
}

/**
 * Whether a user's signInSessionsValidFromDateTime shows that a revoke sent at `sentAtMs` took effect.
 * Graph keeps whole seconds, so the sending time is floored to the second.
 */
export function revokeTookEffect(validFrom: string | null | undefined, sentAtMs: number): boolean {
  if (!validFrom) return false;
  const at = Date.parse(validFrom);
  return Number.isFinite(at) && at >= Math.floor(sentAtMs / 1000) * 1000;
}

export interface RevokeOptions {
  /** revokes sent in all when Graph leaves their outcome unknown; default 3 */
  maxAttempts?: number;
  /** pause before checking an unknown outcome; default 1 s, 2 s, 4 s… */
  backoffMs?: (attempt: number) => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const SELECT = 'signInSessionsValidFromDateTime,userType';

/**
 * Revokes every session of one user, then reads back the new signInSessionsValidFromDateTime
 * (Graph returns it only on $select).
 *
 * The revoke is never resent blindly: the SDK retries it only on 429 (Graph did not run it). When its
 * outcome is unknown (5xx, 424, timeout, lost connection), the user's valid-from is read first; if it
 * is not older than the first revoke's sending, that revoke took effect and is recorded instead of sent
 * again. If that read fails too, the outcome is `failed` and says the user may be signed out. Other
 * errors propagate as GraphCallError for the caller to explain.
 */
export async function revokeUserSessions(
  graph: GraphApi,
  userId: string,
  o: RevokeOptions = {},
): Promise<TargetOutcome> {
  const path = `/users/${encodeURIComponent(userId)}`;
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = Math.max(1, o.maxAttempts ?? 3);
  const backoff = o.backoffMs ?? ((attempt: number) => 1000 * 2 ** (attempt - 1));
  const firstSentAt = now();
  let requestId: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      requestId = (await graph.call('POST', `${path}/revokeSignInSessions`, { idempotent: false })).requestId;
      break;
    } catch (err) {
      if (!(err instanceof GraphCallError) || !outcomeUnknown(err)) throw err;
      await sleep(backoff(attempt));
      let read: ReadBack;
      try {
        read = (await graph.call<ReadBack>('GET', `${path}?$select=${SELECT}`)).body;
      } catch (readErr) {
        if (!(readErr instanceof GraphCallError)) throw readErr;
        return {
          userId,
          kind: 'failed',
          code: err.code,
          requestId: err.requestId,
          message: unconfirmedRevokeText(userId, err, readErr),
        };
      }
      if (read.userType === 'Guest' || revokeTookEffect(read.signInSessionsValidFromDateTime, firstSentAt)) {
        return outcomeOf(userId, read, err.requestId);
      }
      if (attempt >= maxAttempts) throw err;
    }
  }
  try {
    const read = await graph.call<ReadBack>('GET', `${path}?$select=${SELECT}`);
    return outcomeOf(userId, read.body, requestId);
  } catch (err) {
    if (!(err instanceof GraphCallError)) throw err;
    // the revoke took effect: a failed read-back does not make it a failure
    return {
      userId,
      kind: 'revoked',
      code: err.code,
      requestId,
      message: `Sessions were revoked, but the new valid-from time could not be read back. ${explainGraphFailure(err, 'lookup', userId).text}`,
    };
  }
}

function outcomeOf(userId: string, read: ReadBack, requestId: string | undefined): TargetOutcome {
  const validFrom = read.signInSessionsValidFromDateTime ?? undefined;
  if (read.userType === 'Guest') {
    return { userId, kind: 'guestSkipped', validFrom, requestId, message: GUEST_MESSAGE };
  }
  return { userId, kind: 'revoked', validFrom, requestId };
}
