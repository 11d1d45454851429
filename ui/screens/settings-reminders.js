// Settings: the daily reminder. On or off, the time, working days, when the
// day starts, how long a snooze lasts, pauses (a holiday), a weekly digest,
// and opening at login. Adding or removing a pause saves at once.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, formatDay } from '../i18n.js';
import { refreshToday } from '../state.js';
import { clearFormErrors, showFormError, toast } from '../parts/feedback.js';
import { ctrlEnterSubmits, weekdayChoices } from '../parts/forms.js';

const SNOOZE_CHOICES = [5, 10, 15, 30, 45, 60, 90, 120, 180, 240];
const pad2 = (n) => String(n).padStart(2, '0');

// The form, from the saved settings.
export function reminderForm(settings) {
  let pauses = settings.pauses.map((p) => ({ ...p }));
  const enabled = h('input', {
    type: 'checkbox', id: 'reminder-enabled', testid: 'reminder-enabled', checked: settings.enabled,
  });
  const time = h('input', {
    id: 'reminder-time', testid: 'reminder-time', 'data-field': 'reminder_time',
    value: settings.time, inputmode: 'numeric', maxlength: 8, placeholder: '10:00',
    autocomplete: 'off', class: 'time-input',
  });
  const { fieldset: days, chosen: chosenDays } = weekdayChoices({
    legend: t('reminder.weekdays'), selected: settings.weekdays, testidPrefix: 'reminder-day-',
  });
  const dayStart = h('select', { id: 'reminder-day-start', testid: 'reminder-day-start', 'data-field': 'day_start_hour' },
    Array.from({ length: 12 }, (_, hour) => h('option', { value: String(hour), text: `${pad2(hour)}:00` })));
  dayStart.value = String(settings.day_start_hour);
  const snoozeChoices = SNOOZE_CHOICES.includes(settings.snooze_minutes)
    ? SNOOZE_CHOICES : [...SNOOZE_CHOICES, settings.snooze_minutes].sort((a, b) => a - b);
  const snooze = h('select', { id: 'reminder-snooze', testid: 'reminder-snooze', 'data-field': 'snooze_minutes' },
    snoozeChoices.map((n) => h('option', { value: String(n), text: t('reminder.minutes', { n }) })));
  snooze.value = String(settings.snooze_minutes);
  const digest = h('input', {
    type: 'checkbox', id: 'reminder-digest', testid: 'reminder-digest', checked: settings.weekly_digest,
  });
  const openAtLogin = h('input', {
    type: 'checkbox', id: 'reminder-open-at-login', testid: 'reminder-open-at-login',
    checked: settings.open_at_login,
  });

  const pauseList = h('ul', { class: 'pause-list', testid: 'pause-list' });
  const pauseFrom = h('input', { type: 'date', id: 'pause-from', testid: 'pause-from' });
  const pauseTo = h('input', { type: 'date', id: 'pause-to', testid: 'pause-to' });
  const pausesBox = h('div', { class: 'pauses', 'data-field': 'pauses', tabindex: '-1' });
  const renderPauses = () => {
    clear(pauseList);
    if (pauses.length === 0) pauseList.append(h('li', { class: 'empty', text: t('reminder.pausesEmpty') }));
    pauses.forEach((pause, index) => {
      const words = { from: formatDay(pause.first_day), to: formatDay(pause.last_day) };
      pauseList.append(h('li', { class: 'pause', testid: 'pause-item' },
        h('span', { text: t('reminder.pauseRange', words) }),
        h('button', {
          type: 'button', class: 'link', testid: 'pause-remove', text: t('moment.delete'),
          'aria-label': t('reminder.pauseRemove', words),
          onclick: async () => {
            const before = pauses;
            pauses = pauses.filter((_, i) => i !== index);
            if (!(await save())) pauses = before;
            renderPauses();
          },
        })));
    });
  };
  renderPauses();

  const form = h('form', { id: 'reminder-form', class: 'reminder-form', novalidate: true },
    h('label', { class: 'switch' }, enabled, h('span', { text: t('reminder.enabled') })),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: time.id, class: 'label', text: t('reminder.time') }), time),
      h('div', { class: 'field' }, h('label', { for: snooze.id, class: 'label', text: t('reminder.snooze') }), snooze),
      h('div', { class: 'field' }, h('label', { for: dayStart.id, class: 'label', text: t('reminder.dayStart') }), dayStart)),
    h('p', { class: 'hint', text: t('reminder.dayStartHint') }),
    days,
    h('fieldset', { class: 'choices' },
      h('legend', { text: t('reminder.pauses') }),
      h('p', { class: 'hint', text: t('reminder.pausesHint') }),
      pauseList,
      pausesBox,
      h('div', { class: 'pause-add' },
        h('label', { for: pauseFrom.id, class: 'label', text: t('reminder.pauseFrom') }), pauseFrom,
        h('label', { for: pauseTo.id, class: 'label', text: t('reminder.pauseTo') }), pauseTo,
        h('button', {
          type: 'button', testid: 'pause-add', text: t('reminder.pauseAdd'),
          onclick: async () => {
            if (!pauseFrom.value) { pauseFrom.focus(); return; }
            const before = pauses;
            pauses = [...pauses, { first_day: pauseFrom.value, last_day: pauseTo.value || pauseFrom.value }];
            if (await save()) {
              pauseFrom.value = '';
              pauseTo.value = '';
            } else {
              pauses = before;
            }
            renderPauses();
          },
        }))),
    h('label', { class: 'switch' }, digest, h('span', { text: t('reminder.digest') })),
    h('label', { class: 'switch' }, openAtLogin, h('span', { text: t('reminder.openAtLogin') })),
    h('p', { class: 'hint', text: t('reminder.trayHint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'reminder-save', text: t('reminder.save') }),
      h('button', {
        type: 'button', testid: 'remind-now', text: t('reminder.tryNow'),
        onclick: async () => {
          try {
            await api.remindNow();
            toast(t('reminder.tried'));
          } catch (error) {
            showFormError(form, error);
          }
        },
      })));

  async function save() {
    clearFormErrors(form);
    try {
      const saved = await api.saveReminderSettings({
        enabled: enabled.checked,
        time: time.value,
        weekdays: chosenDays(),
        day_start_hour: Number(dayStart.value),
        snooze_minutes: Number(snooze.value),
        pauses,
        open_at_login: openAtLogin.checked,
        weekly_digest: digest.checked,
      });
      time.value = saved.time;
      pauses = saved.pauses;
      await refreshToday();
      return true;
    } catch (error) {
      showFormError(form, error);
      return false;
    }
  }
  ctrlEnterSubmits(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await save()) toast(t('reminder.saved'));
  });
  return form;
}
