//! Rule exceptions: who may do what, every allowed and refused status move,
//! usage counts, and retired exceptions no longer pickable.

use fanday_core::exception::{check_move, next_status, Action, EventKind, Status};
use fanday_core::{
    Customer, ExceptionFilter, ExceptionInput, Fanday, FixedClock, MomentInput, Role, Situation,
};
use std::sync::Arc;

use crate::support::{at, be};

struct Team {
    _dir: tempfile::TempDir,
    app: Fanday,
}

fn open_as(role: Role, name: &str) -> Team {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let clock = Arc::new(FixedClock::new(at("2026-11-23T10:00:00+01:00")));
    let app = Fanday::open(dir.path(), clock).unwrap_or_else(|err| panic!("{err}"));
    be(&app, role, name);
    Team { _dir: dir, app }
}

fn change_money() -> ExceptionInput {
    ExceptionInput {
        rule: "Receptionen växlar inte pengar".into(),
        allowed: "Växla upp till 100 kr till parkeringsautomaten".into(),
        limits: "Bara mynt, bara till parkering".into(),
        amount_sek: Some(100),
        minutes: None,
        applies_when: "Vid receptionen".into(),
    }
}

fn moment_with(exception_id: Option<String>, told: bool) -> MomentInput {
    MomentInput {
        exception_id,
        told_customer: told,
        ..MomentInput::new(
            Situation::SaidNo,
            Customer::External,
            "Växlade pengar åt en kund",
        )
    }
}

#[test]
fn the_status_moves_are_exactly_the_agreed_ones() {
    use Action::*;
    use Status::*;
    let allowed = [
        (Proposed, Approve, Approved),
        (Proposed, Reject, Rejected),
        (Proposed, Withdraw, Withdrawn),
        (Approved, Retire, Retired),
    ];
    for from in [Proposed, Approved, Rejected, Retired, Withdrawn] {
        for action in [Approve, Reject, Retire, Withdraw] {
            let expected = allowed
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|(_, _, to)| *to);
            assert_eq!(next_status(from, action), expected, "{from:?} {action:?}");
        }
    }
}

#[test]
fn staff_propose_and_a_lead_approves_with_a_note_kept_in_the_history() {
    let team = open_as(Role::Staff, "Sara");
    let proposed = team
        .app
        .propose_exception(&change_money())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(proposed.status, Status::Proposed);
    assert_eq!(proposed.proposed_by_name, "Sara");

    let refused = team
        .app
        .act_on_exception(&proposed.id, Action::Approve, None)
        .expect_err("staff cannot approve");
    assert_eq!(refused.code(), "lead_only");

    be(&team.app, Role::Lead, "Lena");
    let approved = team
        .app
        .act_on_exception(&proposed.id, Action::Approve, Some("  Bra idé!  "))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(approved.status, Status::Approved);
    assert_eq!(approved.decided_by_name.as_deref(), Some("Lena"));
    assert_eq!(approved.decision_note.as_deref(), Some("Bra idé!"));
    let kinds: Vec<EventKind> = approved.history.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(kinds, vec![EventKind::Proposed, EventKind::Approved]);
    assert_eq!(approved.history[1].actor_name, "Lena");
}

#[test]
fn every_refused_move_says_why_and_changes_nothing() {
    let team = open_as(Role::Lead, "Lena");
    let rejected = team
        .app
        .propose_exception(&change_money())
        .and_then(|e| {
            team.app
                .act_on_exception(&e.id, Action::Reject, Some("Inte nu"))
        })
        .unwrap_or_else(|err| panic!("{err}"));
    for action in [
        Action::Approve,
        Action::Reject,
        Action::Retire,
        Action::Withdraw,
    ] {
        let err = team
            .app
            .act_on_exception(&rejected.id, action, None)
            .expect_err("a rejected exception stays rejected");
        assert_eq!(err.code(), "exception_status", "{action:?}");
    }
    let proposed = team
        .app
        .propose_exception(&change_money())
        .unwrap_or_else(|err| panic!("{err}"));
    let err = team
        .app
        .act_on_exception(&proposed.id, Action::Retire, None)
        .expect_err("only an approved one can be retired");
    assert_eq!(err.code(), "exception_status");
    let again = team
        .app
        .exception(&rejected.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(again.status, Status::Rejected);
    assert_eq!(again.history.len(), 2);
}

#[test]
fn only_the_proposer_withdraws_a_proposal() {
    let team = open_as(Role::Staff, "Sara");
    let proposed = team
        .app
        .propose_exception(&change_money())
        .unwrap_or_else(|err| panic!("{err}"));
    let withdrawn = team
        .app
        .act_on_exception(&proposed.id, Action::Withdraw, None)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(withdrawn.status, Status::Withdrawn);

    // Someone else (a colleague whose proposal reached this computer).
    let theirs = team
        .app
        .propose_exception(&change_money())
        .unwrap_or_else(|err| panic!("{err}"));
    let mut colleague = team
        .app
        .profile()
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|| panic!("a profile"));
    colleague.id = "someone-else".into();
    let err = check_move(&theirs, Action::Withdraw, &colleague).expect_err("not theirs");
    assert_eq!(err.code(), "not_your_proposal");
    colleague.role = Role::Lead;
    let err = check_move(&theirs, Action::Withdraw, &colleague).expect_err("not even a lead");
    assert_eq!(err.code(), "not_your_proposal");
    assert_eq!(
        check_move(&theirs, Action::Reject, &colleague).unwrap_or_else(|err| panic!("{err}")),
        Status::Rejected
    );
}

