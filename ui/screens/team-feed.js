// One story in the team feed (or, compact, in a lead's review queue): what a
// colleague did, large; who and when, small; applause, comments, and for a
// lead, marking it reviewed or featured and picking it for the line-up.
// Stories come from other PCs: they are shown as text, never as HTML.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDay } from '../i18n.js';
import { state, myIdInView } from '../state.js';
import { toast } from '../parts/feedback.js';
import { pickButton } from './lineup.js';

// `drafts` keeps half-written comments by story, so a feed that re-renders
// because a colleague's events arrived never throws away what someone typed;
// `inputs` (when given) learns each story's comment field, to put the
// cursor back where it was after such a redraw.
export function storyItem(story, { lead, onChanged, drafts, inputs = null, compact = false, lineup = null }) {
  const when = formatDay(story.date, state.today.date);
  const mine = story.author_id === myIdInView();
  const act = (fn) => async () => {
    try { await fn(); await onChanged(); } catch (error) { toast(errorText(error)); }
  };
  const commentInput = h('input', {
    class: 'comment-input', testid: 'feed-comment-text', maxlength: 4000, dir: 'auto',
    placeholder: t('team.commentPlaceholder'), 'aria-label': t('team.comment'),
    'data-story': story.story_id,
  });
  commentInput.value = drafts.get(story.story_id) ?? '';
  commentInput.addEventListener('input', () => drafts.set(story.story_id, commentInput.value));
  if (!compact) inputs?.set(story.story_id, commentInput);
  const commentForm = h('form', { class: 'comment-form', novalidate: true },
    commentInput,
    h('button', { type: 'submit', class: 'quiet', testid: 'feed-comment', text: t('team.comment') }));
  commentForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = commentInput.value;
    if (!text.trim()) { commentInput.focus(); return; }
    act(async () => {
      await api.comment(story.story_id, text);
      drafts.delete(story.story_id);
    })();
  });
  return h('li', { class: `moment story${story.review === 'featured' ? ' featured' : ''}`, testid: 'feed-item', 'data-id': story.story_id },
    h('div', { class: 'moment-meta' },
      story.review === 'featured' ? h('span', { class: 'badge featured-badge', text: t('team.featured') }) : null,
      h('strong', { class: 'author', dir: 'auto', testid: 'feed-author', text: story.author_name || t('team.someone') }),
      h('span', { class: `badge situation-${story.situation}`, text: t(`situation.${story.situation}`) }),
      h('span', { text: t(`customer.${story.customer}`) }),
      h('time', { datetime: story.date, text: when }),
      story.review === 'reviewed' ? h('span', { class: 'shared', text: t('team.reviewed') }) : null),
    h('p', { class: 'moment-text', dir: 'auto', testid: 'feed-text', text: story.text }),
    story.reaction ? h('p', { class: 'moment-reaction', dir: 'auto', text: story.reaction }) : null,
    compact ? null : h('ul', { class: 'comments' }, story.comments.map((c) => h('li', {},
      h('strong', { dir: 'auto', text: `${c.author_name || t('team.someone')}: ` }),
      h('span', { dir: 'auto', testid: 'feed-comment-item', text: c.text })))),
    h('div', { class: 'moment-actions' },
      h('button', {
        type: 'button', class: story.applauded_by_me ? 'quiet applauded' : 'quiet', testid: 'feed-applaud',
        'aria-pressed': String(story.applauded_by_me), disabled: story.applauded_by_me || mine,
        text: t('team.applause', { n: story.applause }),
        onclick: act(() => api.applaud(story.story_id)),
      }),
      lead && !mine && !story.review ? h('button', {
        type: 'button', class: 'quiet', testid: 'feed-review', text: t('team.markReviewed'),
        onclick: act(() => api.review(story.story_id, false)),
      }) : null,
      lead && !mine && story.review !== 'featured' ? h('button', {
        type: 'button', class: 'quiet', testid: 'feed-feature', text: t('team.feature'),
        onclick: act(() => api.review(story.story_id, true)),
      }) : null,
      lead && lineup && !compact ? pickButton(story, lineup, onChanged) : null),
    compact ? null : commentForm);
}
