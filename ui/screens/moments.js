// My moments: everything this person logged, searchable and filtered by
// kind, each one editable and deletable (with an undo).
import * as api from '../api.js';
import { h, clear, icon } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { state } from '../state.js';
import { toast } from '../parts/feedback.js';
import { SITUATIONS } from '../parts/moment-form.js';
import { momentItem } from '../parts/moment-item.js';

// `nav.show` moves to another screen.
export async function momentsScreen(nav) {
  const list = h('ul', { class: 'moment-list', testid: 'moment-list', 'aria-live': 'polite' });
  const count = h('p', { class: 'count', testid: 'moment-count' });
  const search = h('input', {
    type: 'search', id: 'moment-search', testid: 'moment-search',
    placeholder: t('moments.searchPlaceholder'), value: state.moments.search, dir: 'auto',
  });
  const filter = h('select', { id: 'moment-filter', testid: 'moment-filter' },
    h('option', { value: '', text: t('moments.filterAll') }),
    SITUATIONS.map((v) => h('option', { value: v, text: t(`situation.${v}`) })));
  filter.value = state.moments.situation;

  // Typing fast starts loads that may finish out of order: only the latest draws.
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const { search: words, situation } = state.moments;
    const moments = await api.listMoments({ search: words || null, situation: situation || null });
    if (mine !== generation) return;
    clear(list);
    const filtered = Boolean(words.trim() || situation);
    count.textContent = t('moments.count', { n: moments.length });
    if (moments.length === 0) {
      list.append(h('li', { class: 'empty', testid: 'moments-empty' },
        h('p', { text: filtered ? t('moments.noMatch') : t('moments.empty') }),
        filtered ? null : h('button', {
          type: 'button', class: 'primary', text: t('moments.emptyAction'), onclick: () => nav.show('today'),
        })));
    }
    for (const moment of moments) list.append(momentItem(moment, { onChanged: load }));
  };
  let debounce = null;
  search.addEventListener('input', () => {
    state.moments.search = search.value;
    clearTimeout(debounce);
    debounce = setTimeout(() => load().catch((e) => toast(errorText(e))), 120);
  });
  filter.addEventListener('change', () => {
    state.moments.situation = filter.value;
    load().catch((e) => toast(errorText(e)));
  });
  await load();
  const page = h('div', { class: 'page moments' },
    h('h1', { text: t('moments.title') }),
    h('div', { class: 'toolbar', role: 'search' },
      h('label', { class: 'search' }, icon('search'),
        h('span', { class: 'visually-hidden', text: t('moments.search') }), search),
      h('label', { class: 'filter' },
        h('span', { class: 'visually-hidden', text: t('moments.filter') }), filter)),
    count,
    list);
  return { page, focus: search };
}
