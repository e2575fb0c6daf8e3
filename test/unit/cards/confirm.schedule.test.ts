import { renderConfirmCard } from '../../../src/cards/confirm';
import { TOKEN_LIFETIME_DOCS_URL } from '../../../src/cards/scheduleText';
import type { Schedule } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectButtonsUntouched,
  expectLiteralOnly,
  topActions,
} from '../../support/cardReader';
import { approval, BERLIN, bob, confirmed, NASTY, NOW, request, users } from '../../support/cardFixtures';

const schedule: Schedule = {
  at: '2026-12-05T17:00:00.000Z',
  zone: 'Europe/Berlin',
  zoneFrom: 'teams',
  requesterZone: 'Europe/Berlin',
};
const o = { zone: BERLIN, now: NOW };

describe('confirmation card of a scheduled sign-out (issue 13)', () => {
  const card = renderConfirmCard(request({ schedule, targets: users(3) }), o);
  const text = allText(card);

  it('is a valid Adaptive Card with nothing left unbound', () => {
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('says when in UTC and local time, and which zone the time was read in', () => {
    expect(text).toContain('Schedule: Sign out of all Microsoft 365 sessions?');
    expect(text).toContain('Scheduled: nothing happens until the time below');
    expect(text).toContain('Starts at: 2026-12-05 17:00:00 UTC (18:00:00 Europe/Berlin)');
    expect(text).toContain('Time zone: Europe/Berlin, your Teams time zone (no zone was typed)');
    expect(text).not.toContain("Requester's local time");
  });

  it("shows the requester's own clock when the time was typed in another zone", () => {
    const typed = { ...schedule, zone: 'America/New_York', zoneFrom: 'typed' as const };
    const t = allText(renderConfirmCard(request({ schedule: typed }), o));
    expect(t).toContain('Starts at: 2026-12-05 17:00:00 UTC (12:00:00 America/New_York)');
    expect(t).toContain('Time zone: America/New_York, as typed');
    expect(t).toContain("Requester's local time: 18:00:00 Europe/Berlin");
    const relative = { at: schedule.at, zone: 'UTC', zoneFrom: 'relative' as const };
    expect(allText(renderConfirmCard(request({ schedule: relative }), o))).not.toContain('Time zone:');
  });

  it('says the targets are frozen: what is confirmed is what runs', () => {
    expect(text).toContain('These 3 users are what will run: the list was fixed when it was asked');
    expect(text).toMatch(/Anyone who joins a group or matches a search later is not included/);
  });

  it('estimates when they are out everywhere, with where the token lifetime came from', () => {
    expect(text).toContain(
      'Out in Exchange Online, SharePoint and Teams by: about 17:15 UTC (18:15 Europe/Berlin) (Continuous Access Evaluation, within 15 min)',
    );
    expect(text).toContain(
      "Out in every other app by: 18:30 UTC (19:30 Europe/Berlin) (access tokens last 90 min: Microsoft's default; the tenant sets no other)",
    );
    const policy = allText(
      renderConfirmCard(
        request({ schedule: { ...schedule, tokenLifetime: { minutes: 30, source: 'policy' } } }),
        o,
      ),
    );
    expect(policy).toContain(
      "17:30 UTC (18:30 Europe/Berlin) (access tokens last 30 min: your organization's token lifetime policy)",
    );
    const assumed = allText(
      renderConfirmCard(
        request({ schedule: { ...schedule, tokenLifetime: { minutes: 90, source: 'assumed' } } }),
        o,
      ),
    );
    expect(assumed).toContain("assumed: the bot could not read the tenant's policy");
  });

  it('carries the cutover note and a link to Microsoft docs, and never offers to change the policy', () => {
    expect(text).toMatch(
      /apps without Continuous Access Evaluation keep working until their access token expires/,
    );
    expect(text).toMatch(/shorter access-token lifetime a day ahead.*The bot never changes tenant policies/);
    expect(actions(card)).toContainEqual({
      type: 'Action.OpenUrl',
      title: 'Token lifetimes (Microsoft docs)',
      url: TOKEN_LIFETIME_DOCS_URL,
    });
  });

  it('asks to schedule, and says it must be confirmed or approved before the time', () => {
    expect(topActions(card).map((a) => a.title)).toEqual(['Schedule sign-out', 'Cancel']);
    expect(text).toContain(
      'It must be confirmed before 2026-12-05 17:00:00 UTC (18:00:00 Europe/Berlin); otherwise it does not run.',
    );
    const waiting = allText(renderConfirmCard(request({ schedule, approval }), o));
    expect(waiting).toContain('It must be approved by a second admin before 2026-12-05 17:00:00 UTC');
    const all = renderConfirmCard(request({ schedule, source: 'all', targets: users(30) }), o);
    expect(actions(all).map((a) => a.title)).toContain('Schedule sign-out of all 30 users');
  });

  it('once confirmed, shows who confirmed and offers only Cancel', () => {
    const waitingForTime = renderConfirmCard(
      request({
        status: 'scheduled',
        schedule,
        ...confirmed,
        approvedBy: bob,
        approvedAt: '2026-11-22T12:40:00Z',
      }),
      o,
    );
    const t = allText(waitingForTime);
    expect(t).toContain('Scheduled sign-out');
    expect(t).toContain('Confirmed: runs at 17:00 UTC');
    expect(t).toContain('Approved by: Bob Boss');
    expect(t).toContain('Cancel stays possible until the job starts.');
    expect(topActions(waitingForTime).map((a) => a.verb)).toEqual(['signout.cancel']);
  });

  it('shows hostile names and reasons literally, with the buttons untouched', () => {
    for (const s of NASTY) {
      const c = renderConfirmCard(
        request({ schedule, reason: s, targets: users(2, () => ({ displayName: s })) }),
        o,
      );
      expectLiteralOnly(c, s);
      expectButtonsUntouched(c, s);
    }
  });
});
