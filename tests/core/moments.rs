//! The core over real SQLite files in temp dirs: what a person would notice
//! when they log, edit, delete, search, and reopen their moments.

use crate::support::{day, moment, open_at, stockholm, texts, with_profile, Setup};
use fanday_core::{
    CoreError, Customer, Fanday, Language, MomentFilter, MomentInput, ProfileInput, Role,
    Situation, Took, ValidationError,
};
use rusqlite::Connection;
use std::path::Path;

/// Sara, staff, on Monday 23 November 2026 at 09:30 in Stockholm.
fn staff_sara() -> Setup {
    let setup = open_at(stockholm(2026, 11, 23, 9, 30));
    with_profile(&setup.fanday, Role::Staff);
    setup
}

#[test]
fn moments_need_a_profile_first() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    let result = setup
        .fanday
        .add_moment(&moment("Hjälpte en kund", Situation::SaidNo));
    assert_eq!(result.err().map(|err| err.code()), Some("no_profile"));
}

#[test]
fn the_profile_is_saved_and_edited_in_place() {
    let setup = staff_sara();
    let first = setup
        .fanday
        .profile()
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("no profile"));
    let edited = setup
        .fanday
        .save_profile(&ProfileInput {
            display_name: "  Sara Lindqvist ".into(),
            role: Role::Lead,
            language: Language::En,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(edited.id, first.id);
    assert_eq!(edited.display_name, "Sara Lindqvist");
    assert_eq!(edited.role, Role::Lead);
    assert_eq!(edited.language, Language::En);
    let empty = setup.fanday.save_profile(&ProfileInput {
        display_name: "   ".into(),
        role: Role::Staff,
        language: Language::Sv,
    });
    assert_eq!(empty.err().map(|err| err.code()), Some("name_empty"));
}

#[test]
fn a_logged_moment_makes_todays_fan_and_survives_reopening() {
    let setup = staff_sara();
    let status = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(!status.made);
    assert_eq!(status.date, day("2026-11-23"));
    assert_eq!(status.earliest_date, day("2026-11-16"));

    let mut input = moment("Växlade pengar åt en kund", Situation::JustBecause);
    input.customer = Customer::Internal;
    input.reaction = Some("Blev jätteglad".into());
    input.took = Some(Took::Flexibility);
    input.shared = true;
    let saved = setup
        .fanday
        .add_moment(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved.date, day("2026-11-23"));
    assert_eq!(saved.customer, Customer::Internal);
    assert_eq!(saved.reaction.as_deref(), Some("Blev jätteglad"));
    assert_eq!(saved.took, Some(Took::Flexibility));
    assert!(saved.shared);

    let status = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(status.made);
    assert_eq!(status.fans_today, 1);

    let dir = setup.fanday.database_path().parent().map(Path::to_path_buf);
    let dir = dir.unwrap_or_else(|| panic!("no parent"));
    drop(setup.fanday);
    let reopened = Fanday::open(&dir, setup.clock.clone()).unwrap_or_else(|err| panic!("{err}"));
    let again = reopened
        .moment(&saved.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(again, saved);
}

#[test]
fn late_evening_and_dst_offsets_use_the_local_date() {
    // 23:30 on the autumn daylight-saving day is still the 25th in Stockholm,
    // though it is already the 25th 22:30 in UTC.
    let setup = open_at(stockholm(2026, 10, 25, 23, 30));
    setup
        .fanday
        .save_profile(&ProfileInput {
            display_name: "Sara".into(),
            role: Role::Staff,
            language: Language::Sv,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    let saved = setup
        .fanday
        .add_moment(&moment("Sent pass", Situation::Complaint))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved.date, day("2026-10-25"));
    // Past midnight it is still the 25th until the day starts at 04:00 ...
    setup.clock.set(stockholm(2026, 10, 26, 0, 10));
    let status = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status.date, day("2026-10-25"));
    assert!(status.made);
    // ... and then a new day begins.
    setup.clock.set(stockholm(2026, 10, 26, 4, 0));
    let status = setup
        .fanday
        .today_status()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(status.date, day("2026-10-26"));
    assert!(!status.made);
}

#[test]
fn bad_input_is_refused_with_a_field_and_nothing_saved_is_lost() {
    let setup = staff_sara();
    let kept = setup
        .fanday
        .add_moment(&moment("Det som redan är sparat", Situation::SaidNo))
        .unwrap_or_else(|err| panic!("{err}"));

    let cases: Vec<(MomentInput, &str, &str)> = vec![
        (moment("", Situation::JustBecause), "text_empty", "text"),
        (
            moment(" \n\t ", Situation::JustBecause),
            "text_empty",
            "text",
        ),
        (
            moment(&"x".repeat(2001), Situation::JustBecause),
            "text_too_long",
            "text",
        ),
        (
            MomentInput {
                date: Some(day("2026-11-24")),
                ..moment("Imorgon", Situation::JustBecause)
            },
            "date_in_future",
            "date",
        ),
        (
            MomentInput {
                date: Some(day("2026-11-15")),
                ..moment("Länge sen", Situation::JustBecause)
            },
            "date_too_old",
            "date",
        ),
        (
            MomentInput {
                reaction: Some("y".repeat(2001)),
                ..moment("Ok", Situation::JustBecause)
            },
            "reaction_too_long",
            "reaction",
        ),
    ];
    for (input, code, field) in cases {
        let err = setup
            .fanday
            .add_moment(&input)
            .err()
            .unwrap_or_else(|| panic!("{code} accepted"));
        assert_eq!(err.code(), code);
        assert_eq!(err.field(), Some(field));
    }
    let edit = setup
        .fanday
        .update_moment(&kept.id, &moment("  ", Situation::SaidNo));
    assert!(matches!(
        edit,
        Err(CoreError::Invalid(ValidationError::TextEmpty))
    ));
    assert_eq!(
        texts(&setup.fanday, &MomentFilter::default()),
        vec!["Det som redan är sparat"]
    );
}

#[test]
fn odd_characters_and_markup_are_stored_exactly_as_typed() {
    let setup = staff_sara();
    let odd = [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "Kunden blev 😍🎉 glad, 👩‍👩‍👧 familjen också",
        "مرحبا بالعميل — שלום",
        "Rad ett\nRad två\u{0}nul",
        "'; DROP TABLE moments; --",
    ];
    for text in odd {
        let saved = setup
            .fanday
            .add_moment(&moment(text, Situation::JustBecause));
        let saved = saved.unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(
            setup
                .fanday
                .moment(&saved.id)
                .map(|m| m.text)
                .ok()
                .as_deref(),
            Some(text)
        );
    }
    assert_eq!(
        setup.fanday.count_moments().unwrap_or_default(),
        odd.len() as u32
    );
}

#[test]
fn editing_keeps_an_old_date_but_a_new_date_must_be_within_a_week() {
    let setup = staff_sara();
    let input = MomentInput {
        date: Some(day("2026-11-20")),
        ..moment("Fredag", Situation::SaidNo)
    };
    let saved = setup
        .fanday
        .add_moment(&input)
        .unwrap_or_else(|err| panic!("{err}"));
    setup.clock.set(stockholm(2026, 12, 10, 9, 0));
    let edited = setup
        .fanday
        .update_moment(
            &saved.id,
            &MomentInput {
                text: "Fredag, rättad".into(),
                ..input.clone()
            },
        )
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(edited.date, day("2026-11-20"));
    assert_eq!(edited.text, "Fredag, rättad");
    assert_eq!(edited.created_at, saved.created_at);
    assert!(edited.updated_at > saved.updated_at);
    let moved = setup.fanday.update_moment(
        &saved.id,
        &MomentInput {
            date: Some(day("2026-11-21")),
            ..input
        },
    );
    assert_eq!(moved.err().map(|err| err.code()), Some("date_too_old"));
}

#[test]
fn a_deleted_moment_leaves_every_list_and_comes_back_on_undo() {
    let setup = staff_sara();
    let saved = setup
        .fanday
        .add_moment(&moment("Ångra mig", Situation::Complaint))
        .unwrap_or_else(|err| panic!("{err}"));
    setup
        .fanday
        .delete_moment(&saved.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(texts(&setup.fanday, &MomentFilter::default()).is_empty());
    assert!(!setup.fanday.today_status().map(|s| s.made).unwrap_or(true));
    assert_eq!(
        setup.fanday.moment(&saved.id).err().map(|e| e.code()),
        Some("not_found")
    );
    let edit = setup
        .fanday
        .update_moment(&saved.id, &moment("x", Situation::Complaint));
    assert_eq!(edit.err().map(|e| e.code()), Some("not_found"));

    let restored = setup
        .fanday
        .restore_moment(&saved.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(restored.text, "Ångra mig");
    assert!(setup.fanday.today_status().map(|s| s.made).unwrap_or(false));
    assert_eq!(
        setup
            .fanday
            .delete_moment("no-such-id")
            .err()
            .map(|e| e.code()),
        Some("not_found")
    );
}

#[test]
fn moments_are_listed_newest_first_searched_ignoring_case_and_filtered() {
    let setup = staff_sara();
    let log = |date: &str, text: &str, situation: Situation, reaction: Option<&str>| {
        let input = MomentInput {
            date: Some(day(date)),
            reaction: reaction.map(str::to_string),
            ..moment(text, situation)
        };
        setup
            .fanday
            .add_moment(&input)
            .unwrap_or_else(|err| panic!("{err}"));
    };
    log(
        "2026-11-18",
        "Ringde ÅTERKUND om leveransen",
        Situation::Complaint,
        None,
    );
    log(
        "2026-11-20",
        "Paraply till kunden",
        Situation::JustBecause,
        Some("Åh, så snällt"),
    );
    log(
        "2026-11-19",
        "Sa nej till rabatt, 100% ärligt",
        Situation::SaidNo,
        None,
    );
    log("2026-11-20", "Kaffe till IT", Situation::JustBecause, None);

    assert_eq!(
        texts(&setup.fanday, &MomentFilter::default()),
        vec![
            "Kaffe till IT",
            "Paraply till kunden",
            "Sa nej till rabatt, 100% ärligt",
            "Ringde ÅTERKUND om leveransen"
        ]
    );
    let search = |needle: &str| MomentFilter {
        search: Some(needle.into()),
        ..Default::default()
    };
    assert_eq!(
        texts(&setup.fanday, &search("återkund")),
        vec!["Ringde ÅTERKUND om leveransen"]
    );
    assert_eq!(
        texts(&setup.fanday, &search("SÅ SNÄLLT")),
        vec!["Paraply till kunden"]
    );
    assert_eq!(
        texts(&setup.fanday, &search("100%")),
        vec!["Sa nej till rabatt, 100% ärligt"]
    );
    assert_eq!(texts(&setup.fanday, &search("_")), Vec::<String>::new());
    assert_eq!(texts(&setup.fanday, &search("   ")).len(), 4);
    let only = MomentFilter {
        situation: Some(Situation::JustBecause),
        ..Default::default()
    };
    assert_eq!(
        texts(&setup.fanday, &only),
        vec!["Kaffe till IT", "Paraply till kunden"]
    );
    let both = MomentFilter {
        situation: Some(Situation::JustBecause),
        ..search("kunden")
    };
    assert_eq!(texts(&setup.fanday, &both), vec!["Paraply till kunden"]);
    let page = MomentFilter {
        limit: Some(2),
        offset: Some(1),
        ..Default::default()
    };
    assert_eq!(
        texts(&setup.fanday, &page),
        vec!["Paraply till kunden", "Sa nej till rabatt, 100% ärligt"]
    );
}

#[test]
fn ten_thousand_moments_are_listed_and_searched_correctly() {
    let setup = staff_sara();
    {
        let conn =
            Connection::open(setup.fanday.database_path()).unwrap_or_else(|err| panic!("{err}"));
        conn.execute_batch("BEGIN")
            .unwrap_or_else(|err| panic!("{err}"));
        let mut stmt = conn
            .prepare(
                "INSERT INTO moments (id, author, local_date, created_at, updated_at, situation, customer, text, search_text)
                 VALUES (?1, 'p', ?2, ?3, ?3, ?4, 'external', ?5, lower(?5))",
            )
            .unwrap_or_else(|err| panic!("{err}"));
        for i in 0..10_000u32 {
            let date = day("2026-11-23") - chrono::Days::new(u64::from(i / 5));
            let situation = ["just_because", "said_no", "complaint"][(i % 3) as usize];
            let text = if i % 1000 == 7 {
                format!("Parkeringsautomat nummer {i}")
            } else {
                format!("Moment {i}")
            };
            stmt.execute(rusqlite::params![
                format!("id{i:05}"),
                date,
                format!("2026-01-01 08:00:{:02}+00:00", i % 60),
                situation,
                text
            ])
            .unwrap_or_else(|err| panic!("{err}"));
        }
        conn.execute_batch("COMMIT")
            .unwrap_or_else(|err| panic!("{err}"));
    }
    let all = setup
        .fanday
        .list_moments(&MomentFilter::default())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(all.len(), 10_000);
    assert!(all.windows(2).all(|pair| pair[0].date >= pair[1].date));
    assert_eq!(
        texts(
            &setup.fanday,
            &MomentFilter {
                search: Some("parkering".into()),
                ..Default::default()
            }
        )
        .len(),
        10
    );
    let complaints = MomentFilter {
        situation: Some(Situation::Complaint),
        limit: Some(50),
        ..Default::default()
    };
    let listed = setup
        .fanday
        .list_moments(&complaints)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(listed.len(), 50);
    assert!(listed.iter().all(|m| m.situation == Situation::Complaint));
}

#[test]
fn the_demo_fills_an_empty_store_once_with_swedish_moments() {
    let setup = open_at(stockholm(2026, 11, 23, 9, 0));
    assert!(setup
        .fanday
        .fill_demo()
        .unwrap_or_else(|err| panic!("{err}")));
    let person = setup
        .fanday
        .profile()
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("no profile"));
    assert_eq!(person.language, Language::Sv);
    let moments = setup
        .fanday
        .list_moments(&MomentFilter::default())
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(moments.len() >= 12, "only {} demo moments", moments.len());
    assert!(moments
        .iter()
        .all(|m| m.date < day("2026-11-23") && m.date >= day("2026-10-26")));
    let kinds: std::collections::HashSet<_> = moments.iter().map(|m| m.situation).collect();
    assert_eq!(kinds.len(), 3);
    assert!(
        !setup.fanday.fill_demo().unwrap_or(true),
        "demo filled twice"
    );
}
