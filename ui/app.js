// Fanday's window: Today, My moments, Settings, and the first-run setup.
import * as api from './api.js';
import { h, append, clear, icon, svg } from './dom.js';
import { renderTeamStatus } from './team-status.js';
import { keySection, teamPeople, waitingToBeLetIn } from './team-people.js';
import {
  t, setLanguage, currentLanguage, languageFromLocale, errorText, normalizeError, formatDay, addDays,
  formatNumber, formatPercent,
} from './i18n.js';


const SITUATIONS = ['just_because', 'said_no', 'complaint'];
const CUSTOMERS = ['external', 'internal'];
const TOOK = ['time', 'generosity', 'flexibility'];
// The screens in the rail, in order (Ctrl+1, Ctrl+2, ...); Insights for leads.
const screens = () => ['today', 'moments', 'team', 'progress', 'exceptions',
  ...(state.profile?.role === 'lead' ? ['insights'] : []), 'settings'];

const state = {
  profile: null,
  today: null,
  prefetched: null,
  dataDir: '',
  systemLanguage: 'en',
  screen: 'today',
  moments: { search: '', situation: '' },
  commentDrafts: new Map(),
};

const main = document.getElementById('main');
const rail = document.getElementById('rail');

// ---------- feedback ----------

let toastTimer = null;
function toast(message, action) {
  const box = document.getElementById('toast');
  clear(box);
  box.append(h('span', { text: message }));
  if (action) {
    box.append(h('button', {
      type: 'button', class: 'link', testid: 'toast-action', text: action.label,
      onclick: () => { hideToast(); action.run(); },
    }));
  }
  box.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, action ? 10000 : 4000);
  box.undo = action?.run ?? null;
}

function hideToast() {
  const box = document.getElementById('toast');
  box.classList.remove('shown');
  box.undo = null;
}

function errorBox(error) {
  return h('p', { class: 'error', role: 'alert', testid: 'error', text: errorText(error) });
}

// Shows an error next to its field, or at the top of the form.
function showFormError(form, error) {
  clearFormErrors(form);
  const err = normalizeError(error);
  const field = err.field && form.querySelector(`[data-field="${err.field}"]`);
  const box = errorBox(err);
  if (field) {
    const folded = field.closest('details');
    if (folded) folded.open = true;
    box.id = `${form.id}-${err.field}-error`;
    field.after(box);
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', box.id);
    field.focus();
  } else {
    form.prepend(box);
  }
}

function clearFormErrors(form) {
  form.querySelectorAll('[data-testid="error"]').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  });
}

// ---------- shared pieces ----------

function radioGroup({ name, legend, options, checked, testidPrefix, big = false }) {
  return h('fieldset', { class: big ? 'choices big' : 'choices' },
    h('legend', { text: legend }),
    h('div', { class: 'choice-row' }, options.map((opt) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name, value: opt.value, checked: opt.value === checked,
        testid: testidPrefix ? `${testidPrefix}${opt.value}` : null,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-label', text: opt.label }),
        opt.hint ? h('span', { class: 'choice-hint', text: opt.hint }) : null)))));
}

function checkedValue(form, name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

// The days a moment may be dated: today and up to a week back, plus the
// moment's own date when editing an older one.
function dayOptions(keepDate) {
  const { date: today, earliest_date: earliest } = state.today;
  const days = [];
  for (let day = today; day >= earliest; day = addDays(day, -1)) days.push(day);
  if (keepDate && !days.includes(keepDate)) days.push(keepDate);
  return days.map((day) => h('option', { value: day, text: formatDay(day, today) }));
}

function ctrlEnterSubmits(form) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

// The quick-log form, also used to edit. Test ids only on the Today form,
// so a WebDriver script always finds one of each.
function momentForm({ id, moment = null, onSaved }) {
  const editing = Boolean(moment);
  const tid = (name) => (editing ? `edit-${name}` : name);
  const text = h('textarea', {
    id: `${id}-text`, rows: 3, maxlength: 4000, testid: tid('moment-text'), 'data-field': 'text',
    placeholder: t('form.textPlaceholder'), dir: 'auto', required: true,
    'aria-describedby': `${id}-text-hint`,
  });
  text.value = moment?.text ?? '';
  const reaction = h('textarea', {
    id: `${id}-reaction`, rows: 2, maxlength: 4000, testid: tid('moment-reaction'),
    'data-field': 'reaction', placeholder: t('form.reactionPlaceholder'), dir: 'auto',
  });
  reaction.value = moment?.reaction ?? '';
  const date = h('select', { id: `${id}-date`, 'data-field': 'date', testid: tid('moment-date') },
    dayOptions(moment?.date));
  date.value = moment?.date ?? state.today.date;
  const shared = h('input', {
    type: 'checkbox', id: `${id}-shared`, testid: tid('share-toggle'), checked: Boolean(moment?.shared),
  });
  const exceptionPick = h('select', { id: `${id}-exception`, 'data-field': 'exception', testid: tid('moment-exception') },
    h('option', { value: '', text: t('form.noException') }));
  const told = h('input', {
    type: 'checkbox', id: `${id}-told`, testid: tid('moment-told-customer'), checked: Boolean(moment?.told_customer),
  });
  const toldBox = h('div', { class: 'told', hidden: true },
    h('p', { class: 'told-reminder', text: t('form.tellCustomer') }),
    h('label', { class: 'check' }, told, h('span', { text: t('form.toldCustomer') })));
  const showTold = () => { toldBox.hidden = !exceptionPick.value; };
  exceptionPick.addEventListener('change', showTold);
  // Approved exceptions to pick from; an edited moment keeps its own even if retired.
  const prefetched = editing ? null : takePrefetched('approved_exceptions');
  (prefetched ? Promise.resolve(prefetched) : api.listExceptions({ status: 'approved' })).then((approved) => {
    for (const exception of approved) {
      exceptionPick.append(h('option', { value: exception.id, text: exception.rule }));
    }
    if (moment?.exception_id && !approved.some((e) => e.id === moment.exception_id)) {
      exceptionPick.append(h('option', {
        value: moment.exception_id, text: t('form.retiredException', { rule: moment.exception_rule ?? '' }),
      }));
    }
    exceptionPick.value = moment?.exception_id ?? '';
    exceptionPick.disabled = exceptionPick.options.length === 1;
    exceptionPick.dataset.loaded = 'true';
    showTold();
  }).catch(() => { exceptionPick.disabled = true; });
  const saveButton = h('button', { type: 'submit', class: 'primary', testid: tid('moment-save') },
    editing ? t('edit.save') : t('form.save'));

  const details = h('details', { class: 'more', open: editing && Boolean(moment.reaction || moment.took || moment.shared) },
    h('summary', { testid: tid('moment-more'), text: t('form.more') }),
    h('div', { class: 'field' }, h('label', { for: reaction.id, text: t('form.reaction') }), reaction),
    h('div', { class: 'field' }, h('label', { for: date.id, text: t('form.date') }), date),
    radioGroup({
      name: `${id}-took`, legend: t('form.took'), checked: moment?.took ?? '',
      options: [{ value: '', label: t('took.none') }, ...TOOK.map((v) => ({ value: v, label: t(`took.${v}`) }))],
    }),
    h('div', { class: 'field' },
      h('label', { for: exceptionPick.id, text: t('form.exception') }), exceptionPick, toldBox),
    h('label', { class: 'check' }, shared, h('span', { text: t('form.shared') })));
  if (editing && moment.exception_id) details.open = true;

  const form = h('form', { id, class: 'moment-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: text.id, class: 'label', text: t('form.text') }),
      text,
      h('p', { id: `${id}-text-hint`, class: 'hint', text: t('form.textHint') })),
    radioGroup({
      name: `${id}-situation`, legend: t('form.situation'), big: true,
      checked: moment?.situation ?? 'just_because', testidPrefix: editing ? 'edit-situation-' : 'situation-',
      options: SITUATIONS.map((v) => ({ value: v, label: t(`situation.${v}`), hint: t(`situation.${v}.hint`) })),
    }),
    radioGroup({
      name: `${id}-customer`, legend: t('form.customer'),
      checked: moment?.customer ?? 'external', testidPrefix: editing ? 'edit-customer-' : 'customer-',
      options: CUSTOMERS.map((v) => ({ value: v, label: t(`customer.${v}`) })),
    }),
    details,
    h('div', { class: 'form-actions' },
      saveButton,
      h('span', { class: 'hint', text: t('form.saveHint') })));
  ctrlEnterSubmits(form);

  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    saveButton.disabled = true;
    clearFormErrors(form);
    const input = {
      date: date.value || null,
      situation: checkedValue(form, `${id}-situation`),
      customer: checkedValue(form, `${id}-customer`),
      text: text.value,
      reaction: reaction.value,
      took: checkedValue(form, `${id}-took`) || null,
      shared: shared.checked,
      exception_id: exceptionPick.value || null,
      told_customer: Boolean(exceptionPick.value) && told.checked,
    };
    try {
      const saved = editing
        ? await api.updateMoment(moment.id, input)
        : await api.addMoment(input);
      await onSaved(saved, form);
    } catch (error) {
      showFormError(form, error);
    } finally {
      busy = false;
      saveButton.disabled = false;
    }
  });
  return form;
}

