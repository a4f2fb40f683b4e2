import SurvivalSupport

/// Rows grouped by every combination of one or more variables, labelled as R labels strata
/// (`sex=1`, `sex=f, trt=placebo`).
///
/// Levels of each variable are ordered as R orders factor levels: numbers and dates
/// ascending, text in Unicode code-point order. Combinations are ordered with the first
/// variable varying slowest, and only combinations present in the data are kept.
public struct Grouping: Sendable, Equatable {
  /// One label per group, in group order.
  public let labels: [String]
  /// Group code of each row (indexes `labels`).
  public let codes: [Int32]

  /// A single group called `all` (R's `~ 1`).
  ///
  /// - Parameter rows: Number of rows.
  /// - Returns: One group, `all`, with every row in it.
  public static func single(rows: Int) -> Grouping {
    Grouping(labels: ["all"], codes: [Int32](repeating: 0, count: rows))
  }

  /// A grouping from its labels and the group code of each row.
  ///
  /// The codes are not checked: each must index `labels`.
  ///
  /// - Parameters:
  ///   - labels: One label per group, in group order.
  ///   - codes: The group of each row, in 0 ..< `labels.count`.
  public init(labels: [String], codes: [Int32]) {
    self.labels = labels
    self.codes = codes
  }

  /// Groups `rows` (indices into the columns) by the given columns.
  static func make<Rows: RandomAccessCollection<Int>>(columns: [Column], rows: Rows) -> Grouping
  where Rows.Index == Int {
    if columns.isEmpty { return .single(rows: rows.count) }
    // Per variable: sorted level list and the level rank of each used row.
    var ranks: [[Int32]] = []
    var levelTexts: [[String]] = []
    for column in columns {
      switch column.values {
      case .numeric(let v), .date(let v):
        let identity = rows.count == v.count && rows.last == v.count - 1
        let distinct = DistinctRanks.make(identity ? v : rows.map { v[$0] }, limit: Int.max)!
        let sorted = distinct.sorted
        ranks.append(distinct.ranks)
        if case .date = column.values {
          levelTexts.append(sorted.map { DateFormatting.iso(days: Int($0)) })
        } else {
          levelTexts.append(sorted.map { NumberFormatting.shortest($0) })
        }
      case .text(let levels, let codes):
        let order = levels.indices.sorted { CodePoint.less(levels[$0], levels[$1]) }
        var rankOfLevel = [Int32](repeating: 0, count: levels.count)
        for (k, l) in order.enumerated() { rankOfLevel[l] = Int32(k) }
        var rank = [Int32](repeating: 0, count: rows.count)
        for (k, r) in rows.enumerated() { rank[k] = rankOfLevel[Int(codes[r])] }
        ranks.append(rank)
        levelTexts.append(order.map { levels[$0] })
      }
    }
    if ranks.count == 1 {
      // One variable: its levels present among the rows, in level order.
      let levelCount = levelTexts[0].count
      var present = [Bool](repeating: false, count: levelCount)
      for r in ranks[0] { present[Int(r)] = true }
      var code = [Int32](repeating: -1, count: levelCount)
      var labels: [String] = []
      for l in 0..<levelCount where present[l] {
        code[l] = Int32(labels.count)
        labels.append("\(columns[0].name)=\(levelTexts[0][l])")
      }
      if labels.count == levelCount { return Grouping(labels: labels, codes: ranks[0]) }
      return Grouping(labels: labels, codes: ranks[0].map { code[Int($0)] })
    }
    // Combine one variable at a time, first variable most significant: the combined key of
    // the variables so far is recoded densely (0 ..< combinations present) after each step,
    // so keys stay below rows × levels and never overflow, whatever the number of variables.
    // `members[c]` is the level index of each variable in present combination c.
    var key = [Int](repeating: 0, count: rows.count)
    var members: [[Int32]] = [[]]
    for (j, rank) in ranks.enumerated() {
      let radix = levelTexts[j].count
      var combined = [Int](repeating: 0, count: rows.count)
      for k in 0..<rows.count { combined[k] = key[k] * radix + Int(rank[k]) }
      var nextMembers: [[Int32]] = []
      let range = members.count * radix
      if range <= 1 << 22 {
        // Few combinations possible: a flat table instead of hashing every row.
        var dense = [Int](repeating: -1, count: range)
        for value in combined { dense[value] = 0 }
        for value in 0..<range where dense[value] == 0 {
          dense[value] = nextMembers.count
          nextMembers.append(members[value / radix] + [Int32(value % radix)])
        }
        for k in 0..<rows.count { key[k] = dense[combined[k]] }
      } else {
        let present = Set(combined).sorted()
        var dense: [Int: Int] = [:]
        nextMembers.reserveCapacity(present.count)
        for (code, value) in present.enumerated() {
          dense[value] = code
          nextMembers.append(members[value / radix] + [Int32(value % radix)])
        }
        for k in 0..<rows.count { key[k] = dense[combined[k]]! }
      }
      members = nextMembers
    }
    let labels = members.map { levels in
      levels.enumerated().map { j, level in "\(columns[j].name)=\(levelTexts[j][Int(level)])" }
        .joined(separator: ", ")
    }
    return Grouping(labels: labels, codes: key.map { Int32($0) })
  }
}
