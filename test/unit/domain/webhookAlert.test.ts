import { safeAlertLink } from '../../../src/domain/webhookAlert';

describe('alert links', () => {
  it('keeps absolute https URLs', () => {
    expect(safeAlertLink('https://portal.azure.com/#view/incident/1')).toBe(
      'https://portal.azure.com/#view/incident/1',
    );
    expect(safeAlertLink('https://security.microsoft.com/alerts/da1?tid=x')).toBe(
      'https://security.microsoft.com/alerts/da1?tid=x',
    );
  });

  it('drops every other scheme, relative links and embedded credentials', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>',
      'http://portal.azure.com/',
      'file:///etc/passwd',
      '/relative',
      '//evil.example/',
      'https://user:pass@evil.example/',
      'not a url',
      '',
    ]) {
      expect(safeAlertLink(bad)).toBeUndefined();
    }
  });
});
