import Dispatch
import RealModule

/// The likelihood evaluation for right-censored data with few distinct times: the rows' sums
/// are taken per run of equal times first, so the backward pass walks times, not rows.
///
/// `evaluate` walks the sorted rows once more after computing their risk scores, adding
/// r_i and r_i x_i to the running S0 and S1 row by row. When many rows share each time
/// (follow-up in days, a few thousand distinct times among a million rows), one pass over the
/// rows computes r_i and, per time t, G0_t = Σ r_i, G1_t = Σ r_i x_i, and the events' E0_t,
/// E1_t, count and weight; the backward pass then runs over the times, S0 and S1 being running
/// sums of G0 and G1, with the same event-time terms (`EvaluationInput.eventTimeTerms`). Each
/// row's share of the second-moment part, κ_i = H - H_{t_i} - δ_i w_{t_i} b_{t_i} (H the
/// stratum's Σ_t w_t a_t, H_{t_i} its value before t_i), is filled just before the cross
/// product. The covariate block is read twice per evaluation instead of three times, and
/// nothing per row waits on the row before it. Results differ from the row-by-row pass by
/// summation order only.
extension CoxProblem {
  /// Whether `evaluate` takes the grouped pass: nil decides by the data (right-censored, and
  /// the per-time sums no larger than one array of n), true or false forces it where it
  /// applies (tests run both passes on the same data).
  @TaskLocal static var groupedPass: Bool? = nil

  /// The first sorted row of each run of equal times within each stratum, then n; nil for
  /// counting-process data or when the runs are too short to be worth it.
  func timeGroups() -> [Int32]? {
    guard start == nil, n > 0 else { return nil }
    if let groups = workspace.timeGroups { return groups }
    var groups: [Int32] = [0]
    stop.withUnsafeBufferPointer { stop in
      var s = 1
      for i in 1..<max(1, n) {
        let newStratum = s < strataBounds.count - 1 && i == strataBounds[s]
        if newStratum { s += 1 }
        if newStratum || stop[i] != stop[i - 1] { groups.append(Int32(truncatingIfNeeded: i)) }
      }
    }
    groups.append(Int32(truncatingIfNeeded: n))
    workspace.timeGroups = groups
    return groups
  }

  /// Whether the grouped pass serves this problem (see `groupedPass`).
  func usesGroupedPass() -> Bool {
    guard start == nil, let groups = timeGroups() else { return false }
    if let forced = CoxProblem.groupedPass { return forced }
    return (groups.count - 1) * (2 * p + 6) <= n
  }

