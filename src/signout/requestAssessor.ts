import {
  approvalNeeded,
  protectedTargetProblem,
  protectedTargets,
  selfTargetProblem,
  selfUnblockProblem,
  type ApprovalPolicy,
} from '../domain/approvalPolicy';
import type { DirectoryUser, Person, RequestAction } from '../domain/types';
import { GraphCallError, type GraphApi } from '../graph/client';
import { markPrivileged } from '../graph/roles';
import type { Logger } from '../log';

export interface AssessmentPolicy {
  approvalPolicy: ApprovalPolicy;
  bulkThreshold: number;
  protectedUserIds: string[];
}

export type Assessment =
  | {
      ok: true;
      targets: DirectoryUser[];
      approval: { required: boolean; why: string };
      /** left out of a group, search or `all`: break-glass accounts, and the requester without --self */
      excluded: { user: DirectoryUser; why: string }[];
    }
  | { ok: false; problem: string };

/**
 * Applies the guardrails to resolved targets before anything is asked. Users named one by one are
 * refused when they are break-glass accounts or the requester (without --self); from a group, search
 * or `all` those are left out and listed instead. Then it flags holders of privileged roles, and decide whether a second admin
 * must approve. When roles cannot be read, approval is required rather than assumed unnecessary.
 * An unblock (`action: 'unblock'`, one named user) gets the same checks and the same approval as a
 * sign-out of that user, except that nobody may unblock themselves, `--self` or not.
 */
export class RequestAssessor {
  constructor(
    private readonly graph: GraphApi,
    private readonly policy: AssessmentPolicy,
    private readonly log: Logger,
  ) {}

  async assess(
    requester: Person,
    targets: DirectoryUser[],
    flags: { self: boolean; block: boolean; all: boolean; named: boolean; action?: RequestAction },
  ): Promise<Assessment> {
    const excluded: { user: DirectoryUser; why: string }[] = [];
    const unblock = flags.action === 'unblock';
    if (flags.named || unblock) {
      const protectedProblem = protectedTargetProblem(targets, this.policy.protectedUserIds, flags.action);
      if (protectedProblem) return { ok: false, problem: protectedProblem };
      const selfProblem = unblock
        ? targets.map((t) => selfUnblockProblem(requester.id, t.id)).find(Boolean)
        : selfTargetProblem(
            requester.id,
            targets.map((t) => t.id),
            flags.self,
          );
      if (selfProblem) return { ok: false, problem: selfProblem };
    } else {
      const shielded = new Set(protectedTargets(targets, this.policy.protectedUserIds).map((t) => t.id));
      targets = targets.filter((t) => {
        if (shielded.has(t.id)) excluded.push({ user: t, why: 'protected break-glass account' });
        else if (!flags.self && t.id === requester.id)
          excluded.push({ user: t, why: 'you (add --self to include yourself)' });
        else return true;
        return false;
      });
      if (!targets.length)
        return {
          ok: false,
          problem: 'Everyone this would sign out is protected or is you, so there is nothing to do.',
        };
    }

    let marked = targets;
    let rolesUnknown: string | undefined;
    try {
      marked = await markPrivileged(this.graph, targets);
    } catch (err) {
      if (!(err instanceof GraphCallError)) throw err;
      this.log.warn(
        { status: err.status, code: err.code, graphRequestId: err.requestId },
        'privileged role check failed',
      );
      rolesUnknown =
        err.status === 403
          ? 'the bot could not check admin roles (it lacks RoleManagement.Read.Directory), so it treats the targets as privileged'
          : 'the bot could not check admin roles just now, so it treats the targets as privileged';
    }
    const privileged = marked.filter((t) => t.privilegedRoles?.length);
    const approval = approvalNeeded({
      policy: this.policy.approvalPolicy,
      bulkThreshold: this.policy.bulkThreshold,
      targetCount: marked.length,
      privilegedCount: rolesUnknown ? marked.length : privileged.length,
      privilegedTargets: privileged,
      all: flags.all,
      block: flags.block,
      unblock,
    });
    if (rolesUnknown && approval.required && this.policy.approvalPolicy === 'privileged') {
      approval.why = `${rolesUnknown.charAt(0).toUpperCase()}${rolesUnknown.slice(1)}.`;
    }
    return { ok: true, targets: marked, approval, excluded };
  }
}
