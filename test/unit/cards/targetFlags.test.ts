import { isGuest, isPrivileged, rolesFlag, targetFlags } from '../../../src/cards/targetFlags';
import { lester } from '../../support/cardFixtures';

describe('targetFlags', () => {
  it('flags nothing for an enabled member without roles', () => {
    expect(targetFlags(lester)).toEqual({ hasFlags: false, flags: '', flagColor: 'Warning' });
  });

  it('guest and disabled, as a warning; Graph spells userType in any case', () => {
    for (const userType of ['Guest', 'guest', 'GUEST']) expect(isGuest({ userType })).toBe(true);
    expect(isGuest({ userType: 'Member' })).toBe(false);
    expect(isGuest({ userType: null })).toBe(false);
    expect(targetFlags({ ...lester, userType: 'Guest', accountEnabled: false })).toEqual({
      hasFlags: true,
      flags: 'Guest · Disabled',
      flagColor: 'Warning',
    });
    // unknown is not disabled
    expect(targetFlags({ ...lester, accountEnabled: null }).hasFlags).toBe(false);
  });

  it('privileged users with their roles, in red, after the other flags', () => {
    const admin = {
      ...lester,
      accountEnabled: false,
      privilegedRoles: ['Global Administrator', 'Exchange Administrator'],
    };
    expect(isPrivileged(admin)).toBe(true);
    expect(isPrivileged({ privilegedRoles: [] })).toBe(false);
    expect(rolesFlag(admin)).toBe('⚠ Global Administrator, Exchange Administrator');
    expect(targetFlags(admin)).toEqual({
      hasFlags: true,
      flags: 'Disabled · ⚠ Global Administrator, Exchange Administrator',
      flagColor: 'Attention',
    });
  });
});
