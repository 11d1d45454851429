// Undantag: the catalogue of agreed rule exceptions (searchable), the
// proposals waiting for a decision (all of them for a lead, one's own for
// staff), earlier ones, and the form to propose or add one. A lead facing an
// empty catalogue gets ideas to start from.
import * as api from '../api.js';
import { h, clear, icon } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { state, leadInView, myIdInView } from '../state.js';
import { toast } from '../parts/feedback.js';
import { teamSwitch } from '../parts/team-switch.js';
import { exceptionCard } from './exception-card.js';
import { exceptionForm } from './exceptions-form.js';

const SEED_IDEAS = ['change', 'returns', 'gesture'];
const SEED_NUMBERS = {
  change: { amount_sek: 100, minutes: null },
  returns: { amount_sek: null, minutes: null },
  gesture: { amount_sek: 100, minutes: null },
};

function ideaList(fill) {
  return h('ul', { class: 'idea-list' }, SEED_IDEAS.map((key) => h('li', { class: 'idea' },
    h('p', { class: 'idea-rule', text: t(`seed.${key}.rule`) }),
    h('p', { class: 'idea-allowed', text: t(`seed.${key}.allowed`) }),
    h('button', {
      type: 'button', class: 'quiet', testid: 'exception-seed', text: t('exceptions.useIdea'),
      onclick: () => fill({
        rule: t(`seed.${key}.rule`), allowed: t(`seed.${key}.allowed`),
        limits: t(`seed.${key}.limits`), ...SEED_NUMBERS[key],
      }),
    }))));
}

export async function exceptionsScreen(nav) {
  const switcher = await teamSwitch(nav);
  const lead = leadInView();
  const search = h('input', {
    type: 'search', id: 'exception-search', testid: 'exception-search', dir: 'auto',
    placeholder: t('exceptions.searchPlaceholder'),
  });
  const catalogue = h('ul', { class: 'exception-list', testid: 'exception-catalogue', 'aria-live': 'polite' });
  const queue = h('ul', { class: 'exception-list' });
  const earlier = h('ul', { class: 'exception-list' });
  const queueSection = h('section', { 'aria-labelledby': 'queue-title' },
    h('h2', { id: 'queue-title', text: lead ? t('exceptions.queue') : t('exceptions.mine') }), queue);
  const earlierSection = h('details', { class: 'earlier' },
    h('summary', { text: t('exceptions.earlier') }), earlier);
  const ideas = h('section', { class: 'ideas', 'aria-labelledby': 'ideas-title', hidden: true });
  const { form, fill } = exceptionForm({ lead, onSaved: () => load() });

  // Typing fast starts loads that may finish out of order: only the latest draws.
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const words = search.value.trim() || null;
    const [approved, all] = await Promise.all([
      api.listExceptions({ status: 'approved', search: words }),
      api.listExceptions({}),
    ]);
    if (mine !== generation) return;
    clear(catalogue);
    if (approved.length === 0) {
      catalogue.append(h('li', { class: 'empty', testid: 'exceptions-empty',
        text: words ? t('exceptions.noMatch') : t('exceptions.empty') }));
    }
    for (const exception of approved) catalogue.append(exceptionCard(exception, { lead, onChanged: load }));

    const proposed = all.filter((e) => e.status === 'proposed'
      && (lead || e.proposed_by === myIdInView()));
    clear(queue);
    if (proposed.length === 0) {
      queue.append(h('li', { class: 'empty', text: lead ? t('exceptions.queueEmpty') : t('exceptions.mineEmpty') }));
    }
    for (const exception of proposed) queue.append(exceptionCard(exception, { lead, onChanged: load }));

    const past = all.filter((e) => ['rejected', 'retired', 'withdrawn'].includes(e.status));
    clear(earlier);
    for (const exception of past) earlier.append(exceptionCard(exception, { lead, onChanged: load }));
    earlierSection.hidden = past.length === 0;

    // A lead facing an empty catalogue gets ideas to start from.
    ideas.hidden = !(lead && all.length === 0);
    if (!ideas.hidden && ideas.childElementCount === 0) {
      ideas.append(
        h('h2', { id: 'ideas-title', text: t('exceptions.ideas') }),
        h('p', { class: 'hint', text: t('exceptions.ideasHint') }),
        ideaList(fill));
    }
  };
  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => load().catch((e) => toast(errorText(e))), 120);
  });
  await load();
  const page = h('div', { class: 'page exceptions' },
    switcher,
    h('h1', { text: t('exceptions.title') }),
    h('p', { class: 'lead', text: t('exceptions.intro') }),
    ideas,
    h('div', { class: 'toolbar', role: 'search' },
      h('label', { class: 'search' }, icon('search'),
        h('span', { class: 'visually-hidden', text: t('exceptions.search') }), search)),
    catalogue,
    queueSection,
    h('section', { 'aria-labelledby': 'propose-title' },
      h('h2', { id: 'propose-title', text: lead ? t('exceptions.add') : t('exceptions.propose') }), form),
    earlierSection);
  return { page, focus: search };
}