function momentItem(moment, { onChanged }) {
  const when = formatDay(moment.date, state.today.date);
  return h('li', { class: 'moment', testid: 'moment-item', 'data-id': moment.id },
    h('div', { class: 'moment-meta' },
      h('span', { class: `badge situation-${moment.situation}`, text: t(`situation.${moment.situation}`) }),
      h('span', { text: t(`customer.${moment.customer}`) }),
      h('time', { datetime: moment.date, text: when }),
      moment.shared ? h('span', { class: 'shared', text: t('moment.shared') }) : null),
    h('p', { class: 'moment-text', dir: 'auto', testid: 'moment-item-text', text: moment.text }),
    moment.reaction ? h('p', { class: 'moment-reaction', dir: 'auto', text: moment.reaction }) : null,
    moment.exception_id ? h('p', { class: 'moment-exception', testid: 'moment-item-exception' },
      icon('exceptions'),
      h('span', { dir: 'auto', text: t('moment.exception', { rule: moment.exception_rule ?? '' }) }),
      moment.told_customer ? h('span', { class: 'told-badge', text: t('moment.told') }) : null) : null,
    onChanged ? h('div', { class: 'moment-actions' },
      h('button', {
        type: 'button', class: 'quiet', testid: 'moment-edit', text: t('moment.edit'),
        'aria-label': t('moment.editLabel', { date: when }),
        onclick: () => openEditor(moment, onChanged),
      }),
      h('button', {
        type: 'button', class: 'quiet', testid: 'moment-delete', text: t('moment.delete'),
        'aria-label': t('moment.deleteLabel', { date: when }),
        onclick: () => deleteWithUndo(moment, onChanged),
      })) : null);
}

async function deleteWithUndo(moment, onChanged) {
  try {
    await api.deleteMoment(moment.id);
  } catch (error) {
    toast(errorText(error));
    return;
  }
  await refreshToday();
  await onChanged();
  toast(t('moment.deleted'), {
    label: t('moment.undo'),
    run: async () => {
      try {
        await api.restoreMoment(moment.id);
        await refreshToday();
        await onChanged();
        toast(t('moment.restored'));
      } catch (error) {
        toast(errorText(error));
      }
    },
  });
}

