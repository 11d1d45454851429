//! A customer's comment made fit to show the team: what looks like an
//! email address, a phone number or a name the customer gave is taken out,
//! and what was taken out is listed for the lead to see. It errs on the
//! side of taking out too much: a lead can always choose another comment.

use serde::Serialize;

/// What stands in the text where something was taken out.
pub const TAKEN_OUT: &str = "[…]";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Email,
    Phone,
    Name,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub kind: Kind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    pub text: String,
    pub removed: Vec<Removed>,
}

/// Words after which a customer gives their name ("Mvh Anna Svensson",
/// "jag heter Anna", "Regards, Anna").
const NAME_CUES: &[&str] = &[
    "mvh",
    "hälsningar",
    "hälsning",
    "vänligen",
    "heter",
    "namn",
    "namnet",
    "regards",
    "cheers",
    "thanks",
    "sincerely",
    "name",
    "//",
    "/",
    "-",
    "–",
];

/// How many capitalised words after a cue are taken as a name.
const NAME_WORDS: usize = 3;

pub fn redact(text: &str) -> Redacted {
    let mut removed = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut name_left = 0usize;
    for token in text.split_inclusive(char::is_whitespace) {
        let word = token.trim_end();
        let space = &token[word.len()..];
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '+');
        if is_email(bare) {
            removed.push(Removed {
                kind: Kind::Email,
                text: bare.to_string(),
            });
            words.push(format!("{TAKEN_OUT}{space}"));
            name_left = 0;
            continue;
        }
        if name_left > 0 && is_capitalised(bare) {
            removed.push(Removed {
                kind: Kind::Name,
                text: bare.to_string(),
            });
            words.push(format!("{TAKEN_OUT}{space}"));
            name_left -= 1;
            continue;
        }
        name_left = if is_cue(word) { NAME_WORDS } else { 0 };
        words.push(token.to_string());
    }
    let joined = merge_taken_out(&words.concat());
    let (text, phones) = take_out_phones(&joined);
    removed.extend(phones.into_iter().map(|text| Removed {
        kind: Kind::Phone,
        text,
    }));
    Redacted { text, removed }
}

fn is_email(word: &str) -> bool {
    match word.split_once('@') {
        Some((user, domain)) => !user.is_empty() && domain.contains('.') && !domain.ends_with('.'),
        None => false,
    }
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(|c| c.is_alphabetic() || c == '-')
}

fn is_cue(word: &str) -> bool {
    let lower = word.to_lowercase();
    let bare = lower.trim_matches(|c: char| c == ',' || c == ':' || c == '.' || c == '!');
    NAME_CUES.contains(&bare) || lower.ends_with("hälsningar,") || lower == "är"
}

/// Two or more `[…]` in a row (a first and a last name) read as one.
fn merge_taken_out(text: &str) -> String {
    let twice = format!("{TAKEN_OUT} {TAKEN_OUT}");
    let mut text = text.to_string();
    while text.contains(&twice) {
        text = text.replace(&twice, TAKEN_OUT);
    }
    text
}

/// A run of digits, spaces, dashes, dots, slashes, brackets and a leading
/// `+` holding at least seven digits is a phone number.
fn take_out_phones(text: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
            || chars[i] == '(';
        if starts {
            let mut end = i;
            let mut digits = 0;
            while end < chars.len()
                && (chars[end].is_ascii_digit() || " -./()+".contains(chars[end]))
            {
                if chars[end].is_ascii_digit() {
                    digits += 1;
                }
                end += 1;
            }
            // Not the spaces and marks after the last digit.
            while end > i && !chars[end - 1].is_ascii_digit() && chars[end - 1] != ')' {
                end -= 1;
            }
            let run: String = chars[i..end].iter().collect();
            if digits >= 7 && super::values::date(&run).is_err() {
                found.push(run.trim().to_string());
                out.push_str(TAKEN_OUT);
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(redacted: &Redacted) -> Vec<(Kind, &str)> {
        redacted
            .removed
            .iter()
            .map(|r| (r.kind.clone(), r.text.as_str()))
            .collect()
    }

    #[test]
    fn an_email_and_a_phone_number_are_taken_out_and_listed() {
        let r =
            redact("Toppen! Ring 070-123 45 67 eller skriv till anna.svensson@example.se, tack.");
        assert_eq!(r.text, "Toppen! Ring […] eller skriv till […] tack.");
        assert_eq!(
            kinds(&r),
            vec![
                (Kind::Email, "anna.svensson@example.se"),
                (Kind::Phone, "070-123 45 67")
            ]
        );
        let r = redact("Call me on +46 (0)70 123 45 67.");
        assert_eq!(r.text, "Call me on […].");
    }

    #[test]
    fn a_name_given_after_a_greeting_is_taken_out() {
        let r = redact("Bästa bemötandet någonsin. Mvh Anna Svensson");
        assert_eq!(r.text, "Bästa bemötandet någonsin. Mvh […]");
        assert_eq!(
            kinds(&r),
            vec![(Kind::Name, "Anna"), (Kind::Name, "Svensson")]
        );
        let r = redact("Hej, jag heter Per och fick snabb hjälp");
        assert_eq!(r.text, "Hej, jag heter […] och fick snabb hjälp");
        let r = redact("Great service. Regards, John Smith");
        assert_eq!(r.text, "Great service. Regards, […]");
    }

    #[test]
    fn ordinary_words_numbers_and_dates_stay() {
        for kept in [
            "Fick hjälp på 5 minuter den 2026-11-03, betyg 10 av 10.",
            "Åsa i kassan var fantastisk",
            "Bra! Kommer tillbaka.",
        ] {
            let r = redact(kept);
            assert_eq!(r.text, kept);
            assert!(r.removed.is_empty(), "{kept}: {:?}", r.removed);
        }
    }
}
