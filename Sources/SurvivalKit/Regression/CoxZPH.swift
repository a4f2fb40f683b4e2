import RealModule

/// The proportional-hazards test of R's `cox.zph` (survival 3.x): for each term, a score test
/// of adding β·g(t) interactions, at the fitted β and zero interaction coefficients.
///
/// With g(t) the transformed event time centred at its mean over events, V(t) the (tie-method)
/// covariance of x in the risk set and U(t) the score contribution at event time t:
/// I_ββ = Σ V(t), I_βg = Σ g(t) V(t), I_gg = Σ g(t)² V(t), u_g = Σ g(t) U(t).
/// A term with columns J is tested by uᵀ M⁻¹ u, M the information of (β, g_J) and
/// u = (0, u_g[J]), on |J| degrees of freedom (a 3-level factor is one 2-df test); the
/// global test uses every column, on p df. Transforms: `km` (default) g = 1 - S(t-) from the
/// Kaplan–Meier fit of all the data, `identity`, `rank` (average ranks of all times), `log`.
///
/// Scaled Schoenfeld residuals for plotting: β̂ + d · I_ββ⁻¹ r_i for each event i, d the
/// number of events and r_i its Schoenfeld residual (Grambsch & Therneau 1994).
public struct CoxZPH: Sendable {
  /// The time transform g(t) of R's `cox.zph(transform =)`.
  public enum Transform: String, Sendable, CaseIterable {
    /// `km`: 1 - S(t-) of the Kaplan–Meier fit of all rows; `identity`: t; `rank`: average rank
    /// of t among all times; `log`: log t.
    case km, identity, rank, log
  }

  /// The score test of one term (or the global test).
  public struct TermTest: Sendable, Equatable {
    /// The term as written in the formula, or `GLOBAL`.
    public let term: String
    /// The score statistic.
    public let chisq: Double
    /// Degrees of freedom: the term's estimated columns (p for the global test).
    public let df: Int
    /// Upper-tail χ² p-value.
    public let p: Double
  }

  /// The time transform used.
  public let transform: Transform
  /// One test per term with estimated columns, in formula order.
  public let terms: [TermTest]
  /// The global test of all columns, on p df.
  public let global: TermTest
  /// Transformed time of each event (in time order) and the scaled Schoenfeld residuals,
  /// one column per coefficient that was estimated.
  public let residualTimes: [Double]
  /// Names of the estimated columns, one per column of `scaledResiduals`.
  public let residualColumns: [String]
  /// Scaled Schoenfeld residuals: `scaledResiduals[j][i]` is column j at event i (in time
  /// order), on the scale of β (R's `cox.zph(fit)$y`).
  public let scaledResiduals: [[Double]]

