use super::*;

/// Tiny deterministic generator so the round-trip tests cover many bodies without a crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + (self.next() % 10) as u8)).collect()
    }

    fn cn_chars(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(CN_ALPHABET[(self.next() % 31) as usize])).collect()
    }
}

/// Every other digit in the last position must be rejected as a bad check digit.
fn assert_only_check_digit(country: &str, valid: &str) {
    let (body, last) = valid.split_at(valid.len() - 1);
    let alphabet: &[u8] = if country == "CN" { CN_ALPHABET } else { b"0123456789" };
    for &c in alphabet {
        let candidate = format!("{body}{}", char::from(c));
        let expected = if candidate.ends_with(last) { Ok(()) } else { Err(VatProblem::BadCheckDigit) };
        assert_eq!(validate_vat(country, &candidate), expected, "{country} {candidate}");
    }
}

#[test]
fn keys() {
    assert_eq!(VatProblem::Empty.key(), "vat.empty");
    assert_eq!(VatProblem::BadFormat.key(), "vat.bad_format");
    assert_eq!(VatProblem::BadCheckDigit.key(), "vat.bad_check_digit");
    assert_eq!(VatProblem::UnknownCountry.key(), "vat.unknown_country");
}

#[test]
fn normalize_strips_separators_case_and_prefix() {
    assert_eq!(normalize_vat("IT", "IT 123.456-789/03"), "12345678903");
    assert_eq!(normalize_vat("it", " it12345678903 "), "12345678903");
    assert_eq!(normalize_vat("PL", "PL 526-104-08-28"), "5261040828");
    assert_eq!(normalize_vat("NL", "nl 8056.47.457.b01"), "805647457B01");
    assert_eq!(normalize_vat("AT", "ATU 1234 5678"), "U12345678");
    // Greece: VIES prefix "EL", ISO code "GR"; both prefixes and both country codes work.
    assert_eq!(normalize_vat("GR", "EL 094259216"), "094259216");
    assert_eq!(normalize_vat("GR", "GR094259216"), "094259216");
    assert_eq!(normalize_vat("el", "EL094259216"), "094259216");
    // Only the customer's own country prefix is removed.
    assert_eq!(normalize_vat("IT", "DE123456789"), "DE123456789");
    // No-break space and en dash as pasted from documents.
    assert_eq!(normalize_vat("PL", "526\u{a0}104\u{2013}08\u{2013}28"), "5261040828");
    assert_eq!(normalize_vat("CH", "CHE-123.456.789 MWST"), "E123456789");
    assert_eq!(normalize_vat("GB", "XI 123 4567 89"), "123456789");
    assert_eq!(normalize_vat("IT", ""), "");
}

