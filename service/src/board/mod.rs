//! The provincial office's tools to run a reporting period:
//!
//! - [`expected`]: what was expected of whom (the version in force for each period);
//! - [`matrix`]: the completion board, its trend, a unit's own record;
//! - [`inbox`]: sent reports waiting for review, oldest first;
//! - [`actions`]: accepting many at once, exceptions for a unit and period,
//!   the office's actions as a unit's page lists them;
//! - [`overdue`]: the units to chase and their people's contacts;
//! - [`workbook`]: the board as the office files it (XLSX).

pub mod actions;
pub mod expected;
pub mod inbox;
pub mod matrix;
pub mod overdue;
pub mod workbook;

use crate::{Result, ServiceError};
use domain::Actor;

/// Province-wide views: the office, provincial leaders, administrators.
pub(crate) fn require_province(actor: &Actor) -> Result<()> {
    if actor.sees_whole_province() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("Tình hình báo cáo toàn tỉnh dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị.".into()))
    }
}

/// Acting on reports: the provincial office only.
pub(crate) fn require_reviewer(actor: &Actor) -> Result<()> {
    if actor.can_review() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("Chỉ chuyên viên Văn phòng UBND tỉnh được tiếp nhận, trả lại, mở lại báo cáo và gia hạn nhập số liệu.".into()))
    }
}