#[test]
fn a_proposal_needs_a_rule_and_what_may_be_done_within_limits() {
    let team = open_as(Role::Staff, "Sara");
    let cases = [
        (
            ExceptionInput {
                rule: "   ".into(),
                ..change_money()
            },
            "rule",
        ),
        (
            ExceptionInput {
                allowed: "".into(),
                ..change_money()
            },
            "allowed",
        ),
        (
            ExceptionInput {
                rule: "r".repeat(201),
                ..change_money()
            },
            "rule",
        ),
        (
            ExceptionInput {
                amount_sek: Some(2_000_000),
                ..change_money()
            },
            "amount_sek",
        ),
        (
            ExceptionInput {
                minutes: Some(5000),
                ..change_money()
            },
            "minutes",
        ),
    ];
    for (input, field) in cases {
        let err = team.app.propose_exception(&input).expect_err("refused");
        assert_eq!(err.field(), Some(field));
    }
    assert!(team
        .app
        .list_exceptions(&ExceptionFilter::default())
        .unwrap_or_else(|err| panic!("{err}"))
        .is_empty());
}

#[test]
fn moments_use_approved_exceptions_and_cards_count_the_uses() {
    let team = open_as(Role::Lead, "Lena");
    let approved = team
        .app
        .add_approved_exception(&change_money(), None)
        .unwrap_or_else(|err| panic!("{err}"));
    let proposed = team
        .app
        .propose_exception(&ExceptionInput {
            rule: "Returer inom 30 dagar".into(),
            allowed: "Förläng med 14 dagar".into(),
            ..ExceptionInput::default()
        })
        .unwrap_or_else(|err| panic!("{err}"));

    let used = team
        .app
        .add_moment(&moment_with(Some(approved.id.clone()), true))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(used.exception_id.as_deref(), Some(approved.id.as_str()));
    assert_eq!(
        used.exception_rule.as_deref(),
        Some("Receptionen växlar inte pengar")
    );
    assert!(used.told_customer);
    team.app
        .add_moment(&moment_with(Some(approved.id.clone()), false))
        .unwrap_or_else(|err| panic!("{err}"));

    // "I told the customer" means nothing without an exception.
    let plain = team
        .app
        .add_moment(&moment_with(None, true))
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(!plain.told_customer);

    let err = team
        .app
        .add_moment(&moment_with(Some(proposed.id.clone()), true))
        .expect_err("a proposal cannot be used yet");
    assert_eq!(err.field(), Some("exception"));

    let card = team
        .app
        .exception(&approved.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(card.uses, 2);
    assert_eq!(card.last_used, Some(used.date));

    // Retired: no longer pickable, but old moments keep their link.
    team.app
        .act_on_exception(&approved.id, Action::Retire, Some("Ny automat"))
        .unwrap_or_else(|err| panic!("{err}"));
    let err = team
        .app
        .add_moment(&moment_with(Some(approved.id.clone()), true))
        .expect_err("retired");
    assert_eq!(err.code(), "exception_not_usable");
    let kept = team
        .app
        .update_moment(&used.id, &moment_with(Some(approved.id.clone()), true))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(kept.exception_id.as_deref(), Some(approved.id.as_str()));
    let retired = team
        .app
        .exception(&approved.id)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(retired.status, Status::Retired);
    assert_eq!(retired.uses, 2);

    // The catalogue: search and status filter.
    let found = team
        .app
        .list_exceptions(&ExceptionFilter {
            search: Some("FÖRLÄNG".into()),
            status: None,
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, proposed.id);
    let approved_now = team
        .app
        .list_exceptions(&ExceptionFilter {
            search: None,
            status: Some(Status::Approved),
        })
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(approved_now.is_empty());
}

#[test]
fn only_a_lead_adds_straight_to_the_catalogue() {
    let team = open_as(Role::Staff, "Sara");
    let err = team
        .app
        .add_approved_exception(&change_money(), None)
        .expect_err("staff propose; leads approve");
    assert_eq!(err.code(), "lead_only");
    assert!(team
        .app
        .list_exceptions(&ExceptionFilter::default())
        .unwrap_or_else(|err| panic!("{err}"))
        .is_empty());
}
