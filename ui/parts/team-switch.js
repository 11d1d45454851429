// The team switch: a person in more than one team sees the team screens
// (Team, Exceptions, Insights) for one team at a time, and picks which.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { state } from '../state.js';
import { toast } from './feedback.js';

// A team's name, with a word where it needs a look: its folder was away
// or could not be read at the last reading, or the person is not let in.
function label(team) {
  const note = team.trouble === 'folder_missing' ? t('teams.away')
    : team.trouble ? t('teams.needsLook')
    : team.my_status === 'declined' ? t('teams.declined')
    : team.my_status === 'removed' ? t('teams.removed')
    : team.my_status === 'admitted' ? null : t('teams.waiting');
  return note ? `${team.name} · ${note}` : team.name;
}

// Asks which teams there are (kept in state.teams) and returns the switch,
// or null for a person in one team or none.
export async function teamSwitch(nav) {
  state.teams = (await api.teams()) ?? [];
  if (state.teams.length < 2) return null;
  const select = h('select', { id: 'team-switch', testid: 'team-switch' },
    state.teams.map((team) => h('option', { value: team.team_id, text: label(team) })));
  select.value = state.teams.find((team) => team.in_view)?.team_id ?? state.teams[0].team_id;
  select.addEventListener('change', async () => {
    try {
      state.teams = await api.showTeam(select.value);
      await nav.show(state.screen);
    } catch (error) { toast(errorText(error)); }
  });
  return h('div', { class: 'team-switch' },
    h('label', { for: select.id, text: t('teams.switch') }), select);
}
