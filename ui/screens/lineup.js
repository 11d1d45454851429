// The team's line-up: a lead's shortlist of stories for this week's team
// meeting (by default the week's featured stories), shown full screen in
// large type one story at a time, and printable on one A4 page. Leads pick
// in the feed (`pickButton`); staff open the same line-up, read-only.
// Stories come from other PCs: they are shown as text, never as HTML.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText, formatDay } from '../i18n.js';
import { state } from '../state.js';
import { toast } from '../parts/feedback.js';

// Its styles load with the Team screen, never before the first screen.
if (!document.querySelector('link[href="lineup.css"]')) {
  document.head.append(h('link', { rel: 'stylesheet', href: 'lineup.css' }));
}

const weekNumber = (lineup) => Number(lineup.week.slice(-2));
const authorOf = (story) => story.author_name || t('lineup.aColleague');

// A feed item's "add to / in the line-up" toggle, for leads.
export function pickButton(story, lineup, onChanged) {
  const picked = lineup.stories.some((s) => s.story_id === story.story_id);
  return h('button', {
    type: 'button', class: picked ? 'quiet picked' : 'quiet', testid: 'lineup-pick',
    'aria-pressed': String(picked), text: picked ? t('lineup.picked') : t('lineup.pick'),
    onclick: async () => {
      const ids = lineup.stories.map((s) => s.story_id);
      const next = picked ? ids.filter((id) => id !== story.story_id) : [...ids, story.story_id];
      try {
        await api.setLineup(lineup.week, next);
        await onChanged();
      } catch (error) { toast(errorText(error)); }
    },
  });
}

// The Team screen's line-up box: what this week's line-up holds, start
// (or, for staff, open) it, print it. The print layout sits beside it,
// shown only on paper.
export function lineupSection(lineup, lead) {
  const n = lineup.stories.length;
  const start = h('button', {
    type: 'button', class: 'primary', testid: 'lineup-start', disabled: n === 0 && !lineup.voice,
    text: lead ? t('lineup.start') : t('lineup.open'),
    onclick: () => showLineup(lineup, start),
  });
  const hint = n === 0
    ? t(lead ? 'lineup.emptyLead' : 'lineup.empty')
    : t(lineup.picked ? 'lineup.count' : 'lineup.countFeatured', { n });
  return h('section', { class: 'lineup-box', 'aria-labelledby': 'lineup-title', testid: 'lineup-box' },
    h('h2', { id: 'lineup-title', text: t('lineup.title', { week: weekNumber(lineup) }) }),
    h('p', { class: 'hint', testid: 'lineup-summary', text: hint }),
    lineup.voice ? h('blockquote', { class: 'lineup-voice-box', testid: 'lineup-voice' },
      h('span', { class: 'lineup-label', text: t('lineup.voice') }), ' ',
      h('span', { dir: 'auto', text: lineup.voice })) : null,
    lead && n > 0 ? h('p', { class: 'hint', text: t('lineup.howToPick') }) : null,
    h('div', { class: 'button-row' },
      start,
      h('button', {
        type: 'button', class: 'quiet', testid: 'lineup-print', disabled: n === 0,
        text: t('lineup.print'), onclick: () => window.print(),
      })),
    printLayout(lineup));
}

// A customer's own words, the week's first slide when a lead picked some.
function voiceSlide(voice, index, count, lineup) {
  return h('article', { class: 'lineup-story', testid: 'lineup-story', 'aria-roledescription': t('lineup.slide') },
    h('p', { class: 'lineup-where', testid: 'lineup-position', text: t('lineup.position', { i: index + 1, n: count, week: weekNumber(lineup) }) }),
    h('p', { class: 'lineup-author', text: t('lineup.voice') }),
    h('p', { class: 'lineup-text', dir: 'auto', testid: 'lineup-text', text: `“${voice}”` }));
}

// One story, as the full-screen view shows it.
function slide(story, index, count, lineup) {
  if (story.voice) return voiceSlide(story.voice, index, count, lineup);
  return h('article', { class: 'lineup-story', testid: 'lineup-story', 'data-id': story.story_id, 'aria-roledescription': t('lineup.slide') },
    h('p', { class: 'lineup-where', testid: 'lineup-position', text: t('lineup.position', { i: index + 1, n: count, week: weekNumber(lineup) }) }),
    h('p', { class: 'lineup-author', dir: 'auto', testid: 'lineup-author', text: authorOf(story) }),
    h('p', { class: 'lineup-meta' },
      h('span', { class: `badge situation-${story.situation}`, text: t(`situation.${story.situation}`) }),
      ' ', h('span', { text: t(`customer.${story.customer}`) }),
      ' · ', h('time', { datetime: story.date, text: formatDay(story.date, state.today.date) })),
    h('p', { class: 'lineup-text', dir: 'auto', testid: 'lineup-text', text: story.text }),
    story.reaction ? h('p', { class: 'lineup-reaction' },
      h('span', { class: 'lineup-label', text: t('lineup.reaction') }), ' ',
      h('span', { dir: 'auto', text: story.reaction })) : null,
    story.exception ? h('p', { class: 'lineup-exception', testid: 'lineup-exception' },
      h('span', { class: 'lineup-label', text: t('lineup.exception') }), ' ',
      h('span', { dir: 'auto', text: `${story.exception.rule}: ${story.exception.allowed}` })) : null);
}

