// Where the team folder is kept by a cloud provider (OneDrive, SharePoint,
// Dropbox on Windows), whose files can be online-only: Fanday offers to
// keep the folder on this PC ("Always keep on this device"), when a team
// is created or joined there and in Settings. Nothing is shown elsewhere.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { toast } from '../parts/feedback.js';
import { savingCheckbox } from '../parts/forms.js';

// The offer when creating or joining: ticked unless the person says no.
// `shown(cloud)` shows it for a folder a cloud provider keeps.
export function keepOnDeviceOffer() {
  const box = h('input', { type: 'checkbox', id: 'team-keep-on-device', testid: 'team-keep-on-device', checked: true });
  const offer = h('div', { class: 'field', hidden: true },
    h('label', { class: 'switch' }, box, h('span', { text: t('cloud.keepOnDevice') })),
    h('p', { class: 'hint', text: t('cloud.keepExplain') }));
  return {
    element: offer,
    shown(cloud) { offer.hidden = !cloud?.under_cloud; },
    // After the team was made or joined: keeps the folder on this PC if
    // the person wants it; a failure is said, the team stays.
    async apply() {
      if (offer.hidden || !box.checked) return;
      try {
        await api.keepTeamFolderOnDevice(true);
        toast(t('cloud.kept'));
      } catch (error) { toast(errorText(error)); }
    },
  };
}

// Settings: the same choice for the team folder joined, to undo or redo.
export function cloudSection(team) {
  if (!team?.cloud?.under_cloud) return null;
  const box = savingCheckbox({
    id: 'team-kept-on-device', testid: 'team-kept-on-device', checked: team.cloud.kept_on_device,
    save: api.keepTeamFolderOnDevice,
    saved: (keep) => toast(t(keep ? 'cloud.kept' : 'cloud.released')),
  });
  return h('section', { 'aria-labelledby': 'cloud-title' },
    h('h2', { id: 'cloud-title', text: t('cloud.title') }),
    h('p', { class: 'section-intro', text: t('cloud.explain') }),
    h('label', { class: 'switch' }, box, h('span', { text: t('cloud.keepOnDevice') })),
    h('p', { class: 'hint', text: t('cloud.releaseExplain') }));
}