  /// Runs the test on a fit.
  ///
  /// As R's `cox.zph(fit, transform)` (survival 3.x; exact ties use the Breslow form, as R).
  ///
  /// - Parameters:
  ///   - fit: A fit from `CoxModel`.
  ///   - transform: The time transform.
  /// - Returns: The per-term and global tests with the scaled Schoenfeld residuals.
  /// - Throws: `SurvivalKitError.invalidArgument` for the `log` transform with a time <= 0;
  ///   `SurvivalKitError.insufficientData` when the fit carries no data;
  ///   `SurvivalKitError.linearAlgebra` when an information matrix is singular.
  /// - Complexity: O(n p²) for the risk-set sums, then O(p³) per term.
  public static func test(fit: CoxFit, transform: Transform = .km) throws -> CoxZPH {
    guard let state = fit.state else {
      throw SurvivalKitError.insufficientData(message: "this fit carries no data for cox.zph")
    }
    let problem = state.problem
    let n = problem.n
    let p = problem.p
    // Transformed time of every row (sorted order).
    var g = [Double](repeating: 0, count: n)
    switch transform {
    case .identity: g = problem.stop
    case .log:
      for i in 0..<n {
        guard problem.stop[i] > 0 else {
          throw SurvivalKitError.invalidArgument(
            name: "zph transform", message: "log needs positive times; use km or rank")
        }
        g[i] = Double.log(problem.stop[i])
      }
    case .rank:
      let sorted = (0..<n).sorted { problem.stop[$0] < problem.stop[$1] }
      var a = 0
      while a < n {
        var b = a
        while b + 1 < n && problem.stop[sorted[b + 1]] == problem.stop[sorted[a]] { b += 1 }
        let average = Double(a + b + 2) / 2
        for k in a...b { g[sorted[k]] = average }
        a = b + 1
      }
    case .km:
      g = kaplanMeierBefore(problem)
    }
    // Centre at the mean over events.
    var eventSum = 0.0
    var eventCount = 0.0
    for i in 0..<n where problem.status[i] == 1 {
      eventSum += g[i]
      eventCount += 1
    }
    let center = eventSum / eventCount
    let terms = problem.eventTerms(beta: state.betaScaled, ties: state.ties)
    var imat = [Double](repeating: 0, count: 4 * p * p)  // 2p × 2p, column-major
    var ug = [Double](repeating: 0, count: p)
    let q = 2 * p
    var schoenfeld: [(time: Double, g: Double, r: [Double])] = []
    for term in terms {
      let gt = g[term.row] - center
      for a in 0..<p {
        ug[a] += gt * term.score[a]
        for b in 0..<p {
          let v = term.covariance[a * p + b]
          imat[a * q + b] += v
          imat[(a + p) * q + b] += gt * v
          imat[a * q + b + p] += gt * v
          imat[(a + p) * q + b + p] += gt * gt * v
        }
      }
      for r in term.schoenfeld { schoenfeld.append((term.time, g[term.row], r)) }
    }
    func statistic(_ columns: [Int]) throws -> Double {
      let index = Array(0..<p) + columns.map { $0 + p }
      var m = Matrix(zeros: index.count)
      for (a, i) in index.enumerated() {
        for (b, j) in index.enumerated() { m[a, b] = imat[i * q + j] }
      }
      let u = [Double](repeating: 0, count: p) + columns.map { ug[$0] }
      return try CoxModel.quadraticForm(inverseOf: m, vector: u)
    }
    var results: [TermTest] = []
    for (name, columns) in state.termColumns {
      let chisq = try statistic(columns)
      results.append(
        TermTest(
          term: name, chisq: chisq, df: columns.count,
          p: ChiSquare.upperTail(chisq, df: Double(columns.count))))
    }
    let globalChisq = try statistic(Array(0..<p))
    let global = TermTest(
      term: "GLOBAL", chisq: globalChisq, df: p, p: ChiSquare.upperTail(globalChisq, df: Double(p)))
    // Scaled Schoenfeld residuals in original coordinates: beta + d V r.
    var information = Matrix(zeros: p)
    for a in 0..<p {
      for b in 0..<p { information[a, b] = imat[a * q + b] }
    }
    let inverse = try LAPACK.inverse(information)
    let d = Double(schoenfeld.count)
    let scales = problem.scales
    var columns = [[Double]](repeating: [], count: p)
    for s in schoenfeld.sorted(by: { $0.time < $1.time }) {
      for a in 0..<p {
        var v = 0.0
        for b in 0..<p { v += inverse[a, b] * s.r[b] }
        columns[a].append(state.betaScaled[a] * scales[a] + d * v * scales[a])
      }
    }
    return CoxZPH(
      transform: transform, terms: results, global: global,
      residualTimes: schoenfeld.sorted(by: { $0.time < $1.time }).map(\.g),
      residualColumns: state.columnNames, scaledResiduals: columns)
  }

  /// 1 - S(t-) for each row, S the Kaplan–Meier estimate of all rows (ignoring strata and
  /// weights, as R's cox.zph), with delayed entry for counting-process data: read from the
  /// event table of the fit's rows.
  static func kaplanMeierBefore(_ problem: CoxProblem) -> [Double] {
    let table = EventTable(
      checkedTime: problem.stop, status: problem.status.map { $0 == 1 ? 1 : 0 },
      entry: problem.start)
    let s = KaplanMeier.survival(table.pooled(stratum: 0))
    return (0..<problem.n).map { i in
      let j = Int(table.timeIndex[i])
      return 1 - (j == 0 ? 1 : s[j - 1])
    }
  }
}

