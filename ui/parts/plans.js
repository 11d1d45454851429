// If-then plans: "När jag måste säga nej, så ska jag ...". One per kind of
// moment, written from an example the person makes their own; used on
// first run and in Progress, and named in the moment form.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { state } from '../state.js';
import { clearFormErrors, showFormError, toast } from './feedback.js';
import { confirmDialog } from './confirm.js';
import { radioGroup, checkedValue, ctrlEnterSubmits } from './forms.js';

// The plans and the words to write them with, asked for once and kept.
export async function loadPlans({ fresh = false } = {}) {
  if (fresh || !state.plans) state.plans = await api.listPlans();
  return state.plans;
}

export function wordsFor(situation) {
  return state.plans?.words.find((w) => w.situation === situation) ?? null;
}

export function planFor(situation) {
  return state.plans?.plans.find((p) => p.situation === situation) ?? null;
}

// The whole plan as one sentence.
export function planSentence(plan) {
  const words = wordsFor(plan.situation);
  return words ? `${words.when}, ${words.then} ${plan.action}` : plan.action;
}

// The form to write or change a plan, and (with `list`) the plans written,
// each with how often it was followed. `onChanged` runs after a save or a
// removal, with the plans as they are now.
export async function plansEditor({ list = true, onChanged = async () => {} } = {}) {
  // Fresh: how often each plan was followed changes with every moment.
  await loadPlans({ fresh: true });
  const box = h('div', { class: 'plans' });
  const draw = (situation) => {
    clear(box);
    const form = planForm(situation, async () => {
      await loadPlans({ fresh: true });
      draw(checkedValue(form, 'plan-situation'));
      await onChanged(state.plans);
    });
    box.append(form);
    if (list) box.append(planList(draw, onChanged));
  };
  draw(firstWithoutPlan());
  return box;
}

function firstWithoutPlan() {
  const written = new Set(state.plans.plans.map((p) => p.situation));
  return state.plans.words.find((w) => !written.has(w.situation))?.situation ?? state.plans.words[0].situation;
}

function planForm(initial, onSaved) {
  const text = h('textarea', {
    id: 'plan-text', testid: 'plan-text', rows: 2, maxlength: 600, dir: 'auto', 'data-field': 'plan_text',
    'aria-describedby': 'plan-text-hint',
  });
  const when = h('label', { for: text.id, class: 'label plan-when', id: 'plan-when' });
  const fill = (situation) => {
    const words = wordsFor(situation);
    when.textContent = `${words.when}, ${words.then} …`;
    text.value = planFor(situation)?.action ?? words.example;
  };
  const situations = radioGroup({
    name: 'plan-situation', legend: t('plans.situation'), checked: initial, testidPrefix: 'plan-situation-',
    options: state.plans.words.map((w) => ({ value: w.situation, label: t(`situation.${w.situation}`) })),
  });
  const form = h('form', { id: 'plan-form', class: 'plan-form', novalidate: true },
    situations,
    h('div', { class: 'field' },
      when,
      text,
      h('p', { id: 'plan-text-hint', class: 'hint', text: t('plans.hint') })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'plan-save', text: t('plans.save') })));
  for (const radio of form.elements['plan-situation']) {
    radio.addEventListener('change', () => { clearFormErrors(form); fill(radio.value); });
  }
  fill(initial);
  // The example is there to be changed: one keystroke replaces it.
  text.addEventListener('focus', () => {
    if (text.value === wordsFor(checkedValue(form, 'plan-situation'))?.example) text.select();
  });
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      await api.savePlan({ situation: checkedValue(form, 'plan-situation'), action: text.value });
      toast(t('plans.saved'));
      await onSaved();
    } catch (error) {
      showFormError(form, error);
    }
  });
  return form;
}

function planList(edit, onChanged) {
  const { plans } = state.plans;
  if (plans.length === 0) return h('p', { class: 'empty', testid: 'plans-empty', text: t('plans.empty') });
  return h('ul', { class: 'plan-list', 'aria-label': t('plans.list') }, plans.map((plan) => h('li', {
    class: 'plan-item', testid: 'plan-item',
  },
  h('p', { class: 'plan-sentence', dir: 'auto', text: planSentence(plan) }),
  h('p', { class: 'plan-used', testid: 'plan-used', text: t('plans.used', { n: plan.used }) }),
  h('div', { class: 'plan-actions' },
    h('button', {
      type: 'button', class: 'link', text: t('plans.edit'),
      'aria-label': `${t('plans.edit')}: ${t(`situation.${plan.situation}`)}`,
      onclick: () => { edit(plan.situation); document.getElementById('plan-text')?.focus(); },
    }),
    h('button', {
      type: 'button', class: 'link danger', text: t('plans.remove'),
      'aria-label': `${t('plans.remove')}: ${t(`situation.${plan.situation}`)}`,
      onclick: async () => {
        if (!(await confirmDialog(t('plans.removeConfirm'), t('plans.remove')))) return;
        try {
          await api.deletePlan(plan.situation);
          await loadPlans({ fresh: true });
          edit(plan.situation);
          await onChanged(state.plans);
        } catch (error) {
          toast(errorText(error));
        }
      },
    })))));
}
