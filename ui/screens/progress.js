// Progress: the streak, the habit's strength and the total; the fan club
// chart; the mix of kinds and customers; the if-then plans; and the weekly
// mirror.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, formatNumber, formatPercent } from '../i18n.js';
import { SITUATIONS, CUSTOMERS } from '../parts/moment-form.js';
import { fansChart, mixBars } from './progress-chart.js';
import { mirrorSection } from './progress-mirror.js';
import { plansEditor } from '../parts/plans.js';

const stat = (testid, value, label, sub) => h('div', { class: 'stat' },
  h('p', { class: 'stat-value', testid, text: value }),
  h('p', { class: 'stat-label', text: label }),
  sub ? h('p', { class: 'stat-sub' }, sub) : null);

// `nav.show` redraws the screen after the mirror is saved.
export async function progressScreen(nav) {
  const [progress, reflections, plans] = await Promise.all([
    api.progress(), api.reflections(), plansEditor()]);
  const stats = h('div', { class: 'stats' },
    stat('streak-current', formatNumber(progress.streak.current), t('progress.streak', { n: progress.streak.current }),
      [h('span', { text: `${t('progress.best')} ` }),
        h('span', { testid: 'streak-best', text: formatNumber(progress.streak.best) })]),
    stat('never-missed-twice', formatNumber(progress.never_missed_twice), t('progress.neverMissedTwice'),
      h('span', { text: t('progress.neverMissedTwiceHint') })),
    stat('habit-strength', formatPercent(progress.habit_strength / 100), t('progress.strength'),
      h('span', { text: t('progress.strengthHint') })),
    stat('fans-total', formatNumber(progress.total), t('progress.total', { n: progress.total }),
      h('span', { text: t('progress.thisWeek', { n: progress.this_week }) })));
  const page = h('div', { class: 'page progress' },
    h('h1', { text: t('progress.title') }),
    stats,
    h('section', { 'aria-labelledby': 'chart-title' },
      h('h2', { id: 'chart-title', text: t('progress.chart') }),
      fansChart(progress.weeks)),
    h('section', { 'aria-labelledby': 'mix-title' },
      h('h2', { id: 'mix-title', text: t('progress.mix') }),
      mixBars(SITUATIONS.map((v) => ({ label: t(`situation.${v}`), n: progress.situations[v] ?? 0 })),
        progress.total, 'mix-situations'),
      mixBars(CUSTOMERS.map((v) => ({ label: t(`customer.${v}`), n: progress.customers[v] ?? 0 })),
        progress.total, 'mix-customers'),
      h('p', { class: 'hint', text: t('progress.exceptionsUsed', { n: progress.exceptions_used }) })),
    h('section', { id: 'plans', 'aria-labelledby': 'plans-title' },
      h('h2', { id: 'plans-title', text: t('plans.title') }),
      h('p', { class: 'hint', text: t('plans.intro') }),
      plans),
    mirrorSection(progress, reflections, () => nav.show('progress')));
  return { page, focus: null };
}
