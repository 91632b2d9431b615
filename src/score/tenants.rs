//! Suichang's rule (`[land] merge_tenants`): a landlord and the tenants on the land it rents out form
//! one unit. The indicators stage adds the tenants' figures and the rented-out land back to the landlord
//! (`indicators::compute_with`); scoring gives each tenant the status `merged`; after ranking, each tenant
//! takes its landlord's class and total, here.

use super::Scored;
use crate::dataset::Dataset;
use crate::indicators::Facts;

/// Gives every merged tenant its landlord's class and total, and the reason naming the landlord.
pub fn share_with_landlords(data: &Dataset, facts: &[Facts], scored: &mut [Scored]) {
    for (i, f) in facts.iter().enumerate() {
        let Some(l) = f.merged_into() else { continue };
        let landlord = &data.enterprises[l];
        let (class, text, rounded) = (scored[l].class.clone(), scored[l].total_text.clone(), scored[l].rounded);
        let s = &mut scored[i];
        s.reasons =
            vec![format!("merged with its landlord {} {}: shares the landlord's result", landlord.id, landlord.name)];
        (s.class, s.total_text, s.rounded) = (class, text, rounded);
    }
}
