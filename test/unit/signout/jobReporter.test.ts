import { JobReporter, originOfRequest } from '../../../src/signout/jobReporter';
import { aRequest } from '../../support/requests';
import { fakePort, ORIGIN } from '../../support/serviceFakes';

const reference = { serviceUrl: ORIGIN.serviceUrl, bot: ORIGIN.bot, conversation: { id: 'conv' } };
const users = ['u1', 'u2'].map((id) => ({
  id,
  displayName: `User ${id}`,
  userPrincipalName: `${id}@contoso.com`,
}));
const setup = () => {
  const port = fakePort();
  const csv: string[] = [];
  const reporter = new JobReporter({
    port,
    csvLink: (id) => (
      csv.push(id),
      { url: `https://bot.example/${id}.csv`, expiresAt: '2026-11-23T12:00:00Z' }
    ),
    now: () => new Date('2026-11-22T12:10:00.000Z'),
  });
  return { port, csv, reporter };
};

describe('JobReporter', () => {
  it('reports a finished bulk job: its card with the CSV link, a summary in the thread, the security channel', async () => {
    const { port, csv, reporter } = setup();
    await reporter.finished(
      aRequest({
        status: 'done',
        targets: users,
        startedAt: '2026-11-22T12:01:00.000Z',
        finishedAt: '2026-11-22T12:02:00.000Z',
        outcomes: users.map((u) => ({ userId: u.id, outcome: 'revoked' as const })) as never,
        conversation: { reference, cardActivityId: 'card-1' },
      }),
    );
    expect(csv).toEqual(['r1']);
    expect(port.said.cards.map((c) => c.requestId)).toEqual(['r1']);
    expect(port.said.thread).toEqual([
      { requestId: 'r1', text: expect.stringMatching(/Bulk sign-out finished/) },
    ]);
    expect(port.said.notices).toEqual([expect.objectContaining({ origin: ORIGIN, background: false })]);
  });

  it('reports a request rejected before it ran as a rejection, and posts nothing in its thread', async () => {
    const { port, reporter } = setup();
    await reporter.finished(
      aRequest({ status: 'rejected', rejectedBy: { id: 'b', name: 'Megan' }, conversation: { reference } }),
    );
    expect(port.said.thread).toEqual([]);
    expect(port.said.notices.map((n) => n.text)).toEqual([expect.stringMatching(/rejected/i)]);
  });

  it('announces no end of a choice nobody picked from, as its start was not announced', async () => {
    const { port, reporter } = setup();
    await reporter.finished(aRequest({ status: 'expired', choices: users, conversation: { reference } }));
    expect(port.said.cards).toHaveLength(1);
    expect(port.said.notices).toEqual([]);
  });

  it('posts from the serviceUrl the request was asked through, and from nowhere without one', () => {
    expect(originOfRequest({ conversation: { reference } })).toEqual({
      serviceUrl: ORIGIN.serviceUrl,
      bot: { id: ORIGIN.bot.id, name: ORIGIN.bot.name },
    });
    expect(originOfRequest({ conversation: { reference: {} } })).toBeUndefined();
  });
});
