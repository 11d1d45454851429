// The Team screen's status line: when the folder was last read, what waits
// to be sent, whose events are missing or reuse a number, and what in the
// folder was not taken and why, each in the person's language. Everything
// here comes from other people's PCs: it is shown as text, never as HTML.
import { h, clear } from '../dom.js';
import { t, errorText, formatTime } from '../i18n.js';

// At most this many skipped files are listed; the rest are counted.
const LISTED = 50;
const OVERFLOW = '…';

function skipText(skip) {
  const reason = t(`skip.${skip.code}`);
  // Whole files past the status's room are counted together under "…"
  // (OVERFLOW_PATH in src/team/report.rs).
  if (skip.path === OVERFLOW && skip.first_offset === null) {
    return `${skip.path}: ${reason} (${t('team.skippedFiles', { n: skip.count })})`;
  }
  if (skip.count <= 1 || skip.first_offset === null) return `${skip.path}: ${reason}`;
  // A file found rewound is counted per time it was found so, not per line.
  if (skip.code === 'rewound') return `${skip.path}: ${reason} (${t('team.timesFound', { n: skip.count })})`;
  return `${skip.path}: ${reason} (${t('team.skippedCount', {
    n: skip.count, offset: skip.first_offset,
  })})`;
}

// Files that cannot be read just now: online-only and not downloaded yet,
// held by another program, on a share that is away. They wait; Fanday
// tries them again.
function waitingFiles(files, wasOpen) {
  const listed = files.slice(0, LISTED).map((file) => h('li', {
    dir: 'ltr',
    testid: 'feed-waiting-file',
    text: t('team.fileWaits', { path: file.path, reason: t(`wait.${file.code}`), time: formatTime(file.since) }),
  }));
  if (files.length > LISTED) listed.push(h('li', { text: t('team.skippedMore', { n: files.length - LISTED }) }));
  return h('details', { class: 'waiting', open: wasOpen },
    h('summary', { testid: 'feed-waiting-files', text: t('team.filesWaiting', { n: files.length }) }),
    h('ul', {}, listed));
}

// Why a region does not get this member's numbers, in this note's own
// words: an error's usual text speaks of what was saved or sent, which
// here it was.
const FOLLOWERS_REASONS = ['disk_full', 'file_in_use'];

function followersReason(error) {
  const code = FOLLOWERS_REASONS.includes(error.code) ? error.code : 'other';
  return t(`team.followersReason.${code}`);
}

export function renderTeamStatus(line, status, { when, lead }) {
  // A read every minute redraws the line: an open list stays open.
  const wasOpen = Boolean(line.querySelector('details.skipped')?.open);
  const waitingWasOpen = Boolean(line.querySelector('details.waiting')?.open);
  clear(line);
  if (!status) {
    line.append(h('span', { text: t('team.notReadYet') }));
    return;
  }
  const report = status.report;
  line.append(h('span', {
    text: report.folder_missing ? t('team.folderMissing', { time: when })
      : status.error ? t('team.readError', { time: when, message: errorText(status.error) })
        : t('team.readAt', { time: when }),
  }));
  if (report.more) line.append(' ', h('span', { testid: 'feed-reading', text: t('team.stillReading') }));
  const notes = [];
  if (status.healed_at) {
    notes.push(h('li', { testid: 'feed-healed', text: t('team.healedAt', { time: formatTime(status.healed_at) }) }));
  }
  for (const path of report.replaced ?? []) {
    notes.push(h('li', { testid: 'feed-replaced', text: t('team.replaced', { path }) }));
  }
  if (report.waiting_to_send > 0) {
    notes.push(h('li', { testid: 'feed-waiting', text: t('team.waiting', { n: report.waiting_to_send }) }));
  }
  if (report.send_error) {
    notes.push(h('li', { testid: 'feed-send-error', text: t('team.sendError', { reason: errorText(report.send_error) }) }));
  }
  if (report.followers_error) {
    notes.push(h('li', {
      testid: 'feed-followers-error',
      text: t('team.followersError', { reason: followersReason(report.followers_error) }),
    }));
  }
  for (const gap of report.gaps ?? []) {
    const name = gap.name || t('team.someone');
    if (gap.missing > 0) {
      notes.push(h('li', { testid: 'feed-missing', dir: 'auto', text: t('team.missing', { n: gap.missing, name }) }));
    }
    if (gap.forks > 0 && lead) {
      notes.push(h('li', { testid: 'feed-forks', dir: 'auto', text: t('team.forks', { n: gap.forks, name }) }));
    }
  }
  if (notes.length) line.append(h('ul', { class: 'feed-notes' }, notes));
  const waiting = report.waiting_files ?? [];
  if (waiting.length) line.append(waitingFiles(waiting, waitingWasOpen));
  const skipped = report.skipped ?? [];
  if (skipped.length) {
    const listed = skipped.slice(0, LISTED).map((skip) => h('li', { dir: 'ltr', testid: 'feed-skip', text: skipText(skip) }));
    if (skipped.length > LISTED) listed.push(h('li', { text: t('team.skippedMore', { n: skipped.length - LISTED }) }));
    line.append(h('details', { class: 'skipped', open: wasOpen },
      h('summary', { testid: 'feed-skipped', text: t('team.skipped', { n: skipped.length }) }),
      h('ul', {}, listed)));
  }
}
