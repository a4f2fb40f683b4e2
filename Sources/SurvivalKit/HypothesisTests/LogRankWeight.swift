import RealModule
import SurvivalSupport

/// The weight given to each event time in a weighted log-rank test.
///
/// With n_t at risk just before t (pooled over groups, within the stratum), S(t-) the pooled
/// Kaplan–Meier estimate just before t and S̃(t) = Π_{u<=t} (1 - d_u/(n_u + 1)) Peto's
/// estimate at t (Klein & Moeschberger 2003, §7.3; SAS LIFETEST `PETO`):
///
/// | test | weight w_t | source |
/// | --- | --- | --- |
/// | log-rank | 1 | Mantel (1966); Peto & Peto (1972) |
/// | G-rho (R's `survdiff(rho =)`) | S(t-)^ρ | Harrington & Fleming (1982) |
/// | Fleming–Harrington(p, q) | S(t-)^p (1 - S(t-))^q | Fleming & Harrington (1991), §7.3 |
/// | Gehan–Breslow (generalised Wilcoxon) | n_t | Gehan (1965); Breslow (1970) |
/// | Tarone–Ware | √n_t | Tarone & Ware (1977) |
/// | Peto–Peto | S̃(t) | Peto & Peto (1972) |
///
/// Names differ between packages: R's `rho = 1`, which R's documentation calls the
/// "Peto & Peto modification of the Gehan-Wilcoxon test", weights by the Kaplan–Meier S(t-);
/// `petoPeto` here (like lifelines' `peto` and SAS's `PETO`) weights by Peto's S̃(t), which
/// uses n + 1 in the denominator and includes the current time. The two agree closely but
/// not exactly.
public enum LogRankWeight: Sendable, Equatable {
  /// w = 1: the log-rank (Mantel–Haenszel) test, R's `rho = 0`.
  case logRank
  /// w = S(t-)^ρ with the pooled Kaplan–Meier S: R's `survdiff(rho = ρ)`.
  case gRho(Double)
  /// w = S(t-)^p (1 - S(t-))^q with the pooled Kaplan–Meier S.
  case flemingHarrington(p: Double, q: Double)
  /// w = n_t, the number at risk: Gehan–Breslow generalised Wilcoxon.
  case gehanBreslow
  /// w = √n_t: Tarone–Ware.
  case taroneWare
  /// w = S̃(t), Peto's estimate with n + 1 in the denominator: Peto–Peto.
  case petoPeto

  /// The test's name as printed.
  public var name: String {
    switch self {
    case .logRank: return "log-rank"
    case .gRho(let rho): return "G-rho (rho = \(NumberFormatting.shortest(rho)))"
    case .flemingHarrington(let p, let q):
      return
        "Fleming-Harrington (p = \(NumberFormatting.shortest(p)), q = \(NumberFormatting.shortest(q)))"
    case .gehanBreslow: return "Gehan-Breslow (generalised Wilcoxon)"
    case .taroneWare: return "Tarone-Ware"
    case .petoPeto: return "Peto-Peto"
    }
  }

  /// The weight formula as printed beside the test.
  public var formula: String {
    switch self {
    case .logRank: return "w(t) = 1"
    case .gRho(let rho):
      return "w(t) = S(t-)^\(NumberFormatting.shortest(rho)), S = pooled Kaplan-Meier"
    case .flemingHarrington(let p, let q):
      return
        "w(t) = S(t-)^\(NumberFormatting.shortest(p)) * (1 - S(t-))^\(NumberFormatting.shortest(q)), S = pooled Kaplan-Meier"
    case .gehanBreslow: return "w(t) = n(t), the number at risk"
    case .taroneWare: return "w(t) = sqrt(n(t))"
    case .petoPeto: return "w(t) = prod over u <= t of (1 - d(u) / (n(u) + 1))"
    }
  }

  /// The weight at each time of a pooled series: the Kaplan–Meier S(t-) and Peto's S̃(t) come
  /// from `KaplanMeier.survival` and `KaplanMeier.petoSurvival` of the same series, so the
  /// weights are exactly the curve values a `KaplanMeierCurve` of the series reports.
  /// Only the values at event times (d > 0) enter a test.
  /// - Complexity: O(number of times).
  ///
  /// - Parameter series: A pooled series of an event table (all compared groups of one stratum).
  /// - Returns: The weight at each time of the series, in its order.
  public func weights(_ series: EventTable.Series) -> [Double] {
    let count = series.time.count
    switch self {
    case .logRank:
      return [Double](repeating: 1, count: count)
    case .gehanBreslow, .taroneWare:
      return series.nRisk.map { weight(atRisk: Double($0), kaplanMeier: 1, peto: 1) }
    case .petoPeto:
      return KaplanMeier.petoSurvival(series)
    case .gRho, .flemingHarrington:
      let s = KaplanMeier.survival(series)
      return (0..<count).map { j in
        weight(atRisk: Double(series.nRisk[j]), kaplanMeier: j == 0 ? 1 : s[j - 1], peto: 1)
      }
    }
  }

  /// The weight at an event time, given the pooled at-risk count, the Kaplan–Meier estimate
  /// just before it and Peto's estimate at it.
  @inline(__always)
  func weight(atRisk n: Double, kaplanMeier s: Double, peto sp: Double) -> Double {
    switch self {
    case .logRank: return 1
    case .gRho(let rho): return rho == 0 ? 1 : Double.pow(s, rho)
    case .flemingHarrington(let p, let q):
      return (p == 0 ? 1 : Double.pow(s, p)) * (q == 0 ? 1 : Double.pow(1 - s, q))
    case .gehanBreslow: return n
    case .taroneWare: return n.squareRoot()
    case .petoPeto: return sp
    }
  }
}
