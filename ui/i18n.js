// The words in the person's language: t() looks a key up in i18n/en.js or
// i18n/sv.js; errors from the core are worded by their code; numbers and
// days are formatted here.
import { en } from './i18n/en.js';
import { sv } from './i18n/sv.js';
import { feedbackEn, feedbackSv } from './i18n/feedback.js';

const STRINGS = { en: { ...en, ...feedbackEn }, sv: { ...sv, ...feedbackSv } };

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

// A counted string is `{ one, other }` (the language's plural forms, chosen
// for `params.n` by Intl.PluralRules), so "1 fans" never appears.
export function t(key, params = {}) {
  const entry = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  const text = typeof entry === 'string' ? entry : entry[pluralOf(params.n)] ?? entry.other;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? formatParam(params[name]) : whole);
}

function formatParam(value) {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

// Making an Intl formatter costs milliseconds (the first one far more), so
// each kind is made once per language.
const FORMATS = {
  number: (locale) => new Intl.NumberFormat(locale),
  percent: (locale) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
  plural: (locale) => new Intl.PluralRules(locale),
};
const formatters = new Map();

function formatter(kind) {
  const key = `${language}:${kind}`;
  if (!formatters.has(key)) formatters.set(key, FORMATS[kind](language === 'sv' ? 'sv-SE' : 'en-GB'));
  return formatters.get(key);
}

function pluralOf(n) {
  return formatter('plural').select(Number(n) || 0);
}

export function formatPercent(share) {
  return formatter('percent').format(share);
}

export function formatNumber(value) {
  return formatter('number').format(value);
}

// A time of day (14:05) in the person's language. Not made at start-up:
// the first Intl.DateTimeFormat costs some 20 ms (see formatDay).
export function formatTime(instant) {
  return new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', {
    hour: '2-digit', minute: '2-digit',
  }).format(new Date(instant));
}

// An error from a command: `{code, message, field, params}`, or a bare string
// when the call itself failed.
export function errorText(error) {
  const err = normalizeError(error);
  const key = `err.${err.code}`;
  if (STRINGS.en[key]) return t(key, { message: err.message, ...(err.params || {}) });
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
  // Spelled out from the strings rather than with Intl: the first
  // Intl.DateTimeFormat loads the time zone data, some 20 ms of the first screen.
  const date = parseDay(iso);
  return t('day.format', {
    weekday: t('day.weekdays').split(' ')[date.getDay()],
    day: String(date.getDate()),
    month: t('day.months').split(' ')[date.getMonth()],
  });
}

export function addDays(iso, days) {
  const date = parseDay(iso);
  date.setDate(date.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