function openEditor(moment, onChanged) {
  const dialog = h('dialog', { class: 'editor', 'aria-labelledby': 'edit-title', testid: 'moment-editor' });
  const close = () => { dialog.close(); dialog.remove(); };
  const form = momentForm({
    id: 'edit-form',
    moment,
    onSaved: async () => {
      close();
      await refreshToday();
      await onChanged();
      toast(t('edit.saved'));
    },
  });
  form.querySelector('.form-actions').prepend(
    h('button', { type: 'button', class: 'quiet', testid: 'edit-cancel', text: t('edit.cancel'), onclick: close }));
  append(dialog, [h('h2', { id: 'edit-title', text: t('edit.title') }), form]);
  dialog.addEventListener('cancel', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  form.querySelector('textarea')?.focus();
}

async function refreshToday() {
  state.today = await api.todayStatus();
  const status = document.querySelector('[data-testid="today-status"]');
  if (status) renderStatus(status);
}

function renderStatus(el) {
  const { made, fans_today: n } = state.today;
  clear(el);
  el.classList.toggle('made', made);
  if (made) el.append(icon('check'));
  el.append(h('span', { text: made ? (n > 1 ? t('today.madeMany', { n }) : t('today.made')) : t('today.notYet') }));
}

// ---------- screens ----------

const render = {
  async today() {
    const status = h('p', { class: 'today-status', testid: 'today-status', role: 'status' });
    renderStatus(status);
    const recentList = h('ul', { class: 'moment-list compact', testid: 'recent-list' });
    const recent = h('section', { class: 'recent', 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title', text: t('today.recent') }), recentList,
      h('button', { type: 'button', class: 'link', text: t('today.seeAll'), onclick: () => show('moments') }));
    const loadRecent = async () => {
      const moments = takePrefetched('recent_moments') ?? await api.listMoments({ limit: 5 });
      clear(recentList);
      if (moments.length === 0) {
        recentList.append(h('li', { class: 'empty', text: t('today.recentEmpty') }));
      }
      for (const moment of moments) recentList.append(momentItem(moment, {}));
    };
    const onSaved = async (saved, savedForm) => {
      const wasMade = state.today.made;
      await refreshToday();
      savedForm.replaceWith(newForm());
      let message = t('form.savedEarlier', { date: formatDay(saved.date, state.today.date) });
      if (saved.date === state.today.date) message = wasMade ? t('form.savedAgain') : t('form.saved');
      toast(message);
      document.querySelector('[data-testid="moment-text"]')?.focus();
      await loadRecent();
    };
    // A fresh form after each save: ready for another moment.
    const newForm = () => momentForm({ id: 'log-form', onSaved });
    const form = newForm();
    const mirrorPrompt = state.today.mirror_due ? h('p', { class: 'mirror-prompt', testid: 'mirror-prompt' },
      h('span', { text: t('today.mirrorDue') }),
      h('button', { type: 'button', class: 'link', text: t('today.mirrorOpen'), onclick: () => show('progress') })) : null;
    const page = h('div', { class: 'page today' },
      h('header', { class: 'hero' },
        h('h1', { text: t('today.prompt') }),
        status),
      mirrorPrompt,
      form,
      recent);
    await loadRecent();
    return { page, focus: form.querySelector('textarea') };
  },

  async moments() {
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

    let generation = 0;
    const load = async () => {
      const mine = ++generation;
      const { search: words, situation } = state.moments;
      const moments = await api.listMoments({ search: words || null, situation: situation || null });
      if (mine !== generation) return;
      clear(list);
      const filtered = Boolean(words.trim() || situation);
      count.textContent = moments.length === 1 ? t('moments.countOne') : t('moments.count', { n: moments.length });
      if (moments.length === 0) {
        list.append(h('li', { class: 'empty', testid: 'moments-empty' },
          h('p', { text: filtered ? t('moments.noMatch') : t('moments.empty') }),
          filtered ? null : h('button', {
            type: 'button', class: 'primary', text: t('moments.emptyAction'), onclick: () => show('today'),
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
  },

  async team() {
    const { team, status } = await api.teamState();
    if (!team) return { page: teamSetup(), focus: null };
    const lead = state.profile.role === 'lead';
    const filter = h('select', { id: 'feed-filter', testid: 'feed-filter' },
      h('option', { value: '', text: t('moments.filterAll') }),
      SITUATIONS.map((v) => h('option', { value: v, text: t(`situation.${v}`) })));
    filter.value = state.feedSituation ?? '';
    const list = h('ul', { class: 'feed', testid: 'feed-list', 'aria-live': 'polite' });
    const queue = h('ul', { class: 'feed' });
    const statusLine = h('div', { class: 'feed-status', testid: 'feed-status' });
    const renderStatus = (s) => renderTeamStatus(statusLine, s, { when: s ? formatTime(s.read_at) : '', lead });
    renderStatus(status);
    const drafts = state.commentDrafts;
    const load = async () => {
      const stories = await api.teamFeed(filter.value || null);
      const typing = list.contains(document.activeElement) && document.activeElement.matches('.comment-input')
        ? { story: document.activeElement.dataset.story, at: document.activeElement.selectionStart }
        : null;
      clear(list);
      if (stories.length === 0) list.append(h('li', { class: 'empty', testid: 'feed-empty', text: t('team.empty') }));
      for (const story of stories) list.append(storyItem(story, { lead, onChanged: load, drafts }));
      if (typing) {
        const input = [...list.querySelectorAll('.comment-input')].find((el) => el.dataset.story === typing.story);
        if (input) { input.focus({ preventScroll: true }); input.setSelectionRange(typing.at, typing.at); }
      }
      markSeen(stories);
      if (lead) {
        clear(queue);
        const unreviewed = stories.filter((s) => !s.review && s.author_id !== state.profile.id);
        if (unreviewed.length === 0) queue.append(h('li', { class: 'empty', text: t('team.queueEmpty') }));
        for (const story of unreviewed) queue.append(storyItem(story, { lead, onChanged: load, drafts, compact: true }));
      }
    };
    filter.addEventListener('change', () => {
      state.feedSituation = filter.value;
      load().catch((e) => toast(errorText(e)));
    });
    const membersBox = h('div', {});
    const requestsBox = h('div', {});
    const people = {
      confirmDialog, toast, errorText, redraw: () => show('team'),
    };
    // The new lists replace the old in one step: emptied while waiting, a
    // box would shrink under the pointer on every read of the folder.
    const loadMembers = async () => {
      const { requestList, memberList } = await teamPeople(people);
      clear(membersBox).append(memberList);
      clear(requestsBox).append(requestList ?? []);
    };
    state.onTeamRead = async (s) => {
      // Let in (or declined, or removed) since the screen was drawn: draw
      // it again, as it now is.
      const now = (await api.teamState()).team;
      if (now && now.my_status !== team.my_status) { await show('team'); return; }
      renderStatus(s); await load(); await loadMembers();
    };
    await loadMembers();
    await load();
    const page = h('div', { class: 'page team' },
      h('h1', { text: team.name }),
      h('p', { class: 'lead', text: t('team.intro') }),
      waitingToBeLetIn(team),
      statusLine,
      requestsBox,
      h('div', { class: 'toolbar' },
        h('label', { class: 'filter' }, h('span', { class: 'visually-hidden', text: t('moments.filter') }), filter),
        h('button', {
          type: 'button', class: 'quiet', testid: 'team-read', text: t('team.readNow'),
          // The read's event redraws the feed.
          onclick: () => api.readTeam().catch((e) => toast(errorText(e))),
        })),
      lead ? h('section', { 'aria-labelledby': 'queue-title' },
        h('h2', { id: 'queue-title', text: t('team.queue') }), queue) : null,
      h('section', { 'aria-labelledby': 'feed-title' },
        h('h2', { id: 'feed-title', text: t('team.feed') }), list),
      h('details', { class: 'team-about' },
        h('summary', { testid: 'team-about', text: t('team.about') }),
        h('p', { dir: 'ltr', class: 'path', text: team.folder }),
        membersBox,
        h('p', { text: t('team.founderKey', { founder: team.founder_fingerprint }) }),
        h('p', {}, t('team.myKey'), ' ', h('span', { class: 'member-key', dir: 'ltr', testid: 'team-my-key', text: team.my_fingerprint })),
        h('button', {
          type: 'button', class: 'quiet', testid: 'team-leave', text: t('team.leave'),
          onclick: async () => {
            if (!(await confirmDialog(t('team.leaveConfirm'), t('team.leave')))) return;
            // A refusal is shown in words; the team and its stories stay.
            try {
              await api.leaveTeam();
              await show('team');
            } catch (error) { toast(errorText(error)); }
          },
        })));
    return { page, focus: null };
  },

  async progress() {
    const [progress, reflections] = await Promise.all([api.progress(), api.reflections()]);
    const stat = (testid, value, label, sub) => h('div', { class: 'stat' },
      h('p', { class: 'stat-value', testid, text: value }),
      h('p', { class: 'stat-label', text: label }),
      sub ? h('p', { class: 'stat-sub' }, sub) : null);
    const stats = h('div', { class: 'stats' },
      stat('streak-current', formatNumber(progress.streak.current), t('progress.streak'),
        [h('span', { text: `${t('progress.best')} ` }),
          h('span', { testid: 'streak-best', text: formatNumber(progress.streak.best) })]),
      stat('habit-strength', formatPercent(progress.habit_strength / 100), t('progress.strength'),
        h('span', { text: t('progress.strengthHint') })),
      stat('fans-total', formatNumber(progress.total), t('progress.total'),
        h('span', { text: t('progress.thisWeek', { n: progress.this_week }) })));
    const page = h('div', { class: 'page progress' },
      h('h1', { text: t('progress.title') }),
      stats,
      h('section', { 'aria-labelledby': 'chart-title' },
        h('h2', { id: 'chart-title', text: t('progress.chart') }),
        fansChart(progress.weeks)),
      h('section', { 'aria-labelledby': 'mix-title' },
        h('h2', { id: 'mix-title', text: t('progress.mix') }),
        mixBars([
          ...SITUATIONS.map((v) => ({ label: t(`situation.${v}`), n: progress.situations[v] ?? 0 })),
        ], progress.total, 'mix-situations'),
        mixBars(CUSTOMERS.map((v) => ({ label: t(`customer.${v}`), n: progress.customers[v] ?? 0 })),
          progress.total, 'mix-customers'),
        h('p', { class: 'hint', text: t('progress.exceptionsUsed', { n: progress.exceptions_used }) })),
      mirrorSection(progress, reflections));
    return { page, focus: null };
  },

  async insights() {
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
  },

  async exceptions() {
    const lead = state.profile.role === 'lead';
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
    const form = exceptionForm({ lead, onSaved: () => load() });

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
        && (lead || e.proposed_by === state.profile.id));
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
          h('ul', { class: 'idea-list' }, SEED_IDEAS.map((key) => h('li', { class: 'idea' },
            h('p', { class: 'idea-rule', text: t(`seed.${key}.rule`) }),
            h('p', { class: 'idea-allowed', text: t(`seed.${key}.allowed`) }),
            h('button', {
              type: 'button', class: 'quiet', testid: 'exception-seed', text: t('exceptions.useIdea'),
              onclick: () => form.fill({
                rule: t(`seed.${key}.rule`), allowed: t(`seed.${key}.allowed`),
                limits: t(`seed.${key}.limits`), ...SEED_NUMBERS[key],
              }),
            })))));
      }
    };
    let debounce = null;
    search.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => load().catch((e) => toast(errorText(e))), 120);
    });
    await load();
    const page = h('div', { class: 'page exceptions' },
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
  },

  async settings() {
    const form = profileForm({
      profile: state.profile,
      submitLabel: t('profile.save'),
      onSaved: () => {
        toast(t('profile.saved'));
        renderRail();
      },
    });
    const reminder = reminderForm(await api.reminderSettings());
    const { team } = await api.teamState();
    const key = keySection({ confirmDialog, toast, errorText }, team);
    const page = h('div', { class: 'page settings' },
      h('h1', { text: t('settings.title') }),
      h('section', { 'aria-labelledby': 'profile-title' },
        h('h2', { id: 'profile-title', text: t('settings.profile') }), form),
      h('section', { 'aria-labelledby': 'reminder-title' },
        h('h2', { id: 'reminder-title', text: t('reminder.title') }),
        h('p', { class: 'section-intro', text: t('reminder.intro') }),
        reminder),
      h('section', { 'aria-labelledby': 'data-title' },
        h('h2', { id: 'data-title', text: t('settings.data') }),
        h('p', { text: t('settings.dataDir') }),
        h('p', { class: 'path', testid: 'data-dir', dir: 'ltr', text: state.dataDir }),
        await dataTools()),
      key);
    return { page, focus: null };
  },
};

const SNOOZE_CHOICES = [5, 10, 15, 30, 45, 60, 90, 120, 180, 240];
const pad2 = (n) => String(n).padStart(2, '0');

// The daily reminder: on/off, time, working days, day start, snooze,
// pauses, open at login. Adding or removing a pause saves at once.
function reminderForm(settings) {
  let pauses = settings.pauses.map((p) => ({ ...p }));
  const enabled = h('input', {
    type: 'checkbox', id: 'reminder-enabled', testid: 'reminder-enabled', checked: settings.enabled,
  });
  const time = h('input', {
    id: 'reminder-time', testid: 'reminder-time', 'data-field': 'reminder_time',
    value: settings.time, inputmode: 'numeric', maxlength: 8, placeholder: '10:00',
    autocomplete: 'off', class: 'time-input',
  });
  const days = h('fieldset', { class: 'choices weekdays', 'data-field': 'weekdays', tabindex: '-1' },
    h('legend', { text: t('reminder.weekdays') }),
    h('div', { class: 'choice-row' }, [1, 2, 3, 4, 5, 6, 7].map((day) => h('label', { class: 'choice day' },
      h('input', {
        type: 'checkbox', name: 'weekday', value: String(day), testid: `reminder-day-${day}`,
        checked: settings.weekdays.includes(day),
      }),
      h('span', { class: 'choice-label', text: t(`weekday.${day}`) })))));
  const dayStart = h('select', { id: 'reminder-day-start', testid: 'reminder-day-start', 'data-field': 'day_start_hour' },
    Array.from({ length: 12 }, (_, hour) => h('option', { value: String(hour), text: `${pad2(hour)}:00` })));
  dayStart.value = String(settings.day_start_hour);
  const snoozeChoices = SNOOZE_CHOICES.includes(settings.snooze_minutes)
    ? SNOOZE_CHOICES : [...SNOOZE_CHOICES, settings.snooze_minutes].sort((a, b) => a - b);
  const snooze = h('select', { id: 'reminder-snooze', testid: 'reminder-snooze', 'data-field': 'snooze_minutes' },
    snoozeChoices.map((n) => h('option', { value: String(n), text: t('reminder.minutes', { n }) })));
  snooze.value = String(settings.snooze_minutes);
  const digest = h('input', {
    type: 'checkbox', id: 'reminder-digest', testid: 'reminder-digest', checked: settings.weekly_digest,
  });
  const openAtLogin = h('input', {
    type: 'checkbox', id: 'reminder-open-at-login', testid: 'reminder-open-at-login',
    checked: settings.open_at_login,
  });

  const pauseList = h('ul', { class: 'pause-list', testid: 'pause-list' });
  const pauseFrom = h('input', { type: 'date', id: 'pause-from', testid: 'pause-from' });
  const pauseTo = h('input', { type: 'date', id: 'pause-to', testid: 'pause-to' });
  const pausesBox = h('div', { class: 'pauses', 'data-field': 'pauses', tabindex: '-1' });
  const renderPauses = () => {
    clear(pauseList);
    if (pauses.length === 0) pauseList.append(h('li', { class: 'empty', text: t('reminder.pausesEmpty') }));
    pauses.forEach((pause, index) => {
      const words = { from: formatDay(pause.first_day), to: formatDay(pause.last_day) };
      pauseList.append(h('li', { class: 'pause', testid: 'pause-item' },
        h('span', { text: t('reminder.pauseRange', words) }),
        h('button', {
          type: 'button', class: 'link', testid: 'pause-remove', text: t('moment.delete'),
          'aria-label': t('reminder.pauseRemove', words),
          onclick: async () => {
            const before = pauses;
            pauses = pauses.filter((_, i) => i !== index);
            if (!(await save())) pauses = before;
            renderPauses();
          },
        })));
    });
  };
  renderPauses();

  const form = h('form', { id: 'reminder-form', class: 'reminder-form', novalidate: true },
    h('label', { class: 'switch' }, enabled, h('span', { text: t('reminder.enabled') })),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: time.id, class: 'label', text: t('reminder.time') }), time),
      h('div', { class: 'field' }, h('label', { for: snooze.id, class: 'label', text: t('reminder.snooze') }), snooze),
      h('div', { class: 'field' }, h('label', { for: dayStart.id, class: 'label', text: t('reminder.dayStart') }), dayStart)),
    h('p', { class: 'hint', text: t('reminder.dayStartHint') }),
    days,
    h('fieldset', { class: 'choices' },
      h('legend', { text: t('reminder.pauses') }),
      h('p', { class: 'hint', text: t('reminder.pausesHint') }),
      pauseList,
      pausesBox,
      h('div', { class: 'pause-add' },
        h('label', { for: pauseFrom.id, class: 'label', text: t('reminder.pauseFrom') }), pauseFrom,
        h('label', { for: pauseTo.id, class: 'label', text: t('reminder.pauseTo') }), pauseTo,
        h('button', {
          type: 'button', testid: 'pause-add', text: t('reminder.pauseAdd'),
          onclick: async () => {
            if (!pauseFrom.value) { pauseFrom.focus(); return; }
            const before = pauses;
            pauses = [...pauses, { first_day: pauseFrom.value, last_day: pauseTo.value || pauseFrom.value }];
            if (await save()) {
              pauseFrom.value = '';
              pauseTo.value = '';
            } else {
              pauses = before;
            }
            renderPauses();
          },
        }))),
    h('label', { class: 'switch' }, digest, h('span', { text: t('reminder.digest') })),
    h('label', { class: 'switch' }, openAtLogin, h('span', { text: t('reminder.openAtLogin') })),
    h('p', { class: 'hint', text: t('reminder.trayHint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'reminder-save', text: t('reminder.save') }),
      h('button', {
        type: 'button', testid: 'remind-now', text: t('reminder.tryNow'),
        onclick: async () => {
          try {
            await api.remindNow();
            toast(t('reminder.tried'));
          } catch (error) {
            showFormError(form, error);
          }
        },
      })));

  async function save() {
    clearFormErrors(form);
    try {
      const saved = await api.saveReminderSettings({
        enabled: enabled.checked,
        time: time.value,
        weekdays: [...form.querySelectorAll('input[name="weekday"]:checked')].map((el) => Number(el.value)),
        day_start_hour: Number(dayStart.value),
        snooze_minutes: Number(snooze.value),
        pauses,
        open_at_login: openAtLogin.checked,
        weekly_digest: digest.checked,
      });
      time.value = saved.time;
      pauses = saved.pauses;
      await refreshToday();
      return true;
    } catch (error) {
      showFormError(form, error);
      return false;
    }
  }
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await save()) toast(t('reminder.saved'));
  });
  return form;
}

