//! One person in two teams: each team in a store of its own with its own
//! key and admission, one team in view at a time, and a moment shared with
//! the teams the person picks and no other.

use crate::support::team as support;

use fanday_core::{CoreError, Fanday, Role, Situation};
use std::path::Path;
use support::{colleagues_in, colleagues_in_team, feed_texts, member, moment_input, read, Member};

/// `joiner`'s app joins the team in `folder` beside any team it is in.
fn enter(joiner: &Member, folder: &Path) {
    let preview = joiner
        .app
        .preview_team(folder)
        .unwrap_or_else(|err| panic!("{err}"));
    joiner
        .app
        .enter_team(folder, &preview.founder_fingerprint)
        .unwrap_or_else(|err| panic!("{err}"));
}

/// The lead lets in `name` after comparing the key their app shows for
/// the team in view.
fn let_in(lead: &Member, joiner: &Member, name: &str) {
    read(lead);
    let shown = in_view(&joiner.app).0;
    let asking = lead
        .app
        .team_members()
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} asks to join"));
    assert_eq!(asking.fingerprint, shown);
    lead.app
        .admit(&asking.member_id, &shown)
        .unwrap_or_else(|err| panic!("{err}"));
    read(lead);
    joiner
        .app
        .team_in_view()
        .and_then(|view| view.read_team())
        .unwrap_or_else(|err| panic!("{err}"));
}

/// The fingerprint and the name of the team in view.
fn in_view(app: &Fanday) -> (String, String) {
    let view = app.team_in_view().unwrap_or_else(|err| panic!("{err}"));
    let info = view
        .team_info()
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("a team in view"));
    (info.my_fingerprint, info.name)
}

fn show(app: &Fanday, name: &str) {
    let id = app
        .teams()
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .find(|team| team.name == name)
        .unwrap_or_else(|| panic!("{name} among the teams"))
        .team_id;
    app.show_team(&id).unwrap_or_else(|err| panic!("{err}"));
}

/// Maja joins the north team (Lena leads) and the south one (Karin
/// leads), each lead lets her in, and the north team is in view.
fn maja_in_north_and_south(north: &Path, south: &Path, tallies: bool) -> (Member, Member, Member) {
    let (lena, _, _) = colleagues_in(north, tallies);
    let (karin, _, _) = colleagues_in_team(south, "Butik Syd", tallies);
    let maja = member("Maja", Role::Staff);
    enter(&maja, north);
    let_in(&lena, &maja, "Maja");
    enter(&maja, south);
    let_in(&karin, &maja, "Maja");
    show(&maja.app, "Kundtjänst");
    (lena, karin, maja)
}

