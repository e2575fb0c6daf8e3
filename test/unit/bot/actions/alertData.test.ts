import { alertBlock } from '../../../../src/bot/actions/alertBlock';
import { alertConfirmCompromised } from '../../../../src/bot/actions/alertConfirmCompromised';
import { alertDismiss } from '../../../../src/bot/actions/alertDismiss';
import { alertSignout } from '../../../../src/bot/actions/alertSignout';
import { plain } from '../../../../src/domain/markdown';
import { ALEX, aClick, actionDeps } from '../../../support/botFakes';

const USER = '11111111-2222-4333-8444-555555555555';
const RISK = { alert: 'risk', userId: USER, episode: '2026-11-22T06:41:12.3456789Z', alertId: '' };
const WEBHOOK = {
  alert: 'webhook',
  userId: '',
  episode: '',
  alertId: '0f8fad5b-d9cb-469f-a165-70867728950e',
};

async function withRecordedClicks() {
  const { deps } = await actionDeps();
  const acts: unknown[][] = [];
  deps.alertClicks = {
    act: async (...args: unknown[]) => {
      acts.push(args.slice(2));
      return { message: plain('ok') };
    },
  } as never;
  return { deps, acts };
}

describe('alert card verbs', () => {
  it('hand each click to the alert service with its action and the card it came from', async () => {
    const { deps, acts } = await withRecordedClicks();
    await alertSignout.bind(RISK)!(aClick(ALEX), deps);
    await alertBlock.bind(WEBHOOK)!(aClick(ALEX), deps);
    await alertConfirmCompromised.bind(RISK)!(aClick(ALEX), deps);
    await alertDismiss.bind({ ...RISK, dismissReason: 'travelling' })!(aClick(ALEX), deps);
    expect(acts).toEqual([
      ['signout', { alert: 'risk', userId: USER, episode: RISK.episode }],
      ['block', { alert: 'webhook', alertId: WEBHOOK.alertId }],
      ['confirmCompromised', { alert: 'risk', userId: USER, episode: RISK.episode }],
      ['dismiss', expect.objectContaining({ alert: 'risk', userId: USER }), 'travelling'],
    ]);
  });

  it('refuse forged data: no card, a user that is not an object id, a request card’s data', () => {
    for (const action of [alertSignout, alertBlock, alertConfirmCompromised, alertDismiss]) {
      for (const forged of [
        undefined,
        {},
        { requestId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
        { ...RISK, userId: "x' or 1 eq 1" },
        { ...RISK, alert: 'other' },
        { ...RISK, episode: '' },
        { ...RISK, episode: 'x'.repeat(41) },
        { ...WEBHOOK, alertId: '../request/abc' },
      ]) {
        expect(action.bind(forged)).toBeUndefined();
      }
    }
  });

  it('lower-case the ids, so one user has one record', async () => {
    const { deps, acts } = await withRecordedClicks();
    await alertSignout.bind({ ...RISK, userId: USER.toUpperCase() })!(aClick(ALEX), deps);
    expect(acts[0][1]).toMatchObject({ userId: USER });
  });
});