// ---------- the team feed ----------

function seenStories() {
  try { return new Set(JSON.parse(localStorage.getItem('fanday.seenStories') || '[]')); } catch { return new Set(); }
}

function markSeen(stories) {
  const seen = seenStories();
  for (const story of stories) seen.add(story.story_id);
  localStorage.setItem('fanday.seenStories', JSON.stringify([...seen].slice(-5000)));
  updateUnread(0);
}

function updateUnread(count) {
  const badge = document.querySelector('[data-testid="nav-team"] .unread');
  if (badge) {
    badge.textContent = count ? String(count) : '';
    badge.hidden = !count;
  }
}

async function refreshUnread() {
  try {
    const { team } = await api.teamState();
    if (!team) return;
    const stories = await api.teamFeed(null);
    const seen = seenStories();
    updateUnread(stories.filter((s) => !seen.has(s.story_id) && s.author_id !== state.profile.id).length);
  } catch { /* the count is a nicety */ }
}

// `drafts` keeps half-written comments by story, so a feed that re-renders
// because a colleague's events arrived never throws away what someone typed.
function storyItem(story, { lead, onChanged, drafts, compact = false }) {
  const when = formatDay(story.date, state.today.date);
  const act = (fn) => async () => {
    try { await fn(); await onChanged(); } catch (error) { toast(errorText(error)); }
  };
  const commentInput = h('input', {
    class: 'comment-input', testid: 'feed-comment-text', maxlength: 4000, dir: 'auto',
    placeholder: t('team.commentPlaceholder'), 'aria-label': t('team.comment'),
    'data-story': story.story_id,
  });
  commentInput.value = drafts.get(story.story_id) ?? '';
  commentInput.addEventListener('input', () => drafts.set(story.story_id, commentInput.value));
  const commentForm = h('form', { class: 'comment-form', novalidate: true },
    commentInput,
    h('button', { type: 'submit', class: 'quiet', testid: 'feed-comment', text: t('team.comment') }));
  commentForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = commentInput.value;
    if (!text.trim()) { commentInput.focus(); return; }
    act(async () => {
      await api.comment(story.story_id, text);
      drafts.delete(story.story_id);
    })();
  });
  return h('li', { class: `moment story${story.review === 'featured' ? ' featured' : ''}`, testid: 'feed-item', 'data-id': story.story_id },
    h('div', { class: 'moment-meta' },
      story.review === 'featured' ? h('span', { class: 'badge featured-badge', text: t('team.featured') }) : null,
      h('strong', { class: 'author', dir: 'auto', testid: 'feed-author', text: story.author_name || t('team.someone') }),
      h('span', { class: `badge situation-${story.situation}`, text: t(`situation.${story.situation}`) }),
      h('span', { text: t(`customer.${story.customer}`) }),
      h('time', { datetime: story.date, text: when }),
      story.review === 'reviewed' ? h('span', { class: 'shared', text: t('team.reviewed') }) : null),
    h('p', { class: 'moment-text', dir: 'auto', testid: 'feed-text', text: story.text }),
    story.reaction ? h('p', { class: 'moment-reaction', dir: 'auto', text: story.reaction }) : null,
    compact ? null : h('ul', { class: 'comments' }, story.comments.map((c) => h('li', {},
      h('strong', { dir: 'auto', text: `${c.author_name || t('team.someone')}: ` }),
      h('span', { dir: 'auto', testid: 'feed-comment-item', text: c.text })))),
    h('div', { class: 'moment-actions' },
      h('button', {
        type: 'button', class: story.applauded_by_me ? 'quiet applauded' : 'quiet', testid: 'feed-applaud',
        'aria-pressed': String(story.applauded_by_me), disabled: story.applauded_by_me || story.author_id === state.profile.id,
        text: t('team.applause', { n: story.applause }),
        onclick: act(() => api.applaud(story.story_id)),
      }),
      lead && story.author_id !== state.profile.id && !story.review ? h('button', {
        type: 'button', class: 'quiet', testid: 'feed-review', text: t('team.markReviewed'),
        onclick: act(() => api.review(story.story_id, false)),
      }) : null,
      lead && story.author_id !== state.profile.id && story.review !== 'featured' ? h('button', {
        type: 'button', class: 'quiet', testid: 'feed-feature', text: t('team.feature'),
        onclick: act(() => api.review(story.story_id, true)),
      }) : null),
    compact ? null : commentForm);
}

