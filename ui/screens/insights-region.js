// The region's view, on Insights: teams followed read-only (a lead of
// each team lets the follower in), their weekly numbers from the teams'
// signed tallies side by side and together, never a story's words. Teams
// are listed by name, never by score.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText, formatNumber, formatPercent } from '../i18n.js';
import { toast } from '../parts/feedback.js';
import { confirmDialog } from '../parts/confirm.js';
import { lookThenAsk } from './team-setup.js';

const pct = (x) => formatPercent(x / 100);
// A team's week with fewer tallies than this shows only who took part.
const MIN_PARTICIPATION = 2;

// Asks the team in a folder to let this person follow, after comparing
// the founder's key.
function followForm(refresh) {
  const input = h('input', { id: 'region-folder', testid: 'region-folder', dir: 'ltr', placeholder: t('team.folderPlaceholder') });
  return lookThenAsk({
    folder: input,
    button: h('button', { type: 'submit', class: 'primary', testid: 'team-follow', text: t('team.look') }),
    top: [h('h3', { text: t('region.followTitle') }), h('p', { class: 'hint', text: t('region.followHint') })],
    confirmLabel: (name) => t('region.followConfirm', { name }),
    ask: async (previewed, folder) => {
      await api.followTeam(folder, previewed.founder_fingerprint);
      toast(t('region.asked', { name: previewed.name }));
      // Ready for the next team's folder.
      input.value = '';
      input.dispatchEvent(new Event('input'));
      await refresh(true);
    },
  });
}

function numbers(week) {
  const shown = (text) => (week.numbers_shown ? text : '–');
  const taking = week.members >= MIN_PARTICIPATION
    ? `${pct(week.participation)} · ${t('insights.talliesIn', { n: week.members })}` : '–';
  return [taking, shown(formatNumber(week.fans_per_member)), shown(formatNumber(week.exceptions_used)),
    week.team_members > 0 ? pct(week.recognition) : '–'];
}

function teamRow(team, refresh) {
  const week = team.weeks[0];
  const state = team.team.following;
  const stop = h('button', {
    type: 'button', class: 'link', text: t('region.stop'),
    'aria-label': t('region.stopNamed', { name: team.team.name }),
    onclick: async () => {
      if (!(await confirmDialog(t('region.stopConfirm', { name: team.team.name }), t('region.stop')))) return;
      try { await api.stopFollowing(team.team.team_id); await refresh(false); } catch (error) { toast(errorText(error)); }
    },
  });
  const cells = state === 'following' && week
    ? numbers(week).map((text) => h('td', { text }))
    : [h('td', { colspan: 4 }, t(`region.state.${state}`), state === 'asking'
      ? h('span', { class: 'fingerprint-inline', dir: 'ltr', testid: 'region-my-fingerprint', text: ` ${team.team.my_fingerprint}` }) : null)];
  return h('tr', { testid: 'region-team' },
    h('th', { scope: 'row' }, h('span', { class: 'region-team-name', dir: 'auto', text: team.team.name }), stop), ...cells);
}

function togetherRow(week) {
  return h('tr', { testid: 'region-together' },
    h('th', { scope: 'row', text: t('region.together', { n: week.teams }) }),
    ...numbers(week).map((text) => h('td', { text })));
}

function regionTable(region, refresh) {
  const heads = ['team', 'participation', 'perMember', 'exceptions', 'recognition'];
  return h('table', { class: 'insights', testid: 'region-insights' },
    h('caption', { text: region.together[0]
      ? t('region.caption', { n: region.together[0].iso_week }) : t('region.title') }),
    h('thead', {}, h('tr', {}, heads.map((key) => h('th', { scope: 'col', text: t(`region.col.${key}`) })))),
    h('tbody', {}, region.teams.map((team) => teamRow(team, refresh)),
      region.together[0] && region.together[0].teams > 0 ? togetherRow(region.together[0]) : null));
}

// The app tells how far reading the teams' folders is; one listener for
// the window's life, showing it in the section on screen now.
let progressShown = null;
let listening = false;
function showProgressIn(progress) {
  progressShown = progress;
  if (listening) return;
  listening = true;
  api.listen(api.EVENTS.regionProgress, (event) => {
    const { done, total } = event.payload;
    if (!progressShown) return;
    progressShown.max = Math.max(total, 1);
    progressShown.value = done;
  }).catch(() => { listening = false; });
}

export function regionSection() {
  const body = h('div', { testid: 'region-body' });
  const progress = h('progress', { class: 'region-progress', max: 1, value: 0, hidden: true, 'aria-label': t('region.reading') });
  const exportButton = h('button', {
    type: 'button', class: 'quiet', testid: 'region-export', text: t('region.export'),
    onclick: async () => {
      try {
        const done = await api.exportRegion(t('region.export'));
        if (done) toast(t('data.exported', { n: done.rows, path: done.path }));
      } catch (error) { toast(errorText(error)); }
    },
  });
  // Only the latest answer draws: the numbers as kept may come after a
  // reading asked for later.
  let asked = 0;
  const refresh = async (read) => {
    const mine = ++asked;
    progress.hidden = !read;
    const region = await api.region(read);
    if (mine !== asked) return;
    progress.hidden = true;
    clear(body).append(region.teams.length
      ? h('div', { class: 'table-wrap' }, regionTable(region, refresh))
      : h('p', { class: 'empty', testid: 'region-empty', text: t('region.empty') }));
    exportButton.hidden = region.teams.length === 0;
  };
  showProgressIn(progress);
  // The numbers as last worked out at once, then the folders are read.
  refresh(false)
    .catch(() => {})
    .finally(() => refresh(true).catch((error) => toast(errorText(error))));
  return h('section', { 'aria-labelledby': 'region-title' },
    h('h2', { id: 'region-title', text: t('region.title') }),
    h('p', { class: 'section-intro', text: t('region.intro') }),
    progress, body,
    h('div', { class: 'button-row' }, exportButton),
    followForm(refresh));
}
