import type { SignoutRequest } from '../../../src/domain/types';
import { JobReporter, originOfRequest } from '../../../src/signout/jobReporter';
import { aRequest } from '../../support/requests';
import { fakePort, ListAudit, ORIGIN, securityCards, tempStore } from '../../support/serviceFakes';

const reference = { serviceUrl: ORIGIN.serviceUrl, bot: ORIGIN.bot, conversation: { id: 'conv' } };
const users = ['u1', 'u2'].map((id) => ({
  id,
  displayName: `User ${id}`,
  userPrincipalName: `${id}@contoso.com`,
}));
const setup = async () => {
  const port = fakePort();
  const store = await tempStore();
  const { notices } = securityCards(port, store, new ListAudit());
  const csv: string[] = [];
  const reporter = new JobReporter({
    port,
    notices,
    csvLink: (id) => (
      csv.push(id),
      { url: `https://bot.example/${id}.csv`, expiresAt: '2026-11-23T12:00:00Z' }
    ),
    now: () => new Date('2026-11-22T12:10:00.000Z'),
  });
  /** the request as the job runner stores it, then reported */
  const finished = async (req: SignoutRequest) => {
    await store.create(req);
    await reporter.finished(req);
  };
  return { port, csv, reporter, finished, store };
};

describe('JobReporter', () => {
  it('reports a finished bulk job: its card with the CSV link, a summary in the thread, its notice', async () => {
    const { port, csv, finished } = await setup();
    await finished(
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
    expect(port.said.notices).toEqual([]);
    expect(port.said.securityCards).toEqual([
      {
        op: 'post',
        activityId: 'notice-1',
        text: expect.stringMatching(/^Sign-out done\n/),
        card: expect.any(Object),
        origin: ORIGIN,
      },
    ]);
  });

  it('updates the notice card it posted before, also when the end is reported again after a crash', async () => {
    const { port, reporter, store } = await setup();
    const running = aRequest({
      status: 'running',
      startedAt: '2026-11-22T12:01:00.000Z',
      conversation: { reference },
    });
    await store.create(running);
    await reporter.progress(running);
    const done = await store.transition(running.id, ['running'], 'done', () => ({ auditedAt: 'x' }));
    await reporter.finished(done.request!);
    await reporter.finished(done.request!);
    expect(port.said.securityCards.map((c) => [c.op, c.activityId, c.text.split('\n')[0]])).toEqual([
      ['post', 'notice-1', 'Sign-out running'],
      ['update', 'notice-1', 'Sign-out done'],
    ]);
  });

  it('reports a request rejected before it ran as a rejection, and posts nothing in its thread', async () => {
    const { port, finished } = await setup();
    await finished(
      aRequest({ status: 'rejected', rejectedBy: { id: 'b', name: 'Megan' }, conversation: { reference } }),
    );
    expect(port.said.thread).toEqual([]);
    expect(port.said.securityCards.map((n) => n.text)).toEqual([
      expect.stringMatching(/^Sign-out rejected\n/),
    ]);
  });

  it('announces no end of a choice nobody picked from, as its start was not announced', async () => {
    const { port, finished } = await setup();
    await finished(aRequest({ status: 'expired', choices: users, conversation: { reference } }));
    expect(port.said.cards).toHaveLength(1);
    expect(port.said.securityCards).toEqual([]);
  });

  it('posts from the serviceUrl the request was asked through, and from nowhere without one', () => {
    expect(originOfRequest({ conversation: { reference } })).toEqual({
      serviceUrl: ORIGIN.serviceUrl,
      bot: { id: ORIGIN.bot.id, name: ORIGIN.bot.name },
    });
    expect(originOfRequest({ conversation: { reference: {} } })).toBeUndefined();
  });
});
