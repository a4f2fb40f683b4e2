import RealModule
import SurvivalSupport

/// The covariate matrix of a regression formula, as R's `model.matrix` builds it (without an
/// intercept, which a Cox model does not have).
///
/// - A numeric variable is one column named after it; `log(x)` one column named `log(x)`.
/// - A text variable is a factor with treatment coding: its levels (among the rows used) in
///   Unicode code-point order, the first as reference unless `references` names another; one
///   0/1 column per other level, named variable + level (`celltypelarge`), as R names them.
/// - An interaction `a:b` is the product of every column of `a` with every column of `b`
///   (the first factor varying fastest), named `a:b` (`celltypelarge:karno`).
public struct DesignMatrix: Sendable {
  /// Column names, R style.
  public let names: [String]
  /// The term (as written in the formula) each column belongs to.
  public let terms: [String]
  /// Column-major values: `columns[j][i]` is column j of used row i.
  public let columns: [[Double]]
  /// Reference level of each factor variable used.
  public let references: [String: String]

  /// Number of rows (0 when there are no columns).
  public var rowCount: Int { columns.first?.count ?? 0 }

  /// Builds the matrix for the sample's used rows.
  ///
  /// - Parameters:
  ///   - table: The data the sample was read from.
  ///   - formula: The model formula; its terms give the columns.
  ///   - sample: The rows used (its `rows` index `table`).
  ///   - references: Non-default reference levels of factors (variable -> level).
  /// - Returns: The columns for the sample's rows.
  /// - Throws: `SurvivalKitError.invalidArgument` for a reference of a variable that is not a
  ///   factor of the terms, or a level the factor does not have; `SurvivalKitError.invalidData`
  ///   for a factor with one level among the rows used, `log()` of a non-positive or text value,
  ///   or a date column.
  public static func make(
    table: DataTable, formula: Formula, sample: SurvivalSample, references: [String: String] = [:]
  ) throws -> DesignMatrix {
    var variables: [String] = []
    for term in formula.terms {
      for f in term.factors where !variables.contains(f.variable) { variables.append(f.variable) }
    }
    for name in references.keys where !variables.contains(name) {
      throw SurvivalKitError.invalidArgument(
        name: "reference",
        message: "'\(name)' is not a variable of the formula's terms; the terms use "
          + variables.map { "'\($0)'" }.joined(separator: ", "))
    }
    var usedReferences: [String: String] = [:]
    var cache: [String: [(name: String, values: [Double])]] = [:]

    func factorColumns(_ factor: TermFactor) throws -> [(name: String, values: [Double])] {
      if let cached = cache[factor.description] { return cached }
      let column = try table.column(named: factor.variable)
      var result: [(String, [Double])] = []
      switch (factor, column.values) {
      case (.variable(let name), .numeric(let v)):
        if let level = references[name] {
          throw SurvivalKitError.invalidArgument(
            name: "reference",
            message: "'\(name)' is numeric, so it has no reference level ('\(level)' given)")
        }
        // All rows used (the common case): share the column instead of copying it.
        result = [(name, sample.rows.count == v.count ? v : sample.rows.map { v[$0] })]
      case (.log(let name), .numeric(let v)):
        var values = [Double](repeating: 0, count: sample.count)
        for (k, r) in sample.rows.enumerated() {
          guard v[r] > 0 else {
            throw SurvivalKitError.invalidData(
              line: table.lineNumbers[r], column: name,
              message: "log(\(name)) needs a positive value, got \(NumberFormatting.shortest(v[r]))"
            )
          }
          values[k] = Double.log(v[r])
        }
        result = [("log(\(name))", values)]
      case (.variable(let name), .text(let levels, let codes)):
        try table.requireNotMostlyNumeric(column)
        var present = Set<Int32>()
        for r in sample.rows { present.insert(codes[r]) }
        let ordered = present.map { levels[Int($0)] }.sorted(by: CodePoint.less)
        guard ordered.count >= 2 else {
          throw SurvivalKitError.invalidData(
            line: nil, column: name,
            message: "the factor has one level ('\(ordered.first ?? "")') among the rows used, so "
              + "it cannot be estimated; drop the term")
        }
        var reference = ordered[0]
        if let wanted = references[name] {
          guard ordered.contains(wanted) else {
            throw SurvivalKitError.invalidArgument(
              name: "reference",
              message: "'\(wanted)' is not a level of '\(name)'; its levels are "
                + ordered.map { "'\($0)'" }.joined(separator: ", "))
          }
          reference = wanted
        }
        usedReferences[name] = reference
        for level in ordered where level != reference {
          let code = Int32(levels.firstIndex(of: level)!)
          result.append((name + level, sample.rows.map { codes[$0] == code ? 1 : 0 }))
        }
      case (.log(let name), .text):
        throw SurvivalKitError.invalidData(
          line: nil, column: name, message: "log() needs a numeric column; this one holds text")
      case (_, .date):
        throw SurvivalKitError.invalidData(
          line: nil, column: factor.variable,
          message: "holds dates, which are not covariates; derive a number (e.g. age at enrolment)")
      }
      cache[factor.description] = result
      return result
    }

    var names: [String] = []
    var termNames: [String] = []
    var columns: [[Double]] = []
    for term in formula.terms {
      var product: [(name: String, values: [Double])] = [("", [])]
      for (k, factor) in term.factors.enumerated() {
        let next = try factorColumns(factor)
        var combined: [(String, [Double])] = []
        // First factor varies fastest, as R's model.matrix.
        for b in next {
          for a in product {
            if k == 0 {
              combined.append((b.name, b.values))
            } else {
              var values = a.values
              for i in values.indices { values[i] *= b.values[i] }
              combined.append((a.name + ":" + b.name, values))
            }
          }
        }
        product = combined
      }
      for (name, values) in product {
        names.append(name)
        termNames.append(term.description)
        columns.append(values)
      }
    }
    return DesignMatrix(
      names: names, terms: termNames, columns: columns, references: usedReferences)
  }
}
