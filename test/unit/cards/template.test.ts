import { renderTemplate } from '../../../src/cards/template';
import { cardProblems, texts } from '../../support/cardReader';

describe('renderTemplate', () => {
  it('the validator the card tests use does catch broken cards', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(
      cardProblems({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: 'x', color: 'Pink' }],
      }),
    ).not.toEqual([]);
    expect(
      cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x' }] }),
    ).toEqual([]);
  });

  it('renderTemplate binds $root data, repeats arrays and drops $when=false', () => {
    const card = renderTemplate(
      {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: 'Hi ${name}' },
          { type: 'TextBlock', $data: '${items}', text: '${v}' },
          { type: 'TextBlock', $when: '${show}', text: 'hidden' },
        ],
      },
      { name: 'Ann', items: [{ v: 'a' }, { v: 'b' }], show: false },
    );
    expect(texts(card)).toEqual(['Hi Ann', 'a', 'b']);
  });
});
