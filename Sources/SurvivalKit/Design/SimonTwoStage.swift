/// Simon's two-stage designs for a single-arm phase II trial with a binary response.
///
/// Stage 1 treats n₁ patients and stops for futility when at most r₁ respond; otherwise
/// n − n₁ more are treated and the treatment is declared promising when more than r of all n
/// respond. With X₁ ~ Bin(n₁, p) and X₂ ~ Bin(n − n₁, p) independent, the probability of
/// declaring it promising is
/// R(p) = Σ_{x₁ = r₁+1}^{n₁} P(X₁ = x₁) P(X₂ > r − x₁),
/// the probability of early termination PET(p) = P(X₁ <= r₁), and the expected sample size
/// EN(p) = n₁ + (1 − PET(p)) (n − n₁). A design is admissible when R(p₀) <= α and
/// R(p₁) >= 1 − β. The *optimal* design minimises EN(p₀); the *minimax* design minimises n,
/// and EN(p₀) among those (Simon 1989). Ties are broken by the smaller n, then the smaller
/// n₁.
///
/// The search covers every n from 2 to `maxN`; for each (n, n₁, r₁) the smallest r with
/// R(p₀) <= α is found by bisection (R falls as r grows, and so does the power, so a larger r
/// can only lose power).
///
/// Reference: R. Simon (1989), Optimal two-stage designs for phase II clinical trials,
/// Controlled Clinical Trials 10, 1–10.
public struct SimonTwoStage: Sendable, Equatable {
  /// One design with its operating characteristics.
  public struct Design: Sendable, Equatable {
    /// Stage 1: stop if at most r₁ of n₁ respond.
    public let r1: Int
    /// Stage-1 size.
    public let n1: Int
    /// Final: promising if more than r of n respond.
    public let r: Int
    /// Total size.
    public let n: Int
    /// R(p₀): the probability of declaring an inactive treatment promising.
    public let alpha: Double
    /// R(p₁).
    public let power: Double
    /// PET(p₀) and EN(p₀).
    public let earlyTermination: Double
    /// EN(p₀) = n₁ + (1 − PET(p₀)) (n − n₁).
    public let expectedSize: Double
    /// PET(p₁) and EN(p₁).
    public let earlyTerminationAlternative: Double
    /// EN(p₁).
    public let expectedSizeAlternative: Double
  }

  /// Null (uninteresting) response rate.
  public let p0: Double
  /// Alternative (target) response rate.
  public let p1: Double
  /// Required type I error and power.
  public let alpha: Double
  /// Required power.
  public let power: Double
  /// The largest n searched.
  public let maxN: Int
  /// The design with the smallest EN(p₀).
  public let optimal: Design
  /// The design with the smallest n (then the smallest EN(p₀)).
  public let minimax: Design

