// The Team screen before there is a team: join one (look in the folder,
// compare the founder's key, then ask to join) or create one.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { clearFormErrors, showFormError, toast } from '../parts/feedback.js';
import { keepOnDeviceOffer } from './settings-cloud.js';

// A folder field with the system's picker beside it; typing or pasting a
// path works as well.
function folderField(input, label) {
  const browseFor = t('team.browseFor', { what: label.toLocaleLowerCase() });
  const browse = h('button', {
    type: 'button', class: 'quiet', text: t('team.browse'),
    'aria-label': browseFor,
    onclick: async () => {
      try {
        const picked = await api.pickFolder(browseFor);
        if (picked) {
          input.value = picked;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
      } catch (error) { toast(errorText(error)); }
    },
  });
  return h('div', { class: 'field' }, h('label', { for: input.id, text: label }),
    h('div', { class: 'folder-row' }, input, browse));
}

function createForm(nav) {
  const name = h('input', { id: 'team-name', testid: 'team-name', maxlength: 200, 'data-field': 'team_name', dir: 'auto' });
  const folder = h('input', { id: 'team-create-folder', testid: 'team-create-folder', dir: 'ltr', placeholder: t('team.folderPlaceholder') });
  const offer = keepOnDeviceOffer();
  // A folder in OneDrive or SharePoint: the offer to keep it on this PC.
  folder.addEventListener('change', async () => {
    try { offer.shown(await api.folderCloud(folder.value)); } catch { offer.shown(null); }
  });
  const form = h('form', { class: 'exception-form', novalidate: true },
    h('h2', { text: t('team.createTitle') }),
    h('p', { class: 'hint', text: t('team.createHint') }),
    h('div', { class: 'field' }, h('label', { for: name.id, text: t('team.name') }), name),
    folderField(folder, t('team.folder')),
    offer.element,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', testid: 'team-create', text: t('team.create') })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      await api.createTeam(name.value, folder.value);
      await offer.apply();
      toast(t('team.created'));
      await nav.show('team');
    } catch (error) { showFormError(form, error); }
  });
  return form;
}

// A form whose first press looks in the folder and shows the founder's
// key to compare, and whose second asks (to join, or to follow): `ask`
// gets what was looked at. `top` and `below` are shown above and below
// the folder; `looked` hears each look (null when the folder changes).
export function lookThenAsk({ folder, button, top, below = [], confirmLabel, ask, looked = () => {} }) {
  const fingerprint = h('div', { class: 'fingerprint', hidden: true });
  let previewed = null;
  folder.addEventListener('input', () => {
    previewed = null;
    fingerprint.hidden = true;
    looked(null);
    button.textContent = t('team.look');
  });
  const form = h('form', { class: 'exception-form', novalidate: true },
    ...top, folderField(folder, t('team.folder')), fingerprint, ...below,
    h('div', { class: 'form-actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      if (!previewed) {
        previewed = await api.previewTeam(folder.value);
        clear(fingerprint).append(
          h('p', { text: t('team.joinCompare', { name: previewed.name }) }),
          h('p', { class: 'fingerprint-value', testid: 'team-fingerprint', text: previewed.founder_fingerprint }));
        fingerprint.hidden = false;
        looked(previewed);
        button.textContent = confirmLabel(previewed.name);
        return;
      }
      await ask(previewed, folder.value);
    } catch (error) { showFormError(form, error); }
  });
  return form;
}

function joinForm(nav) {
  const offer = keepOnDeviceOffer();
  return lookThenAsk({
    folder: h('input', { id: 'team-folder', testid: 'team-folder', dir: 'ltr', placeholder: t('team.folderPlaceholder') }),
    button: h('button', { type: 'submit', class: 'primary', testid: 'team-join', text: t('team.look') }),
    top: [h('h2', { text: t('team.joinTitle') }),
      h('p', { class: 'hint', text: t('team.joinHint') }),
      h('p', { class: 'hint', testid: 'team-join-lead-sees', text: t('tally.joinLeadSees') })],
    below: [offer.element],
    looked: (previewed) => offer.shown(previewed ? previewed.cloud : null),
    confirmLabel: (name) => t('team.joinConfirm', { name }),
    ask: async (previewed, folder) => {
      const joined = await api.joinTeam(folder, previewed.founder_fingerprint);
      await offer.apply();
      toast(t(joined.my_status === 'admitted' ? 'team.joined' : 'team.asked', { name: previewed.name }));
      await nav.show('team');
    },
  });
}

export function teamSetup(nav) {
  return h('div', { class: 'page team' },
    h('h1', { text: t('team.title') }),
    h('p', { class: 'lead', text: t('team.setupIntro') }),
    joinForm(nav), createForm(nav));
}
