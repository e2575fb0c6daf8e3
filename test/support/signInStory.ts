/**
 * The sign-in logs of the sample tenant's Lester Young, for `npm run playground` and the tests: a week
 * of ordinary sign-ins from Berlin before, and after a sign-out both kinds of entries a newcomer should
 * see on the verify card: token refreshes refused because the session was revoked (the proof), and a
 * new sign-in from an address and a country not seen before (which makes the bot offer --block).
 */

import type { FixtureSignIn, FixtureTokenLifetimePolicy } from './signInLogStandIn';
import { SAMPLE, type FixtureUser } from './tenantFixture';

const BERLIN = { ipAddress: '203.0.113.7', city: 'Berlin', countryOrRegion: 'DE' };
const LAPTOP = { displayName: 'LESTER-LAPTOP', operatingSystem: 'Windows 11', browser: 'Edge 131.0' };
const lester = {
  userId: SAMPLE.lester.id,
  userPrincipalName: SAMPLE.lester.upn,
  userDisplayName: SAMPLE.lester.name,
};

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Two sign-ins a day for the 7 days before `now`, from Lester's laptop in Berlin. */
export function lesterUsualSignIns(now: Date): FixtureSignIn[] {
  const out: FixtureSignIn[] = [];
  for (let day = 1; day <= 7; day++) {
    for (const [hours, app] of [
      [9, 'Office 365 Exchange Online'],
      [14, 'Microsoft Teams'],
    ] as const) {
      out.push({
        ...lester,
        ...BERLIN,
        createdDateTime: iso(now.getTime() - day * 86_400_000 + (hours - 12) * 3_600_000),
        appDisplayName: app,
        device: LAPTOP,
        clientAppUsed: 'Browser',
        interactive: true,
        mfa: true,
      });
    }
  }
  return out;
}

/**
 * What the logs show after Lester is signed out at `validFrom`: within the first minute (so "Check
 * sign-ins" soon after shows it) his laptop's Teams and Outlook fail to refresh their tokens, and someone
 * signs in to Exchange Online from São Paulo without MFA. Other users: nothing.
 */
export function signInsAfterRevoke(user: FixtureUser, validFrom: Date): FixtureSignIn[] {
  if (user.id !== SAMPLE.lester.id) return [];
  const t = (seconds: number) => iso(validFrom.getTime() + seconds * 1000);
  return [
    {
      ...lester,
      ...BERLIN,
      createdDateTime: t(10),
      appDisplayName: 'Microsoft Teams',
      device: LAPTOP,
      clientAppUsed: 'Mobile Apps and Desktop clients',
      interactive: false,
      errorCode: 50173,
      failureReason: 'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
    },
    {
      ...lester,
      ...BERLIN,
      createdDateTime: t(25),
      appDisplayName: 'Microsoft Outlook',
      device: LAPTOP,
      clientAppUsed: 'Mobile Apps and Desktop clients',
      interactive: false,
      errorCode: 50133,
      failureReason: 'Session is invalid due to expiration or recent password change.',
    },
    {
      ...lester,
      ipAddress: '198.51.100.23',
      city: 'São Paulo',
      countryOrRegion: 'BR',
      createdDateTime: t(40),
      appDisplayName: 'Office 365 Exchange Online',
      device: { operatingSystem: 'Linux', browser: 'Firefox 133.0' },
      clientAppUsed: 'Browser',
      interactive: true,
      mfa: false,
    },
  ];
}

/** An organization-default policy of 60-minute access tokens. */
export const SAMPLE_TOKEN_POLICY: FixtureTokenLifetimePolicy = {
  id: '4d2f8c1a-9b3e-4f6a-8c5d-2e1b7a9f0c3d',
  displayName: 'Contoso access tokens: 1 hour',
  isOrganizationDefault: true,
  definition: [JSON.stringify({ TokenLifetimePolicy: { Version: 1, AccessTokenLifetime: '01:00:00' } })],
};
