//! A lived-in sample for `--demo`: a staff member's last four weeks, in
//! Swedish, so a newcomer (and the README's screenshots) see Fanday in use.

use crate::error::Result;
use crate::moment::{self, Customer, Situation, Took, ValidMoment};
use crate::profile::{self, Language, ProfileInput, Role};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use rusqlite::Connection;

struct Sample {
    situation: Situation,
    customer: Customer,
    text: &'static str,
    reaction: Option<&'static str>,
    took: Option<Took>,
}

const fn sample(
    situation: Situation,
    customer: Customer,
    text: &'static str,
    reaction: Option<&'static str>,
    took: Option<Took>,
) -> Sample {
    Sample {
        situation,
        customer,
        text,
        reaction,
        took,
    }
}

use Customer::{External, Internal};
use Situation::{Complaint, JustBecause, SaidNo};
use Took::{Flexibility, Generosity, Time};

const SAMPLES: &[Sample] = &[
    sample(JustBecause, External, "Växlade pengar till parkeringsautomaten åt en stressad kund, fast vi egentligen inte har växelkassa i receptionen.", Some("\"Vad har jag gjort för att förtjäna det här?\" Åh, bara så där!"), Some(Flexibility)),
    sample(SaidNo, External, "Kunde inte boka om biljetten utan avgift, men ringde runt och hittade en billigare avgång samma kväll.", Some("Tackade två gånger och sa att hon skulle berätta för sin syster."), Some(Time)),
    sample(Complaint, External, "Paketet hade kommit fram trasigt. Skickade ett nytt samma dag och la med en handskriven lapp.", Some("Skrev ett tack-mejl till hela kundtjänst."), Some(Generosity)),
    sample(JustBecause, Internal, "Tog över Amirs telefonpass så att han hann på sin dotters luciatåg.", Some("Kom tillbaka med lussebullar till hela gänget."), Some(Time)),
    sample(JustBecause, External, "Kom ihåg att herr Nilsson fyllde 80 och sjöng en liten vers när han ringde.", Some("Han skrattade så att han fick hosta."), None),
    sample(SaidNo, External, "Fick säga nej till återköp efter 60 dagar, men hjälpte kunden att sälja varan vidare via vår begagnatsida.", Some("Sa att det var första gången någon hjälpt till efter ett nej."), Some(Flexibility)),
    sample(Complaint, Internal, "Ekonomi klagade på sena underlag från oss. Satte mig med Lena och byggde en enkel checklista ihop.", Some("Lena sa att det var det bästa mötet på hela veckan."), Some(Time)),
    sample(JustBecause, External, "Bar ut kartongerna till bilen åt en kund med kryckor.", None, Some(Time)),
    sample(JustBecause, External, "Skickade ett SMS med spårningslänken innan kunden hann fråga.", Some("\"Ni läser tankar!\""), None),
    sample(Complaint, External, "Kunden hade väntat 40 minuter i kö. Ringde upp honom själv i stället för att låta ärendet gå vidare.", Some("Lugnade ner sig direkt och sa att han uppskattade att någon tog ansvar."), Some(Time)),
    sample(JustBecause, Internal, "Gjorde en kort lathund för nya kassasystemet åt de som jobbar helg.", Some("Helgpersonalen satte upp den vid kassan."), Some(Generosity)),
    sample(SaidNo, External, "Kunde inte öppna före tio, men mötte upp vid dörren kvart i och lämnade ut den färdiga beställningen.", Some("\"Det här är ett undantag, va?\" Ja, just idag."), Some(Flexibility)),
    sample(JustBecause, External, "Lånade ut vårt paraply till en kund som skulle gå till bussen i ösregnet.", Some("Lämnade tillbaka det dagen efter med en chokladkaka."), Some(Generosity)),
    sample(Complaint, External, "Fel storlek levererad för andra gången. Åkte förbi med rätt storlek på vägen hem.", Some("Gav oss fem stjärnor i omdömet."), Some(Flexibility)),
    sample(JustBecause, Internal, "Lagade kaffe och ställde fram åt IT-supporten som satt kvar sent med serverflytten.", Some("Fick en tumme upp i chatten."), None),
    sample(SaidNo, External, "Kunde inte ge rabatt på ett redan nedsatt pris, men tipsade om medlemsveckan nästa månad och skrev upp det åt henne.", None, Some(Time)),
    sample(JustBecause, External, "Ritade en karta till närmaste apotek åt en turist som inte pratade svenska.", Some("Tog en bild på kartan och sa tack på svenska."), Some(Time)),
    sample(Complaint, External, "En kund var arg över en felaktig faktura. Rättade den direkt i telefon i stället för att be honom mejla.", Some("\"Det här gick ju fortare än jag trodde.\""), Some(Flexibility)),
    sample(JustBecause, Internal, "Välkomnade nya kollegan Jonna med en lapp på skrivbordet och visade var allt finns.", Some("Jonna sa att hon kände sig hemma redan första dagen."), Some(Time)),
    sample(JustBecause, External, "Skrev ett personligt tack i ordern till en kund som handlat hos oss i tio år.", Some("Ringde bara för att säga att lappen gjorde hennes dag."), Some(Generosity)),
    sample(SaidNo, Internal, "Sa nej till att ta över ett projekt mitt i månadsbokslutet, men hjälpte Per att dela upp det så att det blev hanterbart.", Some("Per sa att han fick ny energi."), Some(Time)),
    sample(Complaint, External, "Kunden hade fått fel information av oss om öppettiderna. Bad om ursäkt och höll öppet tio minuter extra.", None, Some(Flexibility)),
];

/// Which of the last 28 days the sample person logged on: every working day
/// but a few, as in a real habit that is growing.
fn sample_days(today: NaiveDate) -> Vec<NaiveDate> {
    (1..=28u64)
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|day| day.ordinal() % 5 != 2)
        .collect()
}

pub(crate) fn fill_if_empty(
    conn: &mut Connection,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool> {
    let has_profile = profile::load(conn)?.is_some();
    if has_profile || moment::count_all(conn)? > 0 {
        return Ok(false);
    }
    let tx = conn.transaction()?;
    let person = profile::save(
        &tx,
        &ProfileInput {
            display_name: "Sara Lindqvist".to_string(),
            role: Role::Staff,
            language: Language::Sv,
        },
        now,
    )?;
    let days = sample_days(today);
    for (day, sample) in days.iter().rev().zip(SAMPLES.iter().cycle()) {
        let logged_at = day
            .and_hms_opt(9 + (day.day() % 7), (day.day() * 7) % 60, 0)
            .map(|naive| Utc.from_utc_datetime(&naive))
            .unwrap_or_else(|| now);
        let valid = ValidMoment {
            date: *day,
            situation: sample.situation,
            customer: sample.customer,
            text: sample.text.to_string(),
            reaction: sample.reaction.map(str::to_string),
            took: sample.took,
            shared: day.day() % 3 == 0,
            exception_id: None,
            told_customer: false,
            plan_id: None,
        };
        moment::insert(&tx, &person.id, &valid, logged_at)?;
    }
    tx.commit()?;
    Ok(true)
}
