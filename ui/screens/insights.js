// Insights, for leads: week by week, how many take part and what kinds of
// moments are made, as a table. No one is ranked.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, formatNumber, formatPercent } from '../i18n.js';
import { SITUATIONS, CUSTOMERS } from '../parts/moment-form.js';

export async function insightsScreen() {
  const weeks = await api.insights();
  const pct = (x) => formatPercent(x / 100);
  const table = h('table', { class: 'insights', testid: 'insights-table' },
    h('caption', { class: 'visually-hidden', text: t('insights.caption') }),
    h('thead', {}, h('tr', {}, ['week', 'participation', 'perMember', 'fans', 'mix', 'customers', 'exceptions']
      .map((key) => h('th', { scope: 'col', text: t(`insights.${key}`) })))),
    h('tbody', {}, weeks.map((week) => h('tr', { testid: 'insights-week' },
      h('th', { scope: 'row', text: t('progress.weekName', { n: week.iso_week }) }),
      h('td', { text: pct(week.participation) }),
      h('td', { text: formatNumber(week.fans_per_member) }),
      h('td', { text: formatNumber(week.fans) }),
      h('td', { text: SITUATIONS.map((v) => `${t(`situation.${v}`)} ${formatNumber(week.situations[v] ?? 0)}`).join(' · ') }),
      h('td', { text: CUSTOMERS.map((v) => `${t(`customer.${v}`)} ${formatNumber(week.customers[v] ?? 0)}`).join(' · ') }),
      h('td', { text: formatNumber(week.exceptions_used) })))));
  const page = h('div', { class: 'page insights-page' },
    h('h1', { text: t('insights.title') }),
    h('p', { class: 'lead', text: t('insights.intro') }),
    h('p', { class: 'hint', text: t('insights.source') }),
    h('div', { class: 'table-wrap' }, table));
  return { page, focus: null };
}
