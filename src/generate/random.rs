//! The generator's random numbers: xoshiro256** seeded through SplitMix64, one stream per enterprise,
//! so any enterprise's data can be made without the others'.

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**, seeded through SplitMix64 from (seed, stream).
pub(super) struct Rng([u64; 4]);

impl Rng {
    pub(super) fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed;
        let mut sm = splitmix(&mut sm) ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng([splitmix(&mut sm), splitmix(&mut sm), splitmix(&mut sm), splitmix(&mut sm)])
    }
    pub(super) fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        (s[2], s[3]) = (s[2] ^ s[0], s[3] ^ s[1]);
        (s[1], s[0]) = (s[1] ^ s[2], s[0] ^ s[3]);
        (s[2], s[3]) = (s[2] ^ t, s[3].rotate_left(45));
        out
    }
    /// uniform in [0, 1)
    pub(super) fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    /// uniform integer in [0, n)
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    pub(super) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// standard normal by Box-Muller
    pub(super) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f(); // (0, 1]
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// multiplicative noise exp(sigma * N(0,1))
    pub(super) fn noise(&mut self, sigma: f64) -> f64 {
        (sigma * self.normal()).exp()
    }
    pub(super) fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u32 = weights.clone().sum();
        let mut x = self.below(total as u64) as u32;
        for (i, w) in weights.enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("weights sum to total")
    }
}