  /// `evaluate` by the grouped pass (see the extension's description).
  func evaluateGrouped(beta: [Double], efron: Bool, derivatives: Bool) -> Evaluation {
    let n = self.n
    let p = self.p
    let groups = timeGroups()!
    let groupCount = groups.count - 1
    let layout = EvaluationInput.Layout(p: p)
    let perGroup = 2 * p + 6
    let scratch = workspace.buffer(2 * n + 2 * layout.size + groupCount * perGroup)
    let risk = scratch
    let kappa = risk + n
    // Partial results as `evaluate` lays them out: the pass's terms in the first block, the
    // cross product's halves in both.
    let blocks = kappa + n
    let groupSums = blocks + 2 * layout.size
    for k in 0..<(2 * layout.size) { blocks[k] = 0 }
    // Per group: G0, G1[p], E0, E1[p], deaths, death weight, H before, w b.
    @inline(__always) func sums(_ g: Int) -> UnsafeMutablePointer<Double> {
      groupSums + g * perGroup
    }
    let zero = beta.allSatisfy { $0 == 0 }
    // Two threads for large data (or from `splitThreshold` rows, which tests lower).
    let parallel = n * p >= 1 << 15 || n >= CoxProblem.splitThreshold
    // The groups split in two near the middle row.
    var middle = 0
    while middle < groupCount && Int(groups[middle]) < n / 2 { middle += 1 }
    let middleGroup = middle
    x.withUnsafeBufferPointer { xBuffer in
      status.withUnsafeBufferPointer { statusBuffer in
        weight.withUnsafeBufferPointer { weightBuffer in
          groups.withUnsafeBufferPointer { groupBuffer in
            let shared = UncheckedSendable(
              (
                xBuffer.baseAddress!, statusBuffer.baseAddress!, weightBuffer.baseAddress!,
                groupBuffer.baseAddress!, beta, groupSums, risk
              ))
            // Pass 1: risk scores and per-time sums.
            let scores: @Sendable (Range<Int>) -> Void = { range in
              let (x, status, weight, groups, beta, groupSums, risk) = shared.value
              beta.withUnsafeBufferPointer { beta in
                for g in range {
                  let out = groupSums + g * perGroup
                  for k in 0..<perGroup { out[k] = 0 }
                  let g1 = out + 1
                  let e1 = out + 2 + p
                  var g0 = 0.0
                  var e0 = 0.0
                  var deaths = 0.0
                  var deathWeight = 0.0
                  for i in Int(groups[g])..<Int(groups[g + 1]) {
                    let row = x + i * p
                    var e = 0.0
                    if !zero {
                      for j in 0..<p { e += beta[j] * row[j] }
                    }
                    let r = zero ? weight[i] : weight[i] * Double.exp(e)
                    risk[i] = r
                    g0 += r
                    for j in 0..<p { g1[j] += r * row[j] }
                    if status[i] == 1 {
                      deaths += 1
                      deathWeight += weight[i]
                      e0 += r
                      for j in 0..<p { e1[j] += r * row[j] }
                    }
                  }
                  out[0] = g0
                  out[1 + p] = e0
                  out[2 + 2 * p] = deaths
                  out[3 + 2 * p] = deathWeight
                }
              }
            }
            if parallel {
              DispatchQueue.concurrentPerform(iterations: 2) { part in
                scores(part == 0 ? 0..<middleGroup : middleGroup..<groupCount)
              }
            } else {
              scores(0..<groupCount)
            }
          }
        }
      }
    }
    // The backward pass over the times of each stratum.
    var loglik = 0.0
    var hazardAtEnd = [Double](repeating: 0, count: strataBounds.count - 1)
    let s1 = UnsafeMutablePointer<Double>.allocate(capacity: max(1, p))
    defer { s1.deallocate() }
    do {
      var g = 0
      for stratum in 0..<(strataBounds.count - 1) {
        var s0 = 0.0
        for j in 0..<p { s1[j] = 0 }
        var hazard = 0.0
        while g < groupCount && Int(groups[g]) < strataBounds[stratum + 1] {
          let out = sums(g)
          s0 += out[0]
          for j in 0..<p { s1[j] += out[1 + j] }
          out[4 + 2 * p] = hazard
          out[5 + 2 * p] = 0
          let deaths = Int(out[2 + 2 * p])
          if deaths > 0 {
            let (partWeight, a, b) = EvaluationInput.eventTimeTerms(
              s0: s0, s1: s1, e0: out[1 + p], e1: out + 2 + p, deaths: deaths,
              deathWeight: out[3 + 2 * p], p: p, efron: efron, derivatives: derivatives,
              loglik: &loglik, score: blocks + layout.score,
              information: blocks + layout.information)
            hazard += partWeight * a
            out[5 + 2 * p] = partWeight * b
          }
          g += 1
        }
        hazardAtEnd[stratum] = hazard
      }
    }
    if derivatives {
      // Each row's share, then the cross product, two threads over halves of the rows.
      let input = EvaluationInput(
        problem: self, beta: beta, zero: zero, efron: efron, derivatives: true, risk: risk,
        kappa: kappa, blocks: blocks, layout: layout, mid: n, carryLow: n)
      x.withUnsafeBufferPointer { xBuffer in
        stop.withUnsafeBufferPointer { stopBuffer in
          status.withUnsafeBufferPointer { statusBuffer in
            weight.withUnsafeBufferPointer { weightBuffer in
              groups.withUnsafeBufferPointer { groupBuffer in
                let data = EvaluationData(
                  x: xBuffer.baseAddress!, stop: stopBuffer.baseAddress!,
                  status: statusBuffer.baseAddress!, weight: weightBuffer.baseAddress!)
                let shared = UncheckedSendable(
                  (groupBuffer.baseAddress!, hazardAtEnd, groupSums, kappa))
                let bounds = strataBounds
                let cross: @Sendable (Int) -> Void = { part in
                  let (groups, hazardAtEnd, groupSums, kappa) = shared.value
                  let rows = part == 0 ? 0..<(n / 2) : (n / 2)..<n
                  if rows.isEmpty { return }
                  // The group and stratum of the first row, then walked along.
                  var g = 0
                  while Int(groups[g + 1]) <= rows.lowerBound { g += 1 }
                  var stratum = 0
                  while bounds[stratum + 1] <= rows.lowerBound { stratum += 1 }
                  var i = rows.lowerBound
                  while i < rows.upperBound {
                    while bounds[stratum + 1] <= i { stratum += 1 }
                    let out = groupSums + g * perGroup
                    let end = min(Int(groups[g + 1]), rows.upperBound)
                    let share = hazardAtEnd[stratum] - out[4 + 2 * p]
                    let eventShare = share - out[5 + 2 * p]
                    while i < end {
                      kappa[i] = data.status[i] == 1 ? eventShare : share
                      i += 1
                    }
                    g += 1
                  }
                  input.crossProduct(data, rows: rows, part: part)
                }
                if parallel {
                  DispatchQueue.concurrentPerform(iterations: 2) { cross($0) }
                } else {
                  cross(0)
                  cross(1)
                }
              }
            }
          }
        }
      }
    }
    blocks[layout.loglik] = loglik
    return combine(blocks, layout: layout, beta: beta, split: false, derivatives: derivatives)
  }
}
