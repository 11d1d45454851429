// One moment in a list: what was done, for whom and when; with `onChanged`,
// also Edit (in a dialog) and Delete (with an undo in the toast).
import * as api from '../api.js';
import { h, append, icon } from '../dom.js';
import { t, errorText, formatDay } from '../i18n.js';
import { refreshToday, state } from '../state.js';
import { toast } from './feedback.js';
import { momentForm } from './moment-form.js';

export function momentItem(moment, { onChanged }) {
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
  const { form, text, actions } = momentForm({
    id: 'edit-form',
    moment,
    onSaved: async () => {
      close();
      await refreshToday();
      await onChanged();
      toast(t('edit.saved'));
    },
  });
  actions.prepend(
    h('button', { type: 'button', class: 'quiet', testid: 'edit-cancel', text: t('edit.cancel'), onclick: close }));
  append(dialog, [h('h2', { id: 'edit-title', text: t('edit.title') }), form]);
  dialog.addEventListener('cancel', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  text.focus();
}
