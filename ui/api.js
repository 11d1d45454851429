// Every call the window makes into the app, one function per Tauri command
// (src-tauri/src/commands.rs and team_commands.rs; the one list of them is
// src-tauri/src/command_list.rs, and a test checks this file against it).
// Argument names are the commands' own, in camelCase as Tauri expects them.
// Nothing else in ui/ calls invoke: this is the one place to look for what
// the window may ask.
const call = (command, args) => window.__TAURI__.core.invoke(command, args);

// Start-up and the window
export const bootstrap = () => call('bootstrap');
export const uiReady = (timings) => call('ui_ready', { timings });
export const pickFolder = (title) => call('pick_folder', { title });

// The profile and today
export const saveProfile = (profile) => call('save_profile', { profile });
export const todayStatus = () => call('today_status');

// Moments
export const addMoment = (moment, teams = null) => call('add_moment', { moment, teams });
export const updateMoment = (id, moment, teams = null) => call('update_moment', { id, moment, teams });
export const deleteMoment = (id) => call('delete_moment', { id });
export const restoreMoment = (id) => call('restore_moment', { id });
export const listMoments = (filter) => call('list_moments', { filter });

// The daily reminder
export const reminderSettings = () => call('reminder_settings');
export const saveReminderSettings = (settings) => call('save_reminder_settings', { settings });
export const remindNow = () => call('remind_now');
export const snoozeReminder = () => call('snooze_reminder');
export const followReminder = () => call('follow_reminder');
export const dismissReminder = () => call('dismiss_reminder');
export const pendingReminder = () => call('pending_reminder');

// Rule exceptions
export const listExceptions = (filter) => call('list_exceptions', { filter });
export const momentExceptions = () => call('moment_exceptions');
export const proposeException = (exception) => call('propose_exception', { exception });
export const actOnException = (id, action, note) => call('act_on_exception', { id, action, note });
export const addApprovedException = (exception) => call('add_approved_exception', { exception });

// Progress, the weekly mirror, a lead's insights
export const progress = () => call('progress');
export const reflections = () => call('reflections');
export const saveReflection = (reflection) => call('save_reflection', { reflection });
export const insights = () => call('insights');
export const chooseFeedbackFile = (title) => call('choose_feedback_file', { title });
export const importFeedback = () => call('import_feedback');
export const exportInsights = (title) => call('export_insights', { title });
export const feedbackComments = (week) => call('feedback_comments', { week });
export const customerVoice = (commentId) => call('customer_voice', { commentId });
export const shareCustomerVoice = (commentId) => call('share_customer_voice', { commentId });

// If-then plans
export const listPlans = () => call('list_plans');
export const savePlan = (plan) => call('save_plan', { plan });
export const deletePlan = (situation) => call('delete_plan', { situation });

// The team
export const teamState = () => call('team_state');
export const teams = () => call('teams');
export const showTeam = (teamId) => call('show_team', { teamId });
export const previewTeam = (folder) => call('preview_team', { folder });
export const createTeam = (name, folder) => call('create_team', { name, folder });
export const joinTeam = (folder, fingerprint) => call('join_team', { folder, fingerprint });
export const folderCloud = (folder) => call('folder_cloud', { folder });
export const keepTeamFolderOnDevice = (keep) => call('keep_team_folder_on_device', { keep });
export const leaveTeam = () => call('leave_team');
export const readTeam = () => call('read_team');
export const teamFeed = (situation) => call('team_feed', { situation });
export const applaud = (storyId) => call('applaud', { storyId });
export const comment = (storyId, text) => call('comment', { storyId, text });
export const review = (storyId, featured) => call('review', { storyId, featured });
export const teamMembers = () => call('team_members');
export const grantLead = (memberId) => call('grant_lead', { memberId });
// The fingerprint the lead compared: the core lets in only that key.
export const admit = (memberId, fingerprint) => call('admit', { memberId, fingerprint });
export const decline = (memberId, fingerprint) => call('decline', { memberId, fingerprint });
export const removeMember = (memberId) => call('remove_member', { memberId });
export const revokeLead = (memberId) => call('revoke_lead', { memberId });
export const rotateKey = () => call('rotate_key');
export const tallySharing = () => call('tally_sharing');
export const setTallySharing = (on) => call('set_tally_sharing', { on });

// The team's line-up
export const lineup = (week) => call('lineup', { week });
export const setLineup = (week, stories) => call('set_lineup', { week, stories });
export const lineupAnonymous = () => call('lineup_anonymous');
export const setLineupAnonymous = (anonymous) => call('set_lineup_anonymous', { anonymous });
export const setFullscreen = (on) => call('set_fullscreen', { on });

// The person's data: export, back up, restore
export const exportData = (format, what, title) => call('export_data', { format, what, title });
export const backups = () => call('backups');
export const backupNow = () => call('backup_now');
export const restoreBackup = (path) => call('restore_backup', { path });

// What the app tells the window (src-tauri/src/reminders.rs, team_sync.rs).
export const EVENTS = Object.freeze({
  reminder: 'fanday://reminder',
  logMoment: 'fanday://log-moment',
  snoozed: 'fanday://snoozed',
  teamRead: 'fanday://team-read',
  regionProgress: 'fanday://region-progress',
});

export const listen = (event, handler) => window.__TAURI__.event.listen(event, handler);

// A region's view: teams followed read-only
export const followTeam = (folder, fingerprint) => call('follow_team', { folder, fingerprint });
export const region = (read) => call('region', { read });
export const stopFollowing = (teamId) => call('stop_following', { teamId });
export const letFollow = (memberId, fingerprint) => call('let_follow', { memberId, fingerprint });
export const exportRegion = (title) => call('export_region', { title });
