import { createLogger } from '../../../src/log';
import { REFUSAL_NOTICE_INTERVAL_MS, Refusals } from '../../../src/signout/refusals';
import { anInfo, fakePort, ListAudit } from '../../support/serviceFakes';

const setup = () => {
  let now = Date.UTC(2026, 10, 22, 12, 0, 0);
  const audit = new ListAudit();
  const port = fakePort();
  const refusals = new Refusals({ audit, port, log: createLogger('silent'), now: () => now });
  return { refusals, audit, port, advance: (ms: number) => (now += ms) };
};

describe('Refusals', () => {
  it('audits every refusal, and posts one notice per caller a minute', async () => {
    const { refusals, audit, port, advance } = setup();
    const info = anInfo({ click: false });
    for (let i = 0; i < 5; i++) await refusals.refuse({ info, what: 'request a sign-out', why: 'notAdmin' });
    expect(audit.lines).toHaveLength(5);
    expect(audit.lines[0]).toMatchObject({
      event: 'refused',
      tenantId: 't',
      actor: { id: 'b', name: 'Megan' },
      detail: 'request a sign-out: notAdmin',
      conversationId: 'conv',
    });
    expect(port.said.notices).toHaveLength(1);
    expect(port.said.notices[0]).toMatchObject({ background: false, origin: info.origin });
    expect(port.said.notices[0].text).toMatch(/Refused: Megan .*request a sign-out/);
    advance(REFUSAL_NOTICE_INTERVAL_MS);
    await refusals.refuse({ info, what: 'request a sign-out', why: 'notAdmin' });
    expect(port.said.notices).toHaveLength(2);
  });

  it("limits each caller apart, and a refusal about a request apart from the caller's others", async () => {
    const { refusals, port } = setup();
    await refusals.refuse({ info: anInfo(), what: 'sign out x', why: 'protected' });
    await refusals.refuse({
      info: anInfo({ caller: { id: 'c', name: 'Alex' } }),
      what: 'sign out x',
      why: 'p',
    });
    await refusals.refuse({
      info: anInfo(),
      what: 'approve their own request',
      why: 'two-person rule',
      requestId: 'r1',
    });
    await refusals.refuse({
      info: anInfo(),
      what: 'approve their own request',
      why: 'two-person rule',
      requestId: 'r1',
    });
    expect(port.said.notices.map((n) => n.text)).toEqual([
      expect.stringMatching(/Megan .*sign out x/),
      expect.stringMatching(/Alex .*sign out x/),
      expect.stringMatching(/Megan .*approve their own request/),
    ]);
  });

  it("does not hold up a click's answer: its notice goes out in the background", async () => {
    const { refusals, port } = setup();
    await refusals.refuse({ info: anInfo({ click: true }), what: 'confirm a sign-out', why: 'notAdmin' });
    expect(port.said.notices[0].background).toBe(true);
  });
});
