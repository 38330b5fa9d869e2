//! A deal's stage and how it moves: forward one step or several (OFFER → CONTRACT is a deal that
//! skipped the reservation), to CLOSED_LOST from any open stage, and back between open stages to
//! correct a mistake. A closed deal (CLOSED_WON, CLOSED_LOST) is reopened or re-closed the other
//! way only by an ADMIN or a MANAGER: for an agent it is final (403 `policy.denied`). A deal
//! won makes its lead WON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, json};
use store::Db;
use utoipa::ToSchema;

use domain::Role;

use super::DEALS;
use super::view::DealView;
use crate::actor::Actor;
use crate::leads::{ChangeStatus, LeadStatus};
use crate::records::{RecordError, view};

/// Where a deal is in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DealStage {
    Offer,
    Reservation,
    Contract,
    ClosedWon,
    ClosedLost,
}

impl DealStage {
    pub fn as_str(self) -> &'static str {
        match self {
            DealStage::Offer => "OFFER",
            DealStage::Reservation => "RESERVATION",
            DealStage::Contract => "CONTRACT",
            DealStage::ClosedWon => "CLOSED_WON",
            DealStage::ClosedLost => "CLOSED_LOST",
        }
    }

    /// CLOSED_WON or CLOSED_LOST.
    pub fn is_closed(self) -> bool {
        matches!(self, DealStage::ClosedWon | DealStage::ClosedLost)
    }

    /// Whether `role` may move a deal from `self` to `to`. Open stages move freely (forward, or
    /// back to correct a mistake); leaving a closed stage is for admins and managers.
    pub fn may_move(self, to: DealStage, role: Role) -> bool {
        self == to || !self.is_closed() || matches!(role, Role::Admin | Role::Manager)
    }
}

/// `POST /deals/{id}/stage`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MoveStage {
    pub stage: DealStage,
}

/// Moves the deal to another stage (the audit hook records the change). The same stage again
/// answers the deal unchanged.
///
/// A deal that becomes CLOSED_WON also marks its lead WON, under the same caller's rules: a lead
/// the caller may not change (another team's, for a manager) keeps its status, and the move
/// still stands.
pub async fn move_stage(db: &Db, actor: &Actor, id: &str, body: MoveStage) -> Result<DealView, RecordError> {
    let current = DEALS.row(db, actor, id).await?;
    let deal: DealView = view(current.clone())?;
    if !deal.stage.may_move(body.stage, actor.role) {
        return Err(RecordError::Forbidden);
    }
    let mut data = Map::new();
    if deal.stage != body.stage {
        data.insert("stage".into(), json!(body.stage.as_str()));
    }
    let moved: DealView = DEALS.update(db, actor, id, current, data, None).await?;
    if body.stage == DealStage::ClosedWon && deal.stage != DealStage::ClosedWon {
        lead_won(db, actor, &moved.lead_id).await;
    }
    Ok(moved)
}

/// Marks the lead WON unless it already is.
async fn lead_won(db: &Db, actor: &Actor, lead_id: &str) {
    let won = ChangeStatus { status: LeadStatus::Won, lost_reason: None };
    match crate::leads::get(db, actor, lead_id).await {
        Ok(lead) if lead.status == LeadStatus::Won => {}
        Ok(_) => {
            if let Err(e) = crate::leads::change_status(db, actor, lead_id, won).await {
                tracing::warn!(error = %e, "a won deal's lead keeps its status");
            }
        }
        Err(e) => tracing::warn!(error = %e, "a won deal's lead cannot be read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_stages_move_freely_and_closed_ones_only_for_admins_and_managers() {
        use DealStage::*;
        for role in [Role::Agent, Role::Manager, Role::Admin] {
            assert!(Offer.may_move(Contract, role));
            assert!(Contract.may_move(Reservation, role), "a correction");
            assert!(Reservation.may_move(ClosedLost, role));
            assert!(Contract.may_move(ClosedWon, role));
            assert!(ClosedWon.may_move(ClosedWon, role), "no move at all");
        }
        assert!(!ClosedWon.may_move(Contract, Role::Agent));
        assert!(!ClosedLost.may_move(ClosedWon, Role::Agent));
        assert!(ClosedLost.may_move(Offer, Role::Manager));
        assert!(ClosedWon.may_move(ClosedLost, Role::Admin));
        assert_eq!(serde_json::to_string(&ClosedWon).unwrap(), "\"CLOSED_WON\"");
    }
}
