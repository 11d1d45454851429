// Settings: the profile, the daily reminder, the data folder with export,
// backups and restore, the weekly tally for the team, this PC's team key,
// and how the line-up names me.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { state } from '../state.js';
import { toast } from '../parts/feedback.js';
import { profileForm } from '../parts/profile-form.js';
import { dataTools } from './settings-data.js';
import { keySection } from './settings-key.js';
import { lineupNameSetting } from './settings-lineup.js';
import { tallySection } from './settings-tally.js';
import { cloudSection } from './settings-cloud.js';
import { reminderForm } from './settings-reminders.js';
import { teamSwitch } from '../parts/team-switch.js';

// `nav.renderRail` re-words the rail after a change of language or role;
// `nav.restart` starts the window afresh after a restore.
export async function settingsScreen(nav) {
  const { form } = profileForm({
    profile: state.profile,
    submitLabel: t('profile.save'),
    onSaved: () => {
      toast(t('profile.saved'));
      nav.renderRail();
    },
  });
  const reminder = reminderForm(await api.reminderSettings());
  const [{ team }, tallyOn, switcher] = await Promise.all([api.teamState(), api.tallySharing(), teamSwitch(nav)]);
  const key = keySection(team);
  const page = h('div', { class: 'page settings' },
    h('h1', { text: t('settings.title') }),
    h('section', { 'aria-labelledby': 'profile-title' },
      h('h2', { id: 'profile-title', text: t('settings.profile') }), form),
    h('section', { 'aria-labelledby': 'reminder-title' },
      h('h2', { id: 'reminder-title', text: t('reminder.title') }),
      h('p', { class: 'section-intro', text: t('reminder.intro') }),
      reminder),
    h('section', { 'aria-labelledby': 'data-title' },
      h('h2', { id: 'data-title', text: t('settings.data') }),
      h('p', { text: t('settings.dataDir') }),
      h('p', { class: 'path', testid: 'data-dir', dir: 'ltr', text: state.dataDir }),
      await dataTools(nav.restart)),
    tallySection(tallyOn),
    // What follows is the team in view's, when the person is in several.
    switcher ?? '',
    cloudSection(team) ?? '',
    key,
    await lineupNameSetting(team));
  return { page, focus: null };
}
