/// Fanday's own commands; each gets an `allow-<name>` permission that the
/// main window's capability grants. Keep in step with `generate_handler!`.
const COMMANDS: &[&str] = &[
    "bootstrap",
    "save_profile",
    "add_moment",
    "update_moment",
    "delete_moment",
    "restore_moment",
    "list_moments",
    "today_status",
    "reminder_settings",
    "save_reminder_settings",
    "remind_now",
    "snooze_reminder",
    "follow_reminder",
    "dismiss_reminder",
    "pending_reminder",
    "list_exceptions",
    "propose_exception",
    "act_on_exception",
    "add_approved_exception",
    "progress",
    "reflections",
    "save_reflection",
    "insights",
    "team_state",
    "preview_team",
    "create_team",
    "join_team",
    "leave_team",
    "read_team",
    "team_feed",
    "applaud",
    "comment",
    "review",
    "team_members",
    "grant_lead",
    "admit",
    "decline",
    "remove_member",
    "revoke_lead",
    "rotate_key",
    "pick_folder",
    "export_data",
    "backups",
    "backup_now",
    "restore_backup",
    "ui_ready",
];

fn main() {
    // The frontend is embedded at compile time: rebuild when any of it changes.
    println!("cargo:rerun-if-changed=../ui");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build step failed: {err:#}");
        std::process::exit(1);
    }
}
