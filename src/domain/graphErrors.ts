import type { TargetOutcomeKind } from './types';

/** A guest's sessions live in their home tenant: revoking here has no effect there. */
export const GUEST_MESSAGE =
  'This is a guest account: guests are signed out in their home tenant, so the call had no effect here. Ask their home organization to revoke their sessions, or remove the guest.';

/** The parts of a failed Graph call that matter to an admin. `status` 0: Graph was not reached. */
export interface GraphFailure {
  status: number;
  code: string;
  message?: string;
  requestId?: string;
}

export interface Explanation {
  kind: Extract<TargetOutcomeKind, 'notFound' | 'denied' | 'failed'>;
  /** plain words for the chat, ending with Graph's code and request-id */
  text: string;
}

const PERMISSION_FOR: Record<string, string> = {
  revoke: 'User.RevokeSessions.All',
  lookup: 'User.Read.All',
  membership: 'GroupMember.Read.All',
  block: 'User.EnableDisableAccount.All',
  unblock: 'User.EnableDisableAccount.All',
  roles: 'RoleManagement.Read.Directory',
};

export type GraphAction = keyof typeof PERMISSION_FOR;

/** The code of a $batch answer whose response ids do not match the request's (missing, extra, repeated). */
export const INVALID_BATCH_RESPONSE = 'InvalidBatchResponse';

export function graphReference(f: Pick<GraphFailure, 'status' | 'code' | 'requestId'>): string {
  const parts = [f.status ? `${f.status} ${f.code}` : f.code];
  if (f.requestId) parts.push(`request-id ${f.requestId}`);
  return `(Graph: ${parts.join(', ')})`;
}

/** What the commonest AADSTS codes of the client-credentials flow mean for the bot's settings. */
const ENTRA_CREDENTIAL_HINTS: Record<string, string> = {
  AADSTS7000215: 'its client secret (AZURE_CLIENT_SECRET) is wrong',
  AADSTS7000222: 'its client secret (AZURE_CLIENT_SECRET) has expired',
  AADSTS700027: 'its certificate (AZURE_CLIENT_CERTIFICATE_PATH) is not one uploaded to the app registration',
  AADSTS700024: "its certificate's sign-in is outside its time range: check the server's clock",
  AADSTS700016: 'AZURE_CLIENT_ID is not an app registered in this tenant',
  AADSTS90002: 'AZURE_TENANT_ID names no tenant',
};

/** Why the bot could not get a Graph token, as precisely as Entra's AADSTS code allows. */
export function credentialProblem(f: Pick<GraphFailure, 'message'>): string {
  const code = /AADSTS\d+/.exec(f.message ?? '')?.[0];
  const hint = code && ENTRA_CREDENTIAL_HINTS[code];
  return hint
    ? `The bot could not authenticate to Microsoft Graph: Entra ID says ${hint} (${code}).`
    : `The bot could not authenticate to Microsoft Graph${code ? ` (${code})` : ''}: check its app registration, credential and admin consent.`;
}

/**
 * Graph may have carried out a request that got this answer: a 5xx, 408 or 424, a timeout, a lost
 * connection, or a $batch answer that could not be matched to its requests. A 4xx, a 429 and a failure
 * to get a token mean it did not.
 */
export function outcomeUnknown(f: Pick<GraphFailure, 'status' | 'code'>): boolean {
  if (f.status === 0) return f.code !== 'AuthenticationFailed';
  return f.status === 408 || f.status === 424 || f.status >= 500;
}

/** A revoke Graph did not confirm, and whose effect the bot could not read back either. */
export function unconfirmedRevokeText(
  who: string,
  revoke: Pick<GraphFailure, 'status' | 'code' | 'requestId'>,
  read: Pick<GraphFailure, 'status' | 'code' | 'requestId'>,
): string {
  return `Microsoft Graph did not confirm the sign-out of ${who} ${graphReference(revoke)}, and the bot could not read whether it took effect ${graphReference(read)}. They may already be signed out: check their sign-in sessions before trying again.`;
}

/** Turns a Graph failure into words an admin can act on at 3 a.m. */
export function explainGraphFailure(f: GraphFailure, action: GraphAction, target?: string): Explanation {
  const who = target ?? 'the user';
  const ref = graphReference(f);
  if (f.status === 404) {
    return {
      kind: 'notFound',
      text: `Microsoft Graph has no user ${who}. Check the spelling, or use the user principal name or object id. ${ref}`,
    };
  }
  if (f.status === 403) {
    if (action === 'block' || action === 'unblock') {
      const what = action === 'block' ? 'block sign-in' : 'allow sign-in again';
      return {
        kind: 'denied',
        text: `Microsoft Graph refused to ${what} for ${who}, so nothing was changed for them. The bot needs the ${PERMISSION_FOR.block} permission with admin consent; for admin accounts its app also needs the Privileged Authentication Administrator role. ${ref}`,
      };
    }
    const text =
      action === 'revoke'
        ? `Microsoft Graph refused to sign out ${who}. This usually means ${who} holds an admin role: signing out privileged users needs the bot's app to hold the Privileged Authentication Administrator role. If it happens for every user, the app lacks admin consent for ${PERMISSION_FOR.revoke}. ${ref}`
        : `The bot lacks the Graph permission ${PERMISSION_FOR[action]} (or admin consent for it), so it could not do this. ${ref}`;
    return { kind: 'denied', text };
  }
  if (f.status === 401 || f.code === 'AuthenticationFailed') {
    return { kind: 'failed', text: `${credentialProblem(f)} Nothing was changed. ${ref}` };
  }
  if (f.status === 429) {
    return {
      kind: 'failed',
      text: `Microsoft Graph is throttling the bot and did not let up after several retries. Nothing was changed for ${who}; try again in a few minutes. ${ref}`,
    };
  }
  if (f.code === INVALID_BATCH_RESPONSE) {
    return {
      kind: 'failed',
      text: `Microsoft Graph's answer did not match the bot's requests, so nothing was confirmed for ${who}. Try again in a moment. ${ref}`,
    };
  }
  if (f.status === 0) {
    return {
      kind: 'failed',
      text: `Microsoft Graph could not be reached${f.code === 'Timeout' ? ' in time' : ''}. Nothing was confirmed for ${who}; try again, and check the bot's network if it persists. ${ref}`,
    };
  }
  if (f.status >= 500) {
    return { kind: 'failed', text: `Microsoft Graph had an internal error. Try again in a moment. ${ref}` };
  }
  return {
    kind: 'failed',
    text: `Microsoft Graph rejected the request: ${f.message ?? f.code}. ${ref}`,
  };
}
