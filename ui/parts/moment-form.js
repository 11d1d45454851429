// The quick-log form on Today, also used to edit a moment.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, formatDay, addDays } from '../i18n.js';
import { state, takePrefetched } from '../state.js';
import { clearFormErrors, showFormError } from './feedback.js';
import { radioGroup, checkedValue, ctrlEnterSubmits } from './forms.js';
import { sharePicks } from './share-picks.js';

// The kinds of moment and of customer, in the order the screens show them.
export const SITUATIONS = ['just_because', 'said_no', 'complaint'];
export const CUSTOMERS = ['external', 'internal'];
const TOOK = ['time', 'generosity', 'flexibility'];

// The days a moment may be dated: today and up to a week back, plus the
// moment's own date when editing an older one.
function dayOptions(keepDate) {
  const { date: today, earliest_date: earliest } = state.today;
  const days = [];
  for (let day = today; day >= earliest; day = addDays(day, -1)) days.push(day);
  if (keepDate && !days.includes(keepDate)) days.push(keepDate);
  return days.map((day) => h('option', { value: day, text: formatDay(day, today) }));
}

// Approved exceptions to pick from; an edited moment keeps its own even if retired.
function fillExceptions(exceptionPick, moment, showTold) {
  const prefetched = moment ? null : takePrefetched('approved_exceptions');
  (prefetched ? Promise.resolve(prefetched) : api.momentExceptions()).then((approved) => {
    for (const exception of approved) {
      exceptionPick.append(h('option', { value: exception.id, text: exception.rule }));
    }
    if (moment?.exception_id && !approved.some((e) => e.id === moment.exception_id)) {
      exceptionPick.append(h('option', {
        value: moment.exception_id, text: t('form.retiredException', { rule: moment.exception_rule ?? '' }),
      }));
    }
    exceptionPick.value = moment?.exception_id ?? '';
    exceptionPick.disabled = exceptionPick.options.length === 1;
    exceptionPick.dataset.loaded = 'true';
    showTold();
  }).catch(() => { exceptionPick.disabled = true; });
}

