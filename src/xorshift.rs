//! A fixed pseudo-random stream for tests (xorshift64): the same numbers on every machine and in every
//! run, so that a failing case can be replayed.

pub struct XorShift(u64);

impl XorShift {
    /// A stream from a non-zero seed.
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    pub fn next(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        self.0 = s;
        s
    }
}
