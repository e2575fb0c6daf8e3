import {
  type ApprovalInput,
  type ApprovalPolicy,
  APPROVAL_POLICIES,
  approvalNeeded,
  canApprove,
  protectedTargetProblem,
  protectedTargets,
  selfTargetProblem,
} from '../../src/domain/approvalPolicy';
import {
  PRIVILEGED_ROLE_TEMPLATES,
  isPrivilegedRole,
  privilegedRoleName,
} from '../../src/domain/privilegedRoles';
import { ROLE_TEMPLATES, sampleTenant } from '../support/tenantFixture';

const patti = { displayName: 'Patti Fernandez', privilegedRoles: ['Global Administrator'] };
const grady = { displayName: 'Grady Archie', privilegedRoles: ['Privileged Authentication Administrator'] };
const lidia = {
  displayName: 'Lidia Holloway',
  privilegedRoles: ['User Administrator', 'Helpdesk Administrator'],
};
const nestor = { displayName: 'Nestor Wilke', privilegedRoles: ['Security Reader'] };

const base: ApprovalInput = { policy: 'privileged', bulkThreshold: 10, targetCount: 1, privilegedCount: 0 };

describe('approvalNeeded', () => {
  // [title, input, required, why]
  const cases: [string, Partial<ApprovalInput>, boolean, RegExp | string][] = [
    // none: never, whatever the request
    ['none: a privileged target', { policy: 'none', privilegedCount: 1 }, false, /policy is none/],
    ['none: 5,000 users', { policy: 'none', targetCount: 5000 }, false, /policy is none/],
    ['none: signout all', { policy: 'none', all: true, targetCount: 5000 }, false, /policy is none/],
    ['none: --block', { policy: 'none', block: true }, false, /policy is none/],
    // always: every request
    [
      'always: one ordinary user',
      { policy: 'always' },
      true,
      'The approval policy asks a second admin for every sign-out.',
    ],
    [
      'always: with --block',
      { policy: 'always', block: true },
      true,
      'The approval policy asks a second admin for every sign-out; sign-in will also be blocked.',
    ],
    // privileged
    [
      'privileged: no privileged target',
      { policy: 'privileged' },
      false,
      'No target holds a privileged admin role.',
    ],
    [
      'privileged: a named Global Administrator',
      { policy: 'privileged', privilegedCount: 1, privilegedTargets: [patti] },
      true,
      'Patti Fernandez holds Global Administrator.',
    ],
    [
      'privileged: a holder of two roles',
      { policy: 'privileged', privilegedCount: 1, privilegedTargets: [lidia] },
      true,
      'Lidia Holloway holds User Administrator and Helpdesk Administrator.',
    ],
    [
      'privileged: four holders, three named',
      {
        policy: 'privileged',
        targetCount: 12,
        privilegedCount: 4,
        privilegedTargets: [patti, grady, lidia, nestor],
      },
      true,
      /^Patti Fernandez holds Global Administrator; Grady Archie holds Privileged Authentication Administrator; Lidia Holloway holds .*; 1 more target holds privileged roles\.$/,
    ],
    [
      'privileged: counted but not named',
      { policy: 'privileged', targetCount: 300, privilegedCount: 2 },
      true,
      '2 targets hold privileged admin roles.',
    ],
    [
      'privileged: one counted',
      { policy: 'privileged', privilegedCount: 1 },
      true,
      '1 target holds a privileged admin role.',
    ],
    [
      'privileged: a name without roles listed',
      { policy: 'privileged', privilegedCount: 1, privilegedTargets: [{ displayName: 'Ann' }] },
      true,
      'Ann holds a privileged role.',
    ],
    ['privileged: many ordinary users', { policy: 'privileged', targetCount: 500 }, false, /No target/],
    [
      'privileged: --block of a privileged target',
      { policy: 'privileged', privilegedCount: 1, privilegedTargets: [patti], block: true },
      true,
      'Patti Fernandez holds Global Administrator; sign-in will also be blocked.',
    ],
    [
      'privileged: --block of an ordinary user does not ask',
      { policy: 'privileged', block: true },
      false,
      /No target/,
    ],
    [
      'privileged: signout all asks even without privileged targets',
      { policy: 'privileged', all: true, targetCount: 40 },
      true,
      'It signs out every user in the organization.',
    ],
    [
      'privileged: signout all with a privileged target gives both reasons',
      { policy: 'privileged', all: true, targetCount: 40, privilegedCount: 1, privilegedTargets: [patti] },
      true,
      'It signs out every user in the organization; Patti Fernandez holds Global Administrator.',
    ],
    // bulk: at or above the threshold
    [
      'bulk: one below the threshold',
      { policy: 'bulk', targetCount: 9 },
      false,
      '9 users is below the bulk threshold of 10.',
    ],
    [
      'bulk: exactly the threshold',
      { policy: 'bulk', targetCount: 10 },
      true,
      '10 users is at or above the bulk threshold of 10.',
    ],
    [
      'bulk: above the threshold',
      { policy: 'bulk', targetCount: 37 },
      true,
      '37 users is at or above the bulk threshold of 10.',
    ],
    [
      'bulk: threshold 1 asks for one user',
      { policy: 'bulk', bulkThreshold: 1, targetCount: 1 },
      true,
      '1 user is at or above the bulk threshold of 1.',
    ],
    [
      'bulk: a single user',
      { policy: 'bulk', targetCount: 1 },
      false,
      '1 user is below the bulk threshold of 10.',
    ],
    [
      'bulk: a privileged target below the threshold',
      { policy: 'bulk', targetCount: 2, privilegedCount: 2 },
      false,
      /below/,
    ],
    [
      'bulk: signout all of a tiny tenant',
      { policy: 'bulk', all: true, targetCount: 3 },
      true,
      'It signs out every user in the organization.',
    ],
    [
      'bulk: signout all above the threshold gives both reasons',
      { policy: 'bulk', all: true, targetCount: 37, block: true },
      true,
      'It signs out every user in the organization; 37 users is at or above the bulk threshold of 10; sign-in will also be blocked.',
    ],
    ['always: signout all', { policy: 'always', all: true }, true, /every sign-out; it signs out every user/],
  ];

  it.each(cases)('%s', (_title, input, required, why) => {
    const decision = approvalNeeded({ ...base, ...input });
    expect(decision.required).toBe(required);
    if (typeof why === 'string') expect(decision.why).toBe(why);
    else expect(decision.why).toMatch(why);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a bulk threshold of %s', (bulkThreshold) => {
    expect(() => approvalNeeded({ ...base, bulkThreshold })).toThrow(RangeError);
  });

  it('knows the four policies', () => {
    expect(APPROVAL_POLICIES).toEqual(['none', 'privileged', 'bulk', 'always']);
  });

  it('asks for signout all under every policy but none', () => {
    for (const policy of APPROVAL_POLICIES) {
      const d = approvalNeeded({ ...base, policy: policy as ApprovalPolicy, all: true, targetCount: 1 });
      expect(d.required).toBe(policy !== 'none');
    }
  });
});

