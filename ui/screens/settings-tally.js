// Settings: whether this person's weekly tally (counts only, never texts)
// goes to the team folder, in plain words. On unless switched off.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { toast } from '../parts/feedback.js';
import { savingCheckbox } from '../parts/forms.js';

export function tallySection(on) {
  const status = h('p', { class: 'hint', testid: 'team-tally-status', 'aria-live': 'polite' });
  const say = (wanted) => { status.textContent = t(wanted ? 'tally.statusOn' : 'tally.statusOff'); };
  say(on);
  const box = savingCheckbox({
    id: 'team-tally', testid: 'team-tally-toggle', checked: on,
    save: api.setTallySharing,
    saved: (wanted) => { say(wanted); toast(t(wanted ? 'tally.switchedOn' : 'tally.switchedOff')); },
  });
  return h('section', { 'aria-labelledby': 'tally-title' },
    h('h2', { id: 'tally-title', text: t('tally.title') }),
    h('p', { class: 'section-intro', text: t('tally.explain') }),
    h('label', { class: 'switch' }, box, h('span', { text: t('tally.toggle') })),
    status,
    h('p', { class: 'hint', text: t('tally.offExplain') }));
}
