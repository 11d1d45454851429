// Today, the hero: one question, the quick-log form with the cursor in it,
// whether today's fan is made, and the last few moments.
import * as api from '../api.js';
import { h, clear, icon } from '../dom.js';
import { t, formatDay } from '../i18n.js';
import { state, refreshToday, takePrefetched } from '../state.js';
import { toast } from '../parts/feedback.js';
import { momentForm } from '../parts/moment-form.js';
import { momentItem } from '../parts/moment-item.js';

function renderStatus(el) {
  const { made, fans_today: n, missed } = state.today;
  clear(el);
  el.classList.toggle('made', made);
  if (made) el.append(icon('check'));
  el.append(h('span', { text: made ? (n > 1 ? t('today.madeMany', { n }) : t('today.made')) : t('today.notYet') }));
  // After a missed day: kind words, never a lost streak.
  if (!made && missed) el.append(h('span', { class: 'missed', testid: 'today-missed', text: missedWords(missed) }));
}

function missedWords(missed) {
  if (missed.in_a_row > 1) return t('today.missedSeveral');
  return missed.yesterday ? t('today.missedYesterday') : t('today.missedLastWorkingDay');
}

// `nav.show` moves to another screen.
export async function todayScreen(nav) {
  const status = h('p', { class: 'today-status', testid: 'today-status', role: 'status' });
  renderStatus(status);
  // A moment deleted or edited elsewhere, or the reminder's day start
  // changed, redraws the line while it is on screen.
  state.onTodayChanged = () => { if (status.isConnected) renderStatus(status); };
  const recentList = h('ul', { class: 'moment-list compact', testid: 'recent-list' });
  const recent = h('section', { class: 'recent', 'aria-labelledby': 'recent-title' },
    h('h2', { id: 'recent-title', text: t('today.recent') }), recentList,
    h('button', { type: 'button', class: 'link', text: t('today.seeAll'), onclick: () => nav.show('moments') }));
  const loadRecent = async () => {
    const moments = takePrefetched('recent_moments') ?? await api.listMoments({ limit: 5 });
    clear(recentList);
    if (moments.length === 0) {
      recentList.append(h('li', { class: 'empty', text: t('today.recentEmpty') }));
    }
    for (const moment of moments) recentList.append(momentItem(moment, {}));
  };
  let current = null;
  const onSaved = async (saved) => {
    const wasMade = state.today.made;
    await refreshToday();
    const savedForm = current.form;
    current = newForm();
    savedForm.replaceWith(current.form);
    let message = t('form.savedEarlier', { date: formatDay(saved.date, state.today.date) });
    if (saved.date === state.today.date) message = wasMade ? t('form.savedAgain') : t('form.saved');
    toast(message);
    current.text.focus();
    await loadRecent();
  };
  // A fresh form after each save: ready for another moment.
  const newForm = () => momentForm({ id: 'log-form', onSaved });
  current = newForm();
  const mirrorPrompt = state.today.mirror_due ? h('p', { class: 'mirror-prompt', testid: 'mirror-prompt' },
    h('span', { text: t('today.mirrorDue') }),
    h('button', { type: 'button', class: 'link', text: t('today.mirrorOpen'), onclick: () => nav.show('progress') })) : null;
  const page = h('div', { class: 'page today' },
    h('header', { class: 'hero' },
      h('h1', { text: t('today.prompt') }),
      status),
    mirrorPrompt,
    current.form,
    recent);
  await loadRecent();
  return { page, focus: current.text };
}
