// Spegeln, the weekly mirror: how this week compares, three questions to
// answer for this week or last, and the answers written before.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, formatDay, formatNumber } from '../i18n.js';
import { clearFormErrors, showFormError, toast } from '../parts/feedback.js';
import { radioGroup, checkedValue, ctrlEnterSubmits } from '../parts/forms.js';

// `redraw` draws the screen again once an answer is saved.
export function mirrorSection(progress, reflections, redraw) {
  const weeks = progress.weeks;
  const thisWeek = weeks[weeks.length - 1];
  const lastWeek = weeks[weeks.length - 2];
  const key = (w) => `${w.iso_year}-${w.iso_week}`;
  const saved = new Map(reflections.map((r) => [key(r), r]));
  const week = h('select', { id: 'mirror-week', testid: 'mirror-week', 'data-field': 'week' },
    [thisWeek, lastWeek].filter(Boolean).map((w, i) => h('option', {
      value: key(w), text: t(i === 0 ? 'mirror.thisWeek' : 'mirror.lastWeek', { n: w.iso_week }),
    })));
  // Early in a week, before this week's is written, the mirror looks back.
  if (lastWeek && !saved.has(key(lastWeek)) && !saved.has(key(thisWeek)) && thisWeek.fans === 0) {
    week.value = key(lastWeek);
  }
  const answer = (name, testid) => h('textarea', {
    id: `mirror-${name}`, testid, rows: 2, maxlength: 4000, dir: 'auto', 'data-field': name.replace('-', '_'),
  });
  const wentWell = answer('went-well', 'mirror-went-well');
  const heldBack = answer('held-back', 'mirror-held-back');
  const intention = answer('intention', 'mirror-intention');
  const PLAN_ANSWERS = ['yes', 'partly', 'no'];
  const planWorked = radioGroup({
    name: 'mirror-plan-worked', legend: t('mirror.planWorked'), checked: '', testidPrefix: 'mirror-plan-',
    options: PLAN_ANSWERS.map((v) => ({ value: v, label: t(`mirror.plan.${v}`) })),
  });
  const editPlan = h('button', {
    type: 'button', class: 'link', testid: 'mirror-edit-plan', text: t('mirror.editPlan'),
    onclick: () => {
      document.getElementById('plans')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      document.getElementById('plan-text')?.focus({ preventScroll: true });
    },
  });
  const fill = () => {
    const r = saved.get(week.value);
    wentWell.value = r?.went_well ?? '';
    heldBack.value = r?.held_back ?? '';
    intention.value = r?.intention ?? '';
    for (const radio of planWorked.querySelectorAll('input')) radio.checked = radio.value === (r?.plan_worked ?? '');
  };
  week.addEventListener('change', fill);
  fill();
  const field = (input, label) => h('div', { class: 'field' }, h('label', { for: input.id, text: t(label) }), input);
  const form = h('form', { id: 'mirror-form', class: 'mirror-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: week.id, text: t('mirror.week') }), week),
    field(wentWell, 'mirror.wentWell'),
    field(heldBack, 'mirror.heldBack'),
    field(intention, 'mirror.intention'),
    planWorked,
    h('p', { class: 'hint' }, h('span', { text: `${t('mirror.planHint')} ` }), editPlan),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'mirror-save', text: t('mirror.save') })));
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const [isoYear, isoWeek] = week.value.split('-').map(Number);
    try {
      await api.saveReflection({
        iso_year: isoYear, iso_week: isoWeek,
        went_well: wentWell.value, held_back: heldBack.value, intention: intention.value,
        plan_worked: checkedValue(form, 'mirror-plan-worked'),
      });
      toast(t('mirror.saved'));
      await redraw();
    } catch (error) {
      showFormError(form, error);
    }
  });
  const average = progress.earlier_weeks_average;
  const compare = average == null ? t('mirror.compareFirst', { n: progress.this_week })
    : t('mirror.compare', { n: progress.this_week, avg: formatNumber(Math.round(average * 10) / 10), best: progress.best_week });
  const list = h('ul', { class: 'mirror-list' }, reflections.map((r) => h('li', { class: 'mirror-item', testid: 'mirror-item' },
    h('p', { class: 'mirror-week', text: t('progress.weekName', { n: r.iso_week }) + ` · ${formatDay(r.monday)}` }),
    r.went_well ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.wentWellShort')}: ` }), h('span', { text: r.went_well })) : null,
    r.held_back ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.heldBackShort')}: ` }), h('span', { text: r.held_back })) : null,
    r.intention ? h('p', { dir: 'auto' }, h('strong', { text: `${t('mirror.intentionShort')}: ` }), h('span', { text: r.intention })) : null,
    r.plan_worked ? h('p', {}, h('strong', { text: `${t('mirror.planWorkedShort')}: ` }), h('span', { text: t(`mirror.plan.${r.plan_worked}`) })) : null)));
  return h('section', { 'aria-labelledby': 'mirror-title' },
    h('h2', { id: 'mirror-title', text: t('mirror.title') }),
    h('p', { class: 'mirror-compare', testid: 'mirror-compare', text: compare }),
    form,
    reflections.length ? h('h3', { text: t('mirror.earlier') }) : null,
    list);
}
