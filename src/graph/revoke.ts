import type { TargetOutcome } from '../core/types';
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
      message:
        'This is a guest account: Graph accepted the call, but a guest signs in through their home organization, so their sessions there are not ended. Ask the home organization to revoke them, or remove the guest.',
    };
  }
  return { userId, kind: 'revoked', validFrom, requestId: revoke.requestId };
}
