// Who is in the team, on the Team screen: requests to join (for leads, to
// admit or decline after comparing the key with the person), the members
// (leads may make a colleague lead, take the role back, or remove them),
// and, for someone waiting to be let in, their own key to read out.
// Names and stories here come from other PCs: shown as text, never HTML.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { confirmDialog } from '../parts/confirm.js';
import { toast } from '../parts/feedback.js';

// `redraw` draws the screen again after a change.
function action(redraw, { testid, label, confirm, request, memberId, done }) {
  return h('button', {
    type: 'button', class: 'quiet', testid, text: label,
    onclick: async () => {
      if (confirm && !(await confirmDialog(confirm, label))) return;
      try {
        await request(memberId);
        if (done) toast(done);
        await redraw();
      } catch (error) { toast(errorText(error)); }
    },
  });
}

function requestItem(redraw, member) {
  const name = member.name || t('team.someone');
  const asks = { returning: 'team.requestReturning', asks_to_follow: 'team.requestFollow' }[member.status] ?? 'team.request';
  // Someone who asks to follow (a region) is let follow, not let in.
  const follow = member.status === 'asks_to_follow';
  const words = (key) => (follow ? `${key}Follow` : key);
  return h('li', { class: 'request', testid: 'team-request' },
    h('p', { dir: 'auto', text: t(asks, { name, key: member.fingerprint }) }),
    h('p', { class: 'hint', text: t(words('team.requestCompare'), { name }) }),
    member.waiting_stories.length ? h('ul', { class: 'waiting-stories' },
      member.waiting_stories.map((text) => h('li', { dir: 'auto', text }))) : null,
    h('div', { class: 'form-actions' },
      action(redraw, {
        testid: 'team-admit', label: t(words('team.admit')),
        request: () => (follow ? api.letFollow : api.admit)(member.member_id, member.fingerprint),
        confirm: t(words('team.admitConfirm'), { name, key: member.fingerprint }), done: t(words('team.admitted'), { name }),
      }),
      action(redraw, {
        testid: 'team-decline', label: t('team.decline'),
        request: () => api.decline(member.member_id, member.fingerprint),
        confirm: t('team.declineConfirm', { name }),
      })));
}

function memberItem(redraw, member, { meLead, leads }) {
  const name = member.name || t('team.someone');
  const others = !member.is_me;
  return h('li', { testid: 'team-member' },
    h('span', { dir: 'auto', class: 'member-name', text: name }),
    member.is_lead ? h('span', { class: 'badge', text: t('team.lead') }) : null,
    member.status === 'removed' ? h('span', { class: 'badge', text: t('team.removed') }) : null,
    member.status === 'follower' ? h('span', { class: 'badge', text: t('team.follower') }) : null,
    h('span', { class: 'member-key', dir: 'ltr', text: member.fingerprint }),
    meLead && others && member.status === 'admitted' && !member.is_lead ? action(redraw, {
      testid: 'team-grant-lead', label: t('team.makeLead'), request: api.grantLead, memberId: member.member_id,
      confirm: t('team.makeLeadConfirm', { name, key: member.fingerprint }), done: t('team.madeLead', { name }),
    }) : null,
    meLead && others && member.is_lead && leads > 1 ? action(redraw, {
      testid: 'team-revoke-lead', label: t('team.revokeLead'), request: api.revokeLead, memberId: member.member_id,
      confirm: t('team.revokeLeadConfirm', { name, key: member.fingerprint }), done: t('team.revokedLead', { name }),
    }) : null,
    meLead && others && (member.status === 'admitted' || member.status === 'follower') ? action(redraw, {
      testid: 'team-remove', label: t('team.remove'), request: api.removeMember, memberId: member.member_id,
      confirm: t('team.removeConfirm', { name, key: member.fingerprint }), done: t('team.removedDone', { name }),
    }) : null);
}

// Builds the requests (for leads) and the members list from the core's list.
export async function teamPeople(redraw) {
  const people = await api.teamMembers();
  const meLead = people.some((m) => m.is_me && m.is_lead);
  const asking = ['pending', 'returning', 'asks_to_follow'];
  const requests = people.filter((m) => !m.is_me && asking.includes(m.status));
  const members = people.filter((m) => !requests.includes(m) && !['declined', 'pending', 'asks_to_follow'].includes(m.status));
  const leads = members.filter((m) => m.is_lead).length;
  const requestList = meLead && requests.length
    ? h('section', { 'aria-labelledby': 'requests-title', class: 'requests' },
      h('h2', { id: 'requests-title', text: t('team.requests', { n: requests.length }) }),
      h('ul', { class: 'feed' }, requests.map((m) => requestItem(redraw, m))))
    : null;
  const memberList = h('div', {},
    h('h3', { text: t('team.members', { n: members.length }) }),
    h('ul', { class: 'members', testid: 'team-members' },
      members.map((m) => memberItem(redraw, m, { meLead, leads }))));
  return { requestList, memberList };
}

// What someone who asked to join sees until a lead lets them in.
export function waitingToBeLetIn(team) {
  const key = h('p', { class: 'fingerprint-value', testid: 'team-my-fingerprint', dir: 'ltr', text: team.my_fingerprint });
  if (team.my_status !== 'pending' && team.my_status !== 'returning' && team.my_status !== 'declined') return null;
  const words = team.my_status === 'declined' ? 'team.declinedMe' : 'team.waitingForLead';
  return h('div', { class: 'waiting', role: 'status' },
    h('p', { text: t(words) }),
    team.my_status === 'declined' ? null : key);
}
