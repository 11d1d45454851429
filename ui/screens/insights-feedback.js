// Insights, the lagging side: the customers' own score (NPS) beside the
// team's leading numbers, week by week, with its band and a four-week NPS
// that does not jump about; and importing it from a survey tool's export,
// previewed before anything is saved. Comments stay on this PC.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText, formatNumber } from '../i18n.js';
import { toast } from '../parts/feedback.js';
import { showComments } from './insights-voice.js';
import { participationText } from '../parts/participation.js';

const signed = (n) => (n > 0 ? `+${formatNumber(n)}` : formatNumber(n));

function npsCell(week) {
  if (week.answers === 0) return h('td', { testid: 'insights-nps', text: '–', 'aria-label': t('nps.noAnswers') });
  if (week.nps === null) {
    return h('td', { testid: 'insights-nps', class: 'hint', text: t('nps.tooFew', { n: week.answers }) });
  }
  return h('td', { testid: 'insights-nps' },
    h('strong', { text: signed(week.nps) }),
    h('span', { class: 'hint', text: ` · ${t('nps.answers', { n: week.answers })}` }));
}

function bandCell(week) {
  const text = week.low === null ? '–' : t('nps.band', { low: signed(week.low), high: signed(week.high) });
  return h('td', { testid: 'insights-nps-band', text });
}

function rollingCell(week) {
  return h('td', { text: week.rolling === null ? '–' : signed(week.rolling) });
}

// Leading beside lagging, one row per week (newest first, as above).
function besideTable(weeks, lagging, fromTallies, openComments) {
  return h('table', { class: 'insights', testid: 'insights-lagging' },
    h('caption', { class: 'visually-hidden', text: t('nps.caption') }),
    h('thead', {}, h('tr', {}, ['week', 'taking', 'perMember', 'nps', 'band', 'rolling', 'comments']
      .map((key) => h('th', { scope: 'col', text: t(`nps.col.${key}`) })))),
    h('tbody', {}, lagging.map((week, i) => {
      const leading = weeks[i];
      const shown = leading?.numbers_shown;
      return h('tr', {},
        h('th', { scope: 'row', text: t('progress.weekName', { n: week.iso_week }) }),
        h('td', { text: leading && leading.members > 0 ? participationText(leading, fromTallies) : '–' }),
        h('td', { text: shown ? formatNumber(leading.fans_per_member) : '–' }),
        npsCell(week), bandCell(week), rollingCell(week),
        h('td', {}, week.answers > 0 ? h('button', {
          type: 'button', class: 'link', testid: 'feedback-comments-open',
          text: t('nps.comments'), 'aria-label': t('nps.commentsOf', { n: week.iso_week }),
          onclick: () => openComments(week),
        }) : null));
    })));
}

function weekList(preview) {
  return h('table', { class: 'insights preview-weeks' },
    h('caption', { class: 'visually-hidden', text: t('feedback.previewWeeks') }),
    h('thead', {}, h('tr', {}, ['week', 'answers', 'nps', 'change']
      .map((key) => h('th', { scope: 'col', text: t(`feedback.col.${key}`) })))),
    h('tbody', {}, preview.understood.weeks.map((week) => {
      const change = preview.replaced_weeks.includes(week.week) ? 'replaces'
        : preview.unchanged_weeks.includes(week.week) ? 'unchanged' : 'new';
      return h('tr', {},
        h('th', { scope: 'row', dir: 'ltr', text: week.week }),
        h('td', { text: formatNumber(week.answers) }),
        h('td', { text: signed(week.nps) }),
        h('td', { text: t(`feedback.change.${change}`) }));
    })));
}

// Why a row was left out, in the person's language (the core's English
// where a newer core knows a problem this window does not).
function problemText(row) {
  const problem = row.problem || {};
  const key = `feedback.problem.${problem.code}`;
  const params = { ...problem, year: String(problem.year ?? '') };
  if (problem.column) params.column = t(`feedback.counted.${problem.column}`);
  const text = t(key, params);
  return text === key ? row.reason : text;
}

