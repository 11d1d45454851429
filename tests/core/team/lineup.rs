//! The line-up: a lead's shortlist of stories for an ISO week, by default
//! the week's featured stories; counted only from a lead, the latest per
//! week on every PC; withdrawn stories leave it; an author may ask to be
//! shown as "a colleague", and only they can.

use crate::support::team as support;

use fanday_core::exception::Action;
use fanday_core::team::Lineup;
use fanday_core::{CoreError, ExceptionInput, Situation};
use serde_json::json;
use support::{
    append_raw, events_file, read, share, signed_by, story_key, team, unshare, Member, Stranger,
};

fn lineup(member: &Member) -> Lineup {
    member
        .app
        .lineup(None)
        .unwrap_or_else(|err| panic!("{err}"))
}

fn texts(lineup: &Lineup) -> Vec<String> {
    lineup.stories.iter().map(|s| s.text.clone()).collect()
}

fn set(member: &Member, stories: &[String]) -> Lineup {
    member
        .app
        .set_lineup(None, stories)
        .unwrap_or_else(|err| panic!("{err}"))
}

fn everyone_reads(t: &support::Team) {
    for m in [&t.lena, &t.sara, &t.ali, &t.lena] {
        read(m);
    }
}

#[test]
fn a_weeks_line_up_is_its_featured_stories_until_a_lead_picks_and_then_the_same_on_every_pc() {
    let t = team();
    let s1 = share(
        &t.sara,
        "Ringde upp en kund som väntat",
        Situation::Complaint,
    );
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    everyone_reads(&t);
    let empty = lineup(&t.lena);
    assert_eq!(empty.week, "2026-W48");
    assert!(!empty.picked);
    assert!(empty.stories.is_empty());

    t.lena
        .app
        .review(&story_key(&t.sara, &s1), true)
        .unwrap_or_else(|err| panic!("{err}"));
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        let featured = lineup(m);
        assert!(!featured.picked);
        assert_eq!(texts(&featured), vec!["Ringde upp en kund som väntat"]);
    }

    let picked = set(&t.lena, &[story_key(&t.ali, &a1), story_key(&t.sara, &s1)]);
    assert!(picked.picked);
    assert_eq!(
        texts(&picked),
        vec!["Bar kartongen till bilen", "Ringde upp en kund som väntat"]
    );
    everyone_reads(&t);
    for m in [&t.sara, &t.ali] {
        assert_eq!(lineup(m), picked, "as the lead picked it");
    }
    let story = &picked.stories[1];
    assert_eq!(story.author_name.as_deref(), Some("Sara"));
    assert_eq!(story.reaction.as_deref(), Some("Tack!"));

    // Another week keeps its own (empty) line-up.
    let before = t
        .lena
        .app
        .lineup(Some("2026-W47"))
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(before.stories.is_empty() && !before.picked);
    assert!(matches!(
        t.lena.app.lineup(Some("2026-W99")),
        Err(CoreError::Invalid(_))
    ));
}

#[test]
fn only_a_lead_sets_the_line_up_and_a_members_or_strangers_forgery_does_not_count() {
    let t = team();
    let s1 = share(&t.sara, "Växlade mynt", Situation::SaidNo);
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    everyone_reads(&t);
    let leads = set(&t.lena, &[story_key(&t.sara, &s1)]);
    everyone_reads(&t);

    assert!(matches!(
        t.sara.app.set_lineup(None, &[story_key(&t.ali, &a1)]),
        Err(CoreError::LeadOnly)
    ));
    // Ali, an admitted member but no lead, signs a line-up into his file;
    // someone with folder access who is no member writes one too.
    let body = json!({"week": "2026-W48",
                      "stories": [{"story_author": t.ali.id, "story_id": a1}]});
    let line = signed_by(&t.ali, "lineup.set", body.clone(), 50);
    append_raw(&events_file(t.path(), &t.ali.id), &format!("{line}\n"));
    let mut stranger = Stranger::new(t.path(), "00000000-0000-0000-0000-000000000000");
    stranger.asks_to_join("Kollega");
    stranger.writes("lineup.set", body);
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(lineup(m), leads, "only the lead's line-up counts");
    }
}

#[test]
fn two_leads_picking_at_once_end_in_the_same_line_up_on_every_pc() {
    let t = team();
    let s1 = share(&t.sara, "Växlade mynt", Situation::SaidNo);
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    everyone_reads(&t);
    // Neither has read the other's.
    set(&t.lena, &[story_key(&t.sara, &s1)]);
    set(&t.ali, &[story_key(&t.ali, &a1), story_key(&t.sara, &s1)]);
    everyone_reads(&t);
    let lenas = lineup(&t.lena);
    assert!(lenas.picked);
    for m in [&t.sara, &t.ali] {
        assert_eq!(lineup(m), lenas);
    }
}

