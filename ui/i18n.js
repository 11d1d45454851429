// Every word the UI shows, in Swedish and English. Keys are stable; error
// messages are keyed by the core's error codes.

const STRINGS = {
  en: {
    'app.tagline': 'One fan per day',
    'nav.label': 'Main',
    'nav.today': 'Today',
    'nav.moments': 'My moments',
    'nav.settings': 'Settings',
    'today.prompt': 'Who will you make a fan today?',
    'today.made': "Today's fan is made",
    'today.madeMany': "Today's fan is made: {n} today",
    'today.notYet': 'No fan yet today. There is still time.',
    'today.recent': 'Recent moments',
    'today.recentEmpty': 'Your moments will show up here once you log the first one.',
    'today.seeAll': 'See all my moments',
    'form.text': 'What did you do?',
    'form.textHint': 'One or two sentences are plenty.',
    'form.textPlaceholder': "e.g. Changed money for a customer's parking meter",
    'form.situation': 'What kind of moment?',
    'form.customer': 'For whom?',
    'form.reaction': "The customer's reaction (optional)",
    'form.reactionPlaceholder': 'What did they say or do?',
    'form.more': 'More details',
    'form.date': 'Day',
    'form.took': 'What did it take?',
    'form.shared': 'Share with my team when the team feed is set up',
    'form.save': 'Save',
    'form.saveHint': 'Ctrl+Enter saves',
    'form.saved': "Nice! Today's fan is made.",
    'form.savedAgain': 'Nice! One more fan today.',
    'form.savedEarlier': 'Saved for {date}.',
    'form.saving': 'Saving…',
    'situation.just_because': 'Just because',
    'situation.just_because.hint': 'An extra for no reason at all',
    'situation.said_no': 'Had to say no, but…',
    'situation.said_no.hint': 'A no that still made a fan',
    'situation.complaint': 'Complaint turned around',
    'situation.complaint.hint': 'An unhappy customer, now a fan',
    'customer.external': 'Customer',
    'customer.internal': 'Colleague',
    'took.none': 'Nothing special',
    'took.time': 'Time',
    'took.generosity': 'Generosity',
    'took.flexibility': 'Flexibility',
    'day.today': 'Today',
    'day.yesterday': 'Yesterday',
    'moments.title': 'My moments',
    'moments.search': 'Search my moments',
    'moments.searchPlaceholder': 'Search what you did or the reaction',
    'moments.filter': 'Kind of moment',
    'moments.filterAll': 'All kinds',
    'moments.count': '{n} moments',
    'moments.countOne': '1 moment',
    'moments.empty': 'No moments yet. Your first fan is one sentence away.',
    'moments.emptyAction': 'Log one on Today',
    'moments.noMatch': 'Nothing matches. Try other words or all kinds.',
    'moment.edit': 'Edit',
    'moment.delete': 'Delete',
    'moment.editLabel': 'Edit the moment from {date}',
    'moment.deleteLabel': 'Delete the moment from {date}',
    'moment.deleted': 'Moment deleted.',
    'moment.restored': 'Moment restored.',
    'moment.undo': 'Undo',
    'moment.shared': 'Shared',
    'edit.title': 'Edit moment',
    'edit.cancel': 'Cancel',
    'edit.save': 'Save changes',
    'edit.saved': 'Changes saved.',
    'settings.title': 'Settings',
    'settings.profile': 'Profile',
    'settings.data': 'Your data',
    'settings.dataDir': 'Fanday keeps your moments on this computer, in:',
    'profile.name': 'Your name',
    'profile.role': 'Your role',
    'role.staff': 'Staff',
    'role.staff.hint': 'I log my own fan moments',
    'role.lead': 'Team lead',
    'role.lead.hint': 'I also review stories and exceptions',
    'profile.language': 'Language',
    'profile.save': 'Save',
    'profile.saved': 'Profile saved.',
    'setup.title': 'Welcome to Fanday',
    'setup.intro': 'Make one fan a day: do one special thing for a customer or a colleague. Fanday reminds you, and keeps your moments so you can see the habit grow.',
    'setup.start': 'Start',
    'fatal.title': 'Fanday cannot open your data',
    'fatal.where': 'Data folder: {dir}',
    'fatal.retry': 'Try again',
    'err.text_empty': 'Write a few words about what you did.',
    'err.text_too_long': 'That is {len} characters; there is room for {max}.',
    'err.reaction_too_long': 'That is {len} characters; there is room for {max}.',
    'err.date_in_future': 'A moment cannot be in the future.',
    'err.date_too_old': 'A moment can be at most {max} days back.',
    'err.name_empty': 'Write your name.',
    'err.name_too_long': 'That is {len} characters; there is room for {max}.',
    'err.db_too_new': 'This data was saved by a newer Fanday. Update Fanday to open it; nothing was changed.',
    'err.db_corrupt': 'The database file is damaged or is not a Fanday file. It was left untouched.',
    'err.data_dir': 'The data folder cannot be used. Is it missing or read-only?',
    'err.db_busy': 'Another program is using your data right now. Try again in a moment.',
    'err.disk_full': 'The disk is full. Nothing new was saved; what you saved before is safe.',
    'err.read_only': 'The data folder is read-only, so nothing can be saved.',
    'err.not_found': 'That moment no longer exists.',
    'err.no_profile': 'Set up your profile first.',
    'reminder.title': 'Daily reminder',
    'reminder.intro': 'One gentle reminder on working days, never once today\'s fan is made.',
    'reminder.enabled': 'Remind me every working day',
    'reminder.time': 'At',
    'reminder.weekdays': 'Working days',
    'reminder.dayStart': 'My day starts at',
    'reminder.dayStartHint': 'A moment logged before this hour counts for the day before (late shifts).',
    'reminder.snooze': 'Snooze for',
    'reminder.minutes': '{n} minutes',
    'reminder.pauses': 'Pauses',
    'reminder.pausesHint': 'Holidays or sick leave: no reminders, and your streak is kept.',
    'reminder.pausesEmpty': 'No pauses planned.',
    'reminder.pauseFrom': 'From',
    'reminder.pauseTo': 'To',
    'reminder.pauseAdd': 'Add a pause',
    'reminder.pauseRemove': 'Remove the pause {from} to {to}',
    'reminder.pauseRange': '{from} to {to}',
    'reminder.openAtLogin': 'Open Fanday when I log in (in the tray)',
    'reminder.save': 'Save reminder settings',
    'reminder.saved': 'Reminder settings saved.',
    'reminder.tryNow': 'Remind me now',
    'reminder.tried': 'Here is how the reminder looks.',
    'reminder.trayHint': 'Closing the window keeps Fanday in the tray, so the reminder still comes. Quit from the tray icon.',
    'reminder.log': 'Log a moment',
    'reminder.snoozeNow': 'Snooze',
    'reminder.dismiss': 'Not now',
    'reminder.snoozed': 'Reminding you again at {time}.',
    'weekday.1': 'Mon', 'weekday.2': 'Tue', 'weekday.3': 'Wed', 'weekday.4': 'Thu',
    'weekday.5': 'Fri', 'weekday.6': 'Sat', 'weekday.7': 'Sun',
    'err.reminder_time': 'Give a time such as 10:00.',
    'err.no_working_days': 'Pick at least one working day.',
    'err.day_start_hour': 'The day can start at midnight or at most at {max}:00.',
    'err.snooze_minutes': 'A snooze lasts from {min} to {max} minutes.',
    'err.pause_ends_before_start': 'A pause cannot end before it starts.',
    'err.pause_too_long': 'A pause can last at most {max} days.',
    'err.too_many_pauses': 'There can be at most {max} pauses.',
    'err.autostart': 'Your settings are saved, but the system did not let Fanday open at login.',
    'err.unknown': 'Something went wrong: {message}',
  },
  sv: {
    'app.tagline': 'Ett fan per dag',
    'nav.label': 'Huvudmeny',
    'nav.today': 'Idag',
    'nav.moments': 'Mina fans',
    'nav.settings': 'Inställningar',
    'today.prompt': 'Vem gör du till ett fan idag?',
    'today.made': 'Dagens fan är gjort',
    'today.madeMany': 'Dagens fan är gjort: {n} idag',
    'today.notYet': 'Inget fan än idag. Det finns tid kvar.',
    'today.recent': 'Senaste fansen',
    'today.recentEmpty': 'Här syns dina fans när du har skrivit det första.',
    'today.seeAll': 'Se alla mina fans',
    'form.text': 'Vad gjorde du?',
    'form.textHint': 'En eller två meningar räcker gott.',
    'form.textPlaceholder': 'T.ex. Växlade pengar till parkeringsautomaten åt en kund',
    'form.situation': 'Vilket slags tillfälle?',
    'form.customer': 'För vem?',
    'form.reaction': 'Kundens reaktion (valfritt)',
    'form.reactionPlaceholder': 'Vad sa eller gjorde hen?',
    'form.more': 'Fler detaljer',
    'form.date': 'Dag',
    'form.took': 'Vad krävdes?',
    'form.shared': 'Dela med teamet när teamflödet är igång',
    'form.save': 'Spara',
    'form.saveHint': 'Ctrl+Enter sparar',
    'form.saved': 'Snyggt! Dagens fan är gjort.',
    'form.savedAgain': 'Snyggt! Ännu ett fan idag.',
    'form.savedEarlier': 'Sparat på {date}.',
    'form.saving': 'Sparar…',
    'situation.just_because': 'Bara så där',
    'situation.just_because.hint': 'Något extra, helt utan anledning',
    'situation.said_no': 'Sa nej, men…',
    'situation.said_no.hint': 'Ett nej som ändå gav ett fan',
    'situation.complaint': 'Klagomål vänt',
    'situation.complaint.hint': 'En missnöjd kund som blev ett fan',
    'customer.external': 'Kund',
    'customer.internal': 'Kollega',
    'took.none': 'Inget särskilt',
    'took.time': 'Tid',
    'took.generosity': 'Generositet',
    'took.flexibility': 'Flexibilitet',
    'day.today': 'Idag',
    'day.yesterday': 'Igår',
    'moments.title': 'Mina fans',
    'moments.search': 'Sök bland mina fans',
    'moments.searchPlaceholder': 'Sök i det du gjorde eller i reaktionen',
    'moments.filter': 'Slags tillfälle',
    'moments.filterAll': 'Alla slag',
    'moments.count': '{n} fans',
    'moments.countOne': '1 fan',
    'moments.empty': 'Inga fans än. Ditt första är bara en mening bort.',
    'moments.emptyAction': 'Skriv ett på Idag',
    'moments.noMatch': 'Inget matchar. Prova andra ord eller alla slag.',
    'moment.edit': 'Ändra',
    'moment.delete': 'Ta bort',
    'moment.editLabel': 'Ändra fanet från {date}',
    'moment.deleteLabel': 'Ta bort fanet från {date}',
    'moment.deleted': 'Fanet togs bort.',
    'moment.restored': 'Fanet är tillbaka.',
    'moment.undo': 'Ångra',
    'moment.shared': 'Delat',
    'edit.title': 'Ändra fan',
    'edit.cancel': 'Avbryt',
    'edit.save': 'Spara ändringar',
    'edit.saved': 'Ändringarna är sparade.',
    'settings.title': 'Inställningar',
    'settings.profile': 'Profil',
    'settings.data': 'Dina data',
    'settings.dataDir': 'Fanday sparar dina fans på den här datorn, i:',
    'profile.name': 'Ditt namn',
    'profile.role': 'Din roll',
    'role.staff': 'Medarbetare',
    'role.staff.hint': 'Jag skriver mina egna fans',
    'role.lead': 'Teamledare',
    'role.lead.hint': 'Jag går också igenom berättelser och undantag',
    'profile.language': 'Språk',
    'profile.save': 'Spara',
    'profile.saved': 'Profilen är sparad.',
    'setup.title': 'Välkommen till Fanday',
    'setup.intro': 'Gör ett fan om dagen: gör något speciellt för en kund eller en kollega. Fanday påminner dig och sparar dina fans, så att du ser vanan växa.',
    'setup.start': 'Kom igång',
    'fatal.title': 'Fanday kan inte öppna dina data',
    'fatal.where': 'Datamapp: {dir}',
    'fatal.retry': 'Försök igen',
    'err.text_empty': 'Skriv några ord om vad du gjorde.',
    'err.text_too_long': 'Det är {len} tecken; det får plats {max}.',
    'err.reaction_too_long': 'Det är {len} tecken; det får plats {max}.',
    'err.date_in_future': 'Ett fan kan inte ligga i framtiden.',
    'err.date_too_old': 'Ett fan kan ligga högst {max} dagar bakåt.',
    'err.name_empty': 'Skriv ditt namn.',
    'err.name_too_long': 'Det är {len} tecken; det får plats {max}.',
    'err.db_too_new': 'De här data sparades av en nyare Fanday. Uppdatera Fanday för att öppna dem; inget har ändrats.',
    'err.db_corrupt': 'Databasfilen är skadad eller ingen Fanday-fil. Den har lämnats orörd.',
    'err.data_dir': 'Datamappen går inte att använda. Saknas den, eller är den skrivskyddad?',
    'err.db_busy': 'Ett annat program använder dina data just nu. Försök igen om en stund.',
    'err.disk_full': 'Disken är full. Inget nytt sparades; det du sparat tidigare är kvar.',
    'err.read_only': 'Datamappen är skrivskyddad, så inget kan sparas.',
    'err.not_found': 'Det fanet finns inte längre.',
    'err.no_profile': 'Fyll i din profil först.',
    'reminder.title': 'Daglig påminnelse',
    'reminder.intro': 'En vänlig påminnelse på arbetsdagar, aldrig när dagens fan redan är gjort.',
    'reminder.enabled': 'Påminn mig varje arbetsdag',
    'reminder.time': 'Klockan',
    'reminder.weekdays': 'Arbetsdagar',
    'reminder.dayStart': 'Min dag börjar',
    'reminder.dayStartHint': 'Ett fan som loggas före den här tiden räknas till dagen innan (sena pass).',
    'reminder.snooze': 'Påminn igen efter',
    'reminder.minutes': '{n} minuter',
    'reminder.pauses': 'Uppehåll',
    'reminder.pausesHint': 'Semester eller sjukdom: inga påminnelser, och din svit finns kvar.',
    'reminder.pausesEmpty': 'Inga uppehåll inlagda.',
    'reminder.pauseFrom': 'Från',
    'reminder.pauseTo': 'Till',
    'reminder.pauseAdd': 'Lägg till uppehåll',
    'reminder.pauseRemove': 'Ta bort uppehållet {from} till {to}',
    'reminder.pauseRange': '{from} till {to}',
    'reminder.openAtLogin': 'Öppna Fanday när jag loggar in (i systemfältet)',
    'reminder.save': 'Spara påminnelsen',
    'reminder.saved': 'Påminnelsen är sparad.',
    'reminder.tryNow': 'Påminn mig nu',
    'reminder.tried': 'Så här ser påminnelsen ut.',
    'reminder.trayHint': 'Stänger du fönstret finns Fanday kvar i systemfältet, så påminnelsen kommer ändå. Avsluta via ikonen där.',
    'reminder.log': 'Logga ett fan',
    'reminder.snoozeNow': 'Påminn senare',
    'reminder.dismiss': 'Inte nu',
    'reminder.snoozed': 'Du påminns igen klockan {time}.',
    'weekday.1': 'mån', 'weekday.2': 'tis', 'weekday.3': 'ons', 'weekday.4': 'tors',
    'weekday.5': 'fre', 'weekday.6': 'lör', 'weekday.7': 'sön',
    'err.reminder_time': 'Ange en tid, till exempel 10:00.',
    'err.no_working_days': 'Välj minst en arbetsdag.',
    'err.day_start_hour': 'Dagen kan börja vid midnatt eller senast klockan {max}:00.',
    'err.snooze_minutes': 'Påminn igen efter {min} till {max} minuter.',
    'err.pause_ends_before_start': 'Ett uppehåll kan inte sluta innan det börjar.',
    'err.pause_too_long': 'Ett uppehåll kan vara högst {max} dagar.',
    'err.too_many_pauses': 'Det får finnas högst {max} uppehåll.',
    'err.autostart': 'Inställningarna är sparade, men systemet lät inte Fanday starta vid inloggning.',
    'err.unknown': 'Något gick fel: {message}',
  },
};

