// Name, role, language: for the first-run setup and for Settings.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, setLanguage } from '../i18n.js';
import { state } from '../state.js';
import { clearFormErrors, showFormError } from './feedback.js';
import { radioGroup, checkedValue, ctrlEnterSubmits } from './forms.js';

// Returns the form and its name field; the role and language choices are
// form.elements.role and form.elements.language.
export function profileForm({ profile, submitLabel, onSaved }) {
  const name = h('input', {
    id: 'profile-name', testid: 'profile-name', 'data-field': 'name', autocomplete: 'name',
    maxlength: 200, value: profile?.display_name ?? '', dir: 'auto',
  });
  const language = profile?.language ?? state.systemLanguage;
  const form = h('form', { id: 'profile-form', class: 'profile-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: name.id, class: 'label', text: t('profile.name') }), name),
    radioGroup({
      name: 'role', legend: t('profile.role'), checked: profile?.role ?? 'staff', testidPrefix: 'role-',
      options: [
        { value: 'staff', label: t('role.staff'), hint: t('role.staff.hint') },
        { value: 'lead', label: t('role.lead'), hint: t('role.lead.hint') },
      ],
    }),
    radioGroup({
      name: 'language', legend: t('profile.language'), checked: language, testidPrefix: 'lang-',
      options: [{ value: 'sv', label: 'Svenska' }, { value: 'en', label: 'English' }],
    }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'profile-save', text: submitLabel })));
  // Preview the chosen language at once, before saving.
  for (const radio of form.elements.language) {
    radio.addEventListener('change', () => setLanguage(radio.value));
  }
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      state.profile = await api.saveProfile({
        display_name: name.value,
        role: checkedValue(form, 'role'),
        language: checkedValue(form, 'language'),
      });
      setLanguage(state.profile.language);
      await onSaved();
    } catch (error) {
      showFormError(form, error);
    }
  });
  return { form, name };
}
