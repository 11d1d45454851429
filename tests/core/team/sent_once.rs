//! A PC whose key does not count for the team (removed, declined, waiting,
//! or with a new key, the founder's too) sends each story, edit,
//! withdrawal and request once: reading the folder every minute never
//! sends them again.

use crate::support::team as support;

use fanday_core::Situation;
use support::{event_lines, read, share, team, unshare, Member};

fn kinds_in_folder(t: &support::Team, member: &Member, kind: &str) -> usize {
    event_lines(t.path(), &member.id)
        .iter()
        .filter_map(|line| fanday_core::team_event::Event::parse(line).ok())
        .filter(|event| event.kind == kind)
        .count()
}

#[test]
fn a_removed_member_sends_a_story_once_however_often_their_app_reads() {
    let t = team();
    t.lena
        .app
        .remove_member(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.ali);
    share(&t.ali, "Efter att jag slutade", Situation::JustBecause);
    for _ in 0..3 {
        read(&t.ali);
    }
    assert_eq!(kinds_in_folder(&t, &t.ali, "story.shared"), 1);
}

#[test]
fn a_member_with_a_new_key_takes_a_story_back_once() {
    let t = team();
    let story = share(&t.sara, "Före", Situation::JustBecause);
    read(&t.lena);
    // Sara's data on a PC without her key: a new key, waiting for a lead.
    let sara = t.sara.on_a_pc_without_the_key();
    read(&sara);
    unshare(&sara, &story);
    for _ in 0..3 {
        read(&sara);
    }
    assert_eq!(kinds_in_folder(&t, &sara, "story.withdrawn"), 1);
}

#[test]
fn a_founder_with_a_new_key_asks_to_come_back_like_anyone() {
    let t = team();
    let lena = t.lena.on_a_pc_without_the_key();
    for _ in 0..3 {
        read(&lena);
    }
    assert_eq!(
        kinds_in_folder(&t, &lena, "member.requested"),
        1,
        "her new key asks once; a colleague who leads can let it in"
    );
}
