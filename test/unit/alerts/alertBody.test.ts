import { parseAlertBody } from '../../../src/alerts/alertBody';

const good = {
  userPrincipalName: 'lester@contoso.com',
  title: 'Impossible travel',
  severity: 'High',
  source: 'Microsoft Sentinel',
  link: 'https://portal.azure.com/#incident/1',
  description: 'Two sign-ins far apart',
};

const problem = (body: unknown) => {
  const r = parseAlertBody(body);
  return r.ok ? 'ok' : r.problem;
};

describe('POST /api/alerts body', () => {
  it('reads a UPN alert, severity in any case', () => {
    expect(parseAlertBody(good)).toEqual({
      ok: true,
      alert: {
        user: { kind: 'upn', value: 'lester@contoso.com' },
        title: 'Impossible travel',
        severity: 'high',
        source: 'Microsoft Sentinel',
        link: 'https://portal.azure.com/#incident/1',
        description: 'Two sign-ins far apart',
      },
    });
  });

  it('reads an object id alert without the optional fields', () => {
    const r = parseAlertBody({
      userId: '11111111-AAAA-1111-1111-111111111111',
      title: 't',
      severity: 'informational',
      source: 's',
    });
    expect(r).toEqual({
      ok: true,
      alert: {
        user: { kind: 'objectId', value: '11111111-aaaa-1111-1111-111111111111' },
        title: 't',
        severity: 'informational',
        source: 's',
        link: undefined,
        description: undefined,
      },
    });
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 42, undefined])
      expect(problem(body)).toBe('the body must be a JSON object');
  });

  it('asks for exactly one user', () => {
    const { userPrincipalName: _u, ...none } = good;
    expect(problem(none)).toBe('give exactly one of userPrincipalName and userId');
    expect(problem({ ...good, userId: '11111111-1111-1111-1111-111111111111' })).toBe(
      'give exactly one of userPrincipalName and userId',
    );
  });

  it('names the field that is wrong', () => {
    expect(problem({ ...good, userPrincipalName: 'not an address' })).toBe(
      'userPrincipalName must be an address like user@contoso.com',
    );
    expect(problem({ ...good, userPrincipalName: undefined, userId: 'abc' })).toBe(
      'userId must be an Entra object id (a GUID)',
    );
    expect(problem({ ...good, title: '  ' })).toBe('title must not be empty');
    expect(problem({ ...good, title: 'x'.repeat(201) })).toBe('title must be at most 200 characters');
    expect(problem({ ...good, severity: 'critical' })).toBe(
      'severity must be one of informational, low, medium, high',
    );
    expect(problem({ ...good, source: 7 })).toBe('source must be a string');
    expect(problem({ ...good, description: 'x'.repeat(2001) })).toBe(
      'description must be at most 2000 characters',
    );
    const { title: _t, ...noTitle } = good;
    expect(problem(noTitle)).toBe('title is required');
  });

  it('refuses links that are not https', () => {
    for (const link of [
      'javascript:alert(1)',
      'http://portal.azure.com',
      'data:,x',
      '/x',
      'https://a:b@evil.example',
    ]) {
      expect(problem({ ...good, link })).toBe('link must be an https URL');
    }
  });

  it('refuses unknown fields, so a misspelt one is not silently ignored', () => {
    const { userPrincipalName, ...rest } = good;
    expect(problem({ ...rest, userPrincipleName: userPrincipalName })).toBe(
      'unknown field "userPrincipleName"',
    );
  });
});
