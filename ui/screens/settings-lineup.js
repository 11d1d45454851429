// Settings: the person's own choice to be shown as "a colleague" in the
// team's line-ups (signed by them and sent to the team).
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { toast } from '../parts/feedback.js';
import { savingCheckbox } from '../parts/forms.js';

export async function lineupNameSetting(team) {
  if (!team) return null;
  const box = savingCheckbox({
    id: 'lineup-anonymous', testid: 'lineup-anonymous', checked: await api.lineupAnonymous(),
    save: api.setLineupAnonymous,
    saved: (on) => toast(t(on ? 'lineup.anonymousOn' : 'lineup.anonymousOff')),
  });
  return h('section', { 'aria-labelledby': 'lineup-name-title' },
    h('h2', { id: 'lineup-name-title', text: t('lineup.settingTitle') }),
    h('label', { class: 'check', for: 'lineup-anonymous' }, box, t('lineup.anonymous')),
    h('p', { class: 'hint', text: t('lineup.anonymousHint') }));
}
