// What the window knows between screens. Every field is declared here with
// its starting value, so one look shows all that is shared.
import * as api from './api.js';

export const state = {
  profile: null, // this PC's person, or null before the first-run setup
  today: null, // today_status: the day, how far back a moment may go, made or not
  prefetched: null, // what came with bootstrap for the first screen, used once
  dataDir: '',
  systemLanguage: 'en',
  screen: 'today', // the screen last asked for
  moments: { search: '', situation: '' }, // My moments' search, kept between visits
  feedSituation: '', // the team feed's filter, kept between visits
  commentDrafts: new Map(), // half-written comments by story, kept while the feed redraws
  onTeamRead: null, // the Team screen's redraw when the folder has been read
  onTodayChanged: null, // the Today screen's status line redraw
  plans: null, // list_plans: the if-then plans and their words, once asked for
  teams: [], // the teams the person is in (teams), the one in view marked
};

// Who the person is in the team in view: each team knows them by an id of
// its own.
export function myIdInView() {
  return state.teams.find((team) => team.in_view)?.member_id ?? state.profile?.id;
}

// Does the person lead the team in view? Their own store's team follows
// their role; a further team, what that team granted them.
export function leadInView() {
  const inView = state.teams.find((team) => team.in_view);
  return inView && !inView.own ? inView.is_lead : state.profile?.role === 'lead';
}

// What the first screen needs came with the start-up call; each part is
// used once, for the first paint, and asked for afresh after that.
export function takePrefetched(key) {
  const value = state.prefetched?.[key] ?? null;
  if (state.prefetched) delete state.prefetched[key];
  return value;
}

// After a moment or the reminder's settings change: is today's fan made?
export async function refreshToday() {
  state.today = await api.todayStatus();
  state.onTodayChanged?.();
}
