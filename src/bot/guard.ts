import type { Activity } from 'botbuilder';
import type { Markdown } from '../domain/markdown';
import { checkTenant } from '../domain/policy';
import { CHECK_FAILED, REFUSED, UNCONFIGURED } from '../domain/refusalMessages';
import type { Person } from '../domain/types';
import type { ActivityInfo } from '../signout/activityInfo';
import type { AuthorizationResult, Authorizer } from '../signout/authorizer';
import type { ForeignActivityRefusals } from '../signout/foreignActivity';
import type { Refusals } from '../signout/refusals';
import { originOf } from './activityInfo';

export interface GuardDeps {
  /** AZURE_TENANT_ID: the one tenant the bot serves */
  tenantId: string;
  /** who may use the bot (ADMIN_GROUP_ID, ADMIN_USER_IDS) */
  admins: Pick<Authorizer, 'check'>;
  /** who may approve another admin's request (APPROVER_GROUP_ID) */
  approvers: Pick<Authorizer, 'check'>;
  /** the one refusal path: log, audit, rate-limited security notice */
  refusals: Pick<Refusals, 'refuse'>;
  /** activities from other tenants, counted per tenant and window */
  foreign: Pick<ForeignActivityRefusals, 'refuse'>;
}

export type Admission = { ok: true; caller: Person } | { ok: false; answer: Markdown };

/**
 * Checked on every message and every card click, before anything else: the tenant, then whether the
 * caller is an admin (and, for a verdict, an approver). A refused caller is recorded through Refusals
 * and told why in words that name no setting and no code. Another tenant's activity is only counted
 * (ForeignActivityRefusals): nothing it carries is recorded.
 */
export class Guard {
  constructor(private readonly d: GuardDeps) {}

  /** The tenant check, before anything is written; `first` when the refusal opened a window (answer it). */
  async foreignTenant(
    activity: Partial<Activity>,
  ): Promise<{ refused: false } | { refused: true; first: boolean }> {
    const check = checkTenant(
      this.d.tenantId,
      activity.conversation?.tenantId,
      (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id,
    );
    if (check.ok) return { refused: false };
    const first = await this.d.foreign.refuse(check.tenant, {
      origin: originOf(activity),
      click: activity.type === 'invoke',
    });
    return { refused: true, first };
  }

  /** The caller, when they are an admin of this tenant; otherwise the refusal, recorded, and its answer. */
  async admit(info: ActivityInfo, what: string): Promise<Admission> {
    const result = await this.d.admins.check(info.caller?.id);
    if (result.allowed && info.caller) return { ok: true, caller: info.caller };
    await this.refuse(info, what, result.allowed ? 'unknownCaller' : result.why);
    return { ok: false, answer: refusalAnswer(result) };
  }

  /** Whether the caller is an admin, refusing nothing: what the help card shows them. */
  async isAdmin(info: ActivityInfo): Promise<boolean> {
    return (await this.d.admins.check(info.caller?.id)).allowed;
  }

  /** Whether an admin may also approve another admin's request. */
  async isApprover(caller: Person): Promise<boolean> {
    return (await this.d.approvers.check(caller.id)).allowed;
  }

  /** A guardrail refused what an admin asked (e.g. a protected target): recorded like any refusal. */
  refuse(info: ActivityInfo, what: string, why: string): Promise<void> {
    return this.d.refusals.refuse({ info, what, why });
  }
}

/** Callers refused here are not listed admins (those pass without Graph): no setting names, no codes. */
function refusalAnswer(result: AuthorizationResult): Markdown {
  if (result.allowed) return REFUSED;
  if (result.why === 'unconfigured') return UNCONFIGURED;
  if (result.why === 'checkFailed') return CHECK_FAILED;
  return REFUSED;
}
