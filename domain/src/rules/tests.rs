use super::*;
use crate::column::Column;
use crate::dec::Dec;
use crate::indicator::ValueType;
use std::collections::HashMap;

fn num(s: &str) -> RVal {
    RVal::Num(Dec::parse_literal(s).unwrap())
}

fn run(expr: &str, missing: MissingStrategy, vals: &[(&str, RVal)]) -> Outcome {
    let e = parse(expr).unwrap_or_else(|err| panic!("{expr}: {err}"));
    let map: HashMap<String, RVal> = vals.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    evaluate(&e, missing, &|r: &Ref| map.get(&r.to_string()).cloned())
}

fn catalogue(code: &str) -> Option<CatalogueEntry> {
    match code {
        "T0101" => Some(CatalogueEntry { value_type: ValueType::Integer, parts: vec!["nam".into(), "nu".into()] }),
        "T0102" | "T0103" | "H0301" | "H0302" | "T0601" | "T0602" => {
            Some(CatalogueEntry { value_type: ValueType::Integer, parts: vec![] })
        }
        "T0501" => Some(CatalogueEntry { value_type: ValueType::Percent, parts: vec![] }),
        "CDS01" => Some(CatalogueEntry { value_type: ValueType::YesNo, parts: vec![] }),
        "GHI" => Some(CatalogueEntry { value_type: ValueType::Text, parts: vec![] }),
        _ => None,
    }
}

fn check_str(expr: &str) -> Vec<CheckError> {
    check(&parse(expr).unwrap(), &catalogue)
}

#[test]
fn parses_the_issue_examples() {
    for src in [
        "T0102 + T0103 == T0101",
        "H0301 >= H0302",
        "T0501 <= 100",
        "if(T0601 > 0, T0602 > 0, true)",
        "T0101[nam] + T0101[nu] = T0101",
        "T0101.luy_ke >= T0101",
        "abs(T0101 - T0101.cung_ky) / T0101.cung_ky * 100 <= 50",
        "not (H0301 < 0) && (H0302 >= 0 || CDS01)",
        "min(T0102, T0103) >= 0 và max(T0102; T0103) <= T0101",
        "round(T0501, 1) <> 99.9",
        "t0101 > 0",
    ] {
        assert!(parse(src).is_ok(), "{src}: {:?}", parse(src));
        assert!(check_str(src).is_empty(), "{src}: {:?}", check_str(src));
    }
    let e = parse("t0101[NAM].cung_ky > 0").unwrap();
    assert_eq!(e.refs(), vec![Ref { code: "T0101".into(), part: Some("nam".into()), column: Column::SamePeriodLastYear }]);
}

#[test]
fn syntax_errors_give_their_position() {
    let cases: &[(&str, usize, &str)] = &[
        ("T0101 >= ", 10, "thiếu một giá trị"),
        ("(T0101 + T0102", 15, "\")\""),
        ("T0101 # 3", 7, "Ký tự không hợp lệ"),
        ("T0101 T0102", 7, "Thừa \"T0102\""),
        ("foo(T0101)", 1, "Không có hàm \"foo\""),
        ("if(T0101 > 0, true)", 1, "cần đúng 3 đối số"),
        ("T0101.abc > 0", 7, "Không có cột \"abc\""),
        ("T0101.so_sanh > 0", 7, "Không có cột"),
        ("1 < T0101 < 3", 11, "hai phép so sánh"),
        ("T0101 > 1.2.3", 9, "không hợp lệ"),
        ("GHI == 'abc", 8, "nháy đóng"),
        ("", 1, "để trống"),
        ("T0101[] > 0", 7, "mã phần phân tổ"),
        ("* 3", 1, "cần một giá trị"),
    ];
    for (src, pos, needle) in cases {
        let err = parse(src).expect_err(src);
        assert_eq!(err.pos, *pos, "{src}: {err}");
        assert!(err.to_string().contains(needle), "{src}: {err}");
        assert!(err.to_string().starts_with(&format!("Lỗi cú pháp ở vị trí {pos}")), "{err}");
    }
}

#[test]
fn unknown_codes_and_type_errors_are_named() {
    let e = check_str("T0101 + T9999 == T0101");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, 9);
    assert!(e[0].message.contains("Không có chỉ tiêu mã T9999"));
    assert!(check_str("T0101[tre_em] > 0")[0].message.contains("không có phần phân tổ \"tre_em\" (có các phần: nam, nu)"));
    assert!(check_str("T0102[nam] > 0")[0].message.contains("không có phân tổ"));
    assert!(check_str("T0101 + T0102")[0].message.contains("điều kiện đúng/sai"));
    assert!(check_str("GHI > 3")[0].message.contains("giá trị số"));
    assert!(check_str("GHI == 3")[0].message.contains("văn bản"));
    assert!(check_str("GHI == \"không\"").is_empty());
    assert!(check_str("if(T0101 > 0, 1, true)")[0].message.contains("cùng loại"));
}

