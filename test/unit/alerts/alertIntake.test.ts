import { AlertIntake, ALERTS_PER_MINUTE, type SubmitResult } from '../../../src/alerts/alertIntake';
import type { TokenCheck } from '../../../src/alerts/alertToken';
import type { AlertCaller, SubmittedAlert } from '../../../src/domain/webhookAlert';

const BODY = {
  userPrincipalName: 'kat@contoso.com',
  title: 'Impossible travel',
  severity: 'high',
  source: 'Sentinel',
};
const CALLER: AlertCaller = { appId: 'app-1', objectId: 'mi-1' };

function intake(check: TokenCheck, result: SubmitResult = { kind: 'posted', alertId: 'a1' }) {
  const submitted: [SubmittedAlert, AlertCaller][] = [];
  let now = 0;
  const i = new AlertIntake({
    tokens: { check: async () => check },
    submit: async (alert, caller) => {
      submitted.push([alert, caller]);
      return result;
    },
    now: () => now,
  });
  return { i, submitted, setNow: (t: number) => (now = t) };
}

describe('alert intake', () => {
  it('hands a checked alert on and answers 202 with its id', async () => {
    const { i, submitted } = intake({ ok: true, caller: CALLER });
    expect(await i.receive('Bearer x', BODY)).toMatchObject({ status: 202, body: { alertId: 'a1' } });
    expect(submitted).toEqual([
      [expect.objectContaining({ title: 'Impossible travel', severity: 'high' }), CALLER],
    ]);
  });

  it('passes on 401, 403 and 503 from the token check and posts nothing', async () => {
    for (const status of [401, 403, 503] as const) {
      const { i, submitted } = intake({ ok: false, status, reason: 'why' });
      const answer = await i.receive('Bearer x', BODY);
      expect(answer.status).toBe(status);
      expect(answer.note).toBe('why');
      expect(JSON.stringify(answer.body)).not.toContain('why');
      expect(submitted).toEqual([]);
    }
  });

  it('answers 400 naming the problem, and posts nothing', async () => {
    const { i, submitted } = intake({ ok: true, caller: CALLER });
    expect(await i.receive('Bearer x', { ...BODY, severity: 'urgent' })).toMatchObject({
      status: 400,
      body: { error: 'severity must be one of informational, low, medium, high' },
    });
    expect(submitted).toEqual([]);
  });

  it(`answers 429 past ${ALERTS_PER_MINUTE} a minute per caller, with Retry-After, and posts nothing more`, async () => {
    const { i, submitted, setNow } = intake({ ok: true, caller: CALLER });
    for (let n = 0; n < ALERTS_PER_MINUTE; n++) expect((await i.receive('Bearer x', BODY)).status).toBe(202);
    setNow(15_000);
    expect(await i.receive('Bearer x', BODY)).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '45' },
    });
    expect(submitted).toHaveLength(ALERTS_PER_MINUTE);
    setNow(60_000);
    expect((await i.receive('Bearer x', BODY)).status).toBe(202);
  });

  it('answers 400 for a user not in the tenant and 503 when the alert cannot be posted', async () => {
    expect(
      await intake({ ok: true, caller: CALLER }, { kind: 'unknownUser' }).i.receive('Bearer x', BODY),
    ).toMatchObject({
      status: 400,
      body: { error: 'userPrincipalName names no user of this tenant' },
    });
    expect(
      await intake({ ok: true, caller: CALLER }, { kind: 'unavailable', why: 'Graph 503' }).i.receive(
        'Bearer x',
        BODY,
      ),
    ).toMatchObject({ status: 503, note: 'Graph 503' });
  });
});
