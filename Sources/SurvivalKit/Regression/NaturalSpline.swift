/// The natural cubic spline basis of R's `splines::ns(x, df)` (without intercept).
///
/// Interior knots at the quantiles k/df, k = 1..df-1 of the non-missing values of x (R's
/// `quantile` type 7), boundary knots at their range. The cubic B-spline basis on the knots
/// (boundary knots repeated four times; Cox–de Boor recursion) loses its first function,
/// and is projected onto the functions with zero second derivative at both boundary knots:
/// with C the 2 × m matrix of those second derivatives and Q the Householder QR factor of Cᵀ
/// (LINPACK's `dqrdc2` sign convention, as R's `qr`), the basis is the columns 3... of B Q,
/// so the coefficients equal R's. Outside the boundary knots the basis continues linearly
/// (value plus slope at the knot), as `predict(ns)`.
///
/// Reference: Hastie (1992), "Generalized additive models", in Chambers & Hastie (eds),
/// Statistical Models in S, §7.2; de Boor (1978), A Practical Guide to Splines.
struct NaturalSpline: Sendable, Equatable {
  let df: Int
  let boundary: (Double, Double)
  let interior: [Double]
  /// All knots (boundary knots four times each).
  let knots: [Double]
  /// Householder vectors of the QR factorisation of Cᵀ ((m) × 2, columns), and `qraux`.
  let householder: [[Double]]

  static func == (a: NaturalSpline, b: NaturalSpline) -> Bool {
    a.df == b.df && a.knots == b.knots
  }

  /// Knots from the values (NaN values are ignored).
  /// - Throws: when fewer than two distinct values are given.
  init(values: [Double], df: Int, variable: String) throws {
    let x = values.filter { !$0.isNaN }.sorted()
    guard let lo = x.first, let hi = x.last, hi > lo else {
      throw SurvivalKitError.invalidData(
        line: nil, column: variable,
        message: "ns() needs at least two distinct values of '\(variable)'")
    }
    guard df >= 1 else {
      throw SurvivalKitError.invalidArgument(name: "ns", message: "df must be at least 1")
    }
    var interior: [Double] = []
    for k in 1..<df {
      let h = Double(x.count - 1) * Double(k) / Double(df)
      let f = Int(h.rounded(.down))
      let frac = h - Double(f)
      interior.append(f + 1 < x.count ? x[f] + frac * (x[f + 1] - x[f]) : x[f])
    }
    self.df = df
    self.boundary = (lo, hi)
    self.interior = interior
    self.knots = [lo, lo, lo, lo] + interior + [hi, hi, hi, hi]
    // Second derivatives at the boundaries, without the first basis function: m × 2.
    let m = knots.count - 4 - 1
    var a = [[Double]](repeating: [Double](repeating: 0, count: m), count: 2)
    for (c, point) in [lo, hi].enumerated() {
      let d2 = NaturalSpline.bspline(knots: knots, x: point, derivative: 2)
      for r in 0..<m { a[c][r] = d2[r + 1] }
    }
    // LINPACK dqrdc2 (no pivoting needed: rank 2).
    var qraux = [Double](repeating: 0, count: 2)
    for l in 0..<2 {
      var norm = 0.0
      for r in l..<m { norm += a[l][r] * a[l][r] }
      norm = norm.squareRoot()
      if norm == 0 { continue }
      if a[l][l] != 0 { norm = a[l][l] < 0 ? -norm : norm }
      for r in l..<m { a[l][r] /= norm }
      a[l][l] += 1
      for j in (l + 1)..<2 {
        var t = 0.0
        for r in l..<m { t -= a[l][r] * a[j][r] }
        t /= a[l][l]
        for r in l..<m { a[j][r] += t * a[l][r] }
      }
      qraux[l] = a[l][l]
      a[l][l] = -norm
    }
    for l in 0..<2 { a[l][l] = qraux[l] }
    self.householder = a
  }

  /// Column names as R writes them: `ns(age, df = 3)1`, ...
  func names(term: String) -> [String] { (1...df).map { "\(term)\($0)" } }

  /// The df basis values at x.
  func basis(_ x: Double) -> [Double] {
    var b: [Double]
    if x < boundary.0 || x > boundary.1 {
      let pivot = x < boundary.0 ? boundary.0 : boundary.1
      let value = NaturalSpline.bspline(knots: knots, x: pivot, derivative: 0)
      let slope = NaturalSpline.bspline(knots: knots, x: pivot, derivative: 1)
      b = zip(value, slope).map { $0 + (x - pivot) * $1 }
    } else {
      b = NaturalSpline.bspline(knots: knots, x: x, derivative: 0)
    }
    var y = Array(b.dropFirst())
    let m = y.count
    // Qᵀ y (LINPACK dqrsl), then drop the first two.
    for l in 0..<2 {
      let u = householder[l]
      if u[l] == 0 { continue }
      var t = 0.0
      for r in l..<m { t -= u[r] * y[r] }
      t /= u[l]
      for r in l..<m { y[r] += t * u[r] }
    }
    return Array(y[2...])
  }

  /// Every cubic B-spline (or its first or second derivative) at x; x at the right boundary
  /// belongs to the last interval.
  static func bspline(knots t: [Double], x: Double, derivative: Int) -> [Double] {
    let count = t.count - 4
    // Interval: t[i] <= x < t[i+1], the last non-empty one for x = t.last.
    var interval = -1
    for i in 0..<(t.count - 1) where t[i] < t[i + 1] && t[i] <= x && (x < t[i + 1]) {
      interval = i
    }
    if interval < 0 {
      for i in stride(from: t.count - 2, through: 0, by: -1) where t[i] < t[i + 1] {
        interval = i
        break
      }
    }
    // Order 1 .. 4 values of all B-splines (index i: B_{i,k}).
    var b = [Double](repeating: 0, count: t.count - 1)
    b[interval] = 1
    var levels: [[Double]] = [b]
    for k in 2...4 {
      var next = [Double](repeating: 0, count: t.count - k)
      for i in 0..<(t.count - k) {
        var v = 0.0
        let d1 = t[i + k - 1] - t[i]
        let d2 = t[i + k] - t[i + 1]
        if d1 > 0 { v += (x - t[i]) / d1 * b[i] }
        if d2 > 0 { v += (t[i + k] - x) / d2 * b[i + 1] }
        next[i] = v
      }
      b = next
      levels.append(next)
    }
    func derivativeOf(_ lower: [Double], order k: Int) -> [Double] {
      // d/dx B_{i,k} = (k-1) [B_{i,k-1}/(t_{i+k-1}-t_i) - B_{i+1,k-1}/(t_{i+k}-t_{i+1})].
      (0..<(t.count - k)).map { i in
        var v = 0.0
        let d1 = t[i + k - 1] - t[i]
        let d2 = t[i + k] - t[i + 1]
        if d1 > 0 { v += lower[i] / d1 }
        if d2 > 0 { v -= lower[i + 1] / d2 }
        return Double(k - 1) * v
      }
    }
    switch derivative {
    case 0: return Array(levels[3].prefix(count))
    case 1: return Array(derivativeOf(levels[2], order: 4).prefix(count))
    default:
      let d3 = derivativeOf(levels[1], order: 3)
      return Array(derivativeOf(d3, order: 4).prefix(count))
    }
  }
}
