import {
  MAX_BATCH_ITEMS,
  blockItem,
  headerOf,
  readBack,
  readItem,
  requestIdOf,
  revokeItem,
} from '../../../../src/graph/bulk/items';

describe('batch items', () => {
  it("holds Graph's limit of 20 requests per $batch", () => {
    expect(MAX_BATCH_ITEMS).toBe(20);
  });

  it('builds the block, the revoke and the read, with the user id encoded into the path', () => {
    const guest = 'ann_contoso.com#EXT#@fabrikam.onmicrosoft.com';
    expect(blockItem(guest, '1')).toEqual({
      id: '1',
      method: 'PATCH',
      url: '/users/ann_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com',
      body: { accountEnabled: false },
      headers: { 'Content-Type': 'application/json' },
    });
    // a POST inside $batch needs a body and a Content-Type, even for an action that takes none
    expect(revokeItem('a/b', '2')).toEqual({
      id: '2',
      method: 'POST',
      url: '/users/a%2Fb/revokeSignInSessions',
      body: {},
      headers: { 'Content-Type': 'application/json' },
    });
    expect(readItem('a?b', '3')).toEqual({
      id: '3',
      method: 'GET',
      url: '/users/a%3Fb?$select=signInSessionsValidFromDateTime,userType',
    });
  });
});

describe('reading answers', () => {
  it('finds a header whatever its case', () => {
    const r = { id: '1', status: 429, headers: { 'RETRY-AFTER': '3' } };
    expect(headerOf(r, 'Retry-After')).toBe('3');
    expect(headerOf(r, 'request-id')).toBeUndefined();
    expect(headerOf({ id: '1', status: 200 }, 'retry-after')).toBeUndefined();
  });

  it("takes Graph's request-id from the header first, then from innerError or innererror", () => {
    const inner = { error: { innerError: { 'request-id': 'inner' } } };
    expect(requestIdOf({ id: '1', status: 500, headers: { 'Request-Id': 'hdr' }, body: inner })).toBe('hdr');
    expect(requestIdOf({ id: '1', status: 500, body: inner })).toBe('inner');
    expect(
      requestIdOf({ id: '1', status: 500, body: { error: { innererror: { 'request-id': 'low' } } } }),
    ).toBe('low');
    expect(requestIdOf({ id: '1', status: 204 })).toBeUndefined();
  });

  it('reads the valid-from time and whether the user is a guest; null and missing mean none', () => {
    const at = '2026-01-01T12:00:00Z';
    const body = (b: unknown) => ({ id: '1', status: 200, body: b });
    expect(readBack(body({ signInSessionsValidFromDateTime: at, userType: 'Member' }))).toEqual({
      validFrom: at,
      guest: false,
    });
    expect(readBack(body({ signInSessionsValidFromDateTime: null, userType: 'Guest' }))).toEqual({
      validFrom: undefined,
      guest: true,
    });
    expect(readBack(body(undefined))).toEqual({ validFrom: undefined, guest: false });
  });
});
