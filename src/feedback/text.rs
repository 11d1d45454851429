//! A survey export's bytes as text: UTF-8 (with or without a BOM), or
//! Windows-1252 as Excel saves a CSV on a Swedish Windows; and which
//! character separates its fields.

/// The file's text: UTF-8 where the bytes are UTF-8, Windows-1252
/// otherwise (every byte means something there, so nothing is lost).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The separator the header line uses most: `;` (Excel where the decimal
/// mark is a comma), a tab, or `,`.
pub fn separator(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let outside_quotes = |wanted: char| {
        let mut quoted = false;
        header
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == wanted
            })
            .count()
    };
    [(b';', ';'), (b'\t', '\t'), (b',', ',')]
        .into_iter()
        .map(|(byte, c)| (outside_quotes(c), byte))
        .max_by_key(|&(count, byte)| (count, byte == b','))
        .filter(|&(count, _)| count > 0)
        .map_or(b',', |(_, byte)| byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_bytes_become_swedish_letters() {
        assert_eq!(
            decode(b"Bem\xF6tande \xE4r \xE5 topp"),
            "Bemötande är å topp"
        );
    }

    #[test]
    fn a_bom_is_dropped_and_utf8_kept() {
        assert_eq!(decode("\u{feff}Datum;Betyg".as_bytes()), "Datum;Betyg");
        assert_eq!(decode("Åsa".as_bytes()), "Åsa");
    }

    #[test]
    fn the_separator_is_the_headers_own() {
        assert_eq!(
            separator("Datum;Betyg;Kommentar\n2026-11-02;9,5;\"a, b\""),
            b';'
        );
        assert_eq!(separator("date,score,comment"), b',');
        assert_eq!(separator("date\tscore"), b'\t');
        assert_eq!(separator("\"a;b\",score,x"), b',');
        assert_eq!(separator("score"), b',');
    }
}
