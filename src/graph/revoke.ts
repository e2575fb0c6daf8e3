import type { TargetOutcome } from '../core/types';
import { GUEST_MESSAGE } from '../core/graphErrors';
import { type GraphApi } from './client';

interface ReadBack {
  signInSessionsValidFromDateTime?: string | null;
  userType?: string | null;
}

/**
 * Revokes every session of one user, then reads back the new signInSessionsValidFromDateTime
 * (Graph returns it only on $select). Errors propagate as GraphCallError for the caller to explain.
 */
export async function revokeUserSessions(graph: GraphApi, userId: string): Promise<TargetOutcome> {
  const path = `/users/${encodeURIComponent(userId)}`;
  const revoke = await graph.call('POST', `${path}/revokeSignInSessions`);
  const read = await graph.call<ReadBack>('GET', `${path}?$select=signInSessionsValidFromDateTime,userType`);
  const validFrom = read.body.signInSessionsValidFromDateTime ?? undefined;
  if (read.body.userType === 'Guest') {
    return {
      userId,
      kind: 'guestSkipped',
      validFrom,
      requestId: revoke.requestId,
      message: GUEST_MESSAGE,
    };
  }
  return { userId, kind: 'revoked', validFrom, requestId: revoke.requestId };
}