  /// Finds both designs.
  /// - Parameters:
  ///   - p0: the null (uninteresting) response rate.
  ///   - p1: the alternative (target) response rate, above p0.
  ///   - alpha: the largest acceptable R(p₀).
  ///   - power: the smallest acceptable R(p₁).
  ///   - maxN: the largest total size searched (default: 1.5 times the exact single-stage size,
  ///     at least that size plus 15).
  /// - Throws: when p₁ <= p₀, a probability is outside (0, 1), or no design exists up to maxN.
  /// - Complexity: O(N³ log N) for N = maxN.
  public init(p0: Double, p1: Double, alpha: Double = 0.05, power: Double = 0.8, maxN: Int? = nil)
    throws
  {
    try DesignChecks.probability(p0, "p0")
    try DesignChecks.probability(p1, "p1")
    try DesignChecks.probability(alpha, "alpha")
    try DesignChecks.probability(power, "power")
    guard p1 > p0 else {
      throw SurvivalKitError.invalidArgument(
        name: "p1",
        message: "the alternative response rate \(p1) must be above the null rate \(p0); the "
          + "design tests whether the treatment is better than p0")
    }
    self.p0 = p0
    self.p1 = p1
    self.alpha = alpha
    self.power = power
    let single = try SingleStageBinomial(p0: p0, p1: p1, alpha: alpha, power: power, maxN: 5000)
    let limit = maxN ?? max(Int((1.5 * Double(single.n)).rounded(.up)), single.n + 15)
    guard limit >= 2 && limit <= 2000 else {
      throw SurvivalKitError.invalidArgument(
        name: "maxN", message: "\(limit) is outside 2...2000")
    }
    self.maxN = limit
    var best: Design? = nil
    var smallest: Design? = nil
    let beta = 1 - power
    for n in 2...limit {
      for n1 in 1..<n {
        let n2 = n - n1
        let f0 = Binomial.pmf(n: n1, p: p0)
        let f1 = Binomial.pmf(n: n1, p: p1)
        let s0 = Binomial.survival(n: n2, p: p0)
        let s1 = Binomial.survival(n: n2, p: p1)
        func survival(_ s: [Double], _ k: Int) -> Double {
          k < 0 ? 1 : (k >= n2 ? 0 : s[k + 1])
        }
        func reject(_ f: [Double], _ s: [Double], r1: Int, r: Int) -> Double {
          var total = 0.0
          if r1 + 1 <= n1 {
            for x1 in (r1 + 1)...n1 { total += f[x1] * survival(s, r - x1) }
          }
          return total
        }
        var pet0 = 0.0
        var pet1 = 0.0
        for r1 in 0..<n1 {
          pet0 += f0[r1]
          pet1 += f1[r1]
          // Power at the smallest r is the largest possible; give up on larger r1 once even
          // r = r1 has too little power (power falls as r1 grows).
          if reject(f1, s1, r1: r1, r: r1) < 1 - beta - 1e-12 { break }
          let en = Double(n1) + (1 - pet0) * Double(n2)
          if let b = best, let s = smallest, en > b.expectedSize, n > s.n { continue }
          // Smallest r in r1...n with R(p0) <= alpha.
          var lo = r1
          var hi = n
          if reject(f0, s0, r1: r1, r: hi) > alpha { continue }
          while lo < hi {
            let mid = (lo + hi) / 2
            if reject(f0, s0, r1: r1, r: mid) <= alpha { hi = mid } else { lo = mid + 1 }
          }
          let r = lo
          let pw = reject(f1, s1, r1: r1, r: r)
          guard pw >= 1 - beta else { continue }
          let design = Design(
            r1: r1, n1: n1, r: r, n: n, alpha: reject(f0, s0, r1: r1, r: r), power: pw,
            earlyTermination: pet0, expectedSize: en, earlyTerminationAlternative: pet1,
            expectedSizeAlternative: Double(n1) + (1 - pet1) * Double(n2))
          if best == nil || en < best!.expectedSize - 1e-12 { best = design }
          if smallest == nil || n < smallest!.n
            || (n == smallest!.n && en < smallest!.expectedSize - 1e-12)
          {
            smallest = design
          }
        }
      }
    }
    guard let best, let smallest else {
      throw SurvivalKitError.insufficientData(
        message: "no two-stage design with n <= \(limit) reaches alpha \(alpha) and power "
          + "\(power); raise maxN (--max-n)")
    }
    optimal = best
    minimax = smallest
  }
}

/// The exact single-stage design: the smallest n with an r such that P(X > r | p₀) <= α and
/// P(X > r | p₁) >= power.
public struct SingleStageBinomial: Sendable, Equatable {
  /// Total size.
  public let n: Int
  /// Promising when more than r respond.
  public let r: Int
  /// Attained type I error.
  public let alpha: Double
  /// Attained power.
  public let power: Double

  /// Searches n = 1, 2, ... up to maxN.
  /// - Throws: when no n up to maxN has such an r.
  public init(p0: Double, p1: Double, alpha: Double, power: Double, maxN: Int = 5000) throws {
    for n in 1...maxN {
      let s0 = Binomial.survival(n: n, p: p0)
      // Smallest r with P(X > r | p0) <= alpha.
      guard let r = (0...n).first(where: { s0[$0 + 1] <= alpha }) else { continue }
      let s1 = Binomial.survival(n: n, p: p1)
      if s1[r + 1] >= power {
        self.n = n
        self.r = r
        self.alpha = s0[r + 1]
        self.power = s1[r + 1]
        return
      }
    }
    throw SurvivalKitError.insufficientData(
      message: "no single-stage design with n <= \(maxN); the rates are too close")
  }
}

/// Argument checks shared by the designs.
enum DesignChecks {
  static func probability(_ x: Double, _ name: String) throws {
    guard x > 0 && x < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: name, message: "\(x) is outside (0, 1); give a probability such as 0.05")
    }
  }
}
