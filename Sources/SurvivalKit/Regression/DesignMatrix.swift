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

  /// How each variable is coded (numeric, or a factor's levels), to encode new profiles.
  var encodings: [String: VariableEncoding] = [:]
  /// The formula's terms (nil for a design built from arrays: one column per variable).
  var formulaTerms: [Term]? = nil
  /// The natural-spline bases of `ns()` terms, by term text (`ns(age, df = 3)`).
  var splines: [String: NaturalSpline] = [:]
  /// The penalised-spline bases of `pspline()` terms, by term text.
  var psplines: [String: PenalizedSpline] = [:]

  /// The most columns a design may have (see `make`): a wider one is refused with its count.
  public static let maximumColumns = 2_000

  /// Number of rows (0 when there are no columns).
  public var rowCount: Int { columns.first?.count ?? 0 }

  /// How one variable enters the design.
  enum VariableEncoding: Sendable {
    case numeric
    /// A factor: its levels among the rows used (code-point order) and the reference level.
    case factor(levels: [String], reference: String)
  }

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
    try make(table: table, terms: formula.terms, rows: sample.rows, references: references)
  }

  /// Builds the matrix of `terms` for the given rows of the table (indices of complete rows).
  static func make(
    table: DataTable, terms: [Term], rows: SampleRows, references: [String: String] = [:]
  ) throws -> DesignMatrix {
    let sample = (rows: rows, count: rows.count)
    var variables: [String] = []
    for term in terms {
      for f in term.factors where !variables.contains(f.variable) { variables.append(f.variable) }
    }
    for name in references.keys where !variables.contains(name) {
      throw SurvivalKitError.invalidArgument(
        name: "reference",
        message: "'\(name)' is not a variable of the formula's terms; the terms use "
          + variables.map { "'\($0)'" }.joined(separator: ", "))
    }
    var usedReferences: [String: String] = [:]
    var encodings: [String: VariableEncoding] = [:]
    var splines: [String: NaturalSpline] = [:]
    var psplines: [String: PenalizedSpline] = [:]
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
        encodings[name] = .numeric
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
        encodings[name] = .numeric
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
        encodings[name] = .factor(levels: ordered, reference: reference)
        for level in ordered where level != reference {
          let code = Int32(levels.firstIndex(of: level)!)
          result.append((name + level, sample.rows.map { codes[$0] == code ? 1 : 0 }))
        }
      case (.ns(let name, let df), .numeric(let v)):
        // R's ns() reads every non-missing value of the column (model.frame evaluates it
        // before dropping incomplete rows).
        let spline = try NaturalSpline(values: v, df: df, variable: name)
        splines[factor.description] = spline
        encodings[name] = .numeric
        var columns = [[Double]](repeating: [Double](repeating: 0, count: sample.count), count: df)
        for (k, r) in sample.rows.enumerated() {
          for (j, b) in spline.basis(v[r]).enumerated() { columns[j][k] = b }
        }
        result = zip(spline.names(term: factor.description), columns).map { ($0, $1) }
      case (.pspline(let name, let df), .numeric(let v)):
        let spline = try PenalizedSpline(values: v, df: df, variable: name)
        psplines[factor.description] = spline
        encodings[name] = .numeric
        var columns = [[Double]](
          repeating: [Double](repeating: 0, count: sample.count), count: spline.columnCount)
        for (k, r) in sample.rows.enumerated() {
          for (j, b) in spline.basis(v[r]).enumerated() { columns[j][k] = b }
        }
        result = zip(spline.names(variable: name), columns).map { ($0, $1) }
      case (.pspline(let name, _), .text):
        throw SurvivalKitError.invalidData(
          line: nil, column: name,
          message: "pspline() needs a numeric column; '\(name)' holds text (a factor): a spline "
            + "of a factor is not defined, use the factor itself")
      case (.ns(let name, _), .text):
        throw SurvivalKitError.invalidData(
          line: nil, column: name,
          message: "ns() needs a numeric column; '\(name)' holds text (a factor): a spline of a "
            + "factor is not defined, use the factor itself")
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

    // The design's width, counted before any column is built: a formula that would make
    // thousands of columns (a factor with thousands of levels, interactions of such factors)
    // is refused with the count instead of exhausting memory.
    var widthOf: [String: Double] = [:]
    func width(_ factor: TermFactor) throws -> Double {
      if let known = widthOf[factor.description] { return known }
      let column = try table.column(named: factor.variable)
      var w = 1.0
      switch (factor, column.values) {
      case (.variable, .text(_, let codes)):
        var present = Set<Int32>()
        for r in rows where codes[r] >= 0 { present.insert(codes[r]) }
        w = Double(max(1, present.count - 1))
      case (.ns(_, let df), _):
        w = Double(df)
      default:
        w = 1
      }
      widthOf[factor.description] = w
      return w
    }
    var total = 0.0
    var widest = (term: "", width: 0.0)
    for term in terms {
      var w = 1.0
      for factor in term.factors { w *= try width(factor) }
      total += w
      if w > widest.width { widest = (term.description, w) }
    }
    if total > Double(Self.maximumColumns) || total * Double(max(1, rows.count)) > 2.5e8 {
      throw SurvivalKitError.invalidArgument(
        name: "formula",
        message: "the terms would make \(NumberFormatting.shortest(total)) design columns "
          + "for \(rows.count) rows ('\(widest.term)' alone \(NumberFormatting.shortest(widest.width))); "
          + "at most \(Self.maximumColumns) columns and 2.5e8 cells are built: check that no "
          + "factor is an id or a continuous value read as text, and write only the interactions "
          + "you need")
    }

    var names: [String] = []
    var termNames: [String] = []
    var columns: [[Double]] = []
    for term in terms {
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
      names: names, terms: termNames, columns: columns, references: usedReferences,
      encodings: encodings, formulaTerms: terms, splines: splines, psplines: psplines)
  }

  /// The same design without its values (names, terms, codings and spline bases kept): what
  /// a fit keeps once the values are arranged.
  func withoutColumns() -> DesignMatrix {
    DesignMatrix(
      names: names, terms: terms, columns: [], references: references, encodings: encodings,
      formulaTerms: formulaTerms, splines: splines, psplines: psplines)
  }

  /// The design row of one covariate profile (variable -> value as written, e.g.
  /// `["age": "60", "celltype": "large"]`), coded as the fit's rows were: numbers as given,
  /// `log(x)` as its logarithm, a factor level as its 0/1 columns.
  /// - Throws: `SurvivalKitError.invalidArgument` naming an unknown variable, a missing one,
  ///   a value that is not a number, or a level the fit did not see.
  func row(profile: [String: String], ignoring extra: Set<String> = []) throws -> [Double] {
    let variables = encodings.keys.sorted()
    let listed = variables.map { "'\($0)'" }.joined(separator: ", ")
    for name in profile.keys.sorted() where encodings[name] == nil && !extra.contains(name) {
      throw SurvivalKitError.invalidArgument(
        name: "profile",
        message: "'\(name)' is not a covariate of the model; its covariates are \(listed)")
    }
    func values(_ factor: TermFactor) throws -> [Double] {
      let name = factor.variable
      guard let text = profile[name] else {
        throw SurvivalKitError.invalidArgument(
          name: "profile",
          message: "gives no value for '\(name)'; give every covariate of the model: \(listed)")
      }
      switch encodings[name]! {
      case .numeric:
        guard let x = Double(text), x.isFinite else {
          throw SurvivalKitError.invalidArgument(
            name: "profile", message: "'\(name)' is numeric; '\(text)' is not a number")
        }
        if case .ns = factor, let spline = splines[factor.description] {
          return spline.basis(x)
        }
        if case .pspline = factor, let spline = psplines[factor.description] {
          return spline.basis(x)
        }
        if case .log = factor {
          guard x > 0 else {
            throw SurvivalKitError.invalidArgument(
              name: "profile", message: "log(\(name)) needs a positive value, got '\(text)'")
          }
          return [Double.log(x)]
        }
        return [x]
      case .factor(let levels, let reference):
        guard levels.contains(text) else {
          throw SurvivalKitError.invalidArgument(
            name: "profile",
            message: "'\(text)' is not a level of '\(name)' seen in the fit; its levels are "
              + levels.map { "'\($0)'" }.joined(separator: ", "))
        }
        return levels.filter { $0 != reference }.map { $0 == text ? 1 : 0 }
      }
    }
    guard let formulaTerms else {
      return try names.map { try values(.variable($0))[0] }
    }
    var row: [Double] = []
    for term in formulaTerms {
      var product: [Double] = [1]
      for (k, factor) in term.factors.enumerated() {
        let next = try values(factor)
        var combined: [Double] = []
        for b in next {
          for a in product { combined.append(k == 0 ? b : a * b) }
        }
        product = combined
      }
      row += product
    }
    return row
  }
}
