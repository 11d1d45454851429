// Settings: whether this person's weekly tally (counts only, never texts)
// goes to the team folder, in plain words. On unless switched off.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { toast } from '../parts/feedback.js';

export function tallySection(on) {
  const box = h('input', { type: 'checkbox', id: 'team-tally', testid: 'team-tally-toggle', checked: on });
  const status = h('p', { class: 'hint', testid: 'team-tally-status', 'aria-live': 'polite' });
  const say = () => { status.textContent = t(box.checked ? 'tally.statusOn' : 'tally.statusOff'); };
  say();
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    try {
      await api.setTallySharing(wanted);
      say();
      toast(t(wanted ? 'tally.switchedOn' : 'tally.switchedOff'));
    } catch (error) {
      box.checked = !wanted;
      toast(errorText(error));
    }
  });
  return h('section', { 'aria-labelledby': 'tally-title' },
    h('h2', { id: 'tally-title', text: t('tally.title') }),
    h('p', { class: 'section-intro', text: t('tally.explain') }),
    h('label', { class: 'switch' }, box, h('span', { text: t('tally.toggle') })),
    status,
    h('p', { class: 'hint', text: t('tally.offExplain') }));
}
