import { atOrAbove, riskyUsersFilter } from '../../../src/domain/riskLevel';

describe('risk level threshold', () => {
  it('counts a level at or above the threshold', () => {
    expect(atOrAbove('high', 'high')).toBe(true);
    expect(atOrAbove('medium', 'high')).toBe(false);
    expect(atOrAbove('medium', 'medium')).toBe(true);
    expect(atOrAbove('high', 'low')).toBe(true);
    expect(atOrAbove('low', 'medium')).toBe(false);
  });

  it('never counts hidden, none or a value Graph adds later', () => {
    for (const level of ['hidden', 'none', 'unknownFutureValue', '', 'HIGH ']) {
      expect(atOrAbove(level, 'low')).toBe(false);
    }
  });
});

describe('the poll filter', () => {
  it('asks for users at risk at the threshold or above', () => {
    expect(riskyUsersFilter('high')).toBe("riskState eq 'atRisk' and riskLevel eq 'high'");
    expect(riskyUsersFilter('medium')).toBe(
      "riskState eq 'atRisk' and (riskLevel eq 'medium' or riskLevel eq 'high')",
    );
    expect(riskyUsersFilter('low')).toBe(
      "riskState eq 'atRisk' and (riskLevel eq 'low' or riskLevel eq 'medium' or riskLevel eq 'high')",
    );
  });
});
