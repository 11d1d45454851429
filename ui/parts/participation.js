// Who took part in a week, as Insights show it: from the team's tallies,
// one tally alone shows no share (it would be that member's own), and a
// week without tallies shows none either.
import { formatPercent } from '../i18n.js';

export function participationText(week, fromTallies) {
  if (fromTallies && week.members < 2) return '–';
  return formatPercent(week.participation / 100);
}
