import { cardAttachment } from '../../../src/bot/replies';
import { renderHelpCard } from '../../../src/cards/help';

describe('cardAttachment', () => {
  it('wraps the card for a message', () => {
    const card = renderHelpCard({ authorized: true, whoMayUse: 'x' });
    expect(cardAttachment(card)).toEqual({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: card,
    });
  });
});
