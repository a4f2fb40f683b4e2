import RealModule

/// Fisher's exact test of independence in a two-way contingency table, as R's `fisher.test`.
///
/// Conditional on both margins the table has the (multivariate) hypergeometric distribution
/// P(x) = (∏ r_i! ∏ c_j!) / (N! ∏ x_ij!). The two-sided p-value is the sum of P over every table
/// with the same margins that is no more probable than the observed one, P(y) <= P(x)(1 + 1e-7)
/// (R's relative tolerance for ties). For an r × c table this is the Fisher–Freeman–Halton test
/// (Freeman & Halton 1951).
///
/// For a 2 × 2 table the result also has the conditional maximum-likelihood estimate of the odds
/// ratio and its exact confidence interval (Cornfield 1956): with x = x₁₁ and the noncentral
/// hypergeometric distribution P_ψ(x) ∝ C(m, x) C(n, k − x) ψ^x, the estimate solves
/// E_ψ(X) = x and the limits solve P_ψ(X >= x) = α/2 and P_ψ(X <= x) = α/2. One-sided
/// alternatives (`less`, `greater`) use the lower or upper tail of P_ψ at ψ = 1.
///
/// The r × c p-value is computed by enumerating the tables with the given margins column by
/// column, with bounds (the network algorithm's idea, Mehta & Patel 1983) that add or skip a
/// whole subtree at once: the total probability of all completions of a partial table is known
/// in closed form, and the most and least probable completion are bounded by relaxing the row
/// margins.
///
/// References: R. A. Fisher (1935), The logic of inductive inference, JRSS 98, 39–82;
/// G. H. Freeman & J. H. Halton (1951), Biometrika 38, 141–149; C. R. Mehta & N. R. Patel (1983),
/// JASA 78, 427–434; J. Cornfield (1956), Proc. 3rd Berkeley Symp. 4, 135–148.
public struct FisherExactTest: Sendable, Equatable {
  /// The alternative hypothesis (2 × 2 only; r × c tables are always two-sided).
  public enum Alternative: String, Sendable, CaseIterable {
    case twoSided = "two.sided"
    case less
    case greater
  }

  /// The counts, `counts[i][j]` in row i, column j.
  public let counts: [[Int]]
  /// The p-value.
  public let p: Double
  /// The alternative tested.
  public let alternative: Alternative
  /// Conditional MLE of the odds ratio (2 × 2 only; `.infinity` when x₁₁ is at its maximum).
  public let oddsRatio: Double?
  /// Exact confidence limits of the odds ratio (2 × 2 only).
  public let lower: Double?
  public let upper: Double?
  /// Confidence level of the limits.
  public let confLevel: Double