// Asks before something that is hard to take back; resolves to true on OK.
function confirmDialog(message, okLabel) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'editor', role: 'alertdialog', 'aria-labelledby': 'confirm-text' });
    const done = (answer) => { dialog.close(); resolve(answer); };
    dialog.append(
      h('p', { id: 'confirm-text', class: 'confirm-text', text: message }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'primary', testid: 'confirm-ok', text: okLabel, onclick: () => done(true) }),
        h('button', { type: 'button', class: 'quiet', testid: 'confirm-cancel', text: t('edit.cancel'), onclick: () => done(false) })));
    dialog.addEventListener('cancel', () => resolve(false));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('[data-testid="confirm-cancel"]').focus();
  });
}

// A folder field with the system's picker beside it; typing or pasting a
// path works as well.
function folderField(input, label) {
  const browseFor = t('team.browseFor', { what: label.toLocaleLowerCase() });
  const browse = h('button', {
    type: 'button', class: 'quiet', text: t('team.browse'),
    'aria-label': browseFor,
    onclick: async () => {
      try {
        const picked = await api.pickFolder(browseFor);
        if (picked) {
          input.value = picked;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
      } catch (error) { toast(errorText(error)); }
    },
  });
  return h('div', { class: 'field' }, h('label', { for: input.id, text: label }),
    h('div', { class: 'folder-row' }, input, browse));
}

function teamSetup() {
  const name = h('input', { id: 'team-name', testid: 'team-name', maxlength: 200, 'data-field': 'team_name', dir: 'auto' });
  const createFolder = h('input', { id: 'team-create-folder', testid: 'team-create-folder', dir: 'ltr', placeholder: t('team.folderPlaceholder') });
  const create = h('form', { class: 'exception-form', novalidate: true },
    h('h2', { text: t('team.createTitle') }),
    h('p', { class: 'hint', text: t('team.createHint') }),
    h('div', { class: 'field' }, h('label', { for: name.id, text: t('team.name') }), name),
    folderField(createFolder, t('team.folder')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', testid: 'team-create', text: t('team.create') })));
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(create);
    try {
      await api.createTeam(name.value, createFolder.value);
      toast(t('team.created'));
      await show('team');
    } catch (error) { showFormError(create, error); }
  });

  const folder = h('input', { id: 'team-folder', testid: 'team-folder', dir: 'ltr', placeholder: t('team.folderPlaceholder') });
  const fingerprint = h('div', { class: 'fingerprint', hidden: true });
  const joinButton = h('button', { type: 'submit', class: 'primary', testid: 'team-join', text: t('team.look') });
  let previewed = null;
  folder.addEventListener('input', () => { previewed = null; fingerprint.hidden = true; joinButton.textContent = t('team.look'); });
  const join = h('form', { class: 'exception-form', novalidate: true },
    h('h2', { text: t('team.joinTitle') }),
    h('p', { class: 'hint', text: t('team.joinHint') }),
    folderField(folder, t('team.folder')),
    fingerprint,
    h('div', { class: 'form-actions' }, joinButton));
  join.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(join);
    try {
      if (!previewed) {
        previewed = await api.previewTeam(folder.value);
        clear(fingerprint).append(
          h('p', { text: t('team.joinCompare', { name: previewed.name }) }),
          h('p', { class: 'fingerprint-value', testid: 'team-fingerprint', text: previewed.founder_fingerprint }));
        fingerprint.hidden = false;
        joinButton.textContent = t('team.joinConfirm', { name: previewed.name });
        return;
      }
      const joined = await api.joinTeam(folder.value, previewed.founder_fingerprint);
      toast(t(joined.my_status === 'admitted' ? 'team.joined' : 'team.asked', { name: previewed.name }));
      await show('team');
    } catch (error) { showFormError(join, error); }
  });
  return h('div', { class: 'page team' },
    h('h1', { text: t('team.title') }),
    h('p', { class: 'lead', text: t('team.setupIntro') }),
    join, create);
}