#[test]
fn a_prefix_is_written_with_any_separator_but_only_once() {
    for raw in ["IT: 02331250163", "IT - 02331250163", "it:02331250163", "IT\u{FF1A}02331250163", "02331250163"] {
        assert_eq!(validate_vat("IT", raw), Ok(()), "{raw}");
        assert_eq!(normalize_vat("IT", raw), "02331250163", "{raw}");
    }
    assert_eq!(validate_vat("PL", "PL 767-132-53-42"), Ok(()));
    assert_eq!(validate_vat("PL", "PL PL 7671325342"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("IT", "IT IT 02331250163"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "LT LT100001919017"), Err(VatProblem::BadFormat));
}

#[test]
fn normalize_survives_non_ascii() {
    // Dotless i uppercases to a plain I, so this is the prefix; a dotted capital İ is not.
    assert_eq!(normalize_vat("IT", "ıt123"), "123");
    assert_eq!(normalize_vat("IT", "İT123"), "İT123");
    assert_eq!(normalize_vat("DE", "straße"), "STRASSE");
    assert_eq!(normalize_vat("ŁÓ", "ŁÓ 12"), "ŁÓ12");
    assert_eq!(normalize_vat("", "😀"), "😀");
}

#[test]
fn italy() {
    for id in ["12345678903", "00743110157", "IT 00743110157", "it00743110157"] {
        assert_eq!(validate_vat("IT", id), Ok(()), "{id}");
    }
    assert_only_check_digit("IT", "12345678903");
    assert_only_check_digit("IT", "00743110157");
    assert_eq!(validate_vat("IT", "00743110158"), Err(VatProblem::BadCheckDigit));
    assert_eq!(validate_vat("IT", "0074311015"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("IT", "007431101570"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("IT", "0074311015A"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("IT", "0074311015٣"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("IT", "  "), Err(VatProblem::Empty));
    assert_eq!(validate_vat("IT", "IT"), Err(VatProblem::Empty));
}

#[test]
fn poland() {
    for id in ["5261040828", "PL 526-104-08-28", "7740001454", "1132853869"] {
        assert_eq!(validate_vat("PL", id), Ok(()), "{id}");
    }
    assert_only_check_digit("PL", "5261040828");
    assert_eq!(validate_vat("PL", "5261040829"), Err(VatProblem::BadCheckDigit));
    assert_eq!(validate_vat("PL", "526104082"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("PL", "52610408280"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("PL", "526104082X"), Err(VatProblem::BadFormat));
    // Body 000000003 weighs 3 * 7 = 21, remainder 10: no last digit can make it valid.
    assert_eq!(complete_vat("PL", "000000003"), None);
    for last in '0'..='9' {
        let id = format!("000000003{last}");
        assert_eq!(validate_vat("PL", &id), Err(VatProblem::BadCheckDigit), "{id}");
    }
}

#[test]
fn lithuania() {
    for id in ["119511515", "LT119511515", "100001919017", "LT 100001919017", "100004801610"] {
        assert_eq!(validate_vat("LT", id), Ok(()), "{id}");
    }
    assert_only_check_digit("LT", "119511515");
    assert_only_check_digit("LT", "100001919017");
    // 100004801610 needs the second pass (first remainder is 10).
    assert_only_check_digit("LT", "100004801610");
    assert_eq!(validate_vat("LT", "100001919018"), Err(VatProblem::BadCheckDigit));
    // The fixed '1' in the penultimate position is structural.
    assert_eq!(validate_vat("LT", "119511525"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "100001919027"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "11951151"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "1195115150"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "11951151A"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("LT", "é"), Err(VatProblem::BadFormat));
}

#[test]
fn china() {
    for id in [
        "91350100M000100Y43",
        "91110000600037341L",
        "CN 91350100M000100Y43",
        "9135-0100-M000-100Y-43",
        "91350100m000100y43",
    ] {
        assert_eq!(validate_vat("CN", id), Ok(()), "{id}");
    }
    assert_only_check_digit("CN", "91350100M000100Y43");
    assert_only_check_digit("CN", "91110000600037341L");
    assert_eq!(validate_vat("CN", "91350100M000100Y44"), Err(VatProblem::BadCheckDigit));
    assert_eq!(validate_vat("CN", "91350100M000100Y4"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("CN", "91350100M000100Y433"), Err(VatProblem::BadFormat));
    // I, O, S, V and Z are not in the alphabet.
    assert_eq!(validate_vat("CN", "91350100M000100I43"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("CN", "91350100M000100Y4O"), Err(VatProblem::BadFormat));
    // The administrative division code (characters 3..=8) is numeric.
    assert_eq!(validate_vat("CN", "913501A0M000100Y43"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("CN", "91350100M000100Y4中"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("CN", "中华人民共和国统一社会信用代码"), Err(VatProblem::BadFormat));
}

#[test]
fn format_only_countries() {
    let valid = [
        ("AT", "ATU13585627"),
        ("BE", "BE0776091951"),
        ("BE", "1234567890"),
        ("BG", "BG123456789"),
        ("BG", "1234567890"),
        ("CY", "CY10259033P"),
        ("CZ", "CZ12345678"),
        ("CZ", "1234567890"),
        ("DE", "DE136695976"),
        ("DK", "DK13585628"),
        ("EE", "EE100931558"),
        ("GR", "EL094259216"),
        ("EL", "094259216"),
        ("ES", "ESA12345674"),
        ("ES", "X1234567L"),
        ("ES", "12345678Z"),
        ("FI", "FI20774740"),
        ("FR", "FR40303265045"),
        ("FR", "FRK7399859412"),
        ("HR", "HR33392005961"),
        ("HU", "HU12892312"),
        ("IE", "IE6433435F"),
        ("IE", "IE6433435OA"),
        ("IE", "8D79739I"),
        ("IE", "8+79739J"),
        ("IE", "8*79739J"),
        ("LU", "LU15027442"),
        ("LV", "LV40003521600"),
        ("MT", "MT11679112"),
        ("NL", "NL004495445B01"),
        ("PT", "PT501964843"),
        ("RO", "RO18547290"),
        ("RO", "12"),
        ("SE", "SE556188840401"),
        ("SI", "SI50223054"),
        ("SK", "SK2022749619"),
        ("GB", "GB980780684"),
        ("GB", "GB123456789001"),
        ("CH", "CHE-116.281.710 MWST"),
        ("CH", "CHE116281710"),
        ("CH", "E116281710"),
    ];
    for (country, id) in valid {
        assert_eq!(validate_vat(country, id), Ok(()), "{country} {id}");
    }
    let invalid = [
        ("AT", "ATU1358562"),
        ("AT", "13585627"),
        ("BE", "2776091951"),
        ("BE", "776091951"),
        ("BG", "12345678"),
        ("CY", "102590331"),
        ("CZ", "1234567"),
        ("CZ", "12345678901"),
        ("DE", "13669597"),
        ("DE", "13669597A"),
        ("DK", "135856289"),
        ("EE", "10093155"),
        ("GR", "09425921"),
        ("ES", "A123456"),
        ("ES", "A12345-67"),
        ("FI", "2077474"),
        ("FR", "4030326504"),
        ("FR", "FR4030326504A"),
        ("HR", "3339200596"),
        ("HU", "1289231"),
        ("IE", "6433435"),
        ("IE", "6433435FGH"),
        ("IE", "8?79739J"),
        ("LU", "150274421"),
        ("LV", "4000352160"),
        ("MT", "1167911"),
        ("NL", "004495445C01"),
        ("NL", "004495445B1"),
        ("PT", "50196484"),
        ("RO", "1"),
        ("RO", "12345678901"),
        ("SE", "5561888404"),
        ("SI", "5022305"),
        ("SK", "202274961"),
        ("GB", "9807806841"),
        ("CH", "116281710"),
        ("CH", "CHE11628171"),
    ];
    for (country, id) in invalid {
        assert_eq!(validate_vat(country, id), Err(VatProblem::BadFormat), "{country} {id}");
    }
}

#[test]
fn national_number_that_starts_with_the_country_code() {
    // A French key may be the letters "FR"; the bare number must not lose them.
    assert_eq!(validate_vat("FR", "FR123456789"), Ok(()));
    assert_eq!(validate_vat("FR", "FRFR123456789"), Ok(()));
}

#[test]
fn other_countries_are_loose() {
    assert_eq!(validate_vat("US", "12-3456789"), Ok(()));
    assert_eq!(validate_vat("no", "NO 923 609 016 MVA"), Ok(()));
    assert_eq!(validate_vat("JP", "T1234567890123"), Ok(()));
    assert_eq!(validate_vat("US", "1"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("US", "123456789012345678901"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("US", "12#45"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("RU", "ИНН7707083893"), Err(VatProblem::BadFormat));
    assert_eq!(validate_vat("US", " - "), Err(VatProblem::Empty));
}

#[test]
fn unknown_country_code() {
    assert_eq!(validate_vat("", "123456"), Err(VatProblem::UnknownCountry));
    assert_eq!(validate_vat("ITA", "12345678903"), Err(VatProblem::UnknownCountry));
    assert_eq!(validate_vat("1T", "12345678903"), Err(VatProblem::UnknownCountry));
    assert_eq!(validate_vat("ÍT", "12345678903"), Err(VatProblem::UnknownCountry));
    // An empty id is reported as such whatever the country.
    assert_eq!(validate_vat("", ""), Err(VatProblem::Empty));
}

#[test]
fn complete_known_ids() {
    assert_eq!(complete_vat("IT", "1234567890").as_deref(), Some("12345678903"));
    assert_eq!(complete_vat("it", "0074311015").as_deref(), Some("00743110157"));
    assert_eq!(complete_vat("PL", "526104082").as_deref(), Some("5261040828"));
    assert_eq!(complete_vat("PL", "526-104-08-2").as_deref(), Some("5261040828"));
    assert_eq!(complete_vat("LT", "11951151").as_deref(), Some("119511515"));
    assert_eq!(complete_vat("LT", "10000191901").as_deref(), Some("100001919017"));
    assert_eq!(complete_vat("LT", "10000480161").as_deref(), Some("100004801610"));
    assert_eq!(complete_vat("CN", "91350100M000100Y4").as_deref(), Some("91350100M000100Y43"));
    assert_eq!(complete_vat("CN", "91110000600037341").as_deref(), Some("91110000600037341L"));
}

#[test]
fn complete_rejects_bad_bodies() {
    assert_eq!(complete_vat("IT", "123456789"), None);
    assert_eq!(complete_vat("IT", "12345678901"), None);
    assert_eq!(complete_vat("IT", "12345678A0"), None);
    assert_eq!(complete_vat("PL", "52610408"), None);
    assert_eq!(complete_vat("LT", "11951152"), None);
    assert_eq!(complete_vat("LT", "1195115"), None);
    assert_eq!(complete_vat("CN", "91350100M000100Y"), None);
    assert_eq!(complete_vat("CN", "91350100M000100I4"), None);
    assert_eq!(complete_vat("CN", "913501中00M000100Y"), None);
    assert_eq!(complete_vat("DE", "12345678"), None);
    assert_eq!(complete_vat("", ""), None);
}

#[test]
fn completed_ids_always_validate() {
    let mut rng = Lcg(0x5eed);
    let mut pl_none = 0;
    for _ in 0..5_000 {
        let it = complete_vat("IT", &rng.digits(10)).expect("any 10 digits complete");
        assert_eq!(validate_vat("IT", &it), Ok(()), "{it}");
        assert_only_check_digit("IT", &it);

        let pl_body = rng.digits(9);
        match complete_vat("PL", &pl_body) {
            Some(pl) => {
                assert_eq!(validate_vat("PL", &pl), Ok(()), "{pl}");
                assert_only_check_digit("PL", &pl);
            }
            None => {
                pl_none += 1;
                assert_eq!(pl_check_digit(pl_body.as_bytes()), None);
            }
        }

        let lt9 = complete_vat("LT", &format!("{}1", rng.digits(7))).expect("LT 9");
        assert_eq!(validate_vat("LT", &lt9), Ok(()), "{lt9}");
        assert_only_check_digit("LT", &lt9);
        let lt12 = complete_vat("LT", &format!("{}1", rng.digits(10))).expect("LT 12");
        assert_eq!(validate_vat("LT", &lt12), Ok(()), "{lt12}");
        assert_only_check_digit("LT", &lt12);

        let cn_body = format!("{}{}{}", rng.cn_chars(2), rng.digits(6), rng.cn_chars(9));
        let cn = complete_vat("CN", &cn_body).expect("CN");
        assert_eq!(validate_vat("CN", &cn), Ok(()), "{cn}");
        assert_only_check_digit("CN", &cn);
    }
    // Roughly one PL body in eleven has no valid check digit.
    assert!((200..=800).contains(&pl_none), "{pl_none}");
}

#[test]
fn completion_that_starts_with_country_letters_still_validates() {
    let cn = complete_vat("CN", "CN350100M000100Y4").expect("CN");
    assert_eq!(validate_vat("CN", &cn), Ok(()));
}

#[test]
fn emails() {
    for ok in [
        "a@b.co",
        "jan.kowalski@example.com",
        "first+tag@sub.example.co.uk",
        "o'brien@example.ie",
        "user@xn--bcher-kva.example",
        "ürsula@bücher.de",
        "info@münchen.de",
        "用户@例子.中国",
        "info@हिन्दी.भारत",
        "a-b@a-b.c-d.com",
    ] {
        assert!(is_valid_email(ok), "{ok}");
    }
    let long_label = format!("a@{}.com", "x".repeat(64));
    let too_long = format!("{}@{}.com", "a".repeat(60), "b.".repeat(100));
    let long_local = format!("{}@example.com", "a".repeat(65));
    for bad in [
        "",
        "a",
        "@",
        "a@",
        "@b.com",
        "a@b",
        "a@.com",
        "a@b..com",
        "a@b.com.",
        "a@-b.com",
        "a@b-.com",
        "a@b.-com",
        "a b@c.com",
        "a@b c.com",
        " a@b.com",
        "a@b.com ",
        "a@@b.com",
        "a@b@c.com",
        "a@b_c.com",
        "a@10.0.0.1",
        "a\t@b.com",
        "a@b.com\u{a0}",
        long_label.as_str(),
        too_long.as_str(),
        long_local.as_str(),
    ] {
        assert!(!is_valid_email(bad), "{bad:?}");
    }
}

#[test]
fn phones() {
    for ok in [
        "123456",
        "+48 22 123 45 67",
        "+48 (22) 123-45-67",
        "+44 (0)20 7946 0958",
        "022/123.45.67",
        "  +39 02 1234 5678  ",
        "+123456789012345",
        "(0039) 06 123456",
    ] {
        assert!(is_valid_phone(ok), "{ok}");
    }
    for bad in [
        "",
        "+",
        "12345",
        "+1234567890123456",
        "++48 123 456 789",
        "48+ 123 456 789",
        "+48 123 456 789 ext. 12",
        "+48 123 456 789 wew. 12",
        "+48 (22 123 45 67",
        "+48 22) 123 45 67",
        "+48 ((22)) 123 45 67",
        "tel. 123 456 789",
        "١٢٣٤٥٦٧",
        "123 456 789 😀",
        "123\n456\n789",
    ] {
        assert!(!is_valid_phone(bad), "{bad:?}");
    }
}
