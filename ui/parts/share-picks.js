// For a person in more than one team: which teams a shared moment goes
// to, one box per team (a new moment: the team in view). Shown while
// "share with the team" is ticked.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { state } from '../state.js';

// Was `moment` shared with `team`? The own store's team through the
// moment's own flag, a further team through its list.
const sharedWith = (moment, team) => (team.own ? moment.shared : (moment.also_shared_with ?? []).includes(team.team_id));

// Returns null for a person in no team beyond their own store's; else the boxes (`box`), whether
// the moment is shared anywhere (`any`), and what was picked (`picked`).
export function sharePicks({ id, moment, tid }) {
  if (!state.teams.some((team) => !team.own)) return null;
  const picks = state.teams.map((team) => ({
    team,
    input: h('input', {
      type: 'checkbox', id: `${id}-share-${team.team_id}`, testid: tid('share-team'),
      'data-team': team.name, checked: moment ? sharedWith(moment, team) : team.in_view,
    }),
  }));
  const box = h('fieldset', { class: 'share-picks', testid: tid('share-teams') },
    h('legend', { text: t('teams.shareWith') }),
    picks.map(({ team, input }) => h('label', { class: 'check' }, input, h('span', { text: team.name }))));
  return {
    box,
    any: Boolean(moment) && state.teams.some((team) => sharedWith(moment, team)),
    picked: () => ({
      own: picks.some(({ team, input }) => team.own && input.checked),
      further: picks.filter(({ team, input }) => !team.own && input.checked).map(({ team }) => team.team_id),
    }),
  };
}