// ---------- progress: the fan club chart, the mix, the weekly mirror ----------

function fansChart(weeks) {
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
      svg('title', { text: t('progress.weekFans', { n: week.iso_week, fans: week.fans }) }),
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

function mixBars(items, total, testid) {
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

function mirrorSection(progress, reflections) {
  const weeks = progress.weeks;
  const thisWeek = weeks[weeks.length - 1];
  const lastWeek = weeks[weeks.length - 2];
  const key = (w) => `${w.iso_year}-${w.iso_week}`;
  const saved = new Map(reflections.map((r) => [key(r), r]));
  const week = h('select', { id: 'mirror-week', testid: 'mirror-week', 'data-field': 'week' },
    [thisWeek, lastWeek].filter(Boolean).map((w, i) => h('option', {
      value: key(w), text: t(i === 0 ? 'mirror.thisWeek' : 'mirror.lastWeek', { n: w.iso_week }),
    })));
  // Early in a week, before this week's is written, the mirror looks back.
  if (lastWeek && !saved.has(key(lastWeek)) && !saved.has(key(thisWeek)) && thisWeek.fans === 0) {
    week.value = key(lastWeek);
  }
  const answer = (name, testid) => h('textarea', {
    id: `mirror-${name}`, testid, rows: 2, maxlength: 4000, dir: 'auto', 'data-field': name.replace('-', '_'),
  });
  const wentWell = answer('went-well', 'mirror-went-well');
  const heldBack = answer('held-back', 'mirror-held-back');
  const intention = answer('intention', 'mirror-intention');
  const fill = () => {
    const r = saved.get(week.value);
    wentWell.value = r?.went_well ?? '';
    heldBack.value = r?.held_back ?? '';
    intention.value = r?.intention ?? '';
  };
  week.addEventListener('change', fill);
  fill();
  const field = (input, label) => h('div', { class: 'field' }, h('label', { for: input.id, text: t(label) }), input);
  const form = h('form', { id: 'mirror-form', class: 'mirror-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: week.id, text: t('mirror.week') }), week),
    field(wentWell, 'mirror.wentWell'),
    field(heldBack, 'mirror.heldBack'),
    field(intention, 'mirror.intention'),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'mirror-save', text: t('mirror.save') })));
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const [isoYear, isoWeek] = week.value.split('-').map(Number);
    try {
      await api.saveReflection({
        iso_year: isoYear, iso_week: isoWeek,
        went_well: wentWell.value, held_back: heldBack.value, intention: intention.value,
      });
      toast(t('mirror.saved'));
      await show('progress');
    } catch (error) {
      showFormError(form, error);
    }
  });
  const average = progress.earlier_weeks_average;
  const compare = average == null ? t('mirror.compareFirst', { n: progress.this_week })
    : t('mirror.compare', { n: progress.this_week, avg: formatNumber(Math.round(average * 10) / 10), best: progress.best_week });
  const list = h('ul', { class: 'mirror-list' }, reflections.map((r) => h('li', { class: 'mirror-item', testid: 'mirror-item' },
    h('p', { class: 'mirror-week', text: t('progress.weekName', { n: r.iso_week }) + ` · ${formatDay(r.monday)}` }),
    r.went_well ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.wentWellShort')}: ` }), h('span', { text: r.went_well })) : null,
    r.held_back ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.heldBackShort')}: ` }), h('span', { text: r.held_back })) : null,
    r.intention ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.intentionShort')}: ` }), h('span', { text: r.intention })) : null)));
  return h('section', { 'aria-labelledby': 'mirror-title' },
    h('h2', { id: 'mirror-title', text: t('mirror.title') }),
    h('p', { class: 'mirror-compare', testid: 'mirror-compare', text: compare }),
    form,
    reflections.length ? h('h3', { text: t('mirror.earlier') }) : null,
    list);
}

// ---------- rule exceptions ----------

const SEED_IDEAS = ['change', 'returns', 'gesture'];
const SEED_NUMBERS = {
  change: { amount_sek: 100, minutes: null },
  returns: { amount_sek: null, minutes: null },
  gesture: { amount_sek: 100, minutes: null },
};

function numberOrNull(input) {
  const text = input.value.trim();
  return text === '' ? null : Number(text);
}

// Propose an exception (staff), or add one to the catalogue (lead).
function exceptionForm({ lead, onSaved }) {
  const field = (name, props, tag = 'input') => h(tag, {
    id: `exception-${name}`, testid: `exception-${name}`, dir: 'auto', ...props,
  });
  const rule = field('rule', { 'data-field': 'rule', maxlength: 400 });
  const allowed = field('allowed', { 'data-field': 'allowed', maxlength: 2000, rows: 2 }, 'textarea');
  const limits = field('limits', { 'data-field': 'limits', maxlength: 1000 });
  const amount = field('amount', { 'data-field': 'amount_sek', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const minutes = field('minutes', { 'data-field': 'minutes', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const when = field('when', { 'data-field': 'applies_when', maxlength: 400 });
  const labelled = (input, key) => h('div', { class: 'field' },
    h('label', { for: input.id, class: 'label', text: t(key) }), input);
  const submit = h('button', {
    type: 'submit', class: 'primary', testid: 'exception-propose',
    text: lead ? t('exceptions.addButton') : t('exceptions.proposeButton'),
  });
  const form = h('form', { id: 'exception-form', class: 'exception-form', novalidate: true },
    labelled(rule, 'exception.rule'),
    labelled(allowed, 'exception.allowed'),
    labelled(limits, 'exception.limits'),
    h('div', { class: 'field-row' },
      labelled(amount, 'exception.amount'),
      labelled(minutes, 'exception.minutes'),
      labelled(when, 'exception.when')),
    h('div', { class: 'form-actions' }, submit,
      h('span', { class: 'hint', text: lead ? t('exceptions.addHint') : t('exceptions.proposeHint') })));
  form.fill = (idea) => {
    rule.value = idea.rule;
    allowed.value = idea.allowed;
    limits.value = idea.limits ?? '';
    amount.value = idea.amount_sek ?? '';
    minutes.value = idea.minutes ?? '';
    when.value = idea.applies_when ?? '';
    rule.scrollIntoView({ block: 'center' });
    rule.focus();
  };
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const exception = {
      rule: rule.value, allowed: allowed.value, limits: limits.value,
      amount_sek: numberOrNull(amount), minutes: numberOrNull(minutes), applies_when: when.value,
    };
    try {
      await (lead ? api.addApprovedException(exception) : api.proposeException(exception));
      form.reset();
      toast(lead ? t('exceptions.added') : t('exceptions.proposed'));
      await onSaved();
    } catch (error) {
      showFormError(form, error);
    }
  });
  return form;
}

function exceptionCard(exception, { lead, onChanged }) {
  const limits = [
    exception.limits,
    exception.amount_sek != null ? t('exception.amountValue', { n: exception.amount_sek }) : '',
    exception.minutes != null ? t('exception.minutesValue', { n: exception.minutes }) : '',
    exception.applies_when,
  ].filter(Boolean);
  const actions = [];
  const act = (action, testid, label) => h('button', {
    type: 'button', class: action === 'approve' ? 'primary small' : 'quiet', testid, text: label,
    onclick: () => decide(exception, action, onChanged),
  });
  if (lead && exception.status === 'proposed') {
    actions.push(act('approve', 'exception-approve', t('exceptions.approve')),
      act('reject', 'exception-reject', t('exceptions.reject')));
  }
  if (lead && exception.status === 'approved') {
    actions.push(act('retire', 'exception-retire', t('exceptions.retire')));
  }
  if (exception.status === 'proposed' && exception.proposed_by === state.profile.id) {
    actions.push(act('withdraw', 'exception-withdraw', t('exceptions.withdraw')));
  }
  const used = exception.uses === 0 ? t('exception.neverUsed')
    : t(exception.uses === 1 ? 'exception.usedOnce' : 'exception.used', {
      n: exception.uses, date: formatDay(exception.last_used, state.today.date),
    });
  return h('li', { class: `exception-card status-${exception.status}`, testid: 'exception-item', 'data-id': exception.id },
    h('div', { class: 'exception-meta' },
      h('span', { class: `badge status-${exception.status}`, testid: 'exception-status', text: t(`status.${exception.status}`) }),
      exception.status === 'approved' || exception.status === 'retired'
        ? h('span', { testid: 'exception-uses', text: used }) : null),
    h('p', { class: 'exception-rule', dir: 'auto', testid: 'exception-item-rule', text: exception.rule }),
    h('p', { class: 'exception-allowed', dir: 'auto' },
      h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→ ' }),
      h('span', { text: exception.allowed })),
    limits.length ? h('p', { class: 'exception-limits', dir: 'auto', text: `${t('exception.within')}: ${limits.join(' · ')}` }) : null,
    h('details', { class: 'history' },
      h('summary', { text: t('exception.history', { n: exception.history.length }) }),
      h('ol', {}, exception.history.map((event) => h('li', {},
        h('span', { text: t(`event.${event.kind}`, { name: event.actor_name }) }),
        h('time', { datetime: event.at, text: ` · ${formatDay(event.at.slice(0, 10), state.today.date)}` }),
        event.note ? h('q', { dir: 'auto', text: event.note }) : null)))),
    actions.length ? h('div', { class: 'moment-actions' }, actions) : null);
}

// Approve, reject, retire or withdraw: confirmed in a dialog, with a note.
function decide(exception, action, onChanged) {
  const note = h('textarea', { id: 'decision-note', testid: 'decision-note', rows: 3, maxlength: 1000, dir: 'auto' });
  const dialog = h('dialog', { class: 'editor', 'aria-labelledby': 'decision-title' });
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: 'decision-title', text: t(`decision.${action}.title`) }),
    h('p', { class: 'exception-rule', dir: 'auto', text: exception.rule }),
    h('div', { class: 'field' },
      h('label', { for: note.id, text: t(action === 'reject' ? 'decision.noteWhy' : 'decision.note') }), note),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'decision-confirm', text: t(`decision.${action}.confirm`) }),
      h('button', { type: 'button', class: 'quiet', testid: 'decision-cancel', text: t('edit.cancel'), onclick: () => dialog.close() })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      await api.actOnException(exception.id, action, note.value || null);
      dialog.close();
      toast(t(`decision.${action}.done`));
      await onChanged();
    } catch (error) {
      showFormError(form, error);
    }
  });
  dialog.append(form);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  note.focus();
}