#[test]
fn one_person_in_two_teams_shares_with_the_team_she_picks_and_the_other_never_sees_it() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let south = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, sara, _) = colleagues_in(north.path(), true);
    let (karin, bo, eva) = colleagues_in_team(south.path(), "Butik Syd", true);
    let maja = member("Maja", Role::Staff);
    enter(&maja, north.path());
    let_in(&lena, &maja, "Maja");
    enter(&maja, south.path());
    // The team just joined is in view; each team knows her by its own key.
    assert_eq!(in_view(&maja.app).1, "Butik Syd");
    let_in(&karin, &maja, "Maja");
    show(&maja.app, "Kundtjänst");
    let north_key = in_view(&maja.app).0;
    show(&maja.app, "Butik Syd");
    assert_ne!(in_view(&maja.app).0, north_key);
    let teams = maja.app.teams().unwrap_or_else(|err| panic!("{err}"));
    let names: Vec<(&str, &str, bool)> = teams
        .iter()
        .map(|t| (t.name.as_str(), t.my_status.as_str(), t.in_view))
        .collect();
    assert_eq!(
        names,
        [
            ("Kundtjänst", "admitted", false),
            ("Butik Syd", "admitted", true)
        ]
    );

    // One moment for the south team only, one for the north team only.
    let south_id = teams[1].team_id.clone();
    let sofa = maja
        .app
        .add_moment(&moment_input(
            "Bar hem en soffa åt en kund i regnet",
            Situation::JustBecause,
            false,
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    let sofa = maja
        .app
        .share_moment_with(&sofa.id, std::slice::from_ref(&south_id))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(sofa.also_shared_with, std::slice::from_ref(&south_id));
    maja.app
        .add_moment(&moment_input(
            "Ringde upp en kund om en glömd mössa",
            Situation::Complaint,
            true,
        ))
        .unwrap_or_else(|err| panic!("{err}"));
    maja.app.read_team().unwrap_or_else(|err| panic!("{err}"));
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));

    for m in [&lena, &sara, &karin, &bo, &eva] {
        read(m);
    }
    let south_feed = feed_texts(&karin);
    assert!(south_feed.iter().any(|text| text.contains("soffa")));
    assert!(!south_feed.iter().any(|text| text.contains("mössa")));
    let north_feed = feed_texts(&sara);
    assert!(north_feed.iter().any(|text| text.contains("mössa")));
    assert!(
        !north_feed.iter().any(|text| text.contains("soffa")),
        "{north_feed:?}"
    );
    assert!(!folder_holds(north.path(), "soffa"));
    // The feed of the team in view is the south team's.
    let seen: Vec<String> = maja
        .app
        .team_in_view()
        .and_then(|view| view.feed(None, 50))
        .unwrap_or_else(|err| panic!("{err}"))
        .into_iter()
        .map(|story| story.text)
        .collect();
    assert!(seen.iter().any(|text| text.contains("soffa")) && seen.len() == 1);

    // Each team's tally of her week counts both her fans, shared or not.
    for lead in [&lena, &karin] {
        let week = lead
            .app
            .lead_insights(4)
            .unwrap_or_else(|err| panic!("{err}"))
            .weeks
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a week"));
        assert_eq!((week.fans, week.active_members), (2, 1), "{week:?}");
    }

    // The south team knows the story by an id of its own: two teams'
    // folders side by side do not tell that one person wrote both.
    let south_story = support::feed(&karin)
        .into_iter()
        .find(|story| story.text.contains("soffa"))
        .unwrap_or_else(|| panic!("the sofa story"));
    assert!(!south_story.story_id.contains(&sofa.id));
    assert!(!folder_holds(south.path(), &sofa.id));

    // New words and the south team unpicked, in one change: the south
    // team never gets the new words, and its story is withdrawn.
    let changed = moment_input(
        "Bar hem en soffa, och hennes namn var Gunborg",
        Situation::JustBecause,
        false,
    );
    maja.app
        .update_moment_shared_with(&sofa.id, &changed, Some(&[]))
        .unwrap_or_else(|err| panic!("{err}"));
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));
    read(&karin);
    assert!(!feed_texts(&karin).iter().any(|text| text.contains("soffa")));
    assert!(!folder_holds(south.path(), "Gunborg"));
}

#[test]
fn leaving_the_first_team_puts_the_other_in_view_and_a_moment_still_reaches_it() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let south = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (_lena, karin, maja) = maja_in_north_and_south(north.path(), south.path(), false);
    maja.app
        .leave_team_in_view()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(in_view(&maja.app).1, "Butik Syd");
    let left: Vec<(String, bool)> = maja
        .app
        .teams()
        .unwrap_or_default()
        .into_iter()
        .map(|team| (team.name, team.in_view))
        .collect();
    assert_eq!(left, [("Butik Syd".to_string(), true)]);
    // The south team is not joined a second time, into her own store.
    let preview = maja
        .app
        .preview_team(south.path())
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(matches!(
        maja.app
            .enter_team(south.path(), &preview.founder_fingerprint),
        Err(CoreError::AlreadyInTeam)
    ));
    let south_id = maja.app.teams().unwrap_or_default()[0].team_id.clone();
    maja.app
        .add_moment_shared_with(
            &moment_input("Lagade en trasig paraplyhållare", Situation::SaidNo, false),
            Some(std::slice::from_ref(&south_id)),
        )
        .unwrap_or_else(|err| panic!("{err}"));
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));
    read(&karin);
    assert!(feed_texts(&karin)
        .iter()
        .any(|text| text.contains("paraplyhållare")));
}

