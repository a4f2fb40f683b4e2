/// The basis and penalty of R survival's `pspline(x, df)` (Eilers & Marx 1996 P-splines, as
/// Therneau's `pspline`): nterm = round(2.5 df) intervals of equal width dx over the range
/// of x, knots lo + dx (-3 ... nterm - 1) and hi + dx (0 ... 3), the nterm + 3 cubic
/// B-splines on them less the first, and the penalty ½ λ βᵀ D β with D = ΔᵀΔ the
/// second-difference matrix (first row and column dropped), λ = θ/(1 - θ). Beyond the range
/// the basis continues linearly (value plus slope at the boundary), as R's `pspline`.
struct PenalizedSpline: Sendable {
  let df: Double
  let nterm: Int
  let boundary: (Double, Double)
  let knots: [Double]
  /// The penalty matrix D (columns of the basis), row-major.
  let penalty: [Double]
  /// Knot centres of the columns (R's `cbase`), for the linear test.
  let centres: [Double]

  init(values: [Double], df: Double, variable: String) throws {
    let x = values.filter { !$0.isNaN }
    guard let lo = x.min(), let hi = x.max(), hi > lo else {
      throw SurvivalKitError.invalidData(
        line: nil, column: variable,
        message: "pspline() needs at least two distinct values of '\(variable)'")
    }
    let nterm = Int((2.5 * df).rounded(.toNearestOrEven))
    guard nterm >= 3, df <= Double(nterm) else {
      throw SurvivalKitError.invalidArgument(
        name: "pspline", message: "df = \(df) gives too few basis functions")
    }
    let dx = (hi - lo) / Double(nterm)
    var knots: [Double] = []
    for k in -3..<nterm { knots.append(lo + dx * Double(k)) }
    for k in 0...3 { knots.append(hi + dx * Double(k)) }
    let full = nterm + 3
    // D = ΔᵀΔ on all columns, then drop the first.
    var d = [Double](repeating: 0, count: full * full)
    for r in 0..<(full - 2) {
      let row = [(r, 1.0), (r + 1, -2.0), (r + 2, 1.0)]
      for (i, a) in row {
        for (j, b) in row { d[i * full + j] += a * b }
      }
    }
    let m = full - 1
    var penalty = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
      for j in 0..<m { penalty[i * m + j] = d[(i + 1) * full + j + 1] }
    }
    self.df = df
    self.nterm = nterm
    self.boundary = (lo, hi)
    self.knots = knots
    self.penalty = penalty
    self.centres = (1..<full).map { knots[$0] + (lo - knots[0]) }
  }

  /// Column names as R writes them: `ps(age)3`, ..., `ps(age)14`.
  func names(variable: String) -> [String] {
    (3...(nterm + 4)).map { "ps(\(variable))\($0)" }
  }

  var columnCount: Int { nterm + 2 }

  /// The basis values at x (without the first B-spline).
  func basis(_ x: Double) -> [Double] {
    if x < boundary.0 || x > boundary.1 {
      let pivot = x < boundary.0 ? boundary.0 : boundary.1
      let value = NaturalSpline.bspline(knots: knots, x: pivot, derivative: 0)
      let slope = NaturalSpline.bspline(knots: knots, x: pivot, derivative: 1)
      return Array(zip(value, slope).map { $0 + (x - pivot) * $1 }.dropFirst())
    }
    return Array(NaturalSpline.bspline(knots: knots, x: x, derivative: 0).dropFirst())
  }
}