let language = 'en';

export function setLanguage(lang) {
  language = STRINGS[lang] ? lang : 'en';
  document.documentElement.lang = language;
}

export function currentLanguage() {
  return language;
}

export function languageFromLocale(locale) {
  return /^sv\b/i.test(locale || '') ? 'sv' : 'en';
}

export function t(key, params = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? formatParam(params[name]) : whole);
}

function formatParam(value) {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(value);
}

// An error from a command: `{code, message, field, params}`, or a bare string
// when the call itself failed.
export function errorText(error) {
  const err = normalizeError(error);
  const key = `err.${err.code}`;
  if (STRINGS.en[key]) return t(key, err.params || {});
  return t('err.unknown', { message: err.message });
}

export function normalizeError(error) {
  if (error && typeof error === 'object' && 'code' in error) return error;
  return { code: 'unknown', message: String(error?.message ?? error) };
}

// 'YYYY-MM-DD' is a calendar day, not an instant: build it in local time.
export function parseDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d);
}

export function formatDay(iso, today) {
  if (today && iso === today) return t('day.today');
  if (today && iso === addDays(today, -1)) return t('day.yesterday');
  return new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', {
    weekday: 'short', day: 'numeric', month: 'short',
  }).format(parseDay(iso));
}

export function addDays(iso, days) {
  const date = parseDay(iso);
  date.setDate(date.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
