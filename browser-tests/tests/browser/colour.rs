//! Colour arithmetic for the readability checks: WCAG 2 relative luminance
//! and contrast ratio, and compositing a translucent colour over another.

/// Red, green, blue in 0..=255 and alpha in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgba(pub f64, pub f64, pub f64, pub f64);

impl Rgba {
    /// Reads `[r, g, b, a]` as the page's scripts return it.
    pub fn from_json(v: &serde_json::Value) -> Option<Self> {
        let n = |i: usize| v.get(i).and_then(|x| x.as_f64());
        Some(Self(n(0)?, n(1)?, n(2)?, n(3)?))
    }

    /// `self` painted over the opaque colour `below`.
    pub fn over(self, below: Rgba) -> Rgba {
        let mix = |a: f64, b: f64| a * self.3 + b * (1.0 - self.3);
        Rgba(
            mix(self.0, below.0),
            mix(self.1, below.1),
            mix(self.2, below.2),
            1.0,
        )
    }

    /// WCAG 2 relative luminance, 0 for black to 1 for white.
    pub fn luminance(self) -> f64 {
        let channel = |c: f64| {
            let c = c / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    pub fn css(self) -> String {
        format!("rgb({:.0}, {:.0}, {:.0})", self.0, self.1, self.2)
    }
}

/// WCAG 2 contrast ratio, from 1 (no contrast) to 21 (black on white).
pub fn contrast(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colour a stack of backgrounds shows, innermost first: the first opaque
/// layer hides everything below it.
pub fn flatten(layers_inner_first: &[Rgba]) -> Rgba {
    let mut seen = Rgba(255.0, 255.0, 255.0, 1.0); // what a browser paints under all
    for layer in layers_inner_first.iter().rev() {
        seen = layer.over(seen);
    }
    seen
}
