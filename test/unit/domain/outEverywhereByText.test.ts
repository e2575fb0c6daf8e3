import { outEverywhereBy } from '../../../src/domain/outEverywhereBy';
import {
  multiTargetOutEverywhereByText,
  lifetimeText,
  outEverywhereByText,
  requestOutEverywhereByText,
} from '../../../src/domain/outEverywhereByText';
import { aRequest } from '../../support/requests';

const BERLIN = { kind: 'iana', zone: 'Europe/Berlin' } as const;
const validFrom = new Date('2026-11-29T14:02:00Z');

describe('outEverywhereByText', () => {
  it('gives both times in UTC and local time, and where the lifetime came from', () => {
    expect(outEverywhereByText(outEverywhereBy(validFrom, { minutes: 30, source: 'policy' }), BERLIN)).toBe(
      "Out everywhere by 14:32 UTC (15:32 Europe/Berlin) at the latest: apps with Continuous Access Evaluation (Exchange Online, SharePoint Online, Teams, Microsoft Graph) within about 15 minutes, by 14:17 UTC (15:17 Europe/Berlin); other apps when the access tokens they already hold expire (30 minutes, set by the tenant's token lifetime policy).",
    );
  });

  it('says when it assumed the default', () => {
    expect(lifetimeText({ minutes: 90, source: 'assumed' })).toBe(
      "90 minutes: the bot assumed the default, as it could not read the tenant's token lifetime policy (Policy.Read.All)",
    );
    expect(lifetimeText({ minutes: 90, source: 'default' })).toMatch(/Microsoft's default/);
  });

  it('gives a multi-target job one time', () => {
    expect(
      multiTargetOutEverywhereByText(outEverywhereBy(validFrom, { minutes: 90, source: 'default' })),
    ).toMatch(
      /^Everyone signed out is out everywhere by 15:32 UTC at the latest \(apps with Continuous Access Evaluation by 14:17 UTC;/,
    );
  });
});

describe('requestOutEverywhereByText', () => {
  it('takes the latest valid-from of a job of 200,000 users (no spread of every time into one call)', () => {
    const users = Array.from({ length: 200_000 }, (_, i) => ({
      id: `u${i}`,
      displayName: '',
      userPrincipalName: '',
    }));
    const req = aRequest({
      status: 'done',
      targets: users,
      tokenLifetime: { minutes: 60, source: 'policy' },
      outcomes: users.map((u, i) => ({
        userId: u.id,
        kind: 'revoked',
        validFrom: new Date(validFrom.getTime() - i * 1000).toISOString(),
      })),
    });
    expect(requestOutEverywhereByText(req)).toBe(
      multiTargetOutEverywhereByText(outEverywhereBy(validFrom, { minutes: 60, source: 'policy' })),
    );
  });
});