#[test]
fn joining_a_team_twice_or_sharing_with_a_team_one_is_not_in_is_refused() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, _, _) = colleagues_in(north.path(), false);
    let maja = member("Maja", Role::Staff);
    enter(&maja, north.path());
    let_in(&lena, &maja, "Maja");
    let preview = maja
        .app
        .preview_team(north.path())
        .unwrap_or_else(|err| panic!("{err}"));
    let again = maja
        .app
        .enter_team(north.path(), &preview.founder_fingerprint);
    assert!(matches!(again, Err(CoreError::AlreadyInTeam)), "{again:?}");
    let moment = maja
        .app
        .add_moment(&moment_input("Ett fan", Situation::SaidNo, false))
        .unwrap_or_else(|err| panic!("{err}"));
    let stranger = maja
        .app
        .share_moment_with(&moment.id, &["some-other-team".to_string()]);
    assert!(matches!(stranger, Err(CoreError::NotFound { .. })));
    assert!(maja.app.show_team("some-other-team").is_err());
}

#[test]
fn a_lead_founds_a_second_team_and_leaving_it_keeps_the_first() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let store_team = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (lena, _, _) = colleagues_in(north.path(), false);
    let made = lena
        .app
        .found_team("Butikschefer", store_team.path())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(in_view(&lena.app).1, "Butikschefer");
    let teams = lena.app.teams().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(teams.len(), 2);
    assert!(teams.iter().all(|team| team.is_lead));
    // The last team in view stays in view when the app opens again.
    let lena = lena.reopen();
    assert_eq!(in_view(&lena.app).1, "Butikschefer");
    assert_eq!(
        lena.app.teams().unwrap_or_default()[1].team_id,
        made.team_id
    );
    lena.app
        .leave_team_in_view()
        .unwrap_or_else(|err| panic!("{err}"));
    let left: Vec<String> = lena
        .app
        .teams()
        .unwrap_or_default()
        .into_iter()
        .map(|team| team.name)
        .collect();
    assert_eq!(left, ["Kundtjänst"]);
    assert_eq!(in_view(&lena.app).1, "Kundtjänst");
}

#[test]
fn a_team_out_of_view_whose_folder_is_away_says_so_in_the_switch_until_it_is_back() {
    let north = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let south = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let (_lena, _karin, maja) = maja_in_north_and_south(north.path(), south.path(), true);
    let troubles = |app: &Fanday| -> Vec<(String, Option<String>)> {
        app.teams()
            .unwrap_or_else(|err| panic!("{err}"))
            .into_iter()
            .map(|team| (team.name, team.trouble))
            .collect()
    };
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        troubles(&maja.app),
        [
            ("Kundtjänst".to_string(), None),
            ("Butik Syd".to_string(), None)
        ]
    );

    // The south share drops away while the north team is in view.
    let away = south.path().with_extension("away");
    std::fs::rename(south.path(), &away).unwrap_or_else(|err| panic!("{err}"));
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        troubles(&maja.app),
        [
            ("Kundtjänst".to_string(), None),
            ("Butik Syd".to_string(), Some("folder_missing".to_string()))
        ]
    );

    std::fs::rename(&away, south.path()).unwrap_or_else(|err| panic!("{err}"));
    maja.app
        .read_every_team()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        troubles(&maja.app),
        [
            ("Kundtjänst".to_string(), None),
            ("Butik Syd".to_string(), None)
        ]
    );
}

/// Does any file in the team folder hold `words`?
fn folder_holds(folder: &Path, words: &str) -> bool {
    let mut todo = vec![folder.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(words))
            {
                return true;
            }
        }
    }
    false
}
