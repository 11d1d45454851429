// Insights, for leads: week by week, how many take part and what kinds of
// moments are made, as a table, from the team's weekly tallies where the
// team sends them (the page says which source); and who has not been
// recognised lately, as names to act on; then the customers' own score
// beside them. No one is ranked, and no one's own numbers are shown.
import * as api from '../api.js';
import { teamSwitch } from '../parts/team-switch.js';
import { errorBox } from '../parts/feedback.js';
import { h, clear, append } from '../dom.js';
import { t, formatNumber, formatPercent } from '../i18n.js';
import { SITUATIONS, CUSTOMERS } from '../parts/moment-form.js';
import { feedbackSection } from './insights-feedback.js';
import { participationText } from '../parts/participation.js';
import { regionSection } from './insights-region.js';

const pct = (x) => formatPercent(x / 100);
// The core sends no numbers for a week with too few tallies.
const MIN_TALLIES = 3;

function sourceText(source) {
  if (source.kind !== 'tallies') return t('insights.thisComputer');
  return t('insights.fromTallies', { n: source.members, publishing: source.publishing });
}

function weekRow(week, fromTallies) {
  const why = week.members === 0 && fromTallies ? 'insights.noTallies' : 'insights.hidden';
  const hidden = () => h('td', { text: '–', 'aria-label': t(why) });
  const cell = (text) => (week.numbers_shown ? h('td', { text }) : hidden());
  // One tally alone shows no participation: it would be that member's.
  const share = participationText(week, fromTallies);
  const taking = week.members === 0 && fromTallies ? '–'
    : fromTallies ? `${share} · ${t('insights.talliesIn', { n: week.members })}` : share;
  return h('tr', { testid: 'insights-week' },
    h('th', { scope: 'row', text: t('progress.weekName', { n: week.iso_week }) }),
    h('td', { text: taking }),
    cell(formatNumber(week.fans_per_member)),
    cell(formatNumber(week.fans)),
    cell(SITUATIONS.map((v) => `${t(`situation.${v}`)} ${formatNumber(week.situations[v] ?? 0)}`).join(' · ')),
    cell(CUSTOMERS.map((v) => `${t(`customer.${v}`)} ${formatNumber(week.customers[v] ?? 0)}`).join(' · ')),
    cell(formatNumber(week.exceptions_used)),
    cell(formatNumber(week.plans_followed)));
}

function recognitionSection(recognition) {
  const names = recognition.unrecognised;
  const list = h('div', { testid: 'insights-unrecognised' },
    names.length
      ? h('ul', { class: 'name-list' }, names.map((name) => h('li', { text: name })))
      : h('p', { class: 'empty', text: t('insights.everyoneRecognised') }));
  const table = h('table', { class: 'insights recognition', testid: 'insights-recognition' },
    h('caption', { class: 'visually-hidden', text: t('insights.recognisedCaption') }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: t('insights.week') }),
      h('th', { scope: 'col', text: t('insights.recognised') }))),
    h('tbody', {}, recognition.weeks.map((week) => h('tr', { testid: 'insights-recognised-week' },
      h('th', { scope: 'row', text: t('progress.weekName', { n: week.iso_week }) }),
      h('td', { text: `${pct(week.share)} · ${t('insights.recognisedOf', { n: week.members, recognised: week.recognised })}` })))));
  return h('section', { 'aria-labelledby': 'recognition-title' },
    h('h2', { id: 'recognition-title', text: t('insights.recognitionTitle') }),
    h('p', { class: 'section-intro', text: t('insights.unrecognisedIntro') }),
    list,
    h('p', { class: 'hint', text: t('insights.recognisedIntro') }),
    h('div', { class: 'table-wrap' }, table));
}

// Built again after a feedback import, in place.
async function fillPage(page, switcher) {
  const insights = await api.insights();
  const { source, weeks, recognition } = insights;
  const fromTallies = source.kind === 'tallies';
  const table = h('table', { class: 'insights', testid: 'insights-table' },
    h('caption', { class: 'visually-hidden', text: t('insights.caption') }),
    h('thead', {}, h('tr', {}, ['week', 'participation', 'perMember', 'fans', 'mix', 'customers', 'exceptions', 'plans']
      .map((key) => h('th', { scope: 'col', text: t(`insights.${key}`) })))),
    h('tbody', {}, weeks.map((week) => weekRow(week, fromTallies))));
  const someHidden = weeks.some((week) => !week.numbers_shown && week.members > 0);
  // `append` leaves out the sections a page has not (null).
  append(clear(page), [
    switcher,
    h('h1', { text: t('insights.title') }),
    h('p', { class: 'lead', text: t('insights.intro') }),
    h('p', { class: 'hint', testid: 'insights-source', text: sourceText(source) }),
    fromTallies ? h('p', { class: 'hint', text: t('insights.talliesHint') }) : null,
    h('div', { class: 'table-wrap' }, table),
    someHidden ? h('p', { class: 'hint', text: t('insights.fewTallies', { n: MIN_TALLIES }) }) : null,
    feedbackSection(insights, () => fillPage(page, switcher)),
    recognition ? recognitionSection(recognition) : null,
    regionSection()]);
}

export async function insightsScreen(nav) {
  const page = h('div', { class: 'page insights-page' });
  const switcher = await teamSwitch(nav);
  // A team in view that this person does not lead has no Insights: the
  // switch stays, to pick another.
  try {
    await fillPage(page, switcher);
  } catch (error) {
    append(clear(page), [switcher, h('h1', { text: t('insights.title') }), errorBox(error)]);
  }
  return { page, focus: null };
}
