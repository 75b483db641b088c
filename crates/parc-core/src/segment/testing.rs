//! Segment fixtures for tests: a campaign of calls on a segment.

use crate::segment::campaign::CampaignData;

/// A phone campaign on `segment_id` over November and December 2026.
pub fn calls(segment_id: i64) -> CampaignData {
    CampaignData {
        name: "Volvo owners, spring".into(),
        segment_id: Some(segment_id),
        channel: "phone".into(),
        starts_on: "2026-11-01".into(),
        ends_on: "2026-12-31".into(),
        budget: 120_000,
        currency: "EUR".into(),
        products: "TGX 18.470".into(),
        lead_source: "central_marketing".into(),
        ..Default::default()
    }
}
