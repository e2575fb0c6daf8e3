import { anInfo, fakePort, ListAudit, securityCards } from '../../support/serviceFakes';

const setup = () => {
  const clock = { now: new Date('2026-11-22T12:10:00.000Z') };
  const audit = new ListAudit();
  const port = fakePort();
  const { refusals, cards, tallies } = securityCards(port, undefined as never, audit, () => clock.now);
  return { refusals, cards, tallies, audit, port, clock };
};

/** The security-channel card calls as [op, activity id, first line], and the last text of each card. */
const calls = (port: ReturnType<typeof fakePort>) =>
  port.said.securityCards.map((c) => [c.op, c.activityId, c.text.split('\n')[0]]);

describe('Refusals', () => {
  it('audits every refusal, and shows them all on one card per caller and hour, updated in place', async () => {
    const { refusals, audit, port } = setup();
    const info = anInfo({ click: false });
    for (let i = 0; i < 3; i++) await refusals.refuse({ info, what: 'request a sign-out', why: 'notAdmin' });
    expect(audit.lines).toHaveLength(3);
    expect(audit.lines[0]).toMatchObject({
      event: 'refused',
      tenantId: 't',
      actor: { id: 'b', name: 'Megan' },
      detail: 'request a sign-out: notAdmin',
      conversationId: 'conv',
    });
    expect(port.said.notices).toEqual([]);
    expect(calls(port)).toEqual([
      ['post', 'notice-1', 'Refused: 1 attempt by one caller in one hour'],
      ['update', 'notice-1', 'Refused: 2 attempts by one caller in one hour'],
      ['update', 'notice-1', 'Refused: 3 attempts by one caller in one hour'],
    ]);
    expect(port.said.securityCards[0].origin).toEqual(info.origin);
    expect(port.said.securityCards[2].text).toContain('Caller: Megan (b)');
    expect(port.said.securityCards[2].text).toContain('tried to request a sign-out (notAdmin) in General');
  });

  it('gives each caller a card, and each hour a new one', async () => {
    const { refusals, cards, port, clock } = setup();
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
    clock.now = new Date('2026-11-22T13:00:00.000Z');
    await refusals.refuse({ info: anInfo(), what: 'sign out x', why: 'protected' });
    await cards.settle();
    expect(calls(port)).toEqual([
      ['post', 'notice-1', 'Refused: 1 attempt by one caller in one hour'],
      ['post', 'notice-2', 'Refused: 1 attempt by one caller in one hour'],
      ['update', 'notice-1', 'Refused: 2 attempts by one caller in one hour'],
      ['post', 'notice-4', 'Refused: 1 attempt by one caller in one hour'],
    ]);
    expect(port.said.securityCards[2].text).toContain('tried to approve their own request (two-person rule)');
  });

  it('counts a caller without an Entra id by their Teams account', async () => {
    const { refusals, cards, port } = setup();
    await refusals.refuse({ info: anInfo({ caller: undefined, senderId: '29:anon' }), what: 'x', why: 'y' });
    await cards.settle();
    expect(port.said.securityCards[0].text).toContain(
      'Caller: an unidentified caller (Teams account 29:anon)',
    );
  });

  it("does not hold up a click's answer: its card goes out in the background", async () => {
    const { refusals, cards, port } = setup();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const post = port.postSecurityCard;
    port.postSecurityCard = async (card, origin) => {
      await held;
      return post(card, origin);
    };
    await refusals.refuse({ info: anInfo({ click: true }), what: 'confirm a sign-out', why: 'notAdmin' });
    expect(port.said.securityCards).toEqual([]);
    release();
    await cards.settle();
    expect(calls(port)).toEqual([['post', 'notice-1', 'Refused: 1 attempt by one caller in one hour']]);
  });

  it('deletes the tallies of past hours at most once an hour', async () => {
    const { refusals, clock } = setup();
    const { tallies } = (refusals as unknown as { d: { tallies: { prune: (d: Date) => Promise<number> } } })
      .d;
    const prune = jest.spyOn(tallies, 'prune');
    await refusals.prune();
    await refusals.prune();
    expect(prune).toHaveBeenCalledTimes(1);
    expect(prune).toHaveBeenCalledWith(new Date('2026-11-22T11:10:00.000Z'));
    clock.now = new Date('2026-11-22T13:10:00.000Z');
    await refusals.prune();
    expect(prune).toHaveBeenCalledTimes(2);
  });
});