function skippedList(skipped) {
  if (skipped.length === 0) return h('p', { class: 'hint', text: t('feedback.noneSkipped') });
  const shown = skipped.slice(0, 50);
  return h('div', {},
    h('p', { text: t('feedback.skipped', { n: skipped.length }) }),
    h('ul', { class: 'skipped-rows', testid: 'feedback-skipped' }, shown.map((row) =>
      h('li', { text: t('feedback.skippedRow', { row: row.row, reason: problemText(row) }) }))),
    skipped.length > shown.length ? h('p', { class: 'hint', text: t('feedback.moreSkipped', { n: skipped.length - shown.length }) }) : null);
}

// What Fanday understood of the file, and what saving would change.
function previewPanel(preview, done) {
  const answers = preview.understood.weeks.reduce((sum, week) => sum + week.answers, 0);
  const changes = preview.new_weeks.length + preview.replaced_weeks.length;
  const cancel = h('button', { type: 'button', class: 'quiet', text: t('feedback.cancel'), onclick: () => done(false) });
  const save = h('button', {
    type: 'button', class: 'primary', testid: 'feedback-save', disabled: changes === 0,
    text: t('feedback.save', { n: changes }),
    onclick: async () => {
      save.disabled = true;
      try {
        const saved = await api.importFeedback();
        toast(t('feedback.saved', { n: saved.new_weeks.length + saved.replaced_weeks.length }));
        done(true);
      } catch (error) {
        save.disabled = false;
        toast(errorText(error));
      }
    },
  });
  const panel = h('section', { class: 'card feedback-preview', testid: 'feedback-preview', 'aria-labelledby': 'feedback-preview-title', tabindex: '-1' },
    h('h3', { id: 'feedback-preview-title', text: t('feedback.previewTitle', { file: preview.source }) }),
    h('p', { text: t('feedback.understood', { weeks: preview.understood.weeks.length, answers, comments: preview.understood.comments.length }) }),
    preview.replaced_weeks.length ? h('p', { class: 'warning', text: t('feedback.replaces', { weeks: preview.replaced_weeks.join(', '), n: preview.replaced_weeks.length }) }) : null,
    changes === 0 ? h('p', { class: 'hint', text: t('feedback.nothingNew') }) : null,
    preview.understood.weeks.length ? h('div', { class: 'table-wrap' }, weekList(preview)) : null,
    skippedList(preview.understood.skipped),
    preview.understood.comments.length ? h('p', { class: 'hint', text: t('feedback.commentsStay') }) : null,
    h('div', { class: 'form-actions' }, cancel, save));
  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') done(false); });
  return panel;
}

// The section under the leading table. `refresh` draws Insights again.
export function feedbackSection(insights, refresh) {
  const previewSlot = h('div', {});
  const commentsSlot = h('div', {});
  const inTeam = insights.recognition !== null;
  const openComments = (week) => showComments(week, commentsSlot, inTeam).catch((error) => toast(errorText(error)));
  const importButton = h('button', {
    type: 'button', class: 'quiet', testid: 'feedback-import', text: t('feedback.import'),
    onclick: async () => {
      try {
        const preview = await api.chooseFeedbackFile(t('feedback.chooseTitle'));
        if (!preview) return;
        clear(previewSlot);
        const panel = previewPanel(preview, async (saved) => {
          clear(previewSlot);
          if (saved) await refresh();
          else importButton.focus();
        });
        previewSlot.append(panel);
        panel.focus();
      } catch (error) { toast(errorText(error)); }
    },
  });
  const exportButton = h('button', {
    type: 'button', class: 'quiet', testid: 'insights-export', text: t('nps.export'),
    onclick: async () => {
      try {
        const done = await api.exportInsights(t('nps.export'));
        if (done) toast(t('data.exported', { n: done.rows, path: done.path }));
      } catch (error) { toast(errorText(error)); }
    },
  });
  return h('section', { 'aria-labelledby': 'nps-title' },
    h('h2', { id: 'nps-title', text: t('nps.title') }),
    h('p', { class: 'section-intro', text: t('nps.intro') }),
    insights.feedback_imported
      ? h('div', { class: 'table-wrap' }, besideTable(insights.weeks, insights.lagging, insights.source.kind === 'tallies', openComments))
      : h('p', { class: 'empty', testid: 'nps-empty', text: t('nps.empty') }),
    insights.feedback_imported ? h('p', { class: 'hint', text: t('nps.canSay') }) : null,
    h('div', { class: 'button-row' }, importButton, exportButton),
    previewSlot,
    commentsSlot);
}