// ---------- the reminder inside the window (no notification server) ----------

function hideReminder() {
  const box = document.getElementById('reminder');
  box.hidden = true;
  clear(box);
}

function showReminder(text) {
  const box = document.getElementById('reminder');
  clear(box);
  const act = (request, after) => async () => {
    hideReminder();
    try {
      const result = await request();
      if (after) await after(result);
    } catch (error) {
      toast(errorText(error));
    }
  };
  box.append(
    icon('heart', 'reminder-mark'),
    h('div', { class: 'reminder-text' },
      h('p', { class: 'reminder-title', testid: 'in-window-reminder-title', text: text.title }),
      h('p', { class: 'reminder-body', text: text.body })),
    h('div', { class: 'reminder-actions' },
      h('button', { type: 'button', class: 'primary', testid: 'reminder-log', text: t('reminder.log'), onclick: act(api.followReminder) }),
      h('button', { type: 'button', testid: 'snooze', text: t('reminder.snoozeNow'), onclick: act(api.snoozeReminder) }),
      h('button', { type: 'button', class: 'link', testid: 'reminder-dismiss', text: t('reminder.dismiss'), onclick: act(api.dismissReminder) })));
  box.hidden = false;
}

function formatTime(instant) {
  return new Intl.DateTimeFormat(currentLanguage() === 'sv' ? 'sv-SE' : 'en-GB', {
    hour: '2-digit', minute: '2-digit',
  }).format(new Date(instant));
}

async function openLogForm() {
  hideReminder();
  if (!state.profile) return;
  await show('today');
  document.querySelector('[data-testid="moment-text"]')?.focus();
}

let listening = false;
async function listenToReminders() {
  if (listening) return;
  listening = true;
  await api.listen(api.EVENTS.reminder, (event) => showReminder(event.payload));
  await api.listen(api.EVENTS.logMoment, () => openLogForm());
  await api.listen(api.EVENTS.snoozed, (event) => {
    hideReminder();
    toast(t('reminder.snoozed', { time: formatTime(event.payload.until) }));
  });
  await api.listen(api.EVENTS.teamRead, async (event) => {
    if (event.payload.report.healed) toast(t('team.healed'));
    if (event.payload.report.became_lead && (await becameLead())) return;
    if (state.screen === 'team' && state.onTeamRead) await state.onTeamRead(event.payload);
    else await refreshUnread();
  });
  const pending = await api.pendingReminder();
  if (pending) showReminder(pending);
  await refreshUnread();
}

// A lead may make a colleague a lead through the team folder; that person's
// app then gets the lead's screens without a restart.
// Resolves to true when it has redrawn the team screen itself.
async function becameLead() {
  state.profile = { ...state.profile, role: 'lead' };
  toast(t('team.nowLead'));
  if (state.screen !== 'team') { renderRail(); return false; }
  await show('team');
  return true;
}

// Export, back up, restore: the person's data in their own hands.
async function dataTools() {
  const lead = state.profile?.role === 'lead';
  const exportButton = (format, what, testid, label) => h('button', {
    type: 'button', class: 'quiet', testid, text: label,
    onclick: async () => {
      try {
        const done = await api.exportData(format, what, `${t('data.export')}: ${label}`);
        if (done) toast(t('data.exported', { n: done.rows, path: done.path }));
      } catch (error) { toast(errorText(error)); }
    },
  });
  const list = h('ul', { class: 'backups', testid: 'backup-list' });
  const load = async () => {
    const backups = await api.backups();
    clear(list);
    if (backups.length === 0) list.append(h('li', { class: 'empty', text: t('data.noBackups') }));
    for (const backup of backups.slice(0, 30)) {
      const when = backup.modified ? new Date(backup.modified).toLocaleString(currentLanguage() === 'sv' ? 'sv-SE' : 'en-GB') : '';
      list.append(h('li', { class: 'backup', testid: 'backup-item' },
        h('span', { dir: 'ltr', class: 'backup-name', text: backup.name }),
        h('span', { class: 'hint', text: `${when} · ${formatNumber(Math.round(backup.bytes / 1024))} kB` }),
        h('button', {
          type: 'button', class: 'quiet', testid: 'backup-restore', text: t('data.restore'),
          onclick: async () => {
            if (!(await confirmDialog(t('data.restoreConfirm', { name: backup.name }), t('data.restore')))) return;
            try {
              await api.restoreBackup(backup.path);
              toast(t('data.restored'));
              await start();
            } catch (error) { toast(errorText(error)); }
          },
        })));
    }
  };
  await load();
  return h('div', { class: 'data-tools' },
    h('h3', { text: t('data.export') }),
    h('div', { class: 'button-row' },
      exportButton('csv', 'mine', 'export-csv', t('data.exportCsv')),
      exportButton('csv', 'reflections', 'export-reflections', t('data.exportReflections')),
      exportButton('json', 'mine', 'export-json', t('data.exportJson')),
      lead ? exportButton('csv', 'team_stories', 'export-team', t('data.exportTeam')) : null),
    h('h3', { text: t('data.backups') }),
    h('p', { class: 'hint', text: t('data.backupsHint') }),
    h('div', { class: 'button-row' },
      h('button', {
        type: 'button', class: 'quiet', testid: 'backup-now', text: t('data.backupNow'),
        onclick: async () => {
          try {
            await api.backupNow();
            toast(t('data.backedUp'));
            await load();
          } catch (error) { toast(errorText(error)); }
        },
      })),
    list);
}

