import RealModule

/// Binomial probabilities for exact design calculations.
enum Binomial {
  /// P(X = k) for k = 0...n, X ~ Bin(n, p), from log-gamma (relative error about 1e-14).
  static func pmf(n: Int, p: Double) -> [Double] {
    if p <= 0 { return (0...n).map { $0 == 0 ? 1 : 0 } }
    if p >= 1 { return (0...n).map { $0 == n ? 1 : 0 } }
    let lp = Double.log(p)
    let lq = Double.log(onePlus: -p)
    let lgn = Double.logGamma(Double(n + 1))
    return (0...n).map { k in
      Double.exp(
        lgn - Double.logGamma(Double(k + 1)) - Double.logGamma(Double(n - k + 1)) + Double(k) * lp
          + Double(n - k) * lq)
    }
  }

  /// survival[k + 1] = P(X > k) for k = −1...n (so index 0 holds 1).
  static func survival(n: Int, p: Double) -> [Double] {
    let f = pmf(n: n, p: p)
    var s = [Double](repeating: 0, count: n + 2)
    var tail = 0.0
    for k in stride(from: n, through: 0, by: -1) {
      s[k] = tail + f[k]  // P(X >= k) = P(X > k − 1)
      tail += f[k]
    }
    s[n + 1] = 0
    return s
  }
}
