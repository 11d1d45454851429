// Small pieces every form uses: a group of choices, reading the chosen one,
// and Ctrl+Enter to save from anywhere in the form.
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { toast } from './feedback.js';

export function radioGroup({ name, legend, options, checked, testidPrefix, big = false }) {
  return h('fieldset', { class: big ? 'choices big' : 'choices' },
    h('legend', { text: legend }),
    h('div', { class: 'choice-row' }, options.map((opt) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name, value: opt.value, checked: opt.value === checked,
        testid: testidPrefix ? `${testidPrefix}${opt.value}` : null,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-label', text: opt.label }),
        opt.hint ? h('span', { class: 'choice-hint', text: opt.hint }) : null)))));
}

export function checkedValue(form, name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

export function ctrlEnterSubmits(form) {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

// The days of the week as check boxes (1 is Monday); `chosen()` reads them.
export function weekdayChoices({ legend, selected, testidPrefix }) {
  const boxes = [1, 2, 3, 4, 5, 6, 7].map((day) => h('input', {
    type: 'checkbox', name: 'weekday', value: String(day), testid: `${testidPrefix}${day}`,
    checked: selected.includes(day),
  }));
  const fieldset = h('fieldset', { class: 'choices weekdays', 'data-field': 'weekdays', tabindex: '-1' },
    h('legend', { text: legend }),
    h('div', { class: 'choice-row' }, boxes.map((box) => h('label', { class: 'choice day' },
      box,
      h('span', { class: 'choice-label', text: t(`weekday.${box.value}`) })))));
  return { fieldset, chosen: () => boxes.filter((box) => box.checked).map((box) => Number(box.value)) };
}

// A check box that saves itself when changed: `save(on)`, then `saved(on)`;
// a refusal puts it back and says why.
export function savingCheckbox({ id, testid, checked, save, saved }) {
  const box = h('input', { type: 'checkbox', id, testid, checked });
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    try {
      await save(wanted);
      saved(wanted);
    } catch (error) {
      box.checked = !wanted;
      toast(errorText(error));
    }
  });
  return box;
}
