// One rule exception as a card: the rule, what is allowed instead and
// within what limits, how often it was used, its history; and the
// decisions a lead (or its proposer) may take on it.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, formatDay } from '../i18n.js';
import { state, myIdInView } from '../state.js';
import { clearFormErrors, showFormError, toast } from '../parts/feedback.js';

export function exceptionCard(exception, { lead, onChanged }) {
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
  if (exception.status === 'proposed' && exception.proposed_by === myIdInView()) {
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
