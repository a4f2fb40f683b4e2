import RealModule

/// The standard normal distribution.
public enum Normal {
  /// Φ(x) = P(Z <= x) = erfc(-x / √2) / 2, accurate to full double precision in both tails
  /// (R's `pnorm`).
  ///
  /// - Parameter x: The point.
  /// - Returns: Φ(x).
  public static func cdf(_ x: Double) -> Double {
    0.5 * Double.erfc(-x / 2.0.squareRoot())
  }

  /// Upper tail P(Z > x) = erfc(x / √2) / 2 (no cancellation for large x; R's
  /// `pnorm(x, lower.tail = FALSE)`).
  ///
  /// - Parameter x: The point.
  /// - Returns: 1 - Φ(x), computed without subtraction.
  public static func upperTail(_ x: Double) -> Double {
    0.5 * Double.erfc(x / 2.0.squareRoot())
  }

  /// The quantile Φ⁻¹(p) for 0 < p < 1 (±infinity at 0 and 1, NaN outside).
  ///
  /// Wichura's algorithm AS 241 (PPND16), relative accuracy about 1e-16: a rational
  /// approximation in q = p - 0.5 for |q| <= 0.425, otherwise in r = √(-log(min(p, 1 - p)))
  /// with one branch for r <= 5 and one beyond. This is the algorithm R's `qnorm` uses, so
  /// z-values (and hence every confidence limit) agree with R to the last bits.
  ///
  /// Reference: M. J. Wichura (1988), Algorithm AS 241: The percentage points of the normal
  /// distribution. Applied Statistics 37(3), 477–484.
  ///
  /// - Parameter p: The probability.
  /// - Returns: z with Φ(z) = p; -∞ for p = 0, +∞ for p = 1, NaN for p outside [0, 1] or NaN.
  public static func quantile(_ p: Double) -> Double {
    if p.isNaN || p < 0 || p > 1 { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      let num =
        (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
          + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
          + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
          + 1.3314166789178437745e+2) * r + 3.3871328727963666080e0)
      let den =
        (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
          + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
          + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
          + 4.2313330701600911252e+1) * r + 1.0)
      return q * num / den
    }
    var r = q < 0 ? p : 1 - p
    r = (-Double.log(r)).squareRoot()
    var value: Double
    if r <= 5 {
      r -= 1.6
      let num =
        (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
          + 2.41780725177450611770e-1) * r + 1.27045825245236838258e0) * r
          + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r
          + 4.63033784615654529590e0) * r + 1.42343711074968357734e0)
      let den =
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
          + 1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r
          + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r
          + 2.05319162663775882187e0) * r + 1.0)
      value = num / den
    } else {
      r -= 5
      let num =
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
          + 1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r
          + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r
          + 5.46378491116411436990e0) * r + 6.65790464350110377720e0)
      let den =
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
          + 1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r
          + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
          + 5.99832206555887937690e-1) * r + 1.0)
      value = num / den
    }
    return q < 0 ? -value : value
  }
}
