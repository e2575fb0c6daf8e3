import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TurnContext } from 'botbuilder';
import type { ActivityInfo } from '../../src/bot/activityInfo';
import type { ConversationPoster } from '../../src/bot/conversationPoster';
import type { JobRunner } from '../../src/signout/jobRunner';
import type { SecurityNotifier } from '../../src/bot/notifier';
import { SignoutService } from '../../src/bot/signoutService';
import type { AuditSink } from '../../src/store/auditLog';
import { FileStorage } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';
import { aRequest } from '../support/requests';

/**
 * Cancel stops a running bulk job as soon as the cancel is stored: the job's scheduler must not get to
 * send another batch while anything else is written. The cancel's audit line is written by the job's
 * runner, with the job's outcomes (JobRunner.finish), so the click writes none: an audit log that hangs
 * neither delays the stop nor the click's answer.
 */
it('stops the job as soon as the cancel is stored, and leaves the audit line to the job', async () => {
  const store = await new RequestStore(
    await new FileStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'cancel-stop-'))).init(),
  ).init();
  await store.create(
    aRequest({
      status: 'running',
      startedAt: '2026-11-22T12:01:00.000Z',
      targets: ['u1', 'u2'].map((id) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.com` })),
      conversation: { reference: { conversation: { id: 'conv' } } },
    }),
  );
  const events: string[] = [];
  const hang = (entries: { event: string }[]) => {
    events.push(...entries.map((e) => `audit ${e.event} started`));
    return new Promise<void>(() => undefined);
  };
  const audit = {
    append: (entry: { event: string }) => hang([entry]),
    appendMany: hang,
  } as unknown as AuditSink;
  const jobs = { stop: (id: string) => events.push(`stop ${id}`) } as unknown as JobRunner;
  const service = new SignoutService({
    botAppId: 'bot',
    tenantId: 't',
    ttlMinutes: 15,
    store,
    audit,
    notifier: { notify: async () => undefined } as unknown as SecurityNotifier,
    poster: {} as ConversationPoster,
    jobs,
    log: pino({ level: 'silent' }),
    csvLink: (id) => ({ url: `https://bot.example/exports/${id}.csv`, expiresAt: '2026-11-23T12:00:00Z' }),
  });

  const answer = service.cancel(
    { activity: {} } as TurnContext,
    { conversationId: 'conv', thread: { place: 'General' } } as ActivityInfo,
    { id: 'b', name: 'Megan' },
    'r1',
  );
  expect('card' in (await answer)).toBe(true);
  expect(events).toEqual(['stop r1']);
  expect((await store.get('r1'))?.status).toBe('cancelled');
});