#[test]
fn evaluates_with_each_missing_strategy() {
    use MissingStrategy::*;
    let rule = "T0102 + T0103 == T0101";
    let all = [("T0101", num("10")), ("T0102", num("4")), ("T0103", num("6"))];
    assert_eq!(run(rule, SkipIfAnyMissing, &all), Outcome::Pass);
    let wrong = [("T0101", num("10")), ("T0102", num("4")), ("T0103", num("5"))];
    assert_eq!(run(rule, NeverSkip, &wrong), Outcome::Fail);

    let partial = [("T0101", num("10")), ("T0102", num("10"))];
    assert_eq!(run(rule, SkipIfAnyMissing, &partial), Outcome::Skipped);
    assert_eq!(run(rule, SkipIfAllMissing, &partial), Outcome::Pass, "T0103 counts as 0");
    assert_eq!(run(rule, NeverSkip, &partial), Outcome::Pass);
    let partial_bad = [("T0101", num("10")), ("T0102", num("4"))];
    assert_eq!(run(rule, SkipIfAllMissing, &partial_bad), Outcome::Fail);

    assert_eq!(run(rule, SkipIfAnyMissing, &[]), Outcome::Skipped);
    assert_eq!(run(rule, SkipIfAllMissing, &[]), Outcome::Skipped);
    assert_eq!(run(rule, NeverSkip, &[]), Outcome::Pass, "0 + 0 == 0");
    assert_eq!(run("T0501 <= 100", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("T0501 > 0", NeverSkip, &[]), Outcome::Fail);
}

#[test]
fn evaluates_exactly_and_lazily() {
    use MissingStrategy::NeverSkip;
    assert_eq!(run("0.1 + 0.2 == 0.3", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("T0501 <= 100", NeverSkip, &[("T0501", num("100.0"))]), Outcome::Pass);
    assert_eq!(run("T0501 <= 100", NeverSkip, &[("T0501", num("100.1"))]), Outcome::Fail);
    assert_eq!(run("if(T0601 > 0, T0602 > 0, true)", NeverSkip, &[("T0601", num("0"))]), Outcome::Pass);
    assert_eq!(run("if(T0601 > 0, T0602 > 0, true)", NeverSkip, &[("T0601", num("3"))]), Outcome::Fail);
    assert_eq!(run("H0301 / H0302 > 1", NeverSkip, &[("H0301", num("5")), ("H0302", num("0"))]), Outcome::Error("phép chia cho 0".into()));
    // `if` only evaluates the branch it takes, so a guarded division is safe.
    assert_eq!(run("if(H0302 > 0, H0301 / H0302 > 1, true)", NeverSkip, &[("H0301", num("5")), ("H0302", num("0"))]), Outcome::Pass);
    assert_eq!(run("CDS01 and T0101 >= 1", NeverSkip, &[("CDS01", RVal::Bool(true)), ("T0101", num("1"))]), Outcome::Pass);
    assert_eq!(run("GHI == \"\"", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("round(2 / 3, 2) == 0.67", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("min(3, 1, 2) == 1 and max(3, 1, 2) == 3 and abs(-2) == 2", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("-T0101 < 0", NeverSkip, &[("T0101", num("4"))]), Outcome::Pass);
    assert_eq!(
        run("T0101.luy_ke >= T0101", NeverSkip, &[("T0101", num("4")), ("T0101.luy_ke", num("3"))]),
        Outcome::Fail
    );
}

#[test]
fn severities_and_strategies_have_codes() {
    assert_eq!(Severity::from_code("loi"), Some(Severity::Error));
    assert_eq!(Severity::from_code("canh_bao"), Some(Severity::Warning));
    for m in MissingStrategy::ALL {
        assert_eq!(MissingStrategy::from_code(m.code()), Some(m));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parser_never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }

        #[test]
        fn sums_are_checked_exactly(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000, c in -2_000_000_000i64..2_000_000_000) {
            let vals = [("T0101", RVal::Num(Dec::from_int(c))), ("T0102", RVal::Num(Dec::from_int(a))), ("T0103", RVal::Num(Dec::from_int(b)))];
            let want = if a + b == c { Outcome::Pass } else { Outcome::Fail };
            prop_assert_eq!(run("T0102 + T0103 == T0101", MissingStrategy::NeverSkip, &vals), want);
        }

        #[test]
        fn comparison_agrees_with_integers(a in any::<i32>(), b in any::<i32>()) {
            let vals = [("H0301", RVal::Num(Dec::from_int(a as i64))), ("H0302", RVal::Num(Dec::from_int(b as i64)))];
            let want = if a >= b { Outcome::Pass } else { Outcome::Fail };
            prop_assert_eq!(run("H0301 >= H0302", MissingStrategy::SkipIfAnyMissing, &vals), want);
        }

        #[test]
        fn vietnamese_numbers_round_trip(v in any::<i64>().prop_map(|v| v / 1000), scale in 0u8..=3) {
            let s = crate::numfmt::format_scaled(v, scale);
            prop_assert_eq!(crate::numfmt::parse_scaled(&s, scale), Ok(v));
        }
    }
}

#[test]
fn samples_are_read_as_each_indicator_types_them() {
    use crate::indicator::{Aggregation, IndicatorSpec};
    let spec = |code: &str| {
        catalogue(code).map(|c| IndicatorSpec {
            code: code.into(),
            name: code.into(),
            unit: String::new(),
            value_type: c.value_type,
            scale: if c.value_type == ValueType::Percent { 1 } else { 0 },
            min: Some(0),
            max: None,
            aggregation: Aggregation::Sum,
            parts: vec![],
        })
    };
    let m = parse_samples("T0101 = 1.234; T0501 = 45,5\nCDS01 = Có; T0101.cung_ky = -3", &spec).unwrap();
    assert_eq!(m.len(), 4);
    assert_eq!(m[&ref_key("T0101", None, Column::Current)], num("1234"));
    assert_eq!(m[&ref_key("T0501", None, Column::Current)], num("45.5"));
    assert_eq!(m[&ref_key("CDS01", None, Column::Current)], RVal::Bool(true));
    assert_eq!(m[&ref_key("T0101", None, Column::SamePeriodLastYear)], num("-3"));
    assert!(parse_samples("T0101 100", &spec).unwrap_err().contains("MÃ = giá trị"));
    assert!(parse_samples("X9 = 1", &spec).unwrap_err().contains("X9"));
    assert!(parse_samples("T0101 = 1,5", &spec).unwrap_err().contains("số nguyên"));
}