// The full-screen view: a modal dialog over the whole window, the window
// itself full screen. Arrow keys (and Page keys, Space) move, Esc leaves
// and gives the focus back to `opener`.
export function showLineup(lineup, opener) {
  const stories = [...(lineup.voice ? [{ voice: lineup.voice }] : []), ...lineup.stories];
  if (stories.length === 0) return;
  let at = 0;
  const stage = h('div', { class: 'lineup-stage', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'lineup-nav', testid: 'lineup-prev', text: `← ${t('lineup.prev')}` });
  const next = h('button', { type: 'button', class: 'lineup-nav', testid: 'lineup-next', text: `${t('lineup.next')} →` });
  const close = h('button', { type: 'button', class: 'lineup-close', testid: 'lineup-close', text: t('lineup.close') });
  const dialog = h('dialog', { class: 'lineup-view', testid: 'lineup-view', 'aria-label': t('lineup.title', { week: weekNumber(lineup) }) },
    h('div', { class: 'lineup-top' }, close),
    stage,
    h('div', { class: 'lineup-controls' }, prev, next));
  const draw = () => {
    clear(stage).append(slide(stories[at], at, stories.length, lineup));
    prev.disabled = at === 0;
    next.disabled = at === stories.length - 1;
    // A disabled button loses the focus: keep it in the view.
    if (document.activeElement === document.body || document.activeElement?.disabled) {
      (next.disabled ? prev : next).focus();
    }
  };
  const move = (by) => {
    const to = Math.min(stories.length - 1, Math.max(0, at + by));
    if (to !== at) { at = to; draw(); }
  };
  prev.addEventListener('click', () => move(-1));
  next.addEventListener('click', () => move(1));
  // A click on the story itself moves on, as on a clicker.
  stage.addEventListener('click', () => move(1));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('keydown', (event) => {
    if (['ArrowRight', 'PageDown', 'ArrowDown'].includes(event.key)
        || (event.key === ' ' && event.target.tagName !== 'BUTTON')) {
      event.preventDefault(); move(1);
    } else if (['ArrowLeft', 'PageUp', 'ArrowUp'].includes(event.key)) {
      event.preventDefault(); move(-1);
    } else if (event.key === 'Home') {
      event.preventDefault(); at = 0; draw();
    } else if (event.key === 'End') {
      event.preventDefault(); at = stories.length - 1; draw();
    }
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    document.documentElement.classList.remove('lineup-on');
    api.setFullscreen(false).catch(() => {});
    // The Team screen may have drawn its box again meanwhile: the button
    // that opened the view is then its namesake.
    const back = opener?.isConnected ? opener : document.querySelector(`[data-testid="${opener?.dataset.testid}"]`);
    back?.focus();
  });
  document.body.append(dialog);
  document.documentElement.classList.add('lineup-on');
  dialog.showModal();
  draw();
  next.disabled ? close.focus() : next.focus();
  api.setFullscreen(true).catch(() => {});
}

// The week's stories on one A4 page: shown only when printed. The more
// stories, the fewer lines of each (the rest is cut with an ellipsis).
function printLayout(lineup) {
  const n = lineup.stories.length;
  const size = n <= 2 ? 'few' : n <= 4 ? 'some' : n <= 8 ? 'many' : 'lots';
  return h('div', { class: 'lineup-print', testid: 'lineup-print-page', 'data-size': size },
    h('h1', { text: t('lineup.printTitle', { week: weekNumber(lineup) }) }),
    lineup.voice ? h('p', { class: 'print-text', dir: 'auto', text: `${t('lineup.voice')} “${lineup.voice}”` }) : null,
    h('ol', {}, lineup.stories.map((story) => h('li', {},
      h('p', { class: 'print-meta' },
        h('strong', { dir: 'auto', text: authorOf(story) }), ' · ',
        t(`situation.${story.situation}`), ' · ', t(`customer.${story.customer}`), ' · ', story.date),
      h('p', { class: 'print-text', dir: 'auto', text: story.text }),
      story.reaction ? h('p', { class: 'print-extra', dir: 'auto', text: `${t('lineup.reaction')} ${story.reaction}` }) : null,
      story.exception ? h('p', { class: 'print-extra', dir: 'auto', text: `${t('lineup.exception')} ${story.exception.rule}: ${story.exception.allowed}` }) : null))));
}
