import { credentialProblem, explainGraphFailure, graphReference, type GraphFailure } from './graphErrors';

/** The application permissions Microsoft documents as the least set for listing sign-ins. */
export const SIGN_IN_LOG_PERMISSIONS = 'AuditLog.Read.All and Directory.Read.All';
export const LICENCE_ERROR = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** Why the bot could not read the sign-in logs, in words an admin can act on, with Graph's reference. */
export function explainSignInLogFailure(f: GraphFailure): string {
  const ref = graphReference(f);
  if (f.status === 403 && f.code === LICENCE_ERROR) {
    return `The sign-in logs need Microsoft Entra ID P1 or P2, and Microsoft Graph says this tenant has neither, so the bot cannot check what happened after the sign-out. The sign-out itself is not affected; check sign-ins in the Entra admin center instead. ${ref}`;
  }
  if (f.status === 403) {
    return `The bot may not read the sign-in logs: its app needs the Graph application permissions ${SIGN_IN_LOG_PERMISSIONS}, with admin consent. The sign-out itself is not affected. ${ref}`;
  }
  if (f.status === 429) {
    return `Microsoft Graph is throttling the bot and did not let up after several retries, so the sign-in logs could not be read. Check again in a few minutes. ${ref}`;
  }
  if (f.status === 401 || f.code === 'AuthenticationFailed') return `${credentialProblem(f)} ${ref}`;
  if (f.status === 0) {
    return `Microsoft Graph could not be reached${f.code === 'Timeout' ? ' in time' : ''}, so the sign-in logs could not be read. Check again in a moment. ${ref}`;
  }
  if (f.status >= 500) {
    return `Microsoft Graph had an internal error reading the sign-in logs. Check again in a moment. ${ref}`;
  }
  return explainGraphFailure(f, 'lookup').text;
}

/** The note when only the non-interactive (beta) log failed: the card shows the rest. */
export function missingRefreshesText(f: GraphFailure): string {
  return `Token refreshes (the non-interactive sign-in log, which Graph serves only in beta) could not be read, so refused old sessions may be missing below. ${graphReference(f)}`;
}
