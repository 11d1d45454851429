// The form under the exception catalogue: staff propose an exception, a
// lead adds one straight to the catalogue.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { clearFormErrors, showFormError, toast } from '../parts/feedback.js';
import { ctrlEnterSubmits } from '../parts/forms.js';

function numberOrNull(input) {
  const text = input.value.trim();
  return text === '' ? null : Number(text);
}

// Propose an exception (staff), or add one to the catalogue (lead).
// Returns the form, and fill(idea) to start it from one of the ideas.
export function exceptionForm({ lead, onSaved }) {
  const field = (name, props, tag = 'input') => h(tag, {
    id: `exception-${name}`, testid: `exception-${name}`, dir: 'auto', ...props,
  });
  const rule = field('rule', { 'data-field': 'rule', maxlength: 400 });
  const allowed = field('allowed', { 'data-field': 'allowed', maxlength: 2000, rows: 2 }, 'textarea');
  const limits = field('limits', { 'data-field': 'limits', maxlength: 1000 });
  const amount = field('amount', { 'data-field': 'amount_sek', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const minutes = field('minutes', { 'data-field': 'minutes', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const when = field('when', { 'data-field': 'applies_when', maxlength: 400 });
  const labelled = (input, key) => h('div', { class: 'field' },
    h('label', { for: input.id, class: 'label', text: t(key) }), input);
  const submit = h('button', {
    type: 'submit', class: 'primary', testid: 'exception-propose',
    text: lead ? t('exceptions.addButton') : t('exceptions.proposeButton'),
  });
  const form = h('form', { id: 'exception-form', class: 'exception-form', novalidate: true },
    labelled(rule, 'exception.rule'),
    labelled(allowed, 'exception.allowed'),
    labelled(limits, 'exception.limits'),
    h('div', { class: 'field-row' },
      labelled(amount, 'exception.amount'),
      labelled(minutes, 'exception.minutes'),
      labelled(when, 'exception.when')),
    h('div', { class: 'form-actions' }, submit,
      h('span', { class: 'hint', text: lead ? t('exceptions.addHint') : t('exceptions.proposeHint') })));
  const fill = (idea) => {
    rule.value = idea.rule;
    allowed.value = idea.allowed;
    limits.value = idea.limits ?? '';
    amount.value = idea.amount_sek ?? '';
    minutes.value = idea.minutes ?? '';
    when.value = idea.applies_when ?? '';
    rule.scrollIntoView({ block: 'center' });
    rule.focus();
  };
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const exception = {
      rule: rule.value, allowed: allowed.value, limits: limits.value,
      amount_sek: numberOrNull(amount), minutes: numberOrNull(minutes), applies_when: when.value,
    };
    try {
      await (lead ? api.addApprovedException(exception) : api.proposeException(exception));
      form.reset();
      toast(lead ? t('exceptions.added') : t('exceptions.proposed'));
      await onSaved();
    } catch (error) {
      showFormError(form, error);
    }
  });
  return { form, fill };
}
