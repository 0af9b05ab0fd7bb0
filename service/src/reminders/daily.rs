//! The daily reminder run. Each server ticks every minute; once the hour
//! (Vietnamese time) has come, one of them takes the day's lease in
//! `daily_run` (an insert that only one can win, or the takeover of a lease
//! that expired without finishing), runs, and marks the day finished. What
//! the run produces is idempotent besides: notifications are unique per
//! person and key, and each e-mail is claimed in `email_log` (unique per
//! day, person and kind) before it is sent. So a second server, a restart
//! or a second run the same day adds nothing and sends nothing again.

use super::mail::Mailer;
use super::notices::add_for;
use crate::Result;
use crate::board::expected::{Column, Expectations};
use crate::board::matrix::fetch;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::Role;
use domain::board::{CellStatus, cell};
use domain::datefmt::vn_today;
use domain::period::Period;
use domain::reminders::{DigestLine, LateUnit, deadline_key, deadline_notice, deadline_text, office_summary, unit_digest};
use entity::{app_user, daily_run, email_log};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::{BTreeMap, HashMap};

/// How long a server holds the day's run before another may take it over.
pub const LEASE: i64 = 15;

#[derive(Clone, Debug)]
pub struct DailySettings {
    /// The hour (0–23, Asia/Ho_Chi_Minh) from which the day's run may start.
    pub hour: u32,
    /// The site's address, for links in e-mails.
    pub site_url: String,
    /// Names this server in the lease (host and process).
    pub owner: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub notices: u64,
    pub emails_sent: u64,
    pub emails_failed: u64,
}

impl RunSummary {
    fn text(&self) -> String {
        format!("{} thông báo, {} thư đã gửi, {} thư lỗi", self.notices, self.emails_sent, self.emails_failed)
    }
}

/// Vietnamese local hour of an instant.
fn vn_hour(now: DateTime<Utc>) -> u32 {
    chrono::Timelike::hour(&domain::datefmt::to_vn_local(now))
}

