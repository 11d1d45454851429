// The first run: name, role and language, the days the person works
// (Monday to Friday preselected), then one if-then plan, which may be
// skipped.
import * as api from '../api.js';
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { state } from '../state.js';
import { showFormError } from '../parts/feedback.js';
import { checkedValue, weekdayChoices } from '../parts/forms.js';
import { profileForm } from '../parts/profile-form.js';
import { plansEditor } from '../parts/plans.js';

const WORKDAYS = [1, 2, 3, 4, 5];

// Draws the setup into `main`; `done` runs once the person is set up.
export function setupScreen(main, done, kept = {}) {
  const page = h('div', { class: 'page setup' },
    h('div', { class: 'setup-mark' }, icon('heart', 'brand-mark')),
    h('h1', { text: t('setup.title') }),
    h('p', { class: 'lead', text: t('setup.intro') }));
  const workdays = weekdayChoices({
    legend: t('setup.workdays'), selected: kept.weekdays ?? WORKDAYS, testidPrefix: 'setup-day-',
  });
  const { form, name } = profileForm({
    profile: null,
    submitLabel: t('setup.start'),
    onSaved: async () => {
      try {
        const settings = await api.reminderSettings();
        await api.saveReminderSettings({ ...settings, weekdays: workdays.chosen() });
      } catch (error) {
        showFormError(form, error);
        return;
      }
      await planStep(main, done);
    },
  });
  form.querySelector('.form-actions').before(workdays.fieldset,
    h('p', { class: 'hint', text: t('setup.workdaysHint') }));
  // Switching language re-words the welcome too, keeping what was typed
  // and chosen.
  for (const radio of form.elements.language) {
    radio.addEventListener('change', () => {
      state.systemLanguage = radio.value;
      const again = setupScreen(main, done, { weekdays: workdays.chosen() });
      again.name.value = name.value;
      again.form.elements.role.value = checkedValue(form, 'role');
      [...again.form.elements.language].find((choice) => choice.value === radio.value).focus();
    });
  }
  page.append(form);
  clear(main).append(page);
  name.focus();
  return { form, name };
}

// One plan to start with; skipping is as good as writing one.
async function planStep(main, done) {
  const skip = h('button', { type: 'button', testid: 'setup-plan-skip', text: t('setup.planSkip'), onclick: () => done() });
  const editor = await plansEditor({ list: false, onChanged: () => done() });
  clear(main).append(h('div', { class: 'page setup' },
    h('h1', { text: t('setup.planTitle') }),
    h('p', { class: 'lead', text: t('setup.planIntro') }),
    editor,
    h('div', { class: 'form-actions' }, skip)));
  main.querySelector('#plan-text')?.focus();
}