describe('canApprove', () => {
  const requester = 'a1b2c3d4-0000-4000-8000-000000000001';
  const other = 'a1b2c3d4-0000-4000-8000-000000000002';
  const cases: [string, Parameters<typeof canApprove>[0], ReturnType<typeof canApprove>][] = [
    ['a second approver', { requesterId: requester, approverId: other, approverAllowed: true }, { ok: true }],
    [
      'the requester, even as an approver',
      { requesterId: requester, approverId: requester, approverAllowed: true },
      { ok: false, why: 'ownRequest' },
    ],
    [
      'the requester, ids in another case',
      { requesterId: requester, approverId: requester.toUpperCase(), approverAllowed: true },
      { ok: false, why: 'ownRequest' },
    ],
    [
      'the requester who is not an approver',
      { requesterId: requester, approverId: requester, approverAllowed: false },
      { ok: false, why: 'ownRequest' },
    ],
    [
      'someone outside the approver group',
      { requesterId: requester, approverId: other, approverAllowed: false },
      { ok: false, why: 'notApprover' },
    ],
    [
      'a click without an id',
      { requesterId: requester, approverId: undefined, approverAllowed: true },
      { ok: false, why: 'notApprover' },
    ],
    [
      'an empty id against an empty requester',
      { requesterId: '', approverId: '', approverAllowed: true },
      { ok: false, why: 'notApprover' },
    ],
  ];

  it.each(cases)('%s', (_title, input, expected) => {
    expect(canApprove(input)).toEqual(expected);
  });
});