  /// Runs the test.
  /// - Parameters:
  ///   - counts: a table of non-negative counts; rows and columns whose total is 0 are dropped
  ///     (they do not change the conditional distribution); at least 2 × 2 must remain.
  ///   - alternative: for 2 × 2 tables.
  ///   - confLevel: for the odds-ratio interval.
  ///   - maxTables: the enumeration stops with an error past this many table nodes.
  /// - Complexity: 2 × 2: O(min(row, column totals)) per evaluation of the noncentral
  ///   distribution; r × c: the number of nodes the bounded enumeration visits.
  public init(
    counts: [[Int]], alternative: Alternative = .twoSided, confLevel: Double = 0.95,
    maxTables: Int = 50_000_000
  ) throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(confLevel) is not between 0 and 1; use e.g. 0.95")
    }
    guard let width = counts.first?.count, counts.allSatisfy({ $0.count == width }) else {
      throw SurvivalKitError.invalidArgument(
        name: "table", message: "every row of the table needs the same number of cells")
    }
    for (i, row) in counts.enumerated() {
      for (j, x) in row.enumerated() where x < 0 {
        throw SurvivalKitError.invalidArgument(
          name: "table", message: "cell (\(i + 1), \(j + 1)) is \(x); counts must be >= 0")
      }
    }
    // Drop empty rows and columns (they do not change the conditional distribution).
    var table = counts.filter { $0.reduce(0, +) > 0 }
    let keep = (0..<width).filter { j in table.contains { $0[j] > 0 } }
    table = table.map { row in keep.map { row[$0] } }
    guard table.count >= 2 && keep.count >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "the table needs at least 2 non-empty rows and 2 non-empty columns for a test "
          + "of independence (it has \(table.count) × \(keep.count))")
    }
    self.counts = counts
    self.confLevel = confLevel
    if table.count == 2 && keep.count == 2 {
      let h = NoncentralHypergeometric(
        x: table[0][0], m: table[0][0] + table[1][0], n: table[0][1] + table[1][1],
        k: table[0][0] + table[0][1])
      self.alternative = alternative
      switch alternative {
      case .less: p = h.lowerTail(h.x, psi: 1)
      case .greater: p = h.upperTail(h.x, psi: 1)
      case .twoSided: p = h.twoSidedP()
      }
      oddsRatio = h.conditionalMLE()
      switch alternative {
      case .less:
        lower = 0
        upper = h.upperLimit(alpha: 1 - confLevel)
      case .greater:
        lower = h.lowerLimit(alpha: 1 - confLevel)
        upper = .infinity
      case .twoSided:
        lower = h.lowerLimit(alpha: (1 - confLevel) / 2)
        upper = h.upperLimit(alpha: (1 - confLevel) / 2)
      }
    } else {
      guard alternative == .twoSided else {
        throw SurvivalKitError.invalidArgument(
          name: "alternative",
          message: "one-sided alternatives exist for 2 × 2 tables only; this table is "
            + "\(table.count) × \(keep.count)")
      }
      self.alternative = .twoSided
      var enumeration = FreemanHalton(table: table, maxNodes: maxTables)
      p = try enumeration.pValue()
      oddsRatio = nil
      lower = nil
      upper = nil
    }
  }
}

/// log n! for n = 0...N, by summing logs (exact to rounding for the sizes of a table).
struct LogFactorials {
  let values: [Double]
  init(upTo n: Int) {
    var v = [Double](repeating: 0, count: n + 1)
    if n >= 1 {
      for i in 1...n { v[i] = v[i - 1] + Double.log(Double(i)) }
    }
    values = v
  }
  subscript(_ i: Int) -> Double { values[i] }
}

/// The conditional distribution of x₁₁ in a 2 × 2 table with margins m (column 1), n (column 2)
/// and k (row 1): P_ψ(x) ∝ C(m, x) C(n, k − x) ψ^x on lo...hi.
struct NoncentralHypergeometric {
  let x: Int
  let lo: Int
  let hi: Int
  /// log C(m, s) C(n, k − s) for s in lo...hi.
  let logWeights: [Double]

  init(x: Int, m: Int, n: Int, k: Int) {
    self.x = x
    lo = max(0, k - n)
    hi = min(k, m)
    let f = LogFactorials(upTo: m + n)
    func logChoose(_ a: Int, _ b: Int) -> Double { f[a] - f[b] - f[a - b] }
    logWeights = (lo...hi).map { logChoose(m, $0) + logChoose(n, k - $0) }
  }

  /// Probabilities over lo...hi at odds ratio ψ (0 < ψ < ∞).
  func density(psi: Double) -> [Double] {
    let lp = Double.log(psi)
    var d = logWeights.enumerated().map { $0.element + lp * Double(lo + $0.offset) }
    let top = d.max()!
    var total = 0.0
    for i in d.indices {
      d[i] = Double.exp(d[i] - top)
      total += d[i]
    }
    return d.map { $0 / total }
  }

  func mean(psi: Double) -> Double {
    if psi == 0 { return Double(lo) }
    if psi == .infinity { return Double(hi) }
    var s = 0.0
    for (i, d) in density(psi: psi).enumerated() { s += Double(lo + i) * d }
    return s
  }

  /// P_ψ(X <= q).
  func lowerTail(_ q: Int, psi: Double) -> Double {
    let d = density(psi: psi)
    var s = 0.0
    for i in d.indices where lo + i <= q { s += d[i] }
    return min(1, s)
  }