// Name, role, language: for first run and for Settings.
function profileForm({ profile, submitLabel, onSaved }) {
  const name = h('input', {
    id: 'profile-name', testid: 'profile-name', 'data-field': 'name', autocomplete: 'name',
    maxlength: 200, value: profile?.display_name ?? '', dir: 'auto',
  });
  const language = profile?.language ?? state.systemLanguage;
  const form = h('form', { id: 'profile-form', class: 'profile-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: name.id, class: 'label', text: t('profile.name') }), name),
    radioGroup({
      name: 'role', legend: t('profile.role'), checked: profile?.role ?? 'staff',
      options: [
        { value: 'staff', label: t('role.staff'), hint: t('role.staff.hint') },
        { value: 'lead', label: t('role.lead'), hint: t('role.lead.hint') },
      ],
    }),
    radioGroup({
      name: 'language', legend: t('profile.language'), checked: language, testidPrefix: 'lang-',
      options: [{ value: 'sv', label: 'Svenska' }, { value: 'en', label: 'English' }],
    }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'profile-save', text: submitLabel })));
  form.querySelector('input[value="staff"]').dataset.testid = 'role-staff';
  form.querySelector('input[value="lead"]').dataset.testid = 'role-lead';
  // Preview the chosen language at once, before saving.
  form.querySelectorAll('input[name="language"]').forEach((radio) =>
    radio.addEventListener('change', () => setLanguage(radio.value)));
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      state.profile = await api.saveProfile({
        display_name: name.value,
        role: checkedValue(form, 'role'),
        language: checkedValue(form, 'language'),
      });
      setLanguage(state.profile.language);
      await onSaved();
    } catch (error) {
      showFormError(form, error);
    }
  });
  return form;
}

function renderRail() {
  clear(rail);
  rail.setAttribute('aria-label', t('nav.label'));
  rail.append(h('div', { class: 'brand' }, icon('heart', 'brand-mark'),
    h('span', { class: 'brand-name', text: 'Fanday' }),
    h('span', { class: 'brand-tagline', text: t('app.tagline') })));
  screens().forEach((screen, index) => {
    rail.append(h('button', {
      type: 'button', class: 'nav', testid: `nav-${screen}`, 'data-screen': screen,
      'aria-current': state.screen === screen ? 'page' : null,
      title: `${t(`nav.${screen}`)} (Ctrl+${index + 1})`,
      onclick: () => show(screen),
    }, icon(screen), h('span', { text: t(`nav.${screen}`) }),
    screen === 'team' ? h('span', { class: 'unread', 'aria-label': t('team.unread'), hidden: true }) : null));
  });
  rail.hidden = false;
}

// How long each screen took from the click to being painted, for the
// speed figures (scripts/bench-progress reads it).
window.fandayTimings = {};

async function show(screen) {
  const started = performance.now();
  state.screen = screen;
  renderRail();
  try {
    const { page, focus } = await render[screen]();
    clear(main).append(page);
    // A page with nothing to tab to can still be scrolled from the keyboard.
    main.tabIndex = page.querySelector('button, input, select, textarea, summary, a[href]') ? -1 : 0;
    (focus ?? main).focus();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      window.fandayTimings[screen] = performance.now() - started;
    }));
  } catch (error) {
    clear(main).append(h('div', { class: 'page' }, errorBox(error)));
  }
}

function showSetup() {
  rail.hidden = true;
  setLanguage(state.systemLanguage);
  const page = h('div', { class: 'page setup' },
    h('div', { class: 'setup-mark' }, icon('heart', 'brand-mark')),
    h('h1', { text: t('setup.title') }),
    h('p', { class: 'lead', text: t('setup.intro') }));
  const form = profileForm({
    profile: null,
    submitLabel: t('setup.start'),
    onSaved: async () => {
      await show('today');
      await listenToReminders();
    },
  });
  // Switching language on first run re-words the welcome too.
  form.querySelectorAll('input[name="language"]').forEach((radio) =>
    radio.addEventListener('change', () => {
      state.systemLanguage = radio.value;
      const typed = form.querySelector('#profile-name').value;
      const role = checkedValue(form, 'role');
      showSetup();
      document.querySelector('#profile-name').value = typed;
      document.querySelector(`input[name="role"][value="${role}"]`).checked = true;
      document.querySelector(`input[name="language"][value="${radio.value}"]`).focus();
    }));
  page.append(form);
  clear(main).append(page);
  form.querySelector('#profile-name').focus();
}

function showFatal(error) {
  rail.hidden = true;
  setLanguage(languageFromLocale(navigator.language));
  const err = normalizeError(error);
  clear(main).append(h('div', { class: 'page fatal' },
    h('h1', { text: t('fatal.title') }),
    errorBox(err),
    h('p', { class: 'details', dir: 'ltr', text: err.message }),
    h('button', { type: 'button', class: 'primary', text: t('fatal.retry'), onclick: start })));
}

document.addEventListener('keydown', (event) => {
  if (rail.hidden) return;
  const list = screens();
  const number = Number(event.key);
  if (event.ctrlKey && !event.altKey && number >= 1 && number <= list.length) {
    event.preventDefault();
    show(list[number - 1]);
  }
  if (event.ctrlKey && event.key === 'z' && document.getElementById('toast').undo
      && !['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)) {
    event.preventDefault();
    const undo = document.getElementById('toast').undo;
    hideToast();
    undo();
  }
});

// Tells the app the first screen is painted and usable, with where the time
// went in ms since the window started (for the start-up figures).
// Work that can wait (`then`) starts after that, out of the first paint's way.
function reportReady(then = async () => {}) {
  startMarks.built = performance.now();
  requestAnimationFrame(() => {
    startMarks.painted = performance.now();
    requestAnimationFrame(() => {
      const marks = Object.entries(startMarks).map(([k, v]) => `${k}@${Math.round(v)}`).join(' ');
      api.uiReady(`${marks} ready@${Math.round(performance.now())}`).catch(() => {});
      then().catch(showFatal);
    });
  });
}

// What the first screen needs came with the start-up call; each part is
// used once, for the first paint, and asked for afresh after that.
function takePrefetched(key) {
  const value = state.prefetched?.[key] ?? null;
  if (state.prefetched) delete state.prefetched[key];
  return value;
}
const startMarks = { script: performance.now() };

async function start() {
  try {
    // index.html's call, once; a restart after a restore asks again.
    const early = window.fandayBoot;
    window.fandayBoot = null;
    const boot = await (early ?? api.bootstrap());
    startMarks.bootstrap = performance.now();
    state.profile = boot.profile;
    state.today = boot.today;
    state.dataDir = boot.data_dir;
    state.systemLanguage = boot.system_language;
    if (!state.profile) {
      showSetup();
      reportReady();
      return;
    }
    state.prefetched = { recent_moments: boot.recent_moments, approved_exceptions: boot.approved_exceptions };
    setLanguage(state.profile.language);
    await show('today');
    // After the first paint; a hidden window (started at login) paints no
    // frames, so at the latest after a second.
    reportReady(listenToReminders);
    setTimeout(() => listenToReminders().catch(showFatal), 1000);
  } catch (error) {
    showFatal(error);
  }
}

start();