/// Takes today's lease if nobody holds it (or the holder's expired before finishing).
async fn acquire<C: ConnectionTrait>(db: &C, day: NaiveDate, owner: &str, now: DateTime<Utc>) -> Result<bool> {
    let lease_until = now + Duration::minutes(LEASE);
    let inserted = daily_run::Entity::insert(daily_run::ActiveModel {
        day: Set(day),
        owner: Set(owner.into()),
        lease_until: Set(lease_until),
        started_at: Set(now),
        finished_at: Set(None),
        summary: Set(String::new()),
    })
    .on_conflict(OnConflict::column(daily_run::Column::Day).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    if inserted == 1 {
        return Ok(true);
    }
    let taken = daily_run::Entity::update_many()
        .col_expr(daily_run::Column::Owner, Expr::value(owner))
        .col_expr(daily_run::Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(daily_run::Column::StartedAt, Expr::value(now))
        .filter(daily_run::Column::Day.eq(day))
        .filter(daily_run::Column::FinishedAt.is_null())
        .filter(daily_run::Column::LeaseUntil.lt(now))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Runs today's reminders if the hour has come and the day is not done
/// (nor being done by another server). `None`: nothing to do now.
pub async fn run_if_due(db: &crate::Db, mailer: Option<&Mailer>, settings: &DailySettings, now: DateTime<Utc>) -> Result<Option<RunSummary>> {
    if vn_hour(now) < settings.hour {
        return Ok(None);
    }
    let day = vn_today(now);
    if !acquire(db, day, &settings.owner, now).await? {
        return Ok(None);
    }
    let summary = run_day(db, mailer, &settings.site_url, now).await?;
    daily_run::Entity::update_many()
        .col_expr(daily_run::Column::FinishedAt, Expr::value(Some(Utc::now().max(now))))
        .col_expr(daily_run::Column::Summary, Expr::value(summary.text()))
        .filter(daily_run::Column::Day.eq(day))
        .filter(daily_run::Column::Owner.eq(settings.owner.as_str()))
        .exec(db)
        .await?;
    tracing::info!(notices = summary.notices, sent = summary.emails_sent, failed = summary.emails_failed, "daily reminders done");
    Ok(Some(summary))
}

/// Every (regime, period) whose entry window accepts reports on `today`
/// (open or overdue, for the version in force), as board columns.
fn current_columns(ex: &Expectations, today: NaiveDate) -> Vec<Column<'_>> {
    let mut out = Vec::new();
    for r in &ex.regimes {
        let mut seen = std::collections::HashSet::new();
        for v in &r.versions {
            for y in today.year() - 1..=today.year() + 1 {
                for p in Period::all_in_year(v.schedule.frequency, y) {
                    if !seen.insert(p.key()) {
                        continue;
                    }
                    let Some(c) = ex.column_for(r.id, &p) else { continue };
                    if c.version.schedule.entry_window(&p, &ex.holidays).state(today, None).accepts_entry() {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// The day's work (idempotent): deadline notices to each unit's clerks and
/// leaders, their digest e-mails, and the office's summary of who is late.
pub async fn run_day(db: &crate::Db, mailer: Option<&Mailer>, site_url: &str, now: DateTime<Utc>) -> Result<RunSummary> {
    let today = vn_today(now);
    let ex = Expectations::load(db).await?;
    let columns = current_columns(&ex, today);
    let mut wanted: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for c in &columns {
        wanted.entry(c.regime.id).or_default().push(c.period.key());
    }
    let found = fetch(db, &wanted, None).await?;
    let people: Vec<app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Active.eq(true))
        .filter(app_user::Column::Role.is_in([Role::Clerk.code(), Role::UnitLeader.code(), Role::Reviewer.code()]))
        .all(db)
        .await?;
    let mut by_unit: HashMap<i32, Vec<app_user::Model>> = HashMap::new();
    for p in people.iter().filter(|p| p.role != Role::Reviewer.code()) {
        by_unit.entry(p.unit_id).or_default().push(p.clone());
    }
    let units: HashMap<i32, String> = crate::org::list_units(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut summary = RunSummary::default();
    let mut digests: BTreeMap<i32, Vec<DigestLine>> = BTreeMap::new();
    for c in &columns {
        for unit_id in &c.version.units {
            let f = found.get(&(c.regime.id, *unit_id, c.period.key()));
            let status = f.map(|f| f.facts.status);
            let Some(kind) = deadline_notice(c.deadline, today, c.regime.remind_days.max(0) as u32, status) else { continue };
            let text = deadline_text(kind, &c.regime.name, &c.period.label(), c.deadline, today);
            let link = f.map(|f| format!("/bao-cao/{}", f.id)).unwrap_or_else(|| "/".into());
            let who = by_unit.get(unit_id).map(Vec::as_slice).unwrap_or(&[]);
            summary.notices +=
                add_for(db, who, kind, *unit_id, f.map(|f| f.id), &text, &link, &deadline_key(kind, c.regime.id, *unit_id, &c.period.key()), now)
                    .await?;
            let words = cell(f.map(|f| f.facts), c.deadline, today);
            digests.entry(*unit_id).or_default().push(DigestLine {
                regime_name: c.regime.name.clone(),
                period_label: c.period.label(),
                deadline: c.deadline,
                days_to_deadline: (c.deadline - today).num_days(),
                status_label: if words.status == CellStatus::OverdueMissing {
                    status.map(|s| s.label()).unwrap_or("Chưa lập").to_string()
                } else {
                    words.status.label().to_string()
                },
            });
        }
    }
    let Some(mailer) = mailer else { return Ok(summary) };
    for (unit_id, lines) in &digests {
        let unit_name = units.get(unit_id).cloned().unwrap_or_default();
        let Some((subject, body)) = unit_digest(&unit_name, today, lines, site_url) else { continue };
        for p in by_unit.get(unit_id).into_iter().flatten() {
            send_once(db, mailer, p, today, "don_vi", &subject, &body, now, &mut summary).await?;
        }
    }
    let mut late: Vec<LateUnit> = Vec::new();
    for (unit_id, lines) in &digests {
        let overdue: Vec<String> = lines
            .iter()
            .filter(|l| l.days_to_deadline < 0)
            .map(|l| format!("{} — {} (quá {} ngày)", l.regime_name, l.period_label, -l.days_to_deadline))
            .collect();
        if overdue.is_empty() {
            continue;
        }
        let contacts = by_unit
            .get(unit_id)
            .into_iter()
            .flatten()
            .filter(|p| !p.phone.is_empty() || !p.email.is_empty())
            .map(|p| [p.full_name.as_str(), p.phone.as_str(), p.email.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("; ");
        late.push(LateUnit { unit_name: units.get(unit_id).cloned().unwrap_or_default(), reports: overdue, contacts });
    }
    if let Some((subject, body)) = office_summary(today, &late, site_url) {
        for p in people.iter().filter(|p| p.role == Role::Reviewer.code()) {
            send_once(db, mailer, p, today, "van_phong", &subject, &body, now, &mut summary).await?;
        }
    }
    Ok(summary)
}

/// Claims the (day, person, kind) row, then sends; a row already there
/// (another server, an earlier run) means the e-mail is not sent again.
#[allow(clippy::too_many_arguments)]
async fn send_once(
    db: &crate::Db,
    mailer: &Mailer,
    p: &app_user::Model,
    day: NaiveDate,
    kind: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
    summary: &mut RunSummary,
) -> Result<()> {
    if p.email.trim().is_empty() {
        return Ok(());
    }
    let claimed = email_log::Entity::insert(email_log::ActiveModel {
        day: Set(day),
        user_id: Set(p.id),
        kind: Set(kind.into()),
        address: Set(p.email.clone()),
        subject: Set(subject.into()),
        status: Set("dang_gui".into()),
        error: Set(String::new()),
        at: Set(now),
        ..Default::default()
    })
    .on_conflict(OnConflict::columns([email_log::Column::Day, email_log::Column::UserId, email_log::Column::Kind]).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    if claimed == 0 {
        return Ok(());
    }
    let (status, error) = match mailer.send(&p.email, &p.full_name, subject, body).await {
        Ok(()) => {
            summary.emails_sent += 1;
            ("da_gui", String::new())
        }
        Err(e) => {
            tracing::warn!(user = p.id, error = %e, "reminder e-mail not sent");
            summary.emails_failed += 1;
            ("loi", e)
        }
    };
    email_log::Entity::update_many()
        .col_expr(email_log::Column::Status, Expr::value(status))
        .col_expr(email_log::Column::Error, Expr::value(error))
        .filter(email_log::Column::Day.eq(day))
        .filter(email_log::Column::UserId.eq(p.id))
        .filter(email_log::Column::Kind.eq(kind))
        .exec(db)
        .await?;
    Ok(())
}
