// Fanday's window: the shell. It starts the window (the first-run setup or
// the first screen), draws the rail and moves between screens, answers the
// keyboard shortcuts, and listens to what the app tells the window (the
// reminder, a read of the team folder). Each screen is its own module
// under screens/; the pieces they share are under parts/.
import * as api from './api.js';
import { h, clear, icon } from './dom.js';
import { t, setLanguage, languageFromLocale, errorText, normalizeError, formatTime } from './i18n.js';
import { state, myIdInView } from './state.js';
import { errorBox, hideToast, pendingUndo, toast } from './parts/feedback.js';
import { todayScreen } from './screens/today.js';

// Each screen's module exports one function that builds its page. Today
// comes with the shell, so start-up loads only what it needs; the others
// load on first use, or just after the first paint (warmUp).
const SCREENS = {
  today: async () => todayScreen,
  moments: () => import('./screens/moments.js').then((m) => m.momentsScreen),
  team: () => import('./screens/team.js').then((m) => m.teamScreen),
  progress: () => import('./screens/progress.js').then((m) => m.progressScreen),
  exceptions: () => import('./screens/exceptions.js').then((m) => m.exceptionsScreen),
  insights: () => import('./screens/insights.js').then((m) => m.insightsScreen),
  settings: () => import('./screens/settings.js').then((m) => m.settingsScreen),
};

// The screens in the rail, in order (Ctrl+1, Ctrl+2, ...); Insights for leads.
const screens = () => ['today', 'moments', 'team', 'progress', 'exceptions',
  ...(state.profile?.role === 'lead' || state.teams.some((team) => team.is_lead) ? ['insights'] : []), 'settings'];

const main = document.getElementById('main');
const rail = document.getElementById('rail');
const reminderBox = document.getElementById('reminder');
let unreadBadge = null; // the count of unseen team stories, on the rail

// What a screen may ask of the shell.
const nav = {
  show: (screen) => show(screen),
  renderRail: () => renderRail(),
  restart: () => start(),
  markSeen: (stories) => markSeen(stories),
};

// ---------- the rail and moving between screens ----------

function renderRail() {
  clear(rail);
  rail.setAttribute('aria-label', t('nav.label'));
  rail.append(h('div', { class: 'brand' }, icon('heart', 'brand-mark'),
    h('span', { class: 'brand-name', text: 'Fanday' }),
    h('span', { class: 'brand-tagline', text: t('app.tagline') })));
  unreadBadge = h('span', { class: 'unread', 'aria-label': t('team.unread'), hidden: true });
  screens().forEach((screen, index) => {
    rail.append(h('button', {
      type: 'button', class: 'nav', testid: `nav-${screen}`, 'data-screen': screen,
      'aria-current': state.screen === screen ? 'page' : null,
      title: `${t(`nav.${screen}`)} (Ctrl+${index + 1})`,
      onclick: () => show(screen),
    }, icon(screen), h('span', { text: t(`nav.${screen}`) }),
    screen === 'team' ? unreadBadge : null));
  });
  rail.hidden = false;
}

// How long each screen took from the click to being painted, for the
// speed figures (benches/progress_screen.rs reads it).
window.fandayTimings = {};

// Screens are built from data the core sends, so a slow one can finish
// after a newer one was asked for: only the latest request draws.
let latest = 0;

async function show(screen) {
  const mine = ++latest;
  const started = performance.now();
  state.screen = screen;
  renderRail();
  try {
    const build = await SCREENS[screen]();
    const { page, focus } = await build(nav);
    if (mine !== latest) return;
    clear(main).append(page);
    // A page with nothing to tab to can still be scrolled from the keyboard.
    main.tabIndex = page.querySelector('button, input, select, textarea, summary, a[href]') ? -1 : 0;
    (focus ?? main).focus();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (mine === latest) window.fandayTimings[screen] = performance.now() - started;
    }));
  } catch (error) {
    if (mine !== latest) return;
    clear(main).append(h('div', { class: 'page' }, errorBox(error)));
  }
}

// The other screens' modules, fetched once the first screen is up.
function warmUp() {
  for (const load of Object.values(SCREENS)) load().catch(() => {});
}

// The first run, in its own module: only a new person needs it.
async function showSetup() {
  rail.hidden = true;
  setLanguage(state.systemLanguage);
  const { setupScreen } = await import('./screens/setup.js');
  setupScreen(main, async () => {
    await show('today');
    await listenToReminders();
  });
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
  const undo = pendingUndo();
  if (event.ctrlKey && event.key === 'z' && undo
      && !['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)) {
    event.preventDefault();
    hideToast();
    undo();
  }
});

// ---------- unseen team stories, counted on the rail ----------

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
  if (!unreadBadge) return;
  unreadBadge.textContent = count ? String(count) : '';
  unreadBadge.hidden = !count;
}

async function refreshUnread() {
  try {
    const { team } = await api.teamState();
    if (!team) return;
    const stories = await api.teamFeed(null);
    const seen = seenStories();
    updateUnread(stories.filter((s) => !seen.has(s.story_id) && s.author_id !== myIdInView()).length);
  } catch { /* the count is a nicety */ }
}

// ---------- the reminder inside the window (no notification server) ----------

function hideReminder() {
  reminderBox.hidden = true;
  clear(reminderBox);
}

function showReminder(text) {
  clear(reminderBox);
  const act = (request) => async () => {
    hideReminder();
    try {
      await request();
    } catch (error) {
      toast(errorText(error));
    }
  };
  reminderBox.append(
    icon('heart', 'reminder-mark'),
    h('div', { class: 'reminder-text' },
      h('p', { class: 'reminder-title', testid: 'in-window-reminder-title', text: text.title }),
      h('p', { class: 'reminder-body', text: text.body })),
    h('div', { class: 'reminder-actions' },
      h('button', { type: 'button', class: 'primary', testid: 'reminder-log', text: t('reminder.log'), onclick: act(api.followReminder) }),
      h('button', { type: 'button', testid: 'snooze', text: t('reminder.snoozeNow'), onclick: act(api.snoozeReminder) }),
      h('button', { type: 'button', class: 'link', testid: 'reminder-dismiss', text: t('reminder.dismiss'), onclick: act(api.dismissReminder) })));
  reminderBox.hidden = false;
}

// The reminder's "Log a fan": Today, with the cursor in the form.
async function openLogForm() {
  hideReminder();
  if (!state.profile) return;
  await show('today');
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

// ---------- start ----------

const startMarks = { script: performance.now() };

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
    state.teams = boot.teams ?? [];
    state.systemLanguage = boot.system_language;
    if (!state.profile) {
      await showSetup();
      reportReady();
      return;
    }
    state.prefetched = { recent_moments: boot.recent_moments, approved_exceptions: boot.approved_exceptions };
    setLanguage(state.profile.language);
    await show('today');
    // After the first paint; a hidden window (started at login) paints no
    // frames, so at the latest after a second.
    reportReady(async () => { warmUp(); await listenToReminders(); });
    setTimeout(() => listenToReminders().catch(showFatal), 1000);
  } catch (error) {
    showFatal(error);
  }
}

start();
