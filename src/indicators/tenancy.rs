//! 租赁关系: who rents land to whom. A lease is a 租出 row naming its tenant (承租方) or a 租入 row naming
//! its landlord (出租方) in the land file's `counterparty` column; without that column, a 租出 row leases
//! its parcel to every other enterprise with a 租入 row on the same parcel, for that row's area.

use crate::dataset::{Dataset, LandRow, Tenure};
use std::collections::{HashMap, HashSet};

/// One lease: the tenant and the area in 亩 it rents from the landlord.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lease {
    pub tenant: usize,
    pub area_mu: f64,
}

/// Every landlord's leases, in land-file order.
#[derive(Debug, Default)]
pub struct Tenancy {
    /// The leases of landlord `l` are `leases[start[l]..start[l + 1]]`.
    start: Vec<usize>,
    leases: Vec<Lease>,
}

impl Tenancy {
    /// The leases of land from `landlord` (its 租出).
    pub fn of(&self, landlord: usize) -> &[Lease] {
        match (self.start.get(landlord), self.start.get(landlord + 1)) {
            (Some(&a), Some(&b)) => &self.leases[a..b],
            _ => &[],
        }
    }

    /// The distinct tenants of `landlord`, in lease order.
    pub fn tenants(&self, landlord: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for l in self.of(landlord) {
            if !out.contains(&l.tenant) {
                out.push(l.tenant);
            }
        }
        out
    }

    /// The leases of every enterprise of `data`.
    pub fn of_data(data: &Dataset) -> Tenancy {
        let n = data.enterprises.len();
        let mut pairs: Vec<(usize, Lease)> = Vec::new();
        // (landlord, tenant, parcel) leases already named by a 租出 row, so that the tenant's 租入 row naming
        // the same landlord does not count the lease twice.
        let mut named: HashSet<(usize, usize, &str)> = HashSet::new();
        let mut renters: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, r) in data.land.iter().enumerate().filter(|(_, r)| r.tenure == Tenure::RentedIn) {
            renters.entry(r.parcel_id.as_str()).or_default().push(k);
        }
        // The 租入 rows already leased from a landlord by parcel: (landlord, row index).
        let mut matched: HashSet<(usize, usize)> = HashSet::new();
        for r in data.land.iter().filter(|r| r.tenure == Tenure::RentedOut) {
            let l = r.enterprise();
            if let Some(t) = r.counterparty() {
                named.insert((l, t, r.parcel_id.as_str()));
                pairs.push((l, Lease { tenant: t, area_mu: r.area_mu }));
                continue;
            }
            for &k in renters.get(r.parcel_id.as_str()).into_iter().flatten() {
                let t: &LandRow = &data.land[k];
                let other_landlord = t.counterparty().is_some_and(|c| c != l);
                if t.enterprise() != l && !other_landlord && matched.insert((l, k)) {
                    named.insert((l, t.enterprise(), r.parcel_id.as_str()));
                    pairs.push((l, Lease { tenant: t.enterprise(), area_mu: t.area_mu }));
                }
            }
        }
        for r in data.land.iter().filter(|r| r.tenure == Tenure::RentedIn) {
            let Some(l) = r.counterparty() else { continue };
            if !named.contains(&(l, r.enterprise(), r.parcel_id.as_str())) {
                pairs.push((l, Lease { tenant: r.enterprise(), area_mu: r.area_mu }));
            }
        }
        // Grouped by landlord, file order kept within each (a stable sort).
        pairs.sort_by_key(|(l, _)| *l);
        let mut start = vec![0; n + 1];
        for (l, _) in &pairs {
            start[l + 1] += 1;
        }
        for k in 0..n {
            start[k + 1] += start[k];
        }
        Tenancy { start, leases: pairs.into_iter().map(|(_, lease)| lease).collect() }
    }
}