extension CoxProblem {
  /// Per event time: covariance of x in the risk set (tie method), score contribution and the
  /// Schoenfeld residual of each event; `row` is a sorted index of one of its events.
  struct EventTerm {
    var time: Double
    var row: Int
    var covariance: [Double]
    var score: [Double]
    var schoenfeld: [[Double]]
  }

  func eventTerms(beta: [Double], ties: CoxTies) -> [EventTerm] {
    let efron = ties == .efron  // exact ties use the Breslow form here, as R's cox.zph
    var result: [EventTerm] = []
    var risk = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var e = 0.0
      for j in 0..<p { e += beta[j] * x[i * p + j] }
      risk[i] = weight[i] * Double.exp(e)
    }
    for s in 0..<(strataBounds.count - 1) {
      let lo = strataBounds[s]
      let hi = strataBounds[s + 1]
      var s0 = 0.0
      var s1 = [Double](repeating: 0, count: p)
      var s2 = [Double](repeating: 0, count: p * p)
      var i = lo
      var q = lo
      while i < hi {
        let t = stop[i]
        var e0 = 0.0
        var e1 = [Double](repeating: 0, count: p)
        var e2 = [Double](repeating: 0, count: p * p)
        var eventRows: [Int] = []
        var deathWeight = 0.0
        var xsum = [Double](repeating: 0, count: p)
        while i < hi && stop[i] == t {
          let r = risk[i]
          s0 += r
          for a in 0..<p {
            s1[a] += r * x[i * p + a]
            for b in 0..<p { s2[a * p + b] += r * x[i * p + a] * x[i * p + b] }
          }
          if status[i] == 1 {
            eventRows.append(i)
            deathWeight += weight[i]
            e0 += r
            for a in 0..<p {
              e1[a] += r * x[i * p + a]
              xsum[a] += weight[i] * x[i * p + a]
              for b in 0..<p { e2[a * p + b] += r * x[i * p + a] * x[i * p + b] }
            }
          }
          i += 1
        }
        if let start {
          while q < hi && start[startOrder[q]] >= t {
            let k = startOrder[q]
            s0 -= risk[k]
            for a in 0..<p {
              s1[a] -= risk[k] * x[k * p + a]
              for b in 0..<p { s2[a * p + b] -= risk[k] * x[k * p + a] * x[k * p + b] }
            }
            q += 1
          }
        }
        let m = eventRows.count
        if m == 0 { continue }
        let parts = efron ? m : 1
        var covariance = [Double](repeating: 0, count: p * p)
        var meanOfMeans = [Double](repeating: 0, count: p)
        for k in 0..<parts {
          let f = efron ? Double(k) / Double(m) : 0
          let d0 = s0 - f * e0
          let w = deathWeight / Double(parts)
          var mean = [Double](repeating: 0, count: p)
          for a in 0..<p { mean[a] = (s1[a] - f * e1[a]) / d0 }
          for a in 0..<p {
            meanOfMeans[a] += mean[a] / Double(parts)
            for b in 0..<p {
              covariance[a * p + b] +=
                w * ((s2[a * p + b] - f * e2[a * p + b]) / d0 - mean[a] * mean[b])
            }
          }
        }
        var score = [Double](repeating: 0, count: p)
        for a in 0..<p { score[a] = xsum[a] - deathWeight * meanOfMeans[a] }
        let residuals = eventRows.map { r in (0..<p).map { x[r * p + $0] - meanOfMeans[$0] } }
        result.append(
          EventTerm(
            time: t, row: eventRows[0], covariance: covariance, score: score, schoenfeld: residuals)
        )
      }
    }
    return result
  }
}
