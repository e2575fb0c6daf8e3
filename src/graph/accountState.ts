import type { GraphApi } from './client';

/**
 * Blocks or unblocks sign-in: PATCH /users/{id} {accountEnabled}. Needs User.EnableDisableAccount.All;
 * without it, or for a privileged target when the app lacks Privileged Authentication Administrator,
 * Graph answers 403 and the GraphCallError reaches the caller for explainGraphFailure(…, 'block').
 * Disabling does not end existing sessions: Microsoft's containment sequence disables first, then
 * revokes, so no new session can start between the two.
 */
export async function setAccountEnabled(
  graph: GraphApi,
  userId: string,
  enabled: boolean,
): Promise<{ requestId?: string }> {
  const res = await graph.call('PATCH', `/users/${encodeURIComponent(userId)}`, {
    body: { accountEnabled: enabled },
  });
  return { requestId: res.requestId };
}
