//! Aggregates against figures computed by hand on a small province.
//!
//! Province P → groups G1 (communes A, B) and G2 (department C).
//! Regimes: R1 monthly (A, B, C; every indicator but XK), R2 quarterly (A;
//! DT only: double reporting), R3 monthly (C; XK).
//! 2025, months 1–3 under R1:
//!   A: reports accepted. DT 10, 20, 30; GIA 1,50 2,50 3,50; MN 5 3 4;
//!      MX 5 3 4; DS 1000 1010 1020; BS 2 2 2; GHI 7 (month 1 only);
//!      LD 10 (nam 6, nu 4) each month.
//!   B: months 1, 2 accepted, month 3 only sent. DT 5, 15, – ; GIA 4 4 4;
//!      MN 1 9 9; MX 1 9 9; DS 500 500 510; BS 1 1 1.
//!   C: accepted. GIA 2 2 2.
//! R2: A's first quarter DT 65, sent.  R3: C's XK 100 every month of 2025, accepted.
//! A draft of A's R1 April report (DT 999) must never count.

use domain::aggregate::Counted;
use domain::dec::Dec;
use domain::period::{Frequency, Period};
use domain::{Actor, Role};
use entity::{breakdown, breakdown_part, indicator, org_unit, regime, regime_unit, regime_version, regime_version_indicator, report, report_value};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use service::aggregate::{digital, figures};
use std::collections::HashMap;

mod common;
use common::Backend;

on_both_backends!(
    a_figure_far_from_the_units_history_is_named_on_its_report,
    the_dashboard_projects_the_year_from_last_years_seasons,
    each_aggregation_type_over_a_quarter_and_the_tree,
    months_fold_into_quarters_halves_nine_months_and_the_year,
    the_counted_switch_and_the_accepted_share,
    a_unit_sees_its_own_unit_only,
    the_digital_data_share_figure_by_figure,
    the_administrator_sets_the_yearly_target,
    a_sent_value_shows_in_the_next_roll_up,
    the_pivot_and_dashboard_keep_to_the_callers_unit_and_a_sane_size,
    the_machine_feed_gives_every_month_as_the_leaders_see_it,
    the_administrator_picks_the_dashboards_key_indicators,
    the_dashboard_stacks_breakdown_parts_with_their_totals,
    the_dashboard_ranks_communes_ties_together_missing_last,
    the_figures_and_regimes_shares_figure_by_figure,
);

fn d(s: &str) -> Dec {
    Dec::parse_literal(s).unwrap()
}

struct Fx {
    db: service::Db,
    u: HashMap<&'static str, i32>,
    i: HashMap<&'static str, i32>,
}

