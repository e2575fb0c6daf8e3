import { msg, type Markdown } from '../../../src/domain/markdown';
import { DeferredNotices } from '../../../src/signout/deferredNotices';
import type { TeamsPort } from '../../../src/signout/teamsPort';

describe('DeferredNotices', () => {
  const origin = { serviceUrl: 'https://smba.trafficmanager.net/emea/', bot: { id: '28:bot' } };
  const recorder = () => {
    const posted: { text: string; serviceUrl: string }[] = [];
    const notifier: Pick<TeamsPort, 'notifySecurity'> = {
      notifySecurity: async (text: Markdown, o) => {
        posted.push({ text: text.text, serviceUrl: o!.serviceUrl });
      },
    };
    return { posted, notifier };
  };

  it('keeps notices until an activity shows where to post, then posts each once', async () => {
    const { posted, notifier } = recorder();
    const held = new DeferredNotices();
    held.add(msg`first`);
    held.add(msg`second`);
    await held.deliver(notifier, undefined);
    expect(posted).toEqual([]);
    await held.deliver(notifier, origin);
    expect(posted).toEqual([
      { text: 'first', serviceUrl: origin.serviceUrl },
      { text: 'second', serviceUrl: origin.serviceUrl },
    ]);
    await held.deliver(notifier, origin);
    expect(posted).toHaveLength(2);
  });

  it('keeps at most 20 and sums up the rest in one line', async () => {
    const { posted, notifier } = recorder();
    const held = new DeferredNotices();
    for (let i = 0; i < 25; i++) held.add(msg`notice ${i}`);
    await held.deliver(notifier, origin);
    expect(posted).toHaveLength(21);
    expect(posted[20].text).toMatch(/5 more warnings like these: see the bot's log/);
  });
});