  /// P_ψ(X >= q).
  func upperTail(_ q: Int, psi: Double) -> Double {
    let d = density(psi: psi)
    var s = 0.0
    for i in d.indices where lo + i >= q { s += d[i] }
    return min(1, s)
  }

  func twoSidedP() -> Double {
    let d = density(psi: 1)
    let limit = d[x - lo] * (1 + 1e-7)
    var s = 0.0
    for v in d where v <= limit { s += v }
    return min(1, s)
  }

  /// The root in t = log ψ of a function increasing in t, by bisection to the resolution of
  /// doubles.
  func solveLog(_ f: (Double) -> Double) -> Double {
    var a = -1.0
    var b = 1.0
    while f(a) > 0 && a > -700 { a *= 2 }
    while f(b) < 0 && b < 700 { b *= 2 }
    for _ in 0..<200 {
      let mid = (a + b) / 2
      if mid == a || mid == b { break }
      if f(mid) < 0 { a = mid } else { b = mid }
    }
    return Double.exp((a + b) / 2)
  }

  func conditionalMLE() -> Double {
    if x == lo { return 0 }
    if x == hi { return .infinity }
    return solveLog { mean(psi: Double.exp($0)) - Double(x) }
  }

  /// ψ with P_ψ(X <= x) = α (P_ψ(X <= x) falls as ψ grows).
  func upperLimit(alpha: Double) -> Double {
    if x == hi { return .infinity }
    return solveLog { alpha - lowerTail(x, psi: Double.exp($0)) }
  }

  /// ψ with P_ψ(X >= x) = α (P_ψ(X >= x) grows with ψ).
  func lowerLimit(alpha: Double) -> Double {
    if x == lo { return 0 }
    return solveLog { upperTail(x, psi: Double.exp($0)) - alpha }
  }
}

/// The Freeman–Halton p-value of an r × c table by the network algorithm (Mehta & Patel 1983).
///
/// The table is built column by column. A node is the multiset of row totals still to fill
/// (sorted, so row permutations share a node); a path's value is Σ −log x! of the cells placed so
/// far plus log(∏ r_i! ∏ c_j! / N!). Paths reaching a node with the same value (to 1e-9) are
/// merged with their multiplicity. At each node the exact largest and smallest value of any
/// completion (memoised over nodes) decide for each path whether all its completions are at
/// most as probable as the observed table (then their total, known in closed form
/// N'! / (∏ r'! ∏ c'!), is added at once), none is (dropped), or it must be followed further.
struct FreemanHalton {
  let rows: [Int]
  let columns: [Int]
  let total: Int
  let f: LogFactorials
  /// log P of the observed table plus the tie tolerance (R: relative 1e-7).
  let threshold: Double
  let maxNodes: Int
  var work = 0
  /// Smallest and largest Σ −log x! over the completions of a node: key = [column] + rows.
  var extremesCache: [[Int]: (low: Double, high: Double)] = [:]

  init(table: [[Int]], maxNodes: Int) {
    // The columns are the shorter side, largest first.
    var t = table
    if t.count < t[0].count {
      t = (0..<t[0].count).map { j in t.map { $0[j] } }
    }
    let rowTotals = t.map { $0.reduce(0, +) }
    let columnTotals = (0..<t[0].count).map { j in t.reduce(0) { $0 + $1[j] } }
    let n = rowTotals.reduce(0, +)
    let f = LogFactorials(upTo: n)
    rows = rowTotals
    columns = columnTotals.sorted(by: >)
    total = n
    self.f = f
    var observed =
      rowTotals.reduce(0) { $0 + f[$1] } + columnTotals.reduce(0) { $0 + f[$1] } - f[n]
    for row in t { for x in row { observed -= f[x] } }
    threshold = observed + 1e-7
    self.maxNodes = maxNodes
  }

  /// log of the constant ∏ r_i! ∏ c_j! / N!.
  var logConstant: Double {
    rows.reduce(0) { $0 + f[$1] } + columns.reduce(0) { $0 + f[$1] } - f[total]
  }

