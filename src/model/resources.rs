//! Fixed-size integer resource vectors: cpu in millicores, memory and storage in bytes, pod
//! count, and a few extended resources (such as `nvidia.com/gpu`) interned per scenario.

use std::ops::{Add, AddAssign, Sub, SubAssign};

/// Index of a resource in a [`Resources`] vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceIdx(pub u8);

/// Number of resource slots: 4 standard plus up to 4 extended resources.
pub const MAX_RESOURCES: usize = 8;
/// cpu, in millicores.
pub const CPU: ResourceIdx = ResourceIdx(0);
/// memory, in bytes.
pub const MEMORY: ResourceIdx = ResourceIdx(1);
/// ephemeral-storage, in bytes.
pub const EPHEMERAL_STORAGE: ResourceIdx = ResourceIdx(2);
/// pods, a count.
pub const PODS: ResourceIdx = ResourceIdx(3);
const STANDARD: [&str; 4] = ["cpu", "memory", "ephemeral-storage", "pods"];

/// An amount of every resource, in integer base units (see the constants above).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Resources(pub [i64; MAX_RESOURCES]);

impl Resources {
    /// All zero.
    pub const ZERO: Resources = Resources([0; MAX_RESOURCES]);

    /// The amount of `r`.
    #[inline]
    pub fn get(&self, r: ResourceIdx) -> i64 {
        self.0[r.0 as usize]
    }

    /// Sets the amount of `r`.
    #[inline]
    pub fn set(&mut self, r: ResourceIdx, v: i64) {
        self.0[r.0 as usize] = v;
    }

    /// Per-resource maximum.
    pub fn max(&self, other: &Resources) -> Resources {
        let mut out = *self;
        for (o, b) in out.0.iter_mut().zip(other.0.iter()) {
            *o = (*o).max(*b);
        }
        out
    }

    /// True if every amount of `self` is at most the corresponding amount of `other`.
    #[inline]
    pub fn fits_in(&self, other: &Resources) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a <= b)
    }

    /// True if every amount is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

impl Add for Resources {
    type Output = Resources;
    fn add(mut self, rhs: Resources) -> Resources {
        self += rhs;
        self
    }
}
impl AddAssign for Resources {
    fn add_assign(&mut self, rhs: Resources) {
        for (a, b) in self.0.iter_mut().zip(rhs.0.iter()) {
            *a += *b;
        }
    }
}
impl Sub for Resources {
    type Output = Resources;
    fn sub(mut self, rhs: Resources) -> Resources {
        self -= rhs;
        self
    }
}
impl SubAssign for Resources {
    fn sub_assign(&mut self, rhs: Resources) {
        for (a, b) in self.0.iter_mut().zip(rhs.0.iter()) {
            *a -= *b;
        }
    }
}

/// Interns resource names to slots; the four standard names are always present.
#[derive(Debug, Clone)]
pub struct ResourceNames {
    names: Vec<String>,
}

impl Default for ResourceNames {
    fn default() -> Self {
        ResourceNames {
            names: STANDARD.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl ResourceNames {
    /// The slot of `name`, adding it if new; `None` when all slots are taken.
    pub fn intern(&mut self, name: &str) -> Option<ResourceIdx> {
        if let Some(i) = self.lookup(name) {
            return Some(i);
        }
        if self.names.len() >= MAX_RESOURCES {
            return None;
        }
        self.names.push(name.to_string());
        Some(ResourceIdx((self.names.len() - 1) as u8))
    }

    /// The slot of `name` if known.
    pub fn lookup(&self, name: &str) -> Option<ResourceIdx> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| ResourceIdx(i as u8))
    }

    /// The name of slot `r`.
    pub fn name(&self, r: ResourceIdx) -> &str {
        &self.names[r.0 as usize]
    }

    /// All slots in use, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceIdx, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (ResourceIdx(i as u8), n.as_str()))
    }

    /// Number of slots in use.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Always false: the standard resources are always present.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A quantity in the base unit of resource `idx`.
pub fn amount(idx: ResourceIdx, q: &super::quantity::Quantity) -> i64 {
    if idx == CPU {
        q.milli_value()
    } else {
        q.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_bounded() {
        let mut n = ResourceNames::default();
        assert_eq!(n.intern("cpu"), Some(CPU));
        let gpu = n.intern("nvidia.com/gpu").unwrap();
        assert_eq!(gpu, ResourceIdx(4));
        assert_eq!(n.intern("nvidia.com/gpu"), Some(gpu));
        for i in 0..3 {
            assert!(n.intern(&format!("x/{i}")).is_some());
        }
        assert_eq!(n.intern("one-too-many"), None);
    }

    #[test]
    fn fits_in_compares_every_resource() {
        let mut a = Resources::ZERO;
        a.set(CPU, 500);
        let mut b = Resources::ZERO;
        b.set(CPU, 1000);
        assert!(a.fits_in(&b));
        a.set(MEMORY, 1);
        assert!(!a.fits_in(&b));
    }
}
