import RealModule

/// The design-matrix row of one covariate profile given as variable = value pairs, for
/// predictions from a fitted regression model.
///
/// Numeric variables take the number, factors the level (the reference level gives 0 in
/// every column of the factor), `log(x)` terms the log of x's value, interactions the product
/// of their parts.
enum DesignProfile {
  /// - Parameters:
  ///   - values: variable -> value as text.
  ///   - names: the design's column names (`age`, `sexM`, `age:sexM`), intercept excluded.
  ///   - terms: the term each column belongs to (`age`, `sex`, `age:sex`).
  ///   - references: reference level of each factor.
  /// - Throws: when a variable is missing, a number does not parse or a level is unknown.
  static func row(
    _ values: [String: String], names: [String], terms: [String], references: [String: String]
  ) throws -> [Double] {
    // Levels of each factor: its reference plus the levels its columns name.
    var levels: [String: Set<String>] = [:]
    for (name, term) in zip(names, terms) {
      for (tp, cp) in zip(term.split(separator: ":"), name.split(separator: ":")) where tp != cp {
        levels[String(tp), default: []].insert(String(cp.dropFirst(tp.count)))
      }
    }
    for (variable, reference) in references { levels[variable, default: []].insert(reference) }
    var x: [Double] = []
    for (name, term) in zip(names, terms) {
      var value = 1.0
      for (tpSub, cpSub) in zip(term.split(separator: ":"), name.split(separator: ":")) {
        let tp = String(tpSub)
        let cp = String(cpSub)
        var variable = tp
        var isLog = false
        if tp.hasPrefix("log("), tp.hasSuffix(")") {
          variable = String(tp.dropFirst(4).dropLast())
          isLog = true
        }
        guard let given = values[variable] else {
          throw SurvivalKitError.invalidArgument(
            name: "profile",
            message: "no value for '\(variable)'; give every model variable, e.g. \(variable)=...")
        }
        if tp == cp {
          guard let number = Double(given), number.isFinite else {
            throw SurvivalKitError.invalidArgument(
              name: "profile", message: "'\(variable)' is numeric; '\(given)' is not a number")
          }
          guard !isLog || number > 0 else {
            throw SurvivalKitError.invalidArgument(
              name: "profile", message: "log(\(variable)) needs \(variable) > 0 (got \(given))")
          }
          value *= isLog ? Double.log(number) : number
        } else {
          let known = levels[tp] ?? []
          guard known.contains(given) else {
            throw SurvivalKitError.invalidArgument(
              name: "profile",
              message: "'\(given)' is not a level of '\(tp)'; its levels are "
                + known.sorted().map { "'\($0)'" }.joined(separator: ", "))
          }
          value *= given == String(cp.dropFirst(tp.count)) ? 1 : 0
        }
      }
      x.append(value)
    }
    return x
  }
}
