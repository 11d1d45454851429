// Settings: this PC's team key, where it is kept, and a new one on request.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { confirmDialog } from '../parts/confirm.js';
import { toast } from '../parts/feedback.js';

export function keySection(team) {
  if (!team) return null;
  const where = team.key_kept_in === 'keyring' ? 'settings.keyInKeyring' : 'settings.keyInFile';
  const value = h('span', { class: 'member-key', dir: 'ltr', testid: 'settings-my-key', text: team.my_fingerprint });
  const rotate = h('button', {
    type: 'button', class: 'quiet', testid: 'team-rotate-key', text: t('settings.rotateKey'),
    disabled: team.format < 2,
    onclick: async () => {
      if (!(await confirmDialog(t('settings.rotateKeyConfirm'), t('settings.rotateKey')))) return;
      try {
        const fingerprint = await api.rotateKey();
        value.textContent = fingerprint;
        toast(t('settings.rotatedKey', { key: fingerprint }));
      } catch (error) { toast(errorText(error)); }
    },
  });
  return h('section', { 'aria-labelledby': 'key-title' },
    h('h2', { id: 'key-title', text: t('settings.key') }),
    h('p', {}, t('settings.keyIs'), ' ', value),
    h('p', { class: 'hint', testid: 'settings-key-place', text: t(where) }),
    h('div', { class: 'form-actions' }, rotate));
}