#[test]
fn a_withdrawn_story_leaves_the_line_up() {
    let t = team();
    let s1 = share(&t.sara, "Växlade mynt", Situation::SaidNo);
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    everyone_reads(&t);
    set(&t.lena, &[story_key(&t.sara, &s1), story_key(&t.ali, &a1)]);
    everyone_reads(&t);
    unshare(&t.sara, &s1);
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(texts(&lineup(m)), vec!["Bar kartongen till bilen"]);
    }
}

#[test]
fn an_author_who_asks_is_shown_as_a_colleague_and_only_they_can_ask() {
    let t = team();
    let s1 = share(&t.sara, "Växlade mynt", Situation::SaidNo);
    let a1 = share(&t.ali, "Bar kartongen till bilen", Situation::JustBecause);
    everyone_reads(&t);
    set(&t.lena, &[story_key(&t.sara, &s1), story_key(&t.ali, &a1)]);
    t.sara
        .app
        .set_lineup_anonymous(true)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(t.sara.app.lineup_anonymous().unwrap_or(false));
    // Ali signs a line that says it is Sara's choice to be named: it does
    // not verify with Sara's key.
    let forged = support::forged_as(
        &t.ali,
        &t.sara,
        "lineup.anonymous",
        json!({"anonymous": false}),
        90,
        2,
    );
    append_raw(&events_file(t.path(), &t.sara.id), &format!("{forged}\n"));
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        let names: Vec<Option<String>> = lineup(m)
            .stories
            .into_iter()
            .map(|s| s.author_name)
            .collect();
        assert_eq!(names, vec![None, Some("Ali".to_string())]);
    }
    // Her latest choice holds.
    t.sara
        .app
        .set_lineup_anonymous(false)
        .unwrap_or_else(|err| panic!("{err}"));
    everyone_reads(&t);
    assert_eq!(
        lineup(&t.ali).stories[0].author_name.as_deref(),
        Some("Sara")
    );
}

#[test]
fn a_story_that_used_an_exception_names_it_in_the_line_up() {
    let t = team();
    let proposal = t
        .sara
        .app
        .propose_exception(&ExceptionInput {
            rule: "Receptionen växlar inte pengar".into(),
            allowed: "Växla mynt till parkeringsautomaten".into(),
            ..ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.lena);
    t.lena
        .app
        .act_on_exception(
            &format!("{}/{}", t.sara.id, proposal.id),
            Action::Approve,
            None,
        )
        .unwrap_or_else(|err| panic!("{err}"));
    read(&t.sara);
    let mut input = support::moment_input("Växlade mynt åt en gäst", Situation::SaidNo, true);
    input.exception_id = Some(proposal.id.clone());
    input.told_customer = true;
    let s1 = t
        .sara
        .app
        .add_moment(&input)
        .unwrap_or_else(|err| panic!("{err}"))
        .id;
    everyone_reads(&t);
    set(&t.lena, &[story_key(&t.sara, &s1)]);
    everyone_reads(&t);
    for m in [&t.lena, &t.ali, &t.sara] {
        let exception = lineup(m).stories[0].exception.clone();
        assert_eq!(
            exception.map(|e| e.rule),
            Some("Receptionen växlar inte pengar".to_string())
        );
    }
}

#[test]
fn a_customers_voice_counts_only_from_a_lead_and_within_its_limits() {
    let t = team();
    // Ali, an admitted member but no lead, signs a voice into his file;
    // so does someone with folder access who is no member; and a lead's
    // voice of 501 characters is refused wherever it is read.
    let voice = |text: &str| json!({"week": "2026-W48", "text": text});
    let line = signed_by(&t.ali, "lineup.voice", voice("Ali hittade på det här"), 50);
    append_raw(&events_file(t.path(), &t.ali.id), &format!("{line}\n"));
    let mut stranger = Stranger::new(t.path(), "00000000-0000-0000-0000-000000000000");
    stranger.asks_to_join("Kollega");
    stranger.writes("lineup.voice", voice("En främling skrev"));
    let long = signed_by(&t.lena, "lineup.voice", voice(&"x".repeat(501)), 60);
    append_raw(&events_file(t.path(), &t.lena.id), &format!("{long}\n"));
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(lineup(m).voice, None, "no voice counts");
    }
    // A grant made after the lead read it covers only Ali's later numbers.
    t.lena
        .app
        .grant_lead(&t.ali.id)
        .unwrap_or_else(|err| panic!("{err}"));
    everyone_reads(&t);
    for m in [&t.lena, &t.sara, &t.ali] {
        assert_eq!(
            lineup(m).voice,
            None,
            "his earlier voice still does not count"
        );
    }
}
