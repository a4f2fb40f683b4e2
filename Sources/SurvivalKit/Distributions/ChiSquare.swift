import RealModule

/// The chi-square distribution's upper tail, for p-values.
public enum ChiSquare {
  /// P(X > x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2).
  ///
  /// df = 1 uses erfc(√(x/2)) and df = 2 uses exp(-x/2) (both exact to rounding); otherwise
  /// Q(a, z) is the power series of P for z < a + 1 (then Q = 1 - P, which is not small there)
  /// and the Legendre continued fraction (modified Lentz) for z >= a + 1, which keeps full
  /// relative precision far into the tail (p-values like 1e-200 are printed as such).
  ///
  /// Reference: Abramowitz & Stegun 6.5.29 and 6.5.31; Press et al., Numerical Recipes,
  /// 3rd ed., §6.2. The quantity of R's `pchisq(x, df, lower.tail = FALSE)`.
  ///
  /// - Parameters:
  ///   - x: The statistic.
  ///   - df: Degrees of freedom, > 0 (need not be an integer).
  /// - Returns: The upper-tail probability; 1 for x <= 0, 0 for x = +∞, NaN when x or df is NaN
  ///   or df <= 0.
  public static func upperTail(_ x: Double, df: Double) -> Double {
    if x.isNaN || df.isNaN || df <= 0 { return .nan }
    if x <= 0 { return 1 }
    if x.isInfinite { return 0 }
    if df == 1 { return Double.erfc((x / 2).squareRoot()) }
    if df == 2 { return Double.exp(-x / 2) }
    return regularizedUpperGamma(a: df / 2, z: x / 2)
  }

  /// Q(a, z) = Γ(a, z) / Γ(a).
  static func regularizedUpperGamma(a: Double, z: Double) -> Double {
    let logPrefix = a * Double.log(z) - z - Double.logGamma(a)
    if z < a + 1 {
      // P(a, z) = z^a e^-z / Γ(a+1) Σ z^n / ((a+1)...(a+n))
      var term = 1.0 / a
      var sum = term
      var n = 1.0
      while n < 10_000 {
        term *= z / (a + n)
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
        n += 1
      }
      return max(0, 1 - sum * Double.exp(logPrefix))
    }
    // Continued fraction for Q (Lentz's method).
    let tiny = 1e-300
    var b = z + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    var i = 1.0
    while i < 10_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
      i += 1
    }
    return Double.exp(logPrefix) * h
  }
}
