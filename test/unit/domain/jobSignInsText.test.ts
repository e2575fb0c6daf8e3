import { summarizeJobSignIns } from '../../../src/domain/jobSignIns';
import { jobFollowUpText } from '../../../src/domain/jobSignInsText';
import type { SignInEntry } from '../../../src/domain/signIns';
import type { DirectoryUser } from '../../../src/domain/types';
import { liveMarkup, shown } from '../../support/markdownReader';

const T0 = '2026-11-29T14:00:00.000Z';
let n = 0;
const e = (userId: string, over: Partial<SignInEntry> = {}): SignInEntry => ({
  id: `e${++n}`,
  at: '2026-11-29T14:10:00.000Z',
  userId,
  app: 'Exchange Online',
  errorCode: 0,
  interactive: true,
  ...over,
});
const user = (id: string, name: string): DirectoryUser => ({
  id,
  displayName: name,
  userPrincipalName: `${id}@contoso.com`,
});

describe('jobFollowUpText', () => {
  it('counts, then names who signed in again from where, and suggests --block for new places', () => {
    const targets = [user('a', 'Ann'), user('b', '**Bold** [x](https://evil.example)'), user('c', 'Cy')];
    const s = summarizeJobSignIns({
      users: targets.map((t) => ({ id: t.id, validFrom: T0 })),
      entries: [
        e('a', { errorCode: 50173, interactive: false }),
        e('b', { ipAddress: '198.51.100.9', city: 'São Paulo', countryOrRegion: 'BR' }),
      ],
      before: [e('b', { at: '2026-11-28T09:00:00.000Z', ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
      nonInteractiveMissing: false,
    });
    const md = jobFollowUpText(s, targets, { heading: 'Follow-up 1 hour 30 minutes after the sign-out' });
    const text = shown(md.text);
    expect(text).toContain(
      '**Follow-up 1 hour 30 minutes after the sign-out**, from the sign-in logs of the 3 users signed out:',
    );
    expect(text).toContain(
      '1 attempt with an old session was refused (1 user): the sign-out took effect there.',
    );
    expect(text).toContain('1 user signed in again since their sign-out.');
    expect(text).toContain(
      '- **Bold** [x](https://evil.example) (b@contoso.com): Exchange Online from 198.51.100.9 (São Paulo, BR), not seen in the 7 days before',
    );
    expect(text).toContain('signout --block');
    expect(liveMarkup(md.text)).toEqual([]);
  });

  it('says when nothing happened', () => {
    const s = summarizeJobSignIns({
      users: [{ id: 'a', validFrom: T0 }],
      entries: [],
      nonInteractiveMissing: true,
    });
    const text = shown(jobFollowUpText(s, [user('a', 'Ann')], { heading: 'Follow-up' }).text);
    expect(text).toContain('No attempt with an old session was refused yet.');
    expect(text).toContain('Nobody signed in again since.');
    expect(text).toContain('Token refreshes (the non-interactive log) could not be read');
  });
});
