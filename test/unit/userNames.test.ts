import { displayNameOf, principalNameOf } from '../../src/domain/userNames';

describe('displayNameOf', () => {
  it('the display name, else the user principal name, else the object id: never empty', () => {
    expect(displayNameOf({ id: 'id-1', displayName: 'Lee Gu', userPrincipalName: 'leeg@contoso.com' })).toBe(
      'Lee Gu',
    );
    for (const displayName of ['', null, undefined])
      expect(displayNameOf({ id: 'id-1', displayName, userPrincipalName: 'leeg@contoso.com' })).toBe(
        'leeg@contoso.com',
      );
    expect(displayNameOf({ id: 'id-1', displayName: '', userPrincipalName: '' })).toBe('id-1');
    expect(displayNameOf({ id: 'id-1' })).toBe('id-1');
  });
});

describe('principalNameOf', () => {
  it('the user principal name, else the object id', () => {
    expect(principalNameOf({ id: 'id-1', userPrincipalName: 'leeg@contoso.com' })).toBe('leeg@contoso.com');
    expect(principalNameOf({ id: 'id-1', userPrincipalName: '' })).toBe('id-1');
    expect(principalNameOf({ id: 'id-1', userPrincipalName: null })).toBe('id-1');
  });
});
