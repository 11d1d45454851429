// The Progress screen's pictures: the fan club chart (a bar per week, with
// the same numbers as a table for screen readers) and the mix bars.
import { h, svg } from '../dom.js';
import { t, formatNumber, formatPercent } from '../i18n.js';

export function fansChart(weeks) {
  const width = 720;
  const height = 200;
  const top = 16;
  const bottom = 28;
  const most = Math.max(1, ...weeks.map((w) => w.fans));
  const slot = width / weeks.length;
  const bar = slot * 0.7;
  const scale = (height - top - bottom) / most;
  const total = weeks.reduce((sum, w) => sum + w.fans, 0);
  const summary = t('progress.chartSummary', { n: total, weeks: weeks.length, most });
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-desc',
    'data-testid': 'fans-chart', preserveAspectRatio: 'none',
  },
  svg('desc', { id: 'chart-desc', text: summary }),
  svg('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, class: 'axis' }),
  weeks.map((week, i) => {
    const x = i * slot + (slot - bar) / 2;
    const barHeight = week.fans * scale;
    return svg('g', { 'data-fans': week.fans },
      svg('title', { text: t('progress.weekFans', { week: week.iso_week, n: week.fans }) }),
      svg('rect', {
        x, y: height - bottom - barHeight, width: bar, height: Math.max(barHeight, week.fans ? 2 : 0),
        rx: 3, class: i === weeks.length - 1 ? 'bar this-week' : 'bar',
      }),
      week.fans ? svg('text', { x: x + bar / 2, y: height - bottom - barHeight - 4, class: 'bar-value', text: formatNumber(week.fans) }) : null,
      i % 4 === weeks.length % 4 - 1 || i === weeks.length - 1
        ? svg('text', { x: x + bar / 2, y: height - 8, class: 'bar-label', text: t('progress.weekName', { n: week.iso_week }) }) : null);
  }));
  // The same numbers as text, for screen readers and copying.
  const table = h('table', { class: 'visually-hidden' },
    h('caption', { text: summary }),
    h('tbody', {}, weeks.map((week) => h('tr', {},
      h('th', { scope: 'row', text: t('progress.weekName', { n: week.iso_week }) }),
      h('td', { text: formatNumber(week.fans) })))));
  return h('figure', { class: 'chart-box' }, chart, table,
    h('figcaption', { class: 'hint', text: summary }));
}

export function mixBars(items, total, testid) {
  return h('ul', { class: 'mix', testid }, items.map((item) => {
    const share = total ? item.n / total : 0;
    const fill = h('span', { class: 'mix-fill' });
    fill.style.width = `${Math.round(share * 100)}%`;
    return h('li', {},
      h('span', { class: 'mix-label', text: item.label }),
      h('span', { class: 'mix-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'mix-value', text: `${formatNumber(item.n)} (${formatPercent(share)})` }));
  }));
}