  /// log Σ over the completions of ∏ 1/x! = log N'! / (∏ r'! ∏ c'!).
  func logAll(column: Int, remaining: [Int]) -> Double {
    var n = 0
    var s = 0.0
    for r in remaining {
      n += r
      s -= f[r]
    }
    for j in column..<columns.count { s -= f[columns[j]] }
    return s + f[n]
  }

  /// Calls `body(value, child)` for every way to fill column `column` from the row totals
  /// `remaining`: value = Σ −log x_i!, child = the sorted non-zero row totals left.
  mutating func children(
    column: Int, remaining: [Int], _ body: (Double, [Int]) throws -> Void
  ) throws {
    let c = columns[column]
    var cells = [Int](repeating: 0, count: remaining.count)
    var suffix = [Int](repeating: 0, count: remaining.count + 1)
    for i in stride(from: remaining.count - 1, through: 0, by: -1) {
      suffix[i] = suffix[i + 1] + remaining[i]
    }
    var count = 0
    func fill(_ i: Int, _ left: Int, _ value: Double) throws {
      if i == remaining.count - 1 {
        guard left <= remaining[i] else { return }
        cells[i] = left
        var next: [Int] = []
        next.reserveCapacity(remaining.count)
        for k in remaining.indices where remaining[k] - cells[k] > 0 {
          next.append(remaining[k] - cells[k])
        }
        next.sort(by: >)
        count += 1
        try body(value - f[left], next)
        return
      }
      let lowest = max(0, left - suffix[i + 1])
      let highest = min(remaining[i], left)
      if lowest > highest { return }
      for x in lowest...highest {
        cells[i] = x
        try fill(i + 1, left - x, value - f[x])
      }
    }
    try fill(0, c, 0)
    work += count
    if work > maxNodes {
      throw SurvivalKitError.insufficientData(
        message: "the table is too large for exact enumeration (more than \(maxNodes) partial "
          + "tables); use the chi-square test, or combine sparse rows or columns")
    }
  }

  /// Exact smallest and largest Σ −log x! over the completions of a node.
  mutating func extremes(column: Int, remaining: [Int]) throws -> (low: Double, high: Double) {
    if column == columns.count - 1 {
      var v = 0.0
      for r in remaining { v -= f[r] }
      return (v, v)
    }
    let key = [column] + remaining
    if let e = extremesCache[key] { return e }
    var low = Double.infinity
    var high = -Double.infinity
    var list: [(Double, [Int])] = []
    try children(column: column, remaining: remaining) { list.append(($0, $1)) }
    for (value, child) in list {
      let e = try extremes(column: column + 1, remaining: child)
      low = min(low, value + e.low)
      high = max(high, value + e.high)
    }
    extremesCache[key] = (low, high)
    return (low, high)
  }

  mutating func pValue() throws -> Double {
    // Paths at each node: value key -> (value, multiplicity).
    typealias Paths = [Int64: (value: Double, count: Double)]
    func key(_ v: Double) -> Int64 { Int64((v * 1e9).rounded()) }
    var stage: [[Int]: Paths] = [rows.sorted(by: >): [key(logConstant): (logConstant, 1)]]
    var p = 0.0
    for column in 0..<columns.count {
      var next: [[Int]: Paths] = [:]
      for (node, paths) in stage {
        let e = try extremes(column: column, remaining: node)
        var pending: [(value: Double, count: Double)] = []
        for (_, path) in paths {
          if path.value + e.high <= threshold {
            p += path.count * Double.exp(path.value + logAll(column: column, remaining: node))
          } else if path.value + e.low <= threshold {
            pending.append(path)
          }
        }
        if pending.isEmpty { continue }
        try children(column: column, remaining: node) { value, child in
          for path in pending {
            let v = path.value + value
            next[child, default: [:]][key(v), default: (v, 0)].count += path.count
          }
        }
      }
      stage = next
      if stage.isEmpty { break }
    }
    return min(1, p)
  }
}
