// Asks before something that is hard to take back.
import { h } from '../dom.js';
import { t } from '../i18n.js';

// Resolves to true on OK, false on Cancel or Escape. `details` are shown
// under the message; `testid` and `okTestid` name the dialog and its OK.
export function confirmDialog(message, okLabel, { details = [], testid = null, okTestid = 'confirm-ok' } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'editor', role: 'alertdialog', 'aria-labelledby': 'confirm-text', testid });
    const done = (answer) => { dialog.close(); resolve(answer); };
    const cancel = h('button', { type: 'button', class: 'quiet', testid: 'confirm-cancel', text: t('edit.cancel'), onclick: () => done(false) });
    dialog.append(
      h('p', { id: 'confirm-text', class: 'confirm-text', text: message }),
      ...details,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'primary', testid: okTestid, text: okLabel, onclick: () => done(true) }),
        cancel));
    dialog.addEventListener('cancel', () => resolve(false));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
