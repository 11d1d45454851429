// Teamet: the team's feed of shared stories (with a lead's review queue),
// this week's line-up (lineup.js), the folder's status, requests to join
// and the members; before there is a team, joining or creating one
// (team-setup.js).
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText, formatTime } from '../i18n.js';
import { state, leadInView, myIdInView } from '../state.js';
import { confirmDialog } from '../parts/confirm.js';
import { toast } from '../parts/feedback.js';
import { teamSwitch } from '../parts/team-switch.js';
import { SITUATIONS } from '../parts/moment-form.js';
import { lineupSection } from './lineup.js';
import { storyItem } from './team-feed.js';
import { teamPeople, waitingToBeLetIn } from './team-people.js';
import { teamSetup } from './team-setup.js';
import { renderTeamStatus } from './team-status.js';

// `nav.show` moves to (or redraws) a screen; `nav.markSeen` tells the rail
// which stories have been seen.
export async function teamScreen(nav) {
  const [{ team, status }, switcher] = await Promise.all([api.teamState(), teamSwitch(nav)]);
  if (!team) return { page: teamSetup(nav), focus: null };
  const lead = leadInView();
  const redraw = () => nav.show('team');
  const filter = h('select', { id: 'feed-filter', testid: 'feed-filter' },
    h('option', { value: '', text: t('moments.filterAll') }),
    SITUATIONS.map((v) => h('option', { value: v, text: t(`situation.${v}`) })));
  filter.value = state.feedSituation;
  const list = h('ul', { class: 'feed', testid: 'feed-list', 'aria-live': 'polite' });
  const queue = h('ul', { class: 'feed' });
  const statusLine = h('div', { class: 'feed-status', testid: 'feed-status' });
  const renderStatus = (s) => renderTeamStatus(statusLine, s, { when: s ? formatTime(s.read_at) : '', lead });
  renderStatus(status);
  const drafts = state.commentDrafts;
  let inputs = new Map(); // each story's comment field in the feed, by story
  const lineupBox = h('div', {});
  // What the feed was last drawn from: a reading that changed none of it
  // leaves the feed as it is, so a click never lands on a button that is
  // being replaced.
  let drawn = null;
  const load = async () => {
    const [stories, lineup] = await Promise.all([api.teamFeed(filter.value || null), api.lineup(null)]);
    // The day is part of it: "today" in the feed becomes "yesterday".
    const shown = JSON.stringify([stories, lineup, state.today?.date]);
    if (shown === drawn) return;
    drawn = shown;
    // Drawn again, the line-up box keeps the focus where it was.
    const inBox = lineupBox.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    clear(lineupBox).append(lineupSection(lineup, lead));
    if (inBox) lineupBox.querySelector(`[data-testid="${inBox}"]`)?.focus({ preventScroll: true });
    // Someone typing a comment keeps the cursor where it was.
    const focused = document.activeElement;
    const typing = [...inputs].find(([, input]) => input === focused && list.contains(input));
    const at = typing ? focused.selectionStart : 0;
    inputs = new Map();
    clear(list);
    if (stories.length === 0) list.append(h('li', { class: 'empty', testid: 'feed-empty', text: t('team.empty') }));
    for (const story of stories) list.append(storyItem(story, { lead, onChanged: load, drafts, inputs, lineup }));
    const input = typing && inputs.get(typing[0]);
    if (input) { input.focus({ preventScroll: true }); input.setSelectionRange(at, at); }
    nav.markSeen(stories);
    if (lead) {
      clear(queue);
      const unreviewed = stories.filter((s) => !s.review && s.author_id !== myIdInView());
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
  // The new lists replace the old in one step: emptied while waiting, a
  // box would shrink under the pointer on every read of the folder.
  const loadMembers = async () => {
    const { requestList, memberList } = await teamPeople(redraw);
    clear(membersBox).append(memberList);
    clear(requestsBox).append(requestList ?? []);
  };
  state.onTeamRead = async (s) => {
    // Let in (or declined, or removed) since the screen was drawn: draw
    // it again, as it now is.
    const now = (await api.teamState()).team;
    if (now && now.my_status !== team.my_status) { await redraw(); return; }
    renderStatus(s); await load(); await loadMembers();
  };
  await loadMembers();
  await load();
  const page = h('div', { class: 'page team' },
    switcher,
    h('h1', { text: team.name }),
    h('p', { class: 'lead', text: t('team.intro') }),
    waitingToBeLetIn(team),
    statusLine,
    requestsBox,
    lineupBox,
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
        type: 'button', class: 'quiet', testid: 'team-add', text: t('teams.add'),
        // Joining or making a team beside this one: the same steps as the first.
        // A reading of the folder meanwhile leaves the form as it is.
        onclick: () => { state.onTeamRead = null; page.replaceWith(teamSetup(nav)); },
      }),
      h('button', {
        type: 'button', class: 'quiet', testid: 'team-leave', text: t('team.leave'),
        onclick: async () => {
          if (!(await confirmDialog(t('team.leaveConfirm'), t('team.leave')))) return;
          // A refusal is shown in words; the team and its stories stay.
          try {
            await api.leaveTeam();
            await redraw();
          } catch (error) { toast(errorText(error)); }
        },
      })));
  return { page, focus: null };
}