async fn unit(db: &service::Db, code: &str, kind: &str, parent: Option<i32>) -> i32 {
    org_unit::ActiveModel {
        code: Set(code.into()),
        name: Set(format!("Đơn vị {code}")),
        short_name: Set(code.into()),
        kind: Set(kind.into()),
        parent_id: Set(parent),
        sort_order: Set(0),
        active: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

#[allow(clippy::too_many_arguments)]
async fn ind(
    db: &service::Db,
    code: &str,
    vt: &str,
    scale: i16,
    agg: &str,
    sector: &str,
    owner: Option<i32>,
    statistical: bool,
    breakdown: Option<i32>,
    rate: Option<(&str, &str)>,
) -> i32 {
    let now = chrono::Utc::now();
    indicator::ActiveModel {
        code: Set(code.into()),
        name: Set(format!("Chỉ tiêu {code}")),
        unit: Set("người".into()),
        value_type: Set(vt.into()),
        scale: Set(scale),
        min_value: Set(None),
        max_value: Set(None),
        aggregation: Set(agg.into()),
        sector: Set(sector.into()),
        owner_unit_id: Set(owner),
        statistical: Set(statistical),
        breakdown_id: Set(breakdown),
        method: Set(String::new()),
        description: Set(String::new()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        national_code: Set(String::new()),
        rate_numerator: Set(rate.map(|r| r.0.to_string())),
        rate_denominator: Set(rate.map(|r| r.1.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

/// A regime with one published version (in force since 2024) binding units and indicators.
async fn regime(db: &service::Db, code: &str, freq: Frequency, units: &[i32], inds: &[i32]) -> (i32, i32) {
    let now = chrono::Utc::now();
    let r = regime::ActiveModel {
        code: Set(code.into()),
        name: Set(format!("Chế độ {code}")),
        draft: Set("{}".into()),
        current_version: Set(1),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        remind_days: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let schedule = domain::calendar::Schedule { frequency: freq, ..Default::default() };
    // A whole document (a report of it can be loaded), one row per indicator.
    let mut doc = domain::regime::RegimeDoc::new(code, code);
    doc.schedule = schedule;
    let mut rows = vec![];
    for id in inds {
        let code = indicator::Entity::find_by_id(*id).one(db).await.unwrap().unwrap().code;
        rows.push(domain::regime::FormRow { indicator: code, required: false });
    }
    doc.sections = vec![domain::regime::FormSection { title: "Số liệu".into(), rows }];
    let v = regime_version::ActiveModel {
        regime_id: Set(r.id),
        version: Set(1),
        published_at: Set(now),
        published_by: Set(None),
        definition: Set(serde_json::to_string(&doc).unwrap()),
        effective_from: Set(Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for u in units {
        regime_unit::ActiveModel { regime_version_id: Set(v.id), unit_id: Set(*u) }.insert(db).await.unwrap();
    }
    for (n, i) in inds.iter().enumerate() {
        regime_version_indicator::ActiveModel { regime_version_id: Set(v.id), indicator_id: Set(*i), position: Set(n as i32) }
            .insert(db)
            .await
            .unwrap();
    }
    (r.id, v.id)
}

/// A report with its figures ((indicator, part, scaled value)); its id.
async fn report(db: &service::Db, rg: (i32, i32), unit: i32, period: Period, delivery: i16, values: &[(i32, &str, i64)]) -> i32 {
    let now = chrono::Utc::now();
    let status = ["nhap", "da_gui", "da_tiep_nhan"][delivery as usize];
    let r = report::ActiveModel {
        regime_id: Set(rg.0),
        regime_version_id: Set(rg.1),
        unit_id: Set(unit),
        period_key: Set(period.key()),
        status: Set(status.into()),
        row_version: Set(1),
        narrative: Set("[]".into()),
        explanations: Set("{}".into()),
        window_exception_until: Set(None),
        created_at: Set(now),
        created_by: Set(None),
        updated_at: Set(now),
        updated_by: Set(None),
        sent_at: Set(None),
        sent_by: Set(None),
        on_time: Set(None),
        approved_at: Set(None),
        approved_by: Set(None),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        return_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (ind, part, num) in values {
        let scale = indicator::Entity::find_by_id(*ind).one(db).await.unwrap().unwrap().scale;
        report_value::ActiveModel {
            report_id: Set(r.id),
            indicator_id: Set(*ind),
            part: Set(part.to_string()),
            num: Set(Some(*num)),
            txt: Set(None),
            comment: Set(String::new()),
            unit_id: Set(unit),
            regime_id: Set(rg.0),
            period_key: Set(period.key()),
            updated_at: Set(now),
            updated_by: Set(None),
            invalid: Set(false),
            delivery: Set(delivery),
            period_year: Set(period.year()),
            frequency: Set(period.frequency().code().into()),
            ordinal: Set(period.ordinal() as i16),
            scale: Set(scale),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    r.id
}

fn m(month: u32) -> Period {
    Period::Month { year: 2025, month }
}

async fn fixture(b: Backend) -> Fx {
    let db = common::fresh(b, "agg", 2).await;
    let p = unit(&db, "P", "tinh", None).await;
    let g1 = unit(&db, "G1", "nhom", Some(p)).await;
    let g2 = unit(&db, "G2", "nhom", Some(p)).await;
    let a = unit(&db, "A", "xa", Some(g1)).await;
    let b = unit(&db, "B", "xa", Some(g1)).await;
    let c = unit(&db, "C", "so_nganh", Some(g2)).await;
    let bd = breakdown::ActiveModel { code: Set("GT".into()), name: Set("Giới tính".into()), ..Default::default() }.insert(&db).await.unwrap().id;
    for (code, name, n) in [("nam", "Nam", 1), ("nu", "Nữ", 2)] {
        breakdown_part::ActiveModel {
            breakdown_id: Set(bd),
            code: Set(code.into()),
            name: Set(name.into()),
            sort_order: Set(n),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let mut i = HashMap::new();
    i.insert("DT", ind(&db, "DT", "so_nguyen", 0, "tong", "y_te", None, true, None, None).await);
    i.insert("GIA", ind(&db, "GIA", "so_thap_phan", 2, "trung_binh", "y_te", None, true, None, None).await);
    i.insert("MN", ind(&db, "MN", "so_nguyen", 0, "nho_nhat", "y_te", None, false, None, None).await);
    i.insert("MX", ind(&db, "MX", "so_nguyen", 0, "lon_nhat", "y_te", None, false, None, None).await);
    i.insert("DS", ind(&db, "DS", "so_nguyen", 0, "cuoi_ky", "dan_so", None, true, None, None).await);
    i.insert("BS", ind(&db, "BS", "so_nguyen", 0, "tong", "y_te", None, false, None, None).await);
    i.insert("GHI", ind(&db, "GHI", "so_nguyen", 0, "khong", "y_te", None, false, None, None).await);
    i.insert("LD", ind(&db, "LD", "so_nguyen", 0, "tong", "lao_dong", None, false, Some(bd), None).await);
    i.insert("TL", ind(&db, "TL", "ty_le", 2, "khong", "y_te", None, false, None, Some(("BS", "DS"))).await);
    i.insert("XK", ind(&db, "XK", "so_nguyen", 0, "tong", "cong_thuong", Some(c), true, None, None).await);
    i.insert("KHAC", ind(&db, "KHAC", "so_nguyen", 0, "tong", "cong_thuong", Some(c), true, None, None).await);
    let r1_inds: Vec<i32> = ["DT", "GIA", "MN", "MX", "DS", "BS", "GHI", "LD", "TL"].iter().map(|k| i[k]).collect();
    let r1 = regime(&db, "R1", Frequency::Monthly, &[a, b, c], &r1_inds).await;
    let r2 = regime(&db, "R2", Frequency::Quarterly, &[a], &[i["DT"]]).await;
    let r3 = regime(&db, "R3", Frequency::Monthly, &[c], &[i["XK"]]).await;
    let a_vals: [[i64; 7]; 3] = [[10, 150, 5, 5, 1000, 2, 7], [20, 250, 3, 3, 1010, 2, -1], [30, 350, 4, 4, 1020, 2, -1]];
    for (k, row) in a_vals.iter().enumerate() {
        let mut v: Vec<(i32, &str, i64)> =
            ["DT", "GIA", "MN", "MX", "DS", "BS", "GHI"].iter().zip(row).filter(|(_, x)| **x >= 0).map(|(c, x)| (i[c], "", *x)).collect();
        v.extend([(i["LD"], "", 10), (i["LD"], "nam", 6), (i["LD"], "nu", 4)]);
        report(&db, r1, a, m(k as u32 + 1), 2, &v).await;
    }
    let b_vals: [[i64; 6]; 3] = [[5, 400, 1, 1, 500, 1], [15, 400, 9, 9, 500, 1], [-1, 400, 9, 9, 510, 1]];
    for (k, row) in b_vals.iter().enumerate() {
        let v: Vec<(i32, &str, i64)> =
            ["DT", "GIA", "MN", "MX", "DS", "BS"].iter().zip(row).filter(|(_, x)| **x >= 0).map(|(c, x)| (i[c], "", *x)).collect();
        report(&db, r1, b, m(k as u32 + 1), if k == 2 { 1 } else { 2 }, &v).await;
    }
    for k in 1..=3 {
        report(&db, r1, c, m(k), 2, &[(i["GIA"], "", 200)]).await;
    }
    report(&db, r1, a, m(4), 0, &[(i["DT"], "", 999)]).await;
    report(&db, r2, a, Period::Quarter { year: 2025, quarter: 1 }, 1, &[(i["DT"], "", 65)]).await;
    for k in 1..=12 {
        report(&db, r3, c, m(k), 2, &[(i["XK"], "", 100)]).await;
    }
    let u = HashMap::from([("P", p), ("G1", g1), ("G2", g2), ("A", a), ("B", b), ("C", c)]);
    Fx { db, u, i }
}

const LEADER: Actor = Actor { user_id: 1, role: Role::Leader, unit_id: 0 };
const Q1: Period = Period::Quarter { year: 2025, quarter: 1 };

/// (value, reported, expected, accepted)
type Got = (Option<Dec>, usize, usize, usize);

async fn get(fx: &Fx, actor: &Actor, target: Period, counted: Counted, node: &str, ind: &str, part: &str) -> Got {
    let f = figures(&fx.db, actor, None, target, counted).await.unwrap();
    let c = f.cell(fx.u[node], fx.i[ind], part).unwrap();
    (c.value, c.reported, c.expected, c.accepted)
}

async fn each_aggregation_type_over_a_quarter_and_the_tree(b: Backend) {
    let fx = fixture(b).await;
    let f = figures(&fx.db, &LEADER, None, Q1, Counted::SentOrAccepted).await.unwrap();
    let c = |node: &str, ind: &str, part: &str| {
        let c = f.cell(fx.u[node], fx.i[ind], part).unwrap();
        (c.value, c.reported, c.expected, c.accepted)
    };
    // Sum with double reporting: A's quarterly R2 figure (65, sent) wins
    // over its months (60); B's quarter is incomplete; C expected, missing.
    assert_eq!(c("P", "DT", ""), (Some(d("65")), 1, 3, 0));
    assert_eq!(c("G1", "DT", ""), (Some(d("65")), 1, 2, 0));
    assert_eq!(c("G2", "DT", ""), (None, 0, 1, 0), "missing stays missing, not zero");
    let a = f.rollup().unwrap().unit_figure(fx.i["DT"], "", fx.u["A"]).unwrap();
    assert!(a.double_reported && a.frequency == Frequency::Quarterly);
    // Average: A (1,5+2,5+3,5)/3 = 2,5; B 4; C 2 → (2,5+4+2)/3.
    assert_eq!(c("A", "GIA", "").0, Some(d("2.5")));
    assert_eq!(c("P", "GIA", ""), (Some(d("8.5").checked_div(d("3")).unwrap()), 3, 3, 2));
    assert_eq!(c("P", "GIA", "").0.unwrap().round(2), d("2.83"));
    assert_eq!(c("P", "MN", "").0, Some(d("1")));
    assert_eq!(c("A", "MN", "").0, Some(d("3")));
    assert_eq!(c("P", "MX", "").0, Some(d("9")));
    // Last: the stock at the quarter's end, added across units: 1020 + 510.
    assert_eq!(c("P", "DS", "").0, Some(d("1530")));
    // None: stated for months only, so no quarter figure.
    assert_eq!(c("A", "GHI", "").0, None);
    // Breakdown parts roll up with their total.
    assert_eq!(c("P", "LD", "").0, Some(d("30")));
    assert_eq!(c("P", "LD", "nam").0, Some(d("18")));
    assert_eq!(c("P", "LD", "nu").0, Some(d("12")));
    // Rate after aggregation: (6 + 3) × 100 ÷ (1020 + 510).
    assert_eq!(c("P", "TL", "").0, Some(d("900").checked_div(d("1530")).unwrap()));
    assert_eq!(c("P", "TL", "").0.unwrap().round(2), d("0.59"));
    assert_eq!(c("A", "TL", "").0.unwrap().round(4), d("0.5882"));
    assert_eq!(c("P", "TL", "").1, 2);
}

async fn months_fold_into_quarters_halves_nine_months_and_the_year(b: Backend) {
    let fx = fixture(b).await;
    let s = Counted::SentOrAccepted;
    assert_eq!(get(&fx, &LEADER, Period::Year { year: 2025 }, s, "P", "XK", "").await, (Some(d("1200")), 1, 1, 1));
    assert_eq!(get(&fx, &LEADER, Period::NineMonths { year: 2025 }, s, "G2", "XK", "").await.0, Some(d("900")));
    assert_eq!(get(&fx, &LEADER, Period::HalfYear { year: 2025, half: 2 }, s, "P", "XK", "").await.0, Some(d("600")));
    assert_eq!(get(&fx, &LEADER, Period::Quarter { year: 2025, quarter: 4 }, s, "P", "XK", "").await.0, Some(d("300")));
    // A single month: the month's figures; the draft of April never counts.
    assert_eq!(get(&fx, &LEADER, m(2), s, "P", "DT", "").await, (Some(d("35")), 2, 3, 2));
    assert_eq!(get(&fx, &LEADER, m(4), s, "A", "DT", "").await.0, None);
    assert_eq!(get(&fx, &LEADER, m(1), s, "A", "GHI", "").await.0, Some(d("7")));
    assert_eq!(get(&fx, &LEADER, m(1), s, "G1", "GHI", "").await.0, None, "'none' is not rolled up");
    // DT for the year: A has only three months → missing.
    assert_eq!(get(&fx, &LEADER, Period::Year { year: 2025 }, s, "P", "DT", "").await.0, None);
}

async fn the_counted_switch_and_the_accepted_share(b: Backend) {
    let fx = fixture(b).await;
    let acc = Counted::AcceptedOnly;
    // Accepted only: R2's quarter (sent) drops out, A's accepted months count: 60.
    assert_eq!(get(&fx, &LEADER, Q1, acc, "P", "DT", "").await, (Some(d("60")), 1, 3, 1));
    // B's March was only sent: B drops out of the average: (2,5 + 2) / 2.
    assert_eq!(get(&fx, &LEADER, Q1, acc, "P", "GIA", "").await, (Some(d("2.25")), 2, 3, 2));
    assert_eq!(get(&fx, &LEADER, m(2), acc, "P", "DT", "").await.0, Some(d("35")));
}

async fn a_unit_sees_its_own_unit_only(b: Backend) {
    let fx = fixture(b).await;
    let clerk_a = Actor { user_id: 9, role: Role::Clerk, unit_id: fx.u["A"] };
    let f = figures(&fx.db, &clerk_a, None, Q1, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(f.cell(fx.u["A"], fx.i["DT"], "").unwrap().value, Some(d("65")));
    assert!(matches!(f.cell(fx.u["P"], fx.i["DT"], ""), Err(service::ServiceError::Forbidden(_))));
    assert!(matches!(f.cell(fx.u["B"], fx.i["DT"], ""), Err(service::ServiceError::Forbidden(_))));
    assert!(matches!(digital::figure(&fx.db, &clerk_a, Q1, Counted::SentOrAccepted).await, Err(service::ServiceError::Forbidden(_))));
    for role in [Role::Reviewer, Role::Admin] {
        let f = figures(&fx.db, &Actor { user_id: 2, role, unit_id: 0 }, None, Q1, Counted::SentOrAccepted).await.unwrap();
        assert_eq!(f.cell(fx.u["P"], fx.i["DS"], "").unwrap().value, Some(d("1530")));
    }
}

async fn the_digital_data_share_figure_by_figure(b: Backend) {
    let fx = fixture(b).await;
    // Flagged: DT (B, C owe) · GIA (A, B, C all gave) · DS (C owes) · XK (C gave) · KHAC (no regime asks).
    let f = digital::figure(&fx.db, &LEADER, Q1, Counted::SentOrAccepted).await.unwrap();
    let s = &f.summary;
    assert_eq!((s.province.provided, s.province.total), (2, 5));
    assert_eq!(s.province.percent(), Some(d("40")));
    assert!(!s.province.meets(d("50")));
    assert_eq!((s.by_sector["y_te"].provided, s.by_sector["y_te"].total), (1, 2));
    assert_eq!((s.by_sector["dan_so"].provided, s.by_sector["dan_so"].total), (0, 1));
    assert_eq!((s.by_sector["cong_thuong"].provided, s.by_sector["cong_thuong"].total), (1, 2));
    assert_eq!((s.by_owner[&Some(fx.u["C"])].provided, s.by_owner[&Some(fx.u["C"])].total), (1, 2));
    let missing: HashMap<i32, Vec<i32>> = s.missing.iter().cloned().collect();
    assert_eq!(missing[&fx.i["DT"]], vec![fx.u["B"], fx.u["C"]]);
    assert_eq!(missing[&fx.i["DS"]], vec![fx.u["C"]]);
    assert_eq!(missing[&fx.i["KHAC"]], Vec::<i32>::new());
    assert_eq!(missing.len(), 3);
    // Accepted only: B's March is not accepted, so GIA is no longer provided.
    let f = digital::figure(&fx.db, &LEADER, Q1, Counted::AcceptedOnly).await.unwrap();
    assert_eq!((f.summary.province.provided, f.summary.province.total), (1, 5));
    // The year: only XK has all twelve months.
    let f = digital::figure(&fx.db, &LEADER, Period::Year { year: 2025 }, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(f.summary.province.provided, 1);
    // The target: the scheme's 50 % until the administrator sets one.
    assert_eq!(digital::target(&fx.db, 2025).await.unwrap(), Some((500, false)));
    assert_eq!(digital::target(&fx.db, 2026).await.unwrap(), None);
    let admin = Actor { user_id: 1, role: Role::Admin, unit_id: 0 };
    assert!(matches!(digital::set_target(&fx.db, &LEADER, 2026, "60").await, Err(service::ServiceError::Forbidden(_))));
    let e = digital::set_target(&fx.db, &admin, 2026, "120").await.unwrap_err();
    assert!(e.to_string().contains("Mục tiêu") || matches!(e, service::ServiceError::Validation(_)));
    assert!(matches!(digital::set_target(&fx.db, &admin, 2026, "abc").await, Err(service::ServiceError::Validation(_))));
    assert_eq!(digital::target(&fx.db, 2026).await.unwrap(), None, "nothing half-written");
}

async fn the_administrator_sets_the_yearly_target(b: Backend) {
    let fx = fixture(b).await;
    let now = chrono::Utc::now();
    let id = entity::app_user::ActiveModel {
        username: Set("quantri".into()),
        full_name: Set("Quản trị".into()),
        password_hash: Set("x".into()),
        role: Set("admin".into()),
        unit_id: Set(fx.u["P"]),
        active: Set(true),
        must_change_password: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        email: Set(String::new()),
        phone: Set(String::new()),
        ..Default::default()
    }
    .insert(&fx.db)
    .await
    .unwrap()
    .id;
    let admin = Actor { user_id: id, role: Role::Admin, unit_id: fx.u["P"] };
    digital::set_target(&fx.db, &admin, 2026, "62,5").await.unwrap();
    assert_eq!(digital::target(&fx.db, 2026).await.unwrap(), Some((625, true)));
    digital::set_target(&fx.db, &admin, 2025, "55 %").await.unwrap();
    assert_eq!(digital::target(&fx.db, 2025).await.unwrap(), Some((550, true)));
}

async fn a_sent_value_shows_in_the_next_roll_up(b: Backend) {
    let fx = fixture(b).await;
    assert_eq!(get(&fx, &LEADER, m(4), Counted::SentOrAccepted, "P", "DT", "").await.0, None);
    // The clerk sends April: the status change updates the rows' delivery.
    let r = report::Entity::find().all(&fx.db).await.unwrap().into_iter().find(|r| r.period_key == "2025-04").unwrap();
    service::reports::store::set_delivery(&fx.db, r.id, domain::report::ReportStatus::Sent).await.unwrap();
    assert_eq!(get(&fx, &LEADER, m(4), Counted::SentOrAccepted, "P", "DT", "").await.0, Some(d("999")));
    // The server keeps a year's figures between requests (`aggregate::facts`);
    // every change to a counted row must reach the next request all the same.
    let april = || get(&fx, &LEADER, m(4), Counted::SentOrAccepted, "P", "DT", "");
    service::reports::store::set_delivery(&fx.db, r.id, domain::report::ReportStatus::Returned).await.unwrap();
    assert_eq!(april().await.0, None, "a returned report stops counting at once");
    service::reports::store::set_delivery(&fx.db, r.id, domain::report::ReportStatus::Accepted).await.unwrap();
    assert_eq!(april().await.0, Some(d("999")));
    let stamp = || async {
        let backend = sea_orm::ConnectionTrait::get_database_backend(&fx.db);
        let row = sea_orm::ConnectionTrait::query_one_raw(&fx.db, sea_orm::Statement::from_string(backend, "SELECT stamp FROM facts_stamp"))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    };
    // A change to a draft's figures counts for nothing: the kept figures stay.
    let before = stamp().await;
    let rg = (r.regime_id, r.regime_version_id);
    report(&fx.db, rg, fx.u["B"], m(4), 0, &[(fx.i["DT"], "", 5)]).await;
    assert_eq!(stamp().await, before, "a draft's value leaves the stamp");
    assert_eq!(april().await.0, Some(d("999")));
    // A counted row written or deleted outside the service (the demo
    // generator, an administrator's SQL) is seen too: the stamp is a trigger's.
    report(&fx.db, rg, fx.u["C"], m(4), 1, &[(fx.i["DT"], "", 1)]).await;
    assert_eq!(april().await.0, Some(d("1000")));
    report_value::Entity::delete_many().filter(report_value::Column::ReportId.eq(r.id)).exec(&fx.db).await.unwrap();
    assert_eq!(april().await.0, Some(d("1")));
    if b == Backend::Postgres {
        // TRUNCATE fires no row trigger; it has one of its own (m0018).
        sea_orm::ConnectionTrait::execute_unprepared(&fx.db, "TRUNCATE report_value").await.unwrap();
        assert_eq!(april().await.0, None, "an emptied table empties the roll-up");
    }
}

/// A unit's people reach only their own unit through the dashboard and the
/// pivot (the node comes from the URL); the pivot refuses an oversized
/// indicator list and reads a repeated one once.
async fn the_pivot_and_dashboard_keep_to_the_callers_unit_and_a_sane_size(b: Backend) {
    use service::aggregate::views::{DashQuery, MAX_PIVOT_INDICATORS, PivotQuery, dashboard, pivot};
    let fx = fixture(b).await;
    let today = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let clerk_a = Actor { user_id: 9, role: Role::Clerk, unit_id: fx.u["A"] };
    let q = |node: i32| PivotQuery { year: Some(2025), frequency: Some("quy".into()), indicators: vec![fx.i["DT"]], node: Some(node), counted: None };
    for other in [fx.u["B"], fx.u["P"], fx.u["G1"]] {
        assert!(matches!(pivot(&fx.db, &clerk_a, q(other), today).await, Err(service::ServiceError::Forbidden(_))), "pivot of unit {other}");
        let d = DashQuery { period: None, node: Some(other), indicator: None, counted: None };
        assert!(matches!(dashboard(&fx.db, &clerk_a, d, today).await, Err(service::ServiceError::Forbidden(_))), "dashboard of unit {other}");
    }
    let own = pivot(&fx.db, &clerk_a, q(fx.u["A"]), today).await.unwrap();
    assert_eq!(own.rows.len(), 1, "the unit itself, no children");
    // The same indicator many times is one row per unit.
    let mut many = q(fx.u["A"]);
    many.indicators = vec![fx.i["DT"]; 10_000];
    assert_eq!(pivot(&fx.db, &clerk_a, many, today).await.unwrap().chosen, vec![fx.i["DT"]]);
    // More distinct indicators than a table may hold: refused, naming the field.
    let mut big = q(fx.u["A"]);
    for k in 0..=MAX_PIVOT_INDICATORS {
        big.indicators.push(ind(&fx.db, &format!("PV{k:03}"), "so_nguyen", 0, "tong", "y_te", None, false, None, None).await);
    }
    let e = pivot(&fx.db, &clerk_a, big, today).await.unwrap_err();
    assert!(matches!(&e, service::ServiceError::Validation(_)) && e.to_string().contains("tối đa"), "{e}");
}

async fn the_machine_feed_gives_every_month_as_the_leaders_see_it(b: Backend) {
    use service::feeds::ApiClient;
    use service::feeds::aggregates::{AggregateQuery, plan_aggregates};
    let fx = fixture(b).await;
    let ioc = ApiClient { token_id: 1, user_id: 1, write_units: vec![] };
    let q = AggregateQuery { year: Some(2025), frequency: Some("thang".into()), ..Default::default() };
    let pull = plan_aggregates(&fx.db, &ioc, q).await.unwrap();
    assert_eq!(pull.periods.len(), 12);
    let mut rows = vec![];
    for i in 0..pull.periods.len() {
        rows.extend(pull.rows(i).unwrap());
    }
    // Every row is what the leaders' roll-up says for that month.
    for month in [1, 2, 3, 4, 7] {
        let f = figures(&fx.db, &LEADER, None, m(month), Counted::SentOrAccepted).await.unwrap();
        for r in rows.iter().filter(|r| r.period == m(month).key()) {
            let node = fx.u[r.unit.as_str()];
            let c = f.cell(node, fx.i[r.indicator.as_str()], &r.part).unwrap();
            assert_eq!(
                (r.value.clone(), r.reported, r.expected, r.accepted),
                (c.value.map(|v| v.to_string()), c.reported, c.expected, c.accepted),
                "{} {} {} {}",
                r.period,
                r.unit,
                r.indicator,
                r.part
            );
        }
    }
    let find = |month: u32, unit: &str, ind: &str, part: &str| {
        rows.iter().find(|r| r.period == m(month).key() && r.unit == unit && r.indicator == ind && r.part == part).cloned()
    };
    // By hand: the province's DT in March is A's 30 (B sent none): 1 of 3 reported.
    let p = find(3, "P", "DT", "").unwrap();
    assert_eq!((p.value.as_deref(), p.reported, p.expected, p.unit_kind.as_str()), (Some("30"), 1, 3, "tinh"));
    // B owed DT in March and sent nothing: a row with no value, never a zero.
    let b = find(3, "B", "DT", "").unwrap();
    assert_eq!((b.value, b.reported, b.expected), (None, 0, 1));
    // Parts roll up with their totals; A's April draft (DT 999) never counts.
    assert_eq!(find(2, "G1", "LD", "nam").unwrap().value.as_deref(), Some("6"));
    assert_eq!(find(4, "A", "DT", "").and_then(|r| r.value), None);
    // XK only ever came from C: it appears in December, and nothing is said for A.
    assert_eq!(find(12, "P", "XK", "").unwrap().value.as_deref(), Some("100"));
    assert!(find(12, "A", "XK", "").is_none());
    assert!(rows.iter().filter(|r| r.unit == "G1").all(|r| r.unit_kind == "nhom"));

    // Narrowed to one indicator and one node; accepted only.
    let q = AggregateQuery {
        period: Some("2025-Q1".into()),
        indicators: Some("DT".into()),
        unit: Some("G1".into()),
        counted: Some("da_tiep_nhan".into()),
        ..Default::default()
    };
    let pull = plan_aggregates(&fx.db, &ioc, q).await.unwrap();
    let rows = pull.rows(0).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    // Accepted only: A's sent quarterly 65 is left out, its accepted months add to 60; B's accepted 5 + 15 are not a whole quarter.
    let f = figures(&fx.db, &LEADER, None, Q1, Counted::AcceptedOnly).await.unwrap();
    assert_eq!(rows[0].value, f.cell(fx.u["G1"], fx.i["DT"], "").unwrap().value.map(|v| v.to_string()));

    // Wrong queries are named by field.
    for (q, field) in [
        (AggregateQuery::default(), "period"),
        (AggregateQuery { period: Some("2025-13".into()), ..Default::default() }, "period"),
        (AggregateQuery { year: Some(2025), frequency: Some("tuan".into()), ..Default::default() }, "frequency"),
        (AggregateQuery { year: Some(2025), period: Some("2025".into()), ..Default::default() }, "period"),
        (AggregateQuery { period: Some("2025".into()), indicators: Some("DT,KHONG_CO".into()), ..Default::default() }, "indicators"),
        (AggregateQuery { period: Some("2025".into()), unit: Some("\u{7}X".into()), ..Default::default() }, "unit"),
        (AggregateQuery { period: Some("2025".into()), counted: Some("tat_ca".into()), ..Default::default() }, "counted"),
    ] {
        match plan_aggregates(&fx.db, &ioc, q).await {
            Err(service::ServiceError::Validation(f)) => assert_eq!(f.0[0].field, field, "{f:?}"),
            Err(e) => panic!("{field}: {e:?}"),
            Ok(_) => panic!("{field}: accepted"),
        }
    }
}

async fn the_administrator_picks_the_dashboards_key_indicators(b: Backend) {
    use service::aggregate::views::{DashQuery, dashboard, key_indicators, set_key_indicators};
    let fx = fixture(b).await;
    let admin = Actor { user_id: 1, role: Role::Admin, unit_id: 0 };
    let today = chrono::NaiveDate::from_ymd_opt(2025, 4, 15).unwrap();
    let q = || DashQuery { period: Some("2025-03".into()), node: None, indicator: None, counted: None };
    // A leader sees the tiles but no picker; only the administrator picks.
    assert!(dashboard(&fx.db, &LEADER, q(), today).await.unwrap().key_codes.is_none());
    assert!(matches!(set_key_indicators(&fx.db, &LEADER, "DT").await, Err(service::ServiceError::Forbidden(_))));
    set_key_indicators(&fx.db, &admin, "xk; DT, DT\nLD").await.unwrap();
    assert_eq!(key_indicators(&fx.db).await.unwrap(), vec![fx.i["XK"], fx.i["DT"], fx.i["LD"]]);
    let d = dashboard(&fx.db, &admin, q(), today).await.unwrap();
    assert_eq!(d.tiles.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), vec!["XK", "DT", "LD"]);
    assert_eq!(d.key_codes.as_deref(), Some("XK, DT, LD"));
    // Unknown codes, indicators that do not aggregate and too many are refused; nothing changes.
    for bad in ["DT, KHONG_CO", "GHI", &(0..13).map(|n| format!("X{n}")).collect::<Vec<_>>().join(",")] {
        assert!(matches!(set_key_indicators(&fx.db, &admin, bad).await, Err(service::ServiceError::Validation(_))), "{bad}");
    }
    assert_eq!(key_indicators(&fx.db).await.unwrap(), vec![fx.i["XK"], fx.i["DT"], fx.i["LD"]]);
    // An empty list goes back to the default choice.
    set_key_indicators(&fx.db, &admin, "  ").await.unwrap();
    assert!(!key_indicators(&fx.db).await.unwrap().is_empty());
}

async fn regime_of(db: &service::Db, code: &str) -> (i32, i32) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let r = regime::Entity::find().filter(regime::Column::Code.eq(code)).one(db).await.unwrap().unwrap();
    let v = regime_version::Entity::find().filter(regime_version::Column::RegimeId.eq(r.id)).one(db).await.unwrap().unwrap();
    (r.id, v.id)
}

/// A's DT is about 20 a month; a draft saying 500 is named on the report,
/// with the history's length and median, and a figure within its usual
/// range (or with too short a history) is not.
async fn a_figure_far_from_the_units_history_is_named_on_its_report(b: Backend) {
    let fx = fixture(b).await;
    let (db, i, a) = (&fx.db, &fx.i, fx.u["A"]);
    let r1 = regime_of(db, "R1").await;
    for (k, dt) in [(5, 20), (6, 22), (7, 18), (8, 21), (9, 19), (10, 20)] {
        report(db, r1, a, m(k), 2, &[(i["DT"], "", dt)]).await;
    }
    let id = report(db, r1, a, m(11), 0, &[(i["DT"], "", 500), (i["MN"], "", 4), (i["DS"], "", 1030)]).await;
    let l = service::reports::load(db, id).await.unwrap();
    let stored = service::reports::store::load_values(db, id, &l.ids).await.unwrap();
    let found = service::reports::unusual::unusual(db, &l, &stored).await.unwrap();
    // DT's history: months 1–3 (10, 20, 30) and 5–10; April's draft never counts.
    assert_eq!(found.iter().map(|u| u.key.as_str()).collect::<Vec<_>>(), ["DT"], "{found:?}");
    assert!(found[0].message.contains("9 kỳ trước") && found[0].message.contains("trung vị 20"), "{}", found[0].message);
    assert_eq!(found[0].value, "500");
    // MN (5, 3, 4) is too short a history; DS 1030 follows 1000, 1010, 1020.
}

/// XK for C: 100 every month of 2025, then 110 in each of 2026's first
/// three months: growth 1,1, so the remaining nine months are 110 each and
/// the year 1.320 (XK adds up).
async fn the_dashboard_projects_the_year_from_last_years_seasons(b: Backend) {
    use service::aggregate::views::{DashQuery, dashboard};
    let fx = fixture(b).await;
    let r3 = regime_of(&fx.db, "R3").await;
    for k in 1..=3 {
        report(&fx.db, r3, fx.u["C"], Period::Month { year: 2026, month: k }, 2, &[(fx.i["XK"], "", 110)]).await;
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
    let q = |period: &str, indicator: &str| DashQuery {
        period: Some(period.into()),
        node: Some(fx.u["C"]),
        indicator: Some(fx.i[indicator]),
        counted: None,
    };
    let d = dashboard(&fx.db, &LEADER, q("2026-03", "XK"), today).await.unwrap();
    let p = d.projection.expect("a projection");
    assert_eq!((p.title.as_str(), p.value.as_str(), p.low.as_str(), p.high.as_str()), ("Dự báo cả năm 2026", "1.320", "1.320", "1.320"));
    assert_eq!(p.periods.len(), 12);
    assert_eq!(p.periods[2], "", "March is observed");
    assert_eq!(p.periods[3], "110 (110 – 110)");
    assert!(p.method.contains("1,1") && p.method.contains("3 kỳ"), "{}", p.method);
    assert!(d.trend_svg.contains("Dự báo"), "drawn on the trend");
    // After December nothing is left to project; DT has no 2024 to learn the seasons from.
    let d = dashboard(&fx.db, &LEADER, q("2025-12", "XK"), today).await.unwrap();
    assert!(d.projection.is_none() && d.projection_note.contains("hết năm"), "{}", d.projection_note);
    let d = dashboard(&fx.db, &LEADER, DashQuery { node: None, ..q("2025-03", "DT") }, today).await.unwrap();
    assert!(d.projection.is_none() && d.projection_note.contains("ít nhất 2 kỳ"), "{}", d.projection_note);
}

/// LD (by sex) for the first quarter: A 30 = nam 18 + nu 12 (accepted
/// months); B, through a quarterly regime, 20 with nam 15 and no nu. So G1
/// is 50 = nam 33 + nu 12 + 5 not broken down, B's nu is missing (never 0)
/// and G2 has nothing.
async fn the_dashboard_stacks_breakdown_parts_with_their_totals(b: Backend) {
    use domain::dashboard::SegmentKind;
    use service::aggregate::views::{DashQuery, dashboard};
    let fx = fixture(b).await;
    let rq = regime(&fx.db, "R4", Frequency::Quarterly, &[fx.u["B"]], &[fx.i["LD"]]).await;
    report(&fx.db, rq, fx.u["B"], Q1, 1, &[(fx.i["LD"], "", 20), (fx.i["LD"], "nam", 15)]).await;
    let today = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let q = |node: &str, ind: &str| DashQuery { period: Some("2025-Q1".into()), node: Some(fx.u[node]), indicator: Some(fx.i[ind]), counted: None };
    let dash = dashboard(&fx.db, &LEADER, q("P", "LD"), today).await.unwrap();
    let bd = dash.breakdown.expect("LD has parts");
    assert_eq!(bd.parts, vec!["Nam", "Nữ"]);
    let rows: Vec<(&str, Vec<&str>, &str, &str)> = bd
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.parts.iter().map(|c| c.text.as_str()).collect(), r.total.text.as_str(), r.note.as_str()))
        .collect();
    assert_eq!(rows, vec![("Đơn vị G1", vec!["33", "12"], "50", "Chưa phân tổ: 5"), ("Đơn vị G2", vec!["—", "—"], "—", "—")]);
    assert_eq!(bd.rows[0].shares, vec!["66 %", "24 %"]);
    assert_eq!(bd.rows[1].shares, vec!["", ""]);
    // The same figures as the roll-up's own parts.
    let f = figures(&fx.db, &LEADER, None, Q1, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(f.cell(fx.u["G1"], fx.i["LD"], "nam").unwrap().value, Some(d("33")));
    // The bars: G1's segments add up to its total; the chart names the rest and the missing row.
    let st = domain::dashboard::stack(&bd.rows[0].raw_parts, bd.rows[0].raw_total);
    assert_eq!(st.segments.iter().map(|s| s.len).fold(Dec::ZERO, |a, b| a.checked_add(b).unwrap()), d("50"));
    assert!(bd.svg.contains("Đơn vị G1 – Chưa phân tổ: 5") && bd.svg.contains("chưa có số liệu"), "{}", bd.svg);
    // One level down: B's nu is missing, not zero.
    let dash = dashboard(&fx.db, &LEADER, q("G1", "LD"), today).await.unwrap();
    let bd = dash.breakdown.unwrap();
    let b_row = bd.rows.iter().find(|r| r.label == "Đơn vị B").unwrap();
    assert_eq!((b_row.parts[0].text.as_str(), b_row.parts[1].text.as_str(), b_row.total.text.as_str()), ("15", "—", "20"));
    let st = domain::dashboard::stack(&b_row.raw_parts, b_row.raw_total);
    assert_eq!(st.missing, vec![1]);
    assert!(!st.segments.iter().any(|s| s.kind == SegmentKind::Part(1)));
    assert!(bd.svg.contains("Đơn vị B · thiếu Nữ") && bd.svg.contains(">20</text>"), "{}", bd.svg);
    // A commune without children: its parts by quarter of the year.
    let dash = dashboard(&fx.db, &LEADER, q("A", "LD"), today).await.unwrap();
    let bd = dash.breakdown.unwrap();
    assert!(bd.by.starts_with("theo từng kỳ"));
    assert_eq!(bd.rows.len(), 4);
    assert_eq!((bd.rows[0].label.as_str(), bd.rows[0].total.text.as_str(), bd.rows[0].parts[0].text.as_str()), ("Quý I/2025", "30", "18"));
    assert_eq!(bd.rows[1].total.text, "—");
    // An indicator without parts: no chart, and the ones that have parts are offered.
    let dash = dashboard(&fx.db, &LEADER, q("P", "DT"), today).await.unwrap();
    assert!(dash.breakdown.is_none());
    assert_eq!(dash.breakdown_indicators.iter().map(|c| c.value.clone()).collect::<Vec<_>>(), vec![fx.i["LD"].to_string()]);
}

/// DT for the first quarter: A 65 (its quarterly figure), a new commune D
/// under G2 also 65 (a tie), B incomplete ("chưa báo cáo", last, no rank).
async fn the_dashboard_ranks_communes_ties_together_missing_last(b: Backend) {
    use service::aggregate::views::{DashQuery, dashboard};
    let fx = fixture(b).await;
    let dx = unit(&fx.db, "D", "phuong", Some(fx.u["G2"])).await;
    report(&fx.db, regime_of(&fx.db, "R2").await, dx, Q1, 2, &[(fx.i["DT"], "", 65)]).await;
    let today = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let q =
        |node: i32, ind: &str, period: &str| DashQuery { period: Some(period.into()), node: Some(node), indicator: Some(fx.i[ind]), counted: None };
    let d = dashboard(&fx.db, &LEADER, q(fx.u["P"], "DT", "2025-Q1"), today).await.unwrap();
    let got: Vec<(&str, &str, &str)> = d.ranking.iter().map(|r| (r.rank.as_str(), r.name.as_str(), r.value.as_str())).collect();
    // C is a department, not a commune: not ranked.
    assert_eq!(got, vec![("1", "Đơn vị A", "65"), ("1", "Đơn vị D", "65"), ("", "Đơn vị B", "chưa báo cáo")]);
    assert_eq!(d.ranking.iter().map(|r| r.bar).collect::<Vec<_>>(), vec![1000, 1000, 0]);
    assert_eq!(d.ranking_title, "Xếp hạng 3 xã, phường toàn tỉnh – Quý I/2025: 2/3 đã báo cáo");
    assert_eq!(d.ranking_current, "", "the province is not a commune");
    // GIA (average) for the quarter: B 4 before A 2,5 (two decimals).
    let d = dashboard(&fx.db, &LEADER, q(fx.u["P"], "GIA", "2025-Q1"), today).await.unwrap();
    let got: Vec<(&str, &str)> = d.ranking.iter().map(|r| (r.rank.as_str(), r.value.as_str())).collect();
    assert_eq!(got, vec![("1", "4"), ("2", "2,5"), ("", "chưa báo cáo")]);
    assert_eq!(d.ranking[1].bar, 625);
    // From a commune: its siblings under the same group, itself marked.
    let d = dashboard(&fx.db, &LEADER, q(fx.u["A"], "DT", "2025-02"), today).await.unwrap();
    let got: Vec<(&str, &str, &str, bool)> = d.ranking.iter().map(|r| (r.rank.as_str(), r.name.as_str(), r.value.as_str(), r.current)).collect();
    assert_eq!(got, vec![("1", "Đơn vị A", "20", true), ("2", "Đơn vị B", "15", false)]);
    assert_eq!(d.ranking_title, "Xếp hạng 2 xã, phường – Tháng 2/2025: 2/2 đã báo cáo", "G1 is a group: no 'thuộc'");
    assert_eq!(d.ranking_current, "Đơn vị A: hạng 1/2, 20");
    let d = dashboard(&fx.db, &LEADER, q(fx.u["B"], "DT", "2025-Q1"), today).await.unwrap();
    assert_eq!(d.ranking_current, "Đơn vị B: chưa báo cáo");
    // A clerk of A sees only A.
    let clerk_a = Actor { user_id: 9, role: Role::Clerk, unit_id: fx.u["A"] };
    let d = dashboard(&fx.db, &clerk_a, q(fx.u["A"], "DT", "2025-Q1"), today).await.unwrap();
    assert_eq!(d.ranking.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["Đơn vị A"]);
    // A department's subtree has no commune: no ranking.
    let d = dashboard(&fx.db, &LEADER, q(fx.u["C"], "DT", "2025-Q1"), today).await.unwrap();
    assert!(d.ranking.is_empty());
}

/// Report figures: R1 asks A, B, C for 9 numeric indicators (27 figures),
/// R3 asks C for XK (1); R2's (DT, A) is already counted: 28 in Q1.
/// Provided in Q1 (sent or accepted): DT 1 (A), GIA 3, MN 2, MX 2, DS 2,
/// BS 2, GHI 0 (A stated January only), LD 1 (A), TL 2 (A, B gave both
/// parts), XK 1 = 16 of 28. Accepted only: B's March was only sent, so B
/// drops out everywhere: 10 of 28. January: DT 2, GIA 3, MN 2, MX 2, DS 2,
/// BS 2, GHI 1, LD 1, TL 2, XK 1 = 18 of 28. The year: only XK = 1 of 28.
/// Regimes: R1–R3 on the system; R4 never published, R5 in force from
/// 2026, R6 with no unit, R7 with no indicator; R8 stopped (not counted):
/// 3 of 7.
async fn the_figures_and_regimes_shares_figure_by_figure(b: Backend) {
    use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter};
    let fx = fixture(b).await;
    let share = |s: domain::digital::Share| (s.provided, s.total, s.percent());
    let f = digital::figure(&fx.db, &LEADER, Q1, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(share(f.figures), (16, 28, Some(d("57.1"))));
    assert_eq!(share(f.regime_share), (3, 3, Some(d("100"))));
    let f = digital::figure(&fx.db, &LEADER, Q1, Counted::AcceptedOnly).await.unwrap();
    assert_eq!(share(f.figures), (10, 28, Some(d("35.7"))));
    let f = digital::figure(&fx.db, &LEADER, m(1), Counted::SentOrAccepted).await.unwrap();
    assert_eq!(share(f.figures), (18, 28, Some(d("64.3"))));
    let f = digital::figure(&fx.db, &LEADER, Period::Year { year: 2025 }, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(share(f.figures), (1, 28, Some(d("3.6"))));

    // Regimes not (yet) on the system.
    let now = chrono::Utc::now();
    regime::ActiveModel {
        code: Set("R4".into()),
        name: Set("Chế độ R4".into()),
        draft: Set("{}".into()),
        current_version: Set(0),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        remind_days: Set(0),
        ..Default::default()
    }
    .insert(&fx.db)
    .await
    .unwrap();
    let (_, v5) = regime(&fx.db, "R5", Frequency::Monthly, &[fx.u["A"]], &[fx.i["DT"]]).await;
    let mut v = regime_version::Entity::find_by_id(v5).one(&fx.db).await.unwrap().unwrap().into_active_model();
    v.effective_from = Set(Some(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
    v.update(&fx.db).await.unwrap();
    regime(&fx.db, "R6", Frequency::Monthly, &[], &[fx.i["DT"]]).await;
    regime(&fx.db, "R7", Frequency::Monthly, &[fx.u["A"]], &[]).await;
    let (r8, _) = regime(&fx.db, "R8", Frequency::Monthly, &[fx.u["A"]], &[fx.i["DT"]]).await;
    let mut r = regime::Entity::find_by_id(r8).one(&fx.db).await.unwrap().unwrap().into_active_model();
    r.active = Set(false);
    r.update(&fx.db).await.unwrap();
    let f = digital::figure(&fx.db, &LEADER, Q1, Counted::SentOrAccepted).await.unwrap();
    assert_eq!(share(f.regime_share), (3, 7, Some(d("42.9"))));
    assert!(!f.regime_share.meets(d("100")));
    let why: Vec<(&str, Option<&str>)> = f.regimes.iter().map(|r| (r.code.as_str(), r.missing_reason())).collect();
    assert_eq!(
        why,
        vec![
            ("R1", None),
            ("R2", None),
            ("R3", None),
            ("R4", Some("Chưa ban hành biểu mẫu trên hệ thống")),
            ("R5", Some("Phiên bản đã ban hành chưa có hiệu lực trong kỳ")),
            ("R6", Some("Chưa giao đơn vị báo cáo")),
            ("R7", Some("Biểu mẫu chưa có chỉ tiêu")),
        ]
    );
    // R5 asks A for DT, already asked by R1: the figures are unchanged.
    assert_eq!(share(f.figures), (16, 28, Some(d("57.1"))));
    // In 2026 R5 is in force.
    let f = digital::figure(&fx.db, &LEADER, Period::Month { year: 2026, month: 1 }, Counted::SentOrAccepted).await.unwrap();
    assert!(f.regimes.iter().any(|r| r.code == "R5" && r.missing_reason().is_none()));

    // The page: each share with its definition, the regimes not on the system listed.
    let today = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let p = service::aggregate::views::digital_page(&fx.db, &LEADER, Some("2025-Q1"), None, today).await.unwrap();
    assert_eq!((p.figures.percent.as_str(), p.figures.provided, p.figures.total), ("57,1 %", 16, 28));
    assert_eq!((p.regimes.percent.as_str(), p.regimes_meets), ("42,9 %", false));
    assert_eq!(p.figures_meets, Some(true), "57,1 % reaches the scheme's 50 %");
    assert!(p.figures_definition.contains("cặp (chỉ tiêu dạng số, đơn vị)") && p.regimes_definition.contains("100 %"));
    assert_eq!(p.regimes_missing.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), vec!["R4", "R5", "R6", "R7"]);
    // The year's quarters and the year on the trend: Q1 16/28, the year 1/28.
    assert_eq!(p.trend_figures.len(), 5);
    assert_eq!((p.trend_figures[0].provided, p.trend_figures[4].provided), (16, 1));
    let _ = regime::Entity::find().filter(regime::Column::Code.eq("R8")).one(&fx.db).await.unwrap().expect("R8 is kept, only stopped");
}