// Returns the form, its text field (to focus) and its row of buttons.
// Test ids only on the Today form, so a WebDriver script always finds one
// of each.
export function momentForm({ id, moment = null, onSaved }) {
  const editing = Boolean(moment);
  const tid = (name) => (editing ? `edit-${name}` : name);
  const text = h('textarea', {
    id: `${id}-text`, rows: 3, maxlength: 4000, testid: tid('moment-text'), 'data-field': 'text',
    placeholder: t('form.textPlaceholder'), dir: 'auto', required: true,
    'aria-describedby': `${id}-text-hint`,
  });
  text.value = moment?.text ?? '';
  const reaction = h('textarea', {
    id: `${id}-reaction`, rows: 2, maxlength: 4000, testid: tid('moment-reaction'),
    'data-field': 'reaction', placeholder: t('form.reactionPlaceholder'), dir: 'auto',
  });
  reaction.value = moment?.reaction ?? '';
  const date = h('select', { id: `${id}-date`, 'data-field': 'date', testid: tid('moment-date') },
    dayOptions(moment?.date));
  date.value = moment?.date ?? state.today.date;
  const shared = h('input', {
    type: 'checkbox', id: `${id}-shared`, testid: tid('share-toggle'), checked: Boolean(moment?.shared),
  });
  const picks = sharePicks({ id, moment, tid });
  if (picks) {
    shared.checked = picks.any;
    picks.box.hidden = !shared.checked;
    shared.addEventListener('change', () => { picks.box.hidden = !shared.checked; });
  }
  const exceptionPick = h('select', { id: `${id}-exception`, 'data-field': 'exception', testid: tid('moment-exception') },
    h('option', { value: '', text: t('form.noException') }));
  const told = h('input', {
    type: 'checkbox', id: `${id}-told`, testid: tid('moment-told-customer'), checked: Boolean(moment?.told_customer),
  });
  const toldBox = h('div', { class: 'told', hidden: true },
    h('p', { class: 'told-reminder', text: t('form.tellCustomer') }),
    h('label', { class: 'check' }, told, h('span', { text: t('form.toldCustomer') })));
  const showTold = () => { toldBox.hidden = !exceptionPick.value; };
  exceptionPick.addEventListener('change', showTold);
  fillExceptions(exceptionPick, moment, showTold);
  // The person's plan for the kind of moment picked, to follow and to say so.
  const planCheck = h('input', { type: 'checkbox', id: `${id}-plan`, testid: tid('moment-plan') });
  const planText = h('span', { class: 'plan-sentence', dir: 'auto', testid: tid('moment-plan-text') });
  const planBox = h('div', { class: 'plan-box', hidden: true },
    h('p', { class: 'plan-line' }, h('span', { class: 'plan-label', text: `${t('form.yourPlan')} ` }), planText),
    h('label', { class: 'check' }, planCheck, h('span', { text: t('form.followedPlan') })));
  let shownPlan = null;
  let plans = null; // parts/plans.js, loaded after the first paint
  const showPlan = () => {
    if (!plans) return;
    const plan = plans.planFor(checkedValue(form, `${id}-situation`));
    if (plan?.id === shownPlan?.id) return;
    shownPlan = plan;
    planBox.hidden = !plan;
    planText.textContent = plan ? plans.planSentence(plan) : '';
    planCheck.checked = Boolean(plan) && moment?.plan_id === plan.id;
  };
  const saveButton = h('button', { type: 'submit', class: 'primary', testid: tid('moment-save') },
    editing ? t('edit.save') : t('form.save'));

  const details = h('details', { class: 'more', open: editing && Boolean(moment.reaction || moment.took || shared.checked) },
    h('summary', { testid: tid('moment-more'), text: t('form.more') }),
    h('div', { class: 'field' }, h('label', { for: reaction.id, text: t('form.reaction') }), reaction),
    h('div', { class: 'field' }, h('label', { for: date.id, text: t('form.date') }), date),
    radioGroup({
      name: `${id}-took`, legend: t('form.took'), checked: moment?.took ?? '',
      options: [{ value: '', label: t('took.none') }, ...TOOK.map((v) => ({ value: v, label: t(`took.${v}`) }))],
    }),
    h('div', { class: 'field' },
      h('label', { for: exceptionPick.id, text: t('form.exception') }), exceptionPick, toldBox),
    h('label', { class: 'check' }, shared, h('span', { text: t('form.shared') })),
    picks?.box);
  if (editing && moment.exception_id) details.open = true;

  const actions = h('div', { class: 'form-actions' },
    saveButton,
    h('span', { class: 'hint', text: t('form.saveHint') }));
  const form = h('form', { id, class: 'moment-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: text.id, class: 'label', text: t('form.text') }),
      text,
      h('p', { id: `${id}-text-hint`, class: 'hint', text: t('form.textHint') })),
    radioGroup({
      name: `${id}-situation`, legend: t('form.situation'), big: true,
      checked: moment?.situation ?? 'just_because', testidPrefix: editing ? 'edit-situation-' : 'situation-',
      options: SITUATIONS.map((v) => ({ value: v, label: t(`situation.${v}`), hint: t(`situation.${v}.hint`) })),
    }),
    planBox,
    radioGroup({
      name: `${id}-customer`, legend: t('form.customer'),
      checked: moment?.customer ?? 'external', testidPrefix: editing ? 'edit-customer-' : 'customer-',
      options: CUSTOMERS.map((v) => ({ value: v, label: t(`customer.${v}`) })),
    }),
    details,
    actions);
  ctrlEnterSubmits(form);
  for (const radio of form.elements[`${id}-situation`]) radio.addEventListener('change', showPlan);
  // The plans are not needed for the first paint: fetched just after it.
  requestAnimationFrame(() => setTimeout(() => {
    import('./plans.js')
      .then(async (module) => { await module.loadPlans(); plans = module; showPlan(); })
      .catch(() => {});
  }, 0));

  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    saveButton.disabled = true;
    clearFormErrors(form);
    const input = {
      date: date.value || null,
      situation: checkedValue(form, `${id}-situation`),
      customer: checkedValue(form, `${id}-customer`),
      text: text.value,
      reaction: reaction.value,
      took: checkedValue(form, `${id}-took`) || null,
      shared: shared.checked && (!picks || picks.picked().own),
      exception_id: exceptionPick.value || null,
      told_customer: Boolean(exceptionPick.value) && told.checked,
      plan_id: shownPlan && planCheck.checked ? shownPlan.id : null,
    };
    try {
      // With several teams, the further ones picked (none when not shared).
      const teams = picks ? (shared.checked ? picks.picked().further : []) : null;
      const saved = editing ? await api.updateMoment(moment.id, input, teams) : await api.addMoment(input, teams);
      await onSaved(saved);
    } catch (error) {
      showFormError(form, error);
    } finally {
      busy = false;
      saveButton.disabled = false;
    }
  });
  return { form, text, actions };
}
