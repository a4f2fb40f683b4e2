import RealModule

/// Firth's penalised Cox likelihood (Heinze & Schemper 2001, "A solution to the problem of
/// monotone likelihood in Cox regression", Biometrics 57, 114–119), as R's `coxphf` and SAS
/// PHREG's `FIRTH` option: Breslow ties, maximise
///
///   ℓ*(β) = ℓ(β) + ½ log det I(β),
///
/// whose score is U*_r = U_r + ½ tr(I⁻¹ ∂I/∂β_r). With the Breslow information
/// I = Σ_t d_t V_t, V_t = S2/S0 - x̄x̄ᵀ, and J = I⁻¹, h_i = x_iᵀ J x_i:
///
///   tr(J ∂I/∂β_r) = Σ_t d_t [A_r/S0 - B S1_r/S0² - 2 (V_t J x̄_t)_r],
///
/// A = Σ_{risk set} r_i h_i x_i and B = Σ_{risk set} r_i h_i, so no third-moment array is
/// formed. The estimate is finite where the ordinary one diverges (a group without events).
extension CoxProblem {
  /// The penalised log-likelihood, its score and the (unpenalised) information, scaled
  /// coordinates; nil when I(β) is not positive definite.
  /// - Complexity: O(n p² + p³) per evaluation.
  func evaluateFirth(beta: [Double]) -> Evaluation? {
    let base = evaluate(beta: beta, ties: .breslow)
    let p = self.p
    guard let chol = try? LAPACK.cholesky(Matrix(size: p, storage: base.information)),
      let inverse = try? LAPACK.inverse(Matrix(size: p, storage: base.information))
    else { return nil }
    var logDet = 0.0
    for j in 0..<p { logDet += 2 * Double.log(chol[j, j]) }
    var risk = [Double](repeating: 0, count: n)
    var h = [Double](repeating: 0, count: n)
    var jx = [Double](repeating: 0, count: p)
    for i in 0..<n {
      var e = 0.0
      for j in 0..<p { e += beta[j] * x[i * p + j] }
      risk[i] = weight[i] * Double.exp(e)
      for a in 0..<p {
        var v = 0.0
        for b in 0..<p { v += inverse[a, b] * x[i * p + b] }
        jx[a] = v
      }
      var q = 0.0
      for a in 0..<p { q += x[i * p + a] * jx[a] }
      h[i] = q
    }
    var correction = [Double](repeating: 0, count: p)
    var s1 = [Double](repeating: 0, count: p)
    var s2 = [Double](repeating: 0, count: p * p)
    var a1 = [Double](repeating: 0, count: p)
    var mean = [Double](repeating: 0, count: p)
    var jmean = [Double](repeating: 0, count: p)
    func add(_ i: Int, _ sign: Double) -> (Double, Double) {
      let r = sign * risk[i]
      for a in 0..<p {
        let xa = x[i * p + a]
        s1[a] += r * xa
        a1[a] += r * h[i] * xa
        for b in 0..<p { s2[a * p + b] += r * xa * x[i * p + b] }
      }
      return (r, r * h[i])
    }
    for s in 0..<(strataBounds.count - 1) {
      let lo = strataBounds[s]
      let hi = strataBounds[s + 1]
      var s0 = 0.0
      var bsum = 0.0
      for a in 0..<p { s1[a] = 0; a1[a] = 0 }
      for k in 0..<(p * p) { s2[k] = 0 }
      var i = lo
      var q = lo
      while i < hi {
        let t = stop[i]
        var deaths = 0.0
        while i < hi && stop[i] == t {
          let (r, rh) = add(i, 1)
          s0 += r
          bsum += rh
          if status[i] == 1 { deaths += weight[i] }
          i += 1
        }
        if let start {
          while q < hi && start[startOrder[q]] >= t {
            let (r, rh) = add(startOrder[q], -1)
            s0 += r
            bsum += rh
            q += 1
          }
        }
        if deaths == 0 { continue }
        for a in 0..<p { mean[a] = s1[a] / s0 }
        for a in 0..<p {
          var v = 0.0
          for b in 0..<p { v += inverse[a, b] * mean[b] }
          jmean[a] = v
        }
        for r in 0..<p {
          var vj = 0.0
          for b in 0..<p { vj += (s2[r * p + b] / s0 - mean[r] * mean[b]) * jmean[b] }
          correction[r] += deaths * (a1[r] / s0 - bsum * s1[r] / (s0 * s0) - 2 * vj)
        }
      }
    }
    var score = base.score
    for r in 0..<p { score[r] += 0.5 * correction[r] }
    return Evaluation(
      loglik: base.loglik + 0.5 * logDet, score: score, information: base.information)
  }
}

