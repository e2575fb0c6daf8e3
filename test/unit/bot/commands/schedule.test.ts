import type { SignoutRequest } from '../../../../src/domain/types';
import { commandDeps, EVE, run } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const waiting = aRequest({
  id: 'cutover-1',
  status: 'scheduled',
  schedule: { at: '2026-12-05T18:00:00.000Z', zone: 'UTC', zoneFrom: 'typed' },
});

describe('schedule', () => {
  it('shows the scheduled sign-outs that have not started, as a card', async () => {
    const active: SignoutRequest[] = [waiting, aRequest({ id: 'not-scheduled' })];
    const { deps } = commandDeps({ active });
    const { said, cards } = await run({ kind: 'schedule' }, deps);
    expect(said).toEqual([]);
    expect(cards).toHaveLength(1);
    const text = JSON.stringify(cards[0]);
    expect(text).toContain('Request id: ');
    expect(text).toContain('cutover-1');
    expect(text).not.toContain('not-scheduled');
  });

  it('shows nothing to a caller who is not an admin', async () => {
    const { deps } = commandDeps({ active: [waiting] });
    const { said, cards } = await run({ kind: 'schedule' }, deps, EVE);
    expect(said).toEqual([expect.stringMatching(/aren't allowed/)]);
    expect(cards).toEqual([]);
  });
});
