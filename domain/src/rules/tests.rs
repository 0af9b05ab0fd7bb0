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
        "T0102" | "T0103" | "H0301" | "H0302" | "T0601" | "T0602" => Some(CatalogueEntry { value_type: ValueType::Integer, parts: vec![] }),
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
        "if(T0601 > 0; T0602 > 0; true)",
        "T0101[nam] + T0101[nu] = T0101",
        "T0101.luy_ke >= T0101",
        "abs(T0101 - T0101.cung_ky) / T0101.cung_ky * 100 <= 50",
        "not (H0301 < 0) && (H0302 >= 0 || CDS01)",
        "min(T0102; T0103) >= 0 và max(T0102; T0103) <= T0101",
        "round(T0501; 1) <> 99,9",
        "T0101 >= 1.000 and T0501 <= 99.9",
        "T0101.ke_hoach > 0",
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
        ("if(T0101 > 0; true)", 1, "cần đúng 3 đối số"),
        ("T0101.abc > 0", 7, "Không có cột \"abc\""),
        ("T0101.so_sanh > 0", 7, "Không có cột"),
        ("1 < T0101 < 3", 11, "hai phép so sánh"),
        ("T0101 > 1.2.3", 9, "Không đọc được số"),
        ("T0101 > 1,000", 9, "1 hay 1.000?"),
        ("max(T0101, 0) > 0", 10, "Viết lại: «max(T0101; 0) > 0»"),
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
    assert!(check_str("if(T0101 > 0; 1; true)")[0].message.contains("cùng loại"));
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
    assert_eq!(run("if(T0601 > 0; T0602 > 0; true)", NeverSkip, &[("T0601", num("0"))]), Outcome::Pass);
    assert_eq!(run("if(T0601 > 0; T0602 > 0; true)", NeverSkip, &[("T0601", num("3"))]), Outcome::Fail);
    assert_eq!(run("H0301 / H0302 > 1", NeverSkip, &[("H0301", num("5")), ("H0302", num("0"))]), Outcome::Error("chia cho 0 (H0302 bằng 0)".into()));
    // `if` only evaluates the branch it takes, so a guarded division is safe.
    assert_eq!(run("if(H0302 > 0; H0301 / H0302 > 1; true)", NeverSkip, &[("H0301", num("5")), ("H0302", num("0"))]), Outcome::Pass);
    assert_eq!(run("CDS01 and T0101 >= 1", NeverSkip, &[("CDS01", RVal::Bool(true)), ("T0101", num("1"))]), Outcome::Pass);
    assert_eq!(run("GHI == \"\"", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("round(2 / 3; 2) == 0,67", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("min(3; 1; 2) == 1 and max(3; 1; 2) == 3 and abs(-2) == 2", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("-T0101 < 0", NeverSkip, &[("T0101", num("4"))]), Outcome::Pass);
    assert_eq!(run("T0101.luy_ke >= T0101", NeverSkip, &[("T0101", num("4")), ("T0101.luy_ke", num("3"))]), Outcome::Fail);
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
            rate_of: None,
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
    assert!(parse_samples("T0101 = 1,000", &spec).unwrap_err().contains("1 hay 1.000?"));
    assert_eq!(parse_samples("T0501 = 45,5%", &spec).unwrap()[&ref_key("T0501", None, Column::Current)], num("45.5"));
}

fn parse_err(src: &str) -> ParseError {
    parse(src).expect_err(src)
}

#[test]
fn numbers_read_as_in_a_form_cell() {
    let lit = |src: &str| match parse(src).unwrap_or_else(|e| panic!("{src}: {e}")).kind {
        ExprKind::Bin(_, _, r) => match r.kind {
            ExprKind::Num(d) => d,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let d = |s: &str| Dec::parse_literal(s).unwrap();
    let cases = [
        ("T0101 >= 1.000", "1000"),
        ("T0101 >= 1.234.567", "1234567"),
        ("T0101 >= 0,5", "0.5"),
        ("T0101 >= 1.234,5", "1234.5"),
        ("T0101 >= 0.125", "0.125"),
        ("T0101 >= 99.9", "99.9"),
        ("T0101 >= 1 000", "1000"),
        ("T0101 >= 1,5E+03", "1500"),
        ("T0101 >= 2,5e-1", "0.25"),
        ("T0101 >= 1,234.5", "1234.5"),
    ];
    for (src, want) in cases {
        assert_eq!(lit(src), d(want), "{src}");
    }
    let e = parse_err("T0101 >= 1,000");
    assert_eq!(e.pos, 10);
    assert_eq!(e.message, "«1,000»: 1 hay 1.000? Dùng dấu chấm để tách hàng nghìn: 1.000; nếu là số thập phân, viết 1.");
    assert!(parse_err("T0101 >= 1 5").message.contains("3 chữ số"));
    assert!(parse_err("T0101 >= 1E999").message.starts_with("«1E999»: Số quá lớn"));
    // The same text reads the same in a cell.
    assert_eq!(crate::numfmt::parse_scaled("1.000", 0), Ok(1000));
}

#[test]
fn arguments_are_separated_by_semicolons() {
    use MissingStrategy::NeverSkip;
    assert_eq!(run("max(T0101; 0,5) == 0,5", NeverSkip, &[("T0101", num("0.2"))]), Outcome::Pass);
    assert_eq!(run("round(T0501; 1) == 45,7", NeverSkip, &[("T0501", num("45.66"))]), Outcome::Pass);
    assert_eq!(run("if(T0101 > 0; T0102 > 0; true)", NeverSkip, &[("T0101", num("1")), ("T0102", num("2"))]), Outcome::Pass);
    // A number with a comma inside parentheses, or where the other reading
    // would not fit the function, is a decimal.
    assert_eq!(run("abs(0,5) == 0,5", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("max((0,5)) == 0,5", NeverSkip, &[]), Outcome::Pass);
    assert_eq!(run("max(0,5; 1) == 1", NeverSkip, &[]), Outcome::Pass);

    let cases: &[(&str, usize, &str)] = &[
        ("max(T0101, 0) > 0", 10, "Viết lại: «max(T0101; 0) > 0»."),
        ("if(T0101 > 0, T0102, T0103) > 0", 13, "Viết lại: «if(T0101 > 0; T0102; T0103) > 0»."),
        ("min(T0101,T0102) >= 0", 10, "Viết lại: «min(T0101; T0102) >= 0»."),
        ("max(T0101; T0102, T0103) > 0", 17, "Viết lại: «max(T0101; T0102; T0103) > 0»."),
        ("max(T0101, 0,5) > 0", 10, "Viết lại: «max(T0101; 0; 5) > 0» hay «max(T0101; 0,5) > 0»?"),
        ("round(2,5) > 0", 7, "Viết lại: «round(2; 5) > 0»."),
        ("if(T0101 > 0,5,1) > 0", 12, "Viết lại: «if(T0101 > 0; 5; 1) > 0»."),
        ("abs(max(T0101, 1)) > 0", 14, "Viết lại: «abs(max(T0101; 1)) > 0»."),
    ];
    for (src, pos, needle) in cases {
        let e = parse_err(src);
        assert_eq!(e.pos, *pos, "{src}: {e}");
        assert!(e.message.starts_with("Các đối số của hàm nay ngăn cách bằng dấu chấm phẩy «;»"), "{src}: {e}");
        assert!(e.message.ends_with(needle), "{src}: {e}");
    }
    let e = parse_err("max(0,5) > 0");
    assert_eq!(e.pos, 5);
    assert_eq!(
        e.message,
        "Không rõ dấu phẩy trong «0,5» là dấu thập phân hay dấu ngăn cách đối số của hàm max: «max(0,5) > 0» có thể là một đối số 0,5 hoặc nhiều đối số. \
         Nếu là nhiều đối số, viết «max(0; 5) > 0» (ngăn cách bằng dấu «;»); nếu là số thập phân, đặt số trong ngoặc: «max((0,5)) > 0»."
    );
    // Each proposed rewrite is itself accepted.
    assert!(parse("max(0; 5) > 0").is_ok() && parse("max((0,5)) > 0").is_ok());
    assert!(parse_err("max(1,000) > 0").message.contains("«max(1; 000) > 0»"));
}

#[test]
fn old_rules_are_rewritten_to_the_new_notation() {
    let cases: &[(&str, &str)] = &[
        ("max(A, 0) > 0", "max(A; 0) > 0"),
        ("if(A > 0, B > 0, true)", "if(A > 0; B > 0; true)"),
        ("min(T0102,T0103) >= 0", "min(T0102; T0103) >= 0"),
        ("max(T0102; T0103) <= T0101", "max(T0102; T0103) <= T0101"),
        ("X >= 1.000", "X >= 1"),
        ("X >= 1.500", "X >= 1,5"),
        ("X * 0.5 <= Y", "X * 0,5 <= Y"),
        ("round(X,1) == 12.345", "round(X; 1) == 12,3450"),
        ("X >= 1234.5 and X <= 100000", "X >= 1.234,5 and X <= 100000"),
        ("X <= 100.0", "X <= 100"),
        ("X >= .5", "X >= 0,5"),
        ("GHI == 'a, b; 1.000'", "GHI == 'a, b; 1.000'"),
        ("T0101[nam].luy_ke >= T0101.cung_ky", "T0101[nam].luy_ke >= T0101.cung_ky"),
        ("0.1 + 0.2 == 0.3", "0,1 + 0,2 == 0,3"),
        (
            "if(DS01.cung_ky > 0, abs(DS01 - DS01.cung_ky) / DS01.cung_ky * 100 <= 10, true)",
            "if(DS01.cung_ky > 0; abs(DS01 - DS01.cung_ky) / DS01.cung_ky * 100 <= 10; true)",
        ),
        ("YT02 >= YT02.cung_ky * 0.5", "YT02 >= YT02.cung_ky * 0,5"),
        ("T0101 > 0", "T0101 > 0"),
    ];
    for (old, new) in cases {
        assert_eq!(rewrite_legacy(old).as_deref(), Ok(*new), "{old}");
        assert!(parse(new).is_ok(), "{new}");
    }
    for bad in ["max(A,", "X > 1.2.3", "", "X >"] {
        assert!(rewrite_legacy(bad).is_err(), "{bad}");
    }
}

#[test]
fn evaluation_errors_say_why() {
    use MissingStrategy::NeverSkip;
    let vals = [("H0301", num("5")), ("H0302", num("0")), ("GHI", RVal::Text("x".into()))];
    let cases = [
        ("H0301 / H0302 > 1", "chia cho 0 (H0302 bằng 0)"),
        ("H0301 / T0101 > 1", "chia cho 0 (T0101 chưa có số liệu, được tính là 0)"),
        ("H0301 / (H0302 * 2) > 1", "chia cho 0 (số chia bằng 0)"),
        ("GHI + 1 > 0", "không tính toán được với giá trị văn bản (GHI là văn bản)"),
        ("round(H0301; 20) > 0", "số chữ số của round phải từ 0 đến 12"),
        ("H0301 + 1", "biểu thức không cho kết quả đúng/sai"),
        ("99999999999999999999 * 99999999999999999999 * 99999999999999999999 > 0", "kết quả tính toán quá lớn"),
    ];
    for (src, want) in cases {
        assert_eq!(run(src, NeverSkip, &vals), Outcome::Error(want.into()), "{src}");
    }
}

#[test]
fn huge_expressions_are_refused_quickly() {
    let started = std::time::Instant::now();
    let too_long: [String; 5] = [
        "(".repeat(100_000),
        format!("{}1 > 0", "-".repeat(100_000)),
        format!("{}true", "not ".repeat(100_000)),
        format!("{}1", "1 + ".repeat(100_000)),
        "max(".repeat(50_000),
    ];
    for src in &too_long {
        let e = parse(src).expect_err("too long");
        assert!(e.message.starts_with("Biểu thức dài quá 2.000 ký tự"), "{}", e.message);
        assert_eq!(e.pos, MAX_EXPR_CHARS + 1);
    }
    let too_deep = [
        format!("{}1{} > 0", "(".repeat(51), ")".repeat(51)),
        format!("{}1 > 0", "-".repeat(51)),
        format!("{}true", "not ".repeat(51)),
        format!("{}1{} > 0", "abs(".repeat(51), ")".repeat(51)),
        format!("{}1 > 0", "- (".repeat(30)),
    ];
    for src in &too_deep {
        let e = parse(src).expect_err("too deep");
        assert!(e.message.starts_with("Biểu thức lồng nhau quá 50 tầng"), "{src}: {}", e.message);
    }
    // At the limits, parsing, checking and evaluating work.
    let deepest = format!("{}T0101{} >= 0", "(".repeat(50), ")".repeat(50));
    assert_eq!(run(&deepest, MissingStrategy::NeverSkip, &[("T0101", num("1"))]), Outcome::Pass);
    let longest_sum = format!("{}1 == 491", "1 + ".repeat(490));
    assert!(longest_sum.chars().count() <= MAX_EXPR_CHARS);
    assert_eq!(run(&longest_sum, MissingStrategy::NeverSkip, &[]), Outcome::Pass);
    let long_and = format!("{}T0101 > 0", "T0101 > 0 and ".repeat(140));
    assert!(check_str(&long_and).is_empty());
    assert_eq!(run(&long_and, MissingStrategy::NeverSkip, &[("T0101", num("1"))]), Outcome::Pass);
    assert_eq!(parse(&long_and).unwrap().refs().len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn long_chains_evaluate_on_a_small_stack() {
    // The browser's and the server's worker stacks are small: a chain as long
    // as the length limit allows must not recurse once per term.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let sum = format!("{}T0101==1992", "T0101+".repeat(331));
            assert!(sum.chars().count() <= MAX_EXPR_CHARS);
            let e = parse(&sum).unwrap();
            assert!(check(&e, &catalogue).is_empty());
            let outcome = evaluate(&e, MissingStrategy::NeverSkip, &|_| Some(num("6")));
            let ones = format!("{}1==996", "1+".repeat(995));
            assert!(ones.chars().count() <= MAX_EXPR_CHARS);
            assert_eq!(evaluate(&parse(&ones).unwrap(), MissingStrategy::NeverSkip, &|_| None), Outcome::Pass);
            let same = e.clone().same_as(&e);
            (outcome, same)
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), (Outcome::Pass, true));
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "(", ")", "[", "]", ";", ",", ".", "+", "-", "−", "*", "/", "==", "!=", "<>", "<", "<=", ">", ">=", "=", "!", "and", "or", "not", "và",
        "hoặc", "true", "false", "if", "abs", "min", "max", "round", "T0101", "T0102", "GHI", "CDS01", "nam", "luy_ke", "ke_hoach", "cung_ky", "0",
        "1", "1.000", "1,000", "0,5", "1,5E+03", "12 345", "\"x\"", "'", " ", "1e", "E", "%",
    ];

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TOKENS), 0..400).prop_map(|t| t.concat())
    }

    fn exercise(src: &str) {
        if let Ok(e) = parse(src) {
            let _ = check(&e, &catalogue);
            let _ = evaluate(&e, MissingStrategy::NeverSkip, &|_| Some(num("0")));
            let _ = evaluate(&e, MissingStrategy::NeverSkip, &|_| Some(RVal::Text("x".into())));
        }
        let _ = rewrite_legacy(src);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in "\\PC{0,300}") {
            exercise(&s);
        }

        #[test]
        fn never_panics_on_token_soup(s in soup()) {
            exercise(&s);
        }

        #[test]
        fn never_panics_on_spaced_token_soup(t in prop::collection::vec(prop::sample::select(TOKENS), 0..300)) {
            exercise(&t.join(" "));
        }
    }

    #[test]
    fn never_panics_on_long_arbitrary_text() {
        let long = "max(1,5;(-[T0101 1.000 «»∑ 𝟙 ".repeat(400);
        exercise(&long);
        exercise(&long[..long.char_indices().nth(1999).map(|(i, _)| i).unwrap_or(long.len())]);
    }
}