/// Maximisation of a Cox log-likelihood (ordinary or penalised) with some coefficients held
/// fixed, and the profile-likelihood limits and tests built on it.
struct CoxProfiler {
  /// ℓ, its score and the information at β (scaled coordinates); nil where undefined.
  let objective: ([Double]) -> CoxProblem.Evaluation?
  let p: Int

  /// Newton–Raphson over the free coordinates (step by the information's free block, at most
  /// `maxStep` per coordinate, halved while ℓ falls), from `start`; stops when every free
  /// step is below 1e-10 (1 + |β|) or after 200 iterations.
  func maximise(start: [Double], fixed: Set<Int> = []) -> (
    beta: [Double], loglik: Double, iterations: Int, converged: Bool
  )? {
    let free = (0..<p).filter { !fixed.contains($0) }
    var beta = start
    guard var current = objective(beta) else { return nil }
    if free.isEmpty { return (beta, current.loglik, 0, true) }
    let m = free.count
    for iteration in 1...200 {
      var block = Matrix(zeros: m)
      for (a, i) in free.enumerated() {
        for (b, j) in free.enumerated() { block[a, b] = current.information[i * p + j] }
      }
      guard var step = try? LAPACK.solve(block, free.map { current.score[$0] }) else {
        return nil
      }
      let largest = step.map(abs).max() ?? 0
      if largest > 5 { step = step.map { $0 * 5 / largest } }
      var accepted = false
      for _ in 0..<40 {
        var trial = beta
        for (a, i) in free.enumerated() { trial[i] += step[a] }
        if let next = objective(trial), next.loglik.isFinite,
          next.loglik >= current.loglik - 1e-12 * abs(current.loglik)
        {
          let small = zip(free, step).allSatisfy { i, d in abs(d) <= 1e-10 * (1 + abs(trial[i])) }
          beta = trial
          current = next
          accepted = true
          if small { return (beta, current.loglik, iteration, true) }
          break
        }
        step = step.map { $0 / 2 }
      }
      // No increase even for a tiny step: at the maximum to rounding.
      if !accepted { return (beta, current.loglik, iteration, true) }
    }
    return (beta, current.loglik, 200, false)
  }

  /// Profile limits for coordinate j: where 2 (ℓ_max - max_{β_-j} ℓ(β_j = b)) equals the
  /// chi-square quantile `critical`, searched outward from the estimate by doubling, then
  /// by bisection–secant (Illinois) to 1e-10 relative. nil for a side that is not reached
  /// within 2^30 steps (an infinite limit: a monotone likelihood).
  func limits(
    j: Int, estimate: [Double], loglik: Double, standardError: Double, critical: Double
  ) -> (lower: Double?, upper: Double?) {
    var warm = estimate
    func deviance(_ b: Double) -> Double? {
      var start = warm
      start[j] = b
      guard let fit = maximise(start: start, fixed: [j]) else { return nil }
      warm = fit.beta
      return 2 * (loglik - fit.loglik) - critical
    }
    func side(_ direction: Double) -> Double? {
      warm = estimate
      var inner = estimate[j]
      var fInner = -critical
      // Start one SE out (at most 1 on the scaled axis, where covariates have unit mean
      // absolute deviation: a diverging coefficient's SE is meaningless) and double.
      var distance = min(max(standardError, 1e-8), 1)
      var outer = inner + direction * distance
      var fOuter: Double? = deviance(outer)
      var expansions = 0
      while true {
        if fOuter == nil {
          // Undefined that far out (e^η overflows): step back halfway.
          distance /= 2
          outer = estimate[j] + direction * distance
          if abs(outer - inner) <= 1e-10 * max(1, abs(inner)) { return nil }
          fOuter = deviance(outer)
          continue
        }
        if fOuter! >= 0 { break }
        inner = outer
        fInner = fOuter!
        distance *= 2
        expansions += 1
        if expansions > 30 { return nil }
        outer = estimate[j] + direction * distance
        fOuter = deviance(outer)
      }
      guard var fo = fOuter else { return nil }
      var a = inner
      var fa = fInner
      var b = outer
      var lastSide = 0
      for _ in 0..<200 {
        var c = b - fo * (b - a) / (fo - fa)
        if !(c > min(a, b) && c < max(a, b)) { c = (a + b) / 2 }
        guard let fc = deviance(c) else { return nil }
        if abs(b - a) <= 1e-10 * max(1, abs(c)) || fc == 0 { return c }
        if (fc < 0) == (fa < 0) {
          a = c
          fa = fc
          if lastSide == -1 { fo /= 2 }
          lastSide = -1
        } else {
          b = c
          fo = fc
          if lastSide == 1 { fa /= 2 }
          lastSide = 1
        }
      }
      return (a + b) / 2
    }
    return (side(-1), side(1))
  }
}
