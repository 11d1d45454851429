// The customers' comments of a week, kept on the lead's PC; a lead in a
// team may pick one as the customer's voice in that week's line-up, after
// seeing it as the team would (name, email and phone taken out) and what
// was taken out.
import * as api from '../api.js';
import { h, clear } from '../dom.js';
import { t, errorText, formatDay } from '../i18n.js';
import { state } from '../state.js';
import { toast } from '../parts/feedback.js';
import { confirmDialog } from '../parts/confirm.js';

const KIND = { email: 'voice.removedEmail', phone: 'voice.removedPhone', name: 'voice.removedName' };

// Asks before sharing: the words as the team will see them, and what was
// taken out. Resolves to true when the lead shares.
function askToShare(voice) {
  const removed = voice.redacted.removed;
  return confirmDialog(t('voice.asShown', { week: voice.week }), t('voice.share'), {
    testid: 'voice-dialog',
    okTestid: 'voice-share',
    details: [
      h('blockquote', { class: 'lineup-voice-box', dir: 'auto', testid: 'voice-text', text: voice.redacted.text }),
      removed.length
        ? h('div', { testid: 'voice-removed' },
          h('p', { text: t('voice.removed', { n: removed.length }) }),
          h('ul', {}, removed.map((item) => h('li', { text: `${t(KIND[item.kind])}: ${item.text}` }))))
        : h('p', { class: 'hint', testid: 'voice-removed', text: t('voice.nothingRemoved') }),
      h('p', { class: 'hint', text: t('voice.checkYourself') }),
    ],
  });
}

// The comments of `week` (`2026-W45`), drawn into `slot`.
export async function showComments(week, slot, inTeam) {
  const comments = await api.feedbackComments(week.week);
  clear(slot);
  const items = comments.map((comment) => h('li', { class: 'moment', testid: 'feedback-comment' },
    h('p', { class: 'moment-meta' },
      h('span', { class: 'badge', text: t('voice.score', { n: comment.score }) }),
      h('time', { datetime: comment.answered_on, text: formatDay(comment.answered_on, state.today.date) })),
    h('p', { class: 'moment-text', dir: 'auto', text: comment.text }),
    inTeam ? h('div', { class: 'moment-actions' }, h('button', {
      type: 'button', class: 'quiet', testid: 'voice-pick', text: t('voice.pick'),
      onclick: async () => {
        try {
          const voice = await api.customerVoice(comment.id);
          if (!(await askToShare(voice))) return;
          await api.shareCustomerVoice(comment.id);
          toast(t('voice.shared', { week: voice.week }));
        } catch (error) { toast(errorText(error)); }
      },
    })) : null));
  slot.append(h('section', { 'aria-labelledby': 'comments-title', class: 'feedback-comments', testid: 'feedback-comments' },
    h('h3', { id: 'comments-title', tabindex: '-1', text: t('voice.commentsTitle', { n: week.iso_week }) }),
    h('p', { class: 'hint', text: t(inTeam ? 'voice.commentsIntroTeam' : 'voice.commentsIntro') }),
    items.length ? h('ul', { class: 'moment-list' }, items) : h('p', { class: 'empty', text: t('voice.noComments') })));
  slot.querySelector('#comments-title')?.focus();
}
