import RealModule

/// The Cochran–Armitage test for a trend in proportions across ordered groups, exact and
/// asymptotic.
///
/// With x_i responders of n_i in group i (score s_i), N = Σ n_i and X = Σ x_i, the statistic is
/// T = Σ s_i x_i. Conditional on X, (x_i) has the multivariate hypergeometric distribution
/// P(x) = ∏ C(n_i, x_i) / C(N, X) under no trend, with E(T) = X s̄ and s̄ = Σ n_i s_i / N.
/// The exact p-values sum P over every (x_i) with the same X: two-sided
/// P(|T − E T| >= |t − E T|), and one-sided P(T >= t) (`pIncreasing`) and P(T <= t)
/// (`pDecreasing`); ties within 1e-7 relative count as equal, as in `FisherExactTest`.
/// The distribution of T is built group by group (dynamic programming over the responders
/// placed so far and the partial sum of T).
///
/// The asymptotic statistic is R's `prop.trend.test(x, n, score)`:
/// χ² = (Σ x_i (s_i − s̄))² / (p̂ (1 − p̂) Σ n_i (s_i − s̄)²) with p̂ = X / N, on 1 df.
///
/// References: W. G. Cochran (1954), Biometrics 10, 417–451; P. Armitage (1955), Biometrics 11,
/// 375–386; C. R. Mehta, N. R. Patel & P. Senchaudhuri (1992), Biometrics 48, 1171–1186.
public struct CochranArmitageTest: Sendable, Equatable {
  /// T = Σ s_i x_i.
  public let statistic: Double
  /// E(T) under no trend.
  public let expected: Double
  /// Exact two-sided p-value.
  public let p: Double
  /// Exact P(T >= t): evidence for a rate increasing with the score.
  public let pIncreasing: Double
  /// Exact P(T <= t).
  public let pDecreasing: Double
  /// R's `prop.trend.test` chi-square (1 df) and its p-value.
  public let chiSquare: Double
  public let chiSquareP: Double

  /// - Parameters:
  ///   - responders: x_i per group, in score order.
  ///   - totals: n_i per group.
  ///   - scores: s_i, at least two distinct.
  /// - Complexity: O(k · X · D) for k groups, X responders and D distinct partial sums of T.
  public init(responders: [Int], totals: [Int], scores: [Double]) throws {
    guard responders.count == totals.count, scores.count == totals.count, totals.count >= 2
    else {
      throw SurvivalKitError.invalidArgument(
        name: "trend",
        message: "needs one score, one responder count and one total per group, for at least "
          + "2 groups (got \(scores.count) scores for \(totals.count) groups)")
    }
    for k in totals.indices where !(responders[k] >= 0 && responders[k] <= totals[k]) {
      throw SurvivalKitError.invalidArgument(
        name: "trend", message: "group \(k + 1): \(responders[k]) of \(totals[k]) is not a count")
    }
    guard scores.allSatisfy(\.isFinite), Set(scores).count >= 2 else {
      throw SurvivalKitError.invalidArgument(
        name: "scores", message: "need finite scores, at least two of them different")
    }
    let n = totals.reduce(0, +)
    let x = responders.reduce(0, +)
    guard x > 0 && x < n else {
      throw SurvivalKitError.insufficientData(
        message: "\(x == 0 ? "no" : "every") patient responded, so there is no trend to test")
    }
    let bigN = Double(n)
    var weighted = 0.0
    for k in totals.indices { weighted += Double(totals[k]) * scores[k] }
    let mean = weighted / bigN
    var t = 0.0
    var numerator = 0.0
    var spread = 0.0
    for k in totals.indices {
      t += scores[k] * Double(responders[k])
      numerator += Double(responders[k]) * (scores[k] - mean)
      spread += Double(totals[k]) * (scores[k] - mean) * (scores[k] - mean)
    }
    statistic = t
    expected = Double(x) * mean
    let pHat = Double(x) / bigN
    chiSquare = numerator * numerator / (pHat * (1 - pHat) * spread)
    chiSquareP = ChiSquare.upperTail(chiSquare, df: 1)

    // Exact distribution of T given X. After groups 1...k (m_k patients), state (j responders
    // placed, partial T) holds Σ ∏ C(n_i, x_i) / C(m_k, j), a probability, so nothing
    // overflows; after the last group (m = N, j = X) it is P(T).
    let f = LogFactorials(upTo: n)
    func logChoose(_ a: Int, _ b: Int) -> Double { f[a] - f[b] - f[a - b] }
    let scale = max(1, scores.map { abs($0) }.max()!) * Double(max(1, x))
    func key(_ v: Double) -> Int64 { Int64((v / scale * 1e12).rounded()) }
    // layer[placed] = [key: (T, probability)]
    var layer: [[Int64: (t: Double, p: Double)]] = [[key(0): (0, 1)]]
    var capacity = 0
    for k in totals.indices {
      let previous = capacity
      capacity += totals[k]
      var next = [[Int64: (t: Double, p: Double)]](repeating: [:], count: min(x, capacity) + 1)
      for (placed, states) in layer.enumerated() {
        for (_, state) in states {
          for y in 0...min(totals[k], x - placed) {
            let w = Double.exp(
              logChoose(totals[k], y) + logChoose(previous, placed)
                - logChoose(capacity, placed + y))
            let value = state.t + scores[k] * Double(y)
            next[placed + y][key(value), default: (value, 0)].p += state.p * w
          }
        }
      }
      layer = next
    }
    let distribution = layer[x].values.map { ($0.t, $0.p) }
    let tol = 1e-7 * scale
    let distance = abs(t - expected)
    var two = 0.0
    var up = 0.0
    var down = 0.0
    for (value, prob) in distribution {
      if abs(value - expected) >= distance - tol { two += prob }
      if value >= t - tol { up += prob }
      if value <= t + tol { down += prob }
    }
    p = min(1, two)
    pIncreasing = min(1, up)
    pDecreasing = min(1, down)
  }
}
