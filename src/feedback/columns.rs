//! Which column is which, from the header's words in Swedish or English,
//! as survey tools and people name them.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Date,
    Score,
    Comment,
    Week,
    Promoters,
    Passives,
    Detractors,
    Nps,
    Answers,
}

const NAMES: &[(Column, &[&str])] = &[
    (
        Column::Date,
        &[
            "date",
            "datum",
            "svarsdatum",
            "answer date",
            "response date",
            "answered",
            "answered at",
            "submitted",
            "submitted at",
            "created",
            "timestamp",
            "tidpunkt",
            "besvarad",
            "inskickad",
            "day",
            "dag",
        ],
    ),
    (
        Column::Score,
        &[
            "score",
            "betyg",
            "rating",
            "poäng",
            "nps score",
            "nps-betyg",
            "svar (0-10)",
            "answer",
            "value",
            "värde",
        ],
    ),
    (
        Column::Comment,
        &[
            "comment",
            "comments",
            "kommentar",
            "kommentarer",
            "feedback",
            "fritext",
            "free text",
            "motivering",
            "reason",
            "varför",
            "why",
            "text",
        ],
    ),
    (
        Column::Week,
        &[
            "week",
            "vecka",
            "v",
            "v.",
            "iso week",
            "iso-vecka",
            "veckonummer",
            "week number",
        ],
    ),
    (
        Column::Promoters,
        &[
            "promoters",
            "promotors",
            "promotorer",
            "ambassadörer",
            "promoter",
        ],
    ),
    (
        Column::Passives,
        &["passives", "passiva", "neutrals", "neutrala", "passive"],
    ),
    (
        Column::Detractors,
        &[
            "detractors",
            "kritiker",
            "belackare",
            "detraktorer",
            "detractor",
        ],
    ),
    (Column::Nps, &["nps", "net promoter score", "nps-värde"]),
    (
        Column::Answers,
        &[
            "answers",
            "responses",
            "antal svar",
            "svar",
            "antal",
            "respondents",
            "count",
            "n",
            "number of answers",
            "respondenter",
        ],
    ),
];

/// The columns a header names, by position; `None` where a column is not
/// one Fanday reads.
pub fn recognise(header: &[String]) -> Vec<Option<Column>> {
    header.iter().map(|name| column_named(name)).collect()
}

fn column_named(name: &str) -> Option<Column> {
    let name = name.trim().trim_start_matches('\u{feff}').to_lowercase();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(column, _)| *column)
        .or_else(|| {
            // A question as the header: "How likely are you to recommend us?"
            (name.contains("recommend") || name.contains("rekommendera")).then_some(Column::Score)
        })
}

/// Where each recognised column is (its first place).
pub fn position(columns: &[Option<Column>], wanted: Column) -> Option<usize> {
    columns.iter().position(|column| *column == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<Option<Column>> {
        recognise(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn swedish_and_english_headers_are_known() {
        assert_eq!(
            header(&["Datum", " Betyg ", "Kommentar", "Kund-id"]),
            vec![
                Some(Column::Date),
                Some(Column::Score),
                Some(Column::Comment),
                None
            ]
        );
        assert_eq!(
            header(&["Week", "Promoters", "Passives", "Detractors"]),
            vec![
                Some(Column::Week),
                Some(Column::Promoters),
                Some(Column::Passives),
                Some(Column::Detractors)
            ]
        );
        assert_eq!(
            header(&["\u{feff}Vecka", "NPS", "Antal svar"]),
            vec![Some(Column::Week), Some(Column::Nps), Some(Column::Answers)]
        );
    }

    #[test]
    fn the_survey_question_as_a_header_is_the_score() {
        assert_eq!(
            header(&["How likely are you to recommend us to a friend?"]),
            vec![Some(Column::Score)]
        );
        assert_eq!(
            header(&["Hur troligt är det att du skulle rekommendera oss?"]),
            vec![Some(Column::Score)]
        );
    }
}
