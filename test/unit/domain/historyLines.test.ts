import fc from 'fast-check';
import type { AuditEntry } from '../../../src/domain/audit';
import { lineBounds, parseLine } from '../../../src/domain/auditLines';
import { userMatch } from '../../../src/domain/history';
import {
  PARSE,
  requestIdHash,
  requestIdIs,
  SKIP,
  topEvent,
  UserLines,
} from '../../../src/domain/historyLines';

const ada = { id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', upn: 'ada@contoso.com' };
const verdictsOf = (user: string[], lines: string[]) => {
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const { starts, ends } = lineBounds(bytes);
  return [...(UserLines.of(user) as UserLines).verdicts(bytes, starts, ends)];
};
const line = (e: object) => JSON.stringify({ at: '2026-01-01T00:00:00Z', actor: {}, ...e });
const KELVIN = '\u212a';

describe('UserLines', () => {
  it('does not filter without a user, or for a user whose id or UPN is not ASCII', () => {
    expect(UserLines.of(undefined)).toBeUndefined();
    expect(UserLines.of(['  '])).toBeUndefined();
    expect(UserLines.of(['émile@contoso.com'])).toBeUndefined();
    expect(UserLines.of([ada.id, ada.upn])).toBeInstanceOf(UserLines);
  });

  it('parses a line that names the user in any letter case, escaped, or with a Kelvin sign', () => {
    const named = [
      line({ event: 'revoked', requestId: 'r1', targets: [{ id: ada.id.toUpperCase() }] }),
      line({ event: 'revoked', requestId: 'r1', targets: [{ id: 'x', upn: 'ADA@Contoso.COM' }] }),
      line({ event: 'revoked', requestId: 'r1', targets: [{ id: 'x', upn: ada.upn }] }).replace(
        '@',
        '\\u0040',
      ),
      line({
        event: 'revoked',
        requestId: 'r1',
        targets: [{ id: 'x', upn: 'ada@contoso.com'.replace('c', 'C') }],
      }),
    ];
    expect(verdictsOf([ada.id, ada.upn], named)).toEqual([PARSE, PARSE, PARSE, PARSE]);
    // "k" may be written as the Kelvin sign: toLowerCase makes it "k"
    const kay = line({
      event: 'revoked',
      requestId: 'r1',
      targets: [{ id: 'x', upn: `${KELVIN}ay@contoso.com` }],
    });
    expect(verdictsOf(['kay@contoso.com'], [kay])).toEqual([PARSE]);
    expect(userMatch('kay@contoso.com').touches(JSON.parse(kay).targets)).toBe(true);
  });

  it('parses a line whose text merely contains the UPN: a longer UPN, a display name or a reason', () => {
    const lines = [
      line({ event: 'revoked', requestId: 'r1', targets: [{ id: 'x', upn: 'grenada@contoso.com' }] }),
      line({ event: 'requested', requestId: 'r2', targets: [{ id: 'x', name: 'ada@contoso.com' }] }),
      line({ event: 'requested', requestId: 'r3', targets: [], reason: `not ${ada.id}` }),
    ];
    expect(verdictsOf([ada.id, ada.upn], lines)).toEqual([PARSE, PARSE, PARSE]);
  });

  it('sets other lines aside by request, skips those without one, and parses what it cannot read cheaply', () => {
    const lines = [
      line({ event: 'confirmed', requestId: 'r1' }),
      line({ event: 'status', targets: [{ id: 'x' }] }),
      line({ event: 'refused', requestId: 'r1', detail: 'approving your own request' }),
      line({ event: 'requested', requestId: 'r1', source: 'group:"Sales"' }),
      line({ event: 'confirmed', requestId: 'r1' }).replace('"requestId":', '"requestId" : '),
      `{"requestId":"r1",${line({ event: 'confirmed', requestId: 'r2' }).slice(1)}`,
      line({ event: 'confirmed', requestId: 'ré' }),
      line({ event: 'confirmed', requestId: 7 }),
      line({ event: 'confirmed', actor: { requestId: 'r9' } }),
      '',
      '{"at":"2026-01-01T00:0',
    ];
    expect(verdictsOf([ada.id, ada.upn], lines)).toEqual([
      requestIdHash('r1'),
      SKIP,
      PARSE, // refused: always
      PARSE, // a backslash: an escape
      PARSE, // the key written another way
      PARSE, // two keys: JSON.parse keeps the last
      PARSE, // not ASCII
      PARSE, // not a string
      requestIdHash('r9'), // a nested key: the line has no request, so parsing it would add nothing
      SKIP,
      SKIP,
    ]);
  });

  /** Strings that hide or imitate the user's id or UPN. */
  const text = fc.oneof(
    fc.constantFrom(
      ada.id,
      ada.upn,
      ada.upn.toUpperCase(),
      `x${ada.upn}`,
      `${KELVIN}`,
      '"requestId":"r1"',
      '\\',
    ),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );
  const target = fc.record(
    { id: fc.oneof(text, fc.constant(ada.id.toUpperCase())), upn: text, name: text },
    { requiredKeys: ['id'] },
  );
  const entry = fc.record(
    {
      at: fc.constant('2026-01-01T00:00:00Z'),
      event: fc.constantFrom('requested', 'confirmed', 'revoked', 'refused', 'status', 'blocked'),
      requestId: fc.oneof(fc.constantFrom('r1', 'r2', ''), text, fc.integer()),
      actor: fc.record({ id: text, name: text }, { requiredKeys: [] }),
      targets: fc.array(target, { maxLength: 3 }),
      reason: text,
    },
    { requiredKeys: ['at', 'event', 'actor'] },
  );
  /** How the line is written: as the bot writes it, with `@` escaped, or spaced out by hand. */
  const written = fc.constantFrom(
    (e: object) => JSON.stringify(e),
    (e: object) => JSON.stringify(e).replace(/@/g, '\\u0040'),
    (e: object) => JSON.stringify(e, null, 1).replace(/\n/g, ' '),
  );

  it('never sets aside or skips a line that names the user, or files a line under another request', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(entry, written), { minLength: 1, maxLength: 20 }), (rows) => {
        const lines = rows.map(([e, write]) => write(e));
        const bytes = Buffer.from(lines.join('\n'));
        const { starts, ends } = lineBounds(bytes);
        const verdicts = (UserLines.of([ada.id, ada.upn]) as UserLines).verdicts(bytes, starts, ends);
        const { touches } = userMatch([ada.id, ada.upn]);
        rows.forEach(([e], i) => {
          const parsed = parseLine(bytes, starts[i], ends[i]) as AuditEntry;
          expect(parsed).toEqual(e);
          if (touches(e.targets) || e.event === 'refused') expect(verdicts[i]).toBe(PARSE);
          const request = typeof e.requestId === 'string' && e.requestId ? e.requestId : undefined;
          if (verdicts[i] === SKIP) expect(request).toBeUndefined();
          if (verdicts[i] >= 0 && request !== undefined) expect(verdicts[i]).toBe(requestIdHash(request));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('topEvent', () => {
  const eventOf = (text: string) => topEvent(Buffer.from(`x\n${text}\ny`), 2, 2 + Buffer.byteLength(text));
  const bot = (e: object) => JSON.stringify({ at: '2026-01-01T00:00:00Z', ...e });

  it('tells the event of a line written as the bot writes it: at first, event second', () => {
    expect(eventOf(bot({ event: 'revoked', requestId: 'r1', targets: [{ id: 'u' }] }))).toBe('revoked');
    expect(eventOf(bot({ event: 'ended', requestId: 'r1', counts: { revoked: 2 } }))).toBe('ended');
  });

  it('does not tell it when the bytes leave it in doubt', () => {
    for (const text of [
      // a second event key: JSON.parse takes the last
      '{"at":"2026-01-01T00:00:00Z","event":"revoked","requestId":"r1","event":"confirmed"}',
      // one inside another field
      '{"at":"2026-01-01T00:00:00Z","event":"revoked","x":{"event":"confirmed"}}',
      // not the first key, or spaced
      '{"event":"revoked","at":"2026-01-01T00:00:00Z"}',
      '{"at": "2026-01-01T00:00:00Z","event":"revoked"}',
      '{"at":"2026-01-01T00:00:00Z", "event":"revoked"}',
      // torn, or cut inside the event
      '{"at":"2026-01-01T00:00:00Z","event":"rev',
      '{"at":"2026-01-0',
      '{"at"',
      '',
    ]) {
      expect(eventOf(text)).toBeUndefined();
    }
  });

  it('tells whether the one requestId key of a line holds an id', () => {
    const text = bot({ event: 'revoked', requestId: 'job-1', targets: [{ id: 'u' }] });
    const bytes = Buffer.from(text);
    expect(requestIdIs(bytes, 0, bytes.length, Buffer.from('job-1'))).toBe(true);
    expect(requestIdIs(bytes, 0, bytes.length, Buffer.from('job-'))).toBe(false);
    expect(requestIdIs(bytes, 0, bytes.length, Buffer.from('job-10'))).toBe(false);
    const none = Buffer.from(bot({ event: 'revoked' }));
    expect(requestIdIs(none, 0, none.length, Buffer.from('job-1'))).toBe(false);
  });
});
