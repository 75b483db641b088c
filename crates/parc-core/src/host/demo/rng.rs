//! The demo's random numbers: SplitMix64, tiny, fast and stable across versions, which a demo
//! data set must be (a general-purpose RNG crate may change its streams between releases).

pub(super) struct Rng(pub(super) u64);

impl Rng {
    /// Record `i`'s own stream for one part of the demo: each part (history, fleets, deals,
    /// offers) mixes the seed with its own constants, so adding a part never shifts another's data.
    pub(super) fn stream(seed: u64, i: usize, [a, b, salt]: [u64; 3]) -> Rng {
        let mut rng = Rng(seed.wrapping_mul(a) ^ (i as u64).wrapping_mul(b) ^ salt);
        rng.next();
        rng
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(super) fn range(&mut self, from: u64, to: u64) -> u64 {
        from + self.below(to - from + 1)
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// One of `items` by weight.
    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut draw = self.below(total);
        for (item, w) in items {
            if draw < *w {
                return *item;
            }
            draw -= w;
        }
        items[0].0
    }

    pub(super) fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}
