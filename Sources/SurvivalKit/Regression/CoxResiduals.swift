import RealModule

/// Residuals of a Cox fit, as R's `residuals.coxph` (survival 3.5).
///
/// With η_i the linear predictor, Λ_i the baseline cumulative hazard accumulated over row i's
/// time at risk (the fit's tie method: Efron gives the k-th of m tied events the share
/// 1 - k/m of the k-th hazard increment; exact ties use the Breslow form, as R) and δ_i the
/// status:
/// - `martingale`: M_i = δ_i - e^{η_i} Λ_i;
/// - `deviance`: sign(M_i) √(-2 (M_i + δ_i log(δ_i - M_i)));
/// - `score`: the row's contribution to the score, δ_i (x_i - x̄(t_i)) minus
///   e^{η_i} Σ_{t_j at risk} h_j (x_i - x̄(t_j)) (Therneau & Grambsch 2000, §4.6);
/// - `schoenfeld`: x_i - x̄(t_i) for each event (Schoenfeld 1982), x̄ the risk-set mean
///   (Efron: the mean over the m parts);
/// - `scaledsch`: β̂ + d · V r_i, d the number of events and V the model-based variance
///   (Grambsch & Therneau 1994, R's scaling);
/// - `dfbeta`: w_i r_iᵀ V, the approximate change in β̂ when row i is left out;
/// - `dfbetas`: dfbeta divided by the coefficients' standard errors.
///
/// Weights: only dfbeta and dfbetas are multiplied by the case weights by default (R's
/// `weighted` argument). `collapse` sums the rows of each `cluster()` group (then the
/// deviance is computed from the summed martingale residuals and statuses, as R).
public struct CoxResiduals: Sendable {
  /// The residual types of `residuals.coxph`.
  public enum Kind: String, Sendable, CaseIterable {
    case martingale, deviance, score, schoenfeld, scaledsch, dfbeta, dfbetas

    /// Whether the type has one column per coefficient.
    public var isPerTerm: Bool { self != .martingale && self != .deviance }
    /// Whether the rows are the events (Schoenfeld types) rather than the input rows.
    public var isPerEvent: Bool { self == .schoenfeld || self == .scaledsch }
  }

  /// The residual type.
  public let kind: Kind
  /// Whether the residuals were multiplied by the case weights.
  public let weighted: Bool
  /// Input line of each row (nil when collapsed).
  public let lines: [Int]?
  /// The `cluster()` value of each row when collapsed.
  public let clusters: [String]?
  /// Event time of each row for the Schoenfeld types.
  public let times: [Double]?
  /// Column names: the coefficients, or `residual` for martingale and deviance.
  public let columns: [String]
  /// `values[column][row]`; NaN where R gives NaN (a collapsed deviance with more than one
  /// event in a group whose formula has no real value).
  public let values: [[Double]]

  /// The number of rows.
  public var count: Int { values.first?.count ?? 0 }
}