describe('selfTargetProblem', () => {
  const me = 'B0B0B0B0-0000-4000-8000-000000000001';
  const cases: [string, string[], boolean, boolean][] = [
    ['another user', ['c0c0c0c0-0000-4000-8000-000000000002'], false, false],
    ['myself', [me], false, true],
    ['myself among others, id in another case', ['x', me.toLowerCase(), 'y'], false, true],
    ['myself with --self', [me], true, false],
    ['others with --self', ['x'], true, false],
    ['nobody', [], false, false],
  ];

  it.each(cases)('%s', (_title, targets, self, refused) => {
    const problem = selfTargetProblem(me, targets, self);
    if (refused) expect(problem).toMatch(/add --self/);
    else expect(problem).toBeUndefined();
  });
});

describe('protected break-glass accounts', () => {
  const breakGlass1 = { id: 'EEEE0001-0000-4000-8000-000000000001', displayName: 'Break Glass 1' };
  const breakGlass2 = { id: 'eeee0002-0000-4000-8000-000000000002', displayName: 'Break Glass 2' };
  const lester = { id: 'dddd0001-0000-4000-8000-000000000001', displayName: 'Lester Young' };
  const protectedIds = [' eeee0001-0000-4000-8000-000000000001', 'EEEE0002-0000-4000-8000-000000000002', ''];

  const cases: [string, (typeof lester)[], string[], string | undefined][] = [
    ['no protected target', [lester], protectedIds, undefined],
    ['nothing configured', [breakGlass1], [], undefined],
    [
      'one, named, ids compared without case or spaces',
      [lester, breakGlass1],
      protectedIds,
      'Break Glass 1 is a protected break-glass account (PROTECTED_USER_IDS); the bot never signs it out or blocks it.',
    ],
    [
      'two, both named',
      [breakGlass1, lester, breakGlass2],
      protectedIds,
      'Break Glass 1 and Break Glass 2 are protected break-glass accounts (PROTECTED_USER_IDS); the bot never signs them out or blocks them.',
    ],
  ];

  it.each(cases)('%s', (_title, targets, ids, expected) => {
    expect(protectedTargetProblem(targets, ids)).toBe(expected);
  });

  it('picks the protected targets out of a bulk list', () => {
    expect(protectedTargets([lester, breakGlass2, breakGlass1], protectedIds)).toEqual([
      breakGlass2,
      breakGlass1,
    ]);
  });
});

describe('privileged roles', () => {
  const cases: [string, string | null | undefined, boolean][] = [
    ['Global Administrator', ROLE_TEMPLATES.globalAdministrator, true],
    ['Privileged Authentication Administrator', ROLE_TEMPLATES.privilegedAuthenticationAdministrator, true],
    ['User Administrator', ROLE_TEMPLATES.userAdministrator, true],
    ['Helpdesk Administrator', ROLE_TEMPLATES.helpdeskAdministrator, true],
    ['Security Administrator', ROLE_TEMPLATES.securityAdministrator, true],
    ['Privileged Role Administrator', 'e8611ab8-c189-46e8-94e1-60213ab1f814', true],
    ['Conditional Access Administrator', 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', true],
    ['Exchange Administrator (CISA)', '29232cdf-9323-42fd-ade2-1d097af3e4de', true],
    ['SharePoint Administrator (CISA)', 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', true],
    ['upper case', ROLE_TEMPLATES.globalAdministrator.toUpperCase(), true],
    ['Message Center Reader', ROLE_TEMPLATES.messageCenterReader, false],
    ['Directory Readers', '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', false],
    ['Billing Administrator', 'b0f54661-2d74-4c50-afa3-1ec803f12efe', false],
    ['empty', '', false],
    ['null', null, false],
    ['undefined', undefined, false],
  ];

  it.each(cases)('%s', (_name, templateId, privileged) => {
    expect(isPrivilegedRole(templateId)).toBe(privileged);
  });

  it('names a privileged role and lists only lower-case GUIDs', () => {
    expect(privilegedRoleName(ROLE_TEMPLATES.globalAdministrator)).toBe('Global Administrator');
    expect(privilegedRoleName(ROLE_TEMPLATES.messageCenterReader)).toBeUndefined();
    for (const id of PRIVILEGED_ROLE_TEMPLATES.keys()) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('agrees with the fixture on which of its roles are privileged', () => {
    // the stand-in refuses revokes of these holders, as Graph does: the two lists must not drift apart
    for (const role of sampleTenant().roles)
      expect(isPrivilegedRole(role.roleTemplateId)).toBe(role.privileged);
  });
});
