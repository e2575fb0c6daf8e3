import { isGuid } from '../../../src/domain/guid';

describe('isGuid', () => {
  it('accepts either case', () => {
    expect(isGuid('9f8d7c6b-5a4e-4d3c-8b2a-1f0e9d8c7b6a')).toBe(true);
    expect(isGuid('9F8D7C6B-5A4E-4D3C-8B2A-1F0E9D8C7B6A')).toBe(true);
  });
  it.each([
    '',
    '9f8d7c6b5a4e4d3c8b2a1f0e9d8c7b6a',
    'f8d7c6b-5a4e-4d3c-8b2a-1f0e9d8c7b6a',
    '{9f8d7c6b-5a4e-4d3c-8b2a-1f0e9d8c7b6a}',
    '9f8d7c6b-5a4e-4d3c-8b2a-1f0e9d8c7b6a\n',
  ])('refuses %j', (text) => expect(isGuid(text)).toBe(false));
});