extension CoxFit {
  /// The residuals of the fit, as R's `residuals(fit, type)`; rows in input order (the rows
  /// used), or the events in (stratum, time) order for the Schoenfeld types.
  ///
  /// - Parameters:
  ///   - kind: the residual type.
  ///   - weighted: multiply by the case weights; nil follows R (dfbeta and dfbetas only).
  ///   - collapse: sum within the `cluster()` groups (R's `collapse = cluster`); not for the
  ///     Schoenfeld types.
  /// - Throws: `SurvivalKitError.invalidArgument` for score-type residuals of an exact-ties
  ///   fit (R has none), a collapse without `cluster()` or of Schoenfeld residuals.
  /// - Complexity: O(n p² + n log T) for n rows, p coefficients and T event times.
  public func residuals(_ kind: CoxResiduals.Kind, weighted: Bool? = nil, collapse: Bool = false)
    throws -> CoxResiduals
  {
    guard let state else {
      throw SurvivalKitError.insufficientData(message: "this fit carries no data for residuals")
    }
    if ties == .exact && kind != .martingale && kind != .deviance {
      throw SurvivalKitError.invalidArgument(
        name: "residuals",
        message: "\(kind.rawValue) residuals are not available for exact ties (as in R); refit "
          + "with ties efron or breslow, or ask for martingale or deviance residuals")
    }
    if collapse && kind.isPerEvent {
      throw SurvivalKitError.invalidArgument(
        name: "collapse",
        message: "Schoenfeld residuals belong to events, not rows, so they cannot be summed by "
          + "cluster; drop the collapse")
    }
    if collapse && state.cluster == nil {
      throw SurvivalKitError.invalidArgument(
        name: "collapse",
        message: "the formula has no cluster() term to collapse by; add + cluster(id)")
    }
    let weighted = weighted ?? (kind == .dfbeta || kind == .dfbetas)
    let problem = state.problem
    let n = problem.n
    let p = problem.p
    let scales = problem.scales
    let v = state.naiveVariance
    let parts = problem.residualParts(
      beta: state.betaScaled, ties: state.ties, schoenfeld: kind.isPerEvent)
    // Per sorted row, in original coordinates.
    var columns: [[Double]]
    switch kind {
    case .martingale, .deviance:
      var m = [Double](repeating: 0, count: n)
      for k in 0..<n { m[k] = problem.status[k] - parts.expected[k] }
      columns = [m]
    case .score, .dfbeta, .dfbetas:
      columns = [[Double]](repeating: [Double](repeating: 0, count: n), count: p)
      var r = [Double](repeating: 0, count: p)
      for k in 0..<n {
        for j in 0..<p { r[j] = parts.score[k * p + j] / scales[j] }
        if kind == .score {
          for j in 0..<p { columns[j][k] = r[j] }
        } else {
          for j in 0..<p {
            var d = 0.0
            for l in 0..<p { d += r[l] * v[l, j] }
            columns[j][k] = kind == .dfbetas ? d / v[j, j].squareRoot() : d
          }
        }
      }
    case .schoenfeld, .scaledsch:
      // Events in R's order: stratum, time ascending, then input order.
      var events: [Int] = []
      for k in 0..<n where problem.status[k] == 1 { events.append(k) }
      events.sort { a, b in
        let sa = state.strataCodes[Int(problem.order[a])]
        let sb = state.strataCodes[Int(problem.order[b])]
        if sa != sb { return sa < sb }
        if problem.stop[a] != problem.stop[b] { return problem.stop[a] < problem.stop[b] }
        return problem.order[a] < problem.order[b]
      }
      let d = Double(events.count)
      let coef = (0..<p).map { state.betaScaled[$0] * scales[$0] }
      columns = [[Double]](repeating: [Double](repeating: 0, count: events.count), count: p)
      var r = [Double](repeating: 0, count: p)
      for (e, k) in events.enumerated() {
        for j in 0..<p { r[j] = parts.schoenfeld[k * p + j] / scales[j] }
        for j in 0..<p {
          if kind == .schoenfeld {
            columns[j][e] = r[j]
          } else {
            var s = 0.0
            for l in 0..<p { s += r[l] * v[l, j] }
            columns[j][e] = coef[j] + d * s
          }
        }
        if weighted {
          for j in 0..<p { columns[j][e] *= problem.weight[k] }
        }
      }
      return CoxResiduals(
        kind: kind, weighted: weighted,
        lines: events.map { state.lineNumbers[Int(problem.order[$0])] }, clusters: nil,
        times: events.map { problem.stop[$0] }, columns: state.columnNames, values: columns)
    }
    if weighted {
      for j in columns.indices {
        for k in 0..<n { columns[j][k] *= problem.weight[k] }
      }
    }
    // Back to the sample's row order.
    var status = [Double](repeating: 0, count: n)
    var byRow = [[Double]](repeating: [Double](repeating: 0, count: n), count: columns.count)
    for k in 0..<n {
      let row = Int(problem.order[k])
      status[row] = problem.status[k]
      for j in columns.indices { byRow[j][row] = columns[j][k] }
    }
    var lines: [Int]? = Array(state.lineNumbers)
    var clusters: [String]? = nil
    if collapse, let cluster = state.cluster {
      let g = cluster.labels.count
      var sums = [[Double]](repeating: [Double](repeating: 0, count: g), count: byRow.count)
      var statusSums = [Double](repeating: 0, count: g)
      for row in 0..<n {
        let c = Int(cluster.codes[row])
        statusSums[c] += status[row]
        for j in byRow.indices { sums[j][c] += byRow[j][row] }
      }
      byRow = sums
      status = statusSums
      lines = nil
      clusters = cluster.labels
    }
    if kind == .deviance {
      byRow[0] = zip(byRow[0], status).map { m, s in
        let inner = -2 * (m + (s == 0 ? 0 : s * Double.log(s - m)))
        return (m < 0 ? -1 : m > 0 ? 1 : 0) * inner.squareRoot()
      }
    }
    return CoxResiduals(
      kind: kind, weighted: weighted, lines: lines, clusters: clusters, times: nil,
      columns: kind.isPerTerm ? state.columnNames : ["residual"], values: byRow)
  }
}
