//! The organisational tree: loaded from the reference lists shipped in the
//! binary (never read from disk at run time), and queried for pages.

use crate::{Result, ServiceError};
use domain::Actor;
use domain::org::{self, OrgKind};
use domain::views::UnitRow;
use entity::org_unit;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

const COMMUNES_CSV: &str = include_str!("../seed/sonla-communes.csv");
const DEPARTMENTS_CSV: &str = include_str!("../seed/sonla-departments.csv");

/// One unit of the reference tree, before it has a database id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUnit {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: OrgKind,
    pub parent_code: Option<String>,
}

fn unit(code: &str, name: &str, short: &str, kind: OrgKind, parent: Option<&str>) -> RefUnit {
    RefUnit { code: code.into(), name: name.into(), short_name: short.into(), kind, parent_code: parent.map(Into::into) }
}

/// The whole reference tree, parents before children.
pub fn reference_units() -> std::result::Result<Vec<RefUnit>, csv::Error> {
    let mut out = vec![
        unit(org::PROVINCE_CODE, "Tỉnh Sơn La", "Sơn La", OrgKind::Province, None),
        unit(org::GROUP_DEPARTMENTS, "Sở, ban, ngành", "Sở, ban, ngành", OrgKind::Group, Some(org::PROVINCE_CODE)),
        unit(org::GROUP_COMMUNES, "Xã, phường", "Xã, phường", OrgKind::Group, Some(org::PROVINCE_CODE)),
        unit(org::GROUP_BRANCHES, "Ngành dọc", "Ngành dọc", OrgKind::Group, Some(org::PROVINCE_CODE)),
    ];
    let mut deps = csv::Reader::from_reader(DEPARTMENTS_CSV.as_bytes());
    for rec in deps.records() {
        let rec = rec?;
        let (code, name, group) = (rec[0].trim(), rec[1].trim(), rec[2].trim());
        let (kind, parent) = if code == org::OFFICE_CODE {
            (OrgKind::Office, org::PROVINCE_CODE)
        } else if group == "nganh_doc" {
            (OrgKind::Branch, org::GROUP_BRANCHES)
        } else {
            (OrgKind::Department, org::GROUP_DEPARTMENTS)
        };
        out.push(unit(code, name, name, kind, Some(parent)));
    }
    let mut communes = csv::Reader::from_reader(COMMUNES_CSV.as_bytes());
    for rec in communes.records() {
        let rec = rec?;
        let kind = if rec[1].trim() == "phuong" { OrgKind::Ward } else { OrgKind::Commune };
        out.push(unit(rec[0].trim(), rec[3].trim(), rec[2].trim(), kind, Some(org::GROUP_COMMUNES)));
    }
    Ok(out)
}

/// Inserts or refreshes the reference units by code. Safe to run at every start.
pub async fn seed_reference_units(db: &crate::Db) -> Result<usize> {
    let units = reference_units().map_err(|e| ServiceError::Internal(format!("reference CSV: {e}")))?;
    let txn = db.begin().await?;
    let mut ids = std::collections::HashMap::<String, i32>::new();
    for (i, u) in units.iter().enumerate() {
        let parent_id = match &u.parent_code {
            Some(p) => Some(*ids.get(p).ok_or_else(|| ServiceError::Internal(format!("parent {p} before child")))?),
            None => None,
        };
        let existing = org_unit::Entity::find().filter(org_unit::Column::Code.eq(&u.code)).one(&txn).await?;
        let id = match existing {
            Some(row) => {
                let mut am: org_unit::ActiveModel = row.into();
                am.name = Set(u.name.clone());
                am.short_name = Set(u.short_name.clone());
                am.kind = Set(u.kind.code().to_string());
                am.parent_id = Set(parent_id);
                am.sort_order = Set(i as i32);
                am.update(&txn).await?.id
            }
            None => {
                org_unit::ActiveModel {
                    code: Set(u.code.clone()),
                    name: Set(u.name.clone()),
                    short_name: Set(u.short_name.clone()),
                    kind: Set(u.kind.code().to_string()),
                    parent_id: Set(parent_id),
                    sort_order: Set(i as i32),
                    active: Set(true),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        ids.insert(u.code.clone(), id);
    }
    txn.commit().await?;
    Ok(units.len())
}

pub(crate) fn to_row(m: org_unit::Model) -> crate::Result<UnitRow> {
    Ok(UnitRow {
        id: m.id,
        kind: crate::codes::decode(&m.kind, OrgKind::from_code, "org_unit.kind")?,
        code: m.code,
        name: m.name,
        short_name: m.short_name,
        parent_id: m.parent_id,
        active: m.active,
    })
}

/// Every unit, in reference order (the tree is small: about a hundred rows).
pub async fn list_units<C: ConnectionTrait>(db: &C) -> Result<Vec<UnitRow>> {
    org_unit::Entity::find().order_by_asc(org_unit::Column::SortOrder).all(db).await?.into_iter().map(to_row).collect::<Result<Vec<_>>>()
}

pub async fn find_unit<C: ConnectionTrait>(db: &C, id: i32) -> Result<UnitRow> {
    org_unit::Entity::find_by_id(id).one(db).await?.map(to_row).ok_or_else(|| ServiceError::NotFound("Không tìm thấy đơn vị.".into()))?
}

pub async fn find_unit_by_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<UnitRow> {
    org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(db)
        .await?
        .map(to_row)
        .ok_or_else(|| ServiceError::NotFound(format!("Không tìm thấy đơn vị có mã {code}.")))?
}

/// A unit's page: readable by the unit's own people and by province-wide roles.
pub async fn view_unit(db: &crate::Db, actor: &Actor, id: i32) -> Result<UnitRow> {
    let unit = find_unit(db, id).await?;
    if !actor.can_read_unit(unit.id) {
        return Err(ServiceError::Forbidden("Bạn chỉ được xem thông tin của đơn vị mình.".into()));
    }
    Ok(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_tree_is_complete_and_ordered() {
        let units = reference_units().unwrap();
        let communes = units.iter().filter(|u| matches!(u.kind, OrgKind::Commune | OrgKind::Ward)).count();
        assert_eq!(communes, 75);
        assert_eq!(units.iter().filter(|u| u.kind == OrgKind::Ward).count(), 8);
        let office = units.iter().find(|u| u.code == org::OFFICE_CODE).unwrap();
        assert_eq!(office.kind, OrgKind::Office);
        let vhttdl = units.iter().find(|u| u.code == "SVHTTDL").unwrap();
        assert_eq!(vhttdl.name, "Sở Văn hóa, Thể thao và Du lịch");
        let cat = units.iter().find(|u| u.code == "CAT").unwrap();
        assert_eq!(cat.kind, OrgKind::Branch);
        let to_hieu = units.iter().find(|u| u.code == "03646").unwrap();
        assert_eq!((to_hieu.name.as_str(), to_hieu.short_name.as_str()), ("Phường Tô Hiệu", "Tô Hiệu"));
        // Parents always come first, and codes are unique.
        let mut seen = std::collections::HashSet::new();
        for u in &units {
            if let Some(p) = &u.parent_code {
                assert!(seen.contains(p), "{} before its parent {p}", u.code);
            }
            assert!(seen.insert(u.code.clone()), "duplicate {}", u.code);
        }
    }
}
