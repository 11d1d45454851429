// Settings: export, back up, restore. The person's data in their own hands.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, currentLanguage, errorText, formatNumber } from '../i18n.js';
import { state } from '../state.js';
import { confirmDialog } from '../parts/confirm.js';
import { toast } from '../parts/feedback.js';

// `restart` starts the window afresh, as after a restore.
export async function dataTools(restart) {
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
              await restart();
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
