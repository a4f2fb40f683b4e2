import RealModule

/// The exact discrete partial likelihood for tied event times (R's `ties = "exact"`, the
/// conditional logistic model): at a time with d events among the risk set R,
///
///   L_t = exp(Σ_{events} η) / Σ_{S ⊂ R, |S| = d} exp(Σ_{i∈S} η_i),
///
/// with the denominator B(d, |R|) and its first and second derivatives built by the recursion
/// B(k, r) = B(k, r-1) + e^{η_r} B(k-1, r-1) over the members of R (Gail, Lubin & Rubinstein
/// 1981). Right-censored data without case weights.
///
/// - Complexity: O(d |R| p²) per event time.
extension CoxProblem {
  func evaluateExact(beta: [Double]) -> Evaluation {
    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    var eta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var e = 0.0
      for j in 0..<p { e += beta[j] * x[i * p + j] }
      eta[i] = e
    }
    for s in 0..<(strataBounds.count - 1) {
      let lo = strataBounds[s]
      let hi = strataBounds[s + 1]
      var i = lo
      while i < hi {
        let t = stop[i]
        var j = i
        var events: [Int] = []
        while j < hi && stop[j] == t {
          if status[j] == 1 { events.append(j) }
          j += 1
        }
        defer { i = j }
        let d = events.count
        if d == 0 { continue }
        // Risk set: sorted rows lo..<j (times >= t, as rows are in descending time).
        let members = Array(lo..<j)
        // Shift the linear predictors by their maximum to keep e^η in range.
        var shift = -Double.infinity
        for r in members { shift = max(shift, eta[r]) }
        // b[k], g[k * p + a], h[k * p * p + a * p + b] for subsets of size k.
        var b = [Double](repeating: 0, count: d + 1)
        var g = [Double](repeating: 0, count: (d + 1) * p)
        var h = [Double](repeating: 0, count: (d + 1) * p * p)
        b[0] = 1
        for r in members {
          let e = Double.exp(eta[r] - shift)
          for k in stride(from: d, through: 1, by: -1) {
            let bPrev = b[k - 1]
            if bPrev == 0 { continue }
            for a in 0..<p {
              let xa = x[r * p + a]
              for c in 0..<p {
                let xc = x[r * p + c]
                h[k * p * p + a * p + c] +=
                  e
                  * (xa * xc * bPrev + xa * g[(k - 1) * p + c] + xc * g[(k - 1) * p + a]
                    + h[(k - 1) * p * p + a * p + c])
              }
            }
            for a in 0..<p { g[k * p + a] += e * (x[r * p + a] * bPrev + g[(k - 1) * p + a]) }
            b[k] += e * bPrev
          }
        }
        let denominator = b[d]
        var etaSum = 0.0
        for r in events {
          etaSum += eta[r]
          for a in 0..<p { u[a] += x[r * p + a] }
        }
        loglik += etaSum - (Double.log(denominator) + Double(d) * shift)
        for a in 0..<p {
          let ga = g[d * p + a] / denominator
          u[a] -= ga
          for c in 0..<p {
            imat[a * p + c] +=
              h[d * p * p + a * p + c] / denominator - ga * g[d * p + c] / denominator
          }
        }
      }
    }
    return Evaluation(loglik: loglik, score: u, information: imat)
  }
}
