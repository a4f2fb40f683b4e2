/// Recursive-descent parser for `Formula`.
///
/// Grammar (R's formula subset used by survival models):
/// ```
/// formula  := surv '~' rhs
/// surv     := 'Surv' '(' name ',' status ')' | 'Surv' '(' name ',' name ',' status ')'
/// status   := name [('==' | '!=') (number | string)]
/// rhs      := '1' | term ('+' term)*
/// term     := factor ((':' | '*') factor)*
/// factor   := name | 'log' '(' name ')' | 'strata' '(' name (',' name)* ')'
///           | 'cluster' '(' name ')'
/// name     := R identifier (letters of any script, digits, '.', '_') | `backquoted`
/// ```
struct FormulaParser {
  enum Token: Equatable {
    case name(String)
    case number(Double, String)
    case string(String)
    case symbol(String)
    case end
  }

  let text: String
  private var tokens: [(token: Token, offset: Int)] = []
  private var index = 0

  init(_ text: String) {
    self.text = text
  }

  private func fail(_ message: String, at offset: Int) -> SurvivalKitError {
    .formulaSyntax(formula: text, position: offset, message: message)
  }

  private mutating func tokenize() throws {
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == " " || c == "\t" {
        i += 1
        continue
      }
      let startOffset = i
      if c.isLetter || c == "." && !(i + 1 < chars.count && chars[i + 1].isNumber) {
        var name = ""
        while i < chars.count
          && (chars[i].isLetter || chars[i].isNumber || chars[i] == "."
            || chars[i] == "_")
        {
          name.append(chars[i])
          i += 1
        }
        tokens.append((.name(name), startOffset))
      } else if c.isNumber || c == "." {
        var literal = ""
        while i < chars.count
          && (chars[i].isNumber || chars[i] == "." || chars[i] == "e" || chars[i] == "E"
            || ((chars[i] == "-" || chars[i] == "+")
              && (literal.last == "e" || literal.last == "E")))
        {
          literal.append(chars[i])
          i += 1
        }
        guard let value = Double(literal) else {
          throw fail("'\(literal)' is not a number", at: startOffset)
        }
        tokens.append((.number(value, literal), startOffset))
      } else if c == "`" || c == "\"" || c == "'" {
        i += 1
        var content = ""
        while i < chars.count && chars[i] != c {
          content.append(chars[i])
          i += 1
        }
        guard i < chars.count else {
          throw fail("unclosed \(c == "`" ? "backquote" : "quote")", at: startOffset)
        }
        i += 1
        tokens.append((c == "`" ? .name(content) : .string(content), startOffset))
      } else if (c == "=" || c == "!") && i + 1 < chars.count && chars[i + 1] == "=" {
        tokens.append((.symbol(String([c, "="])), startOffset))
        i += 2
      } else if "()~+:*,-".contains(c) {
        tokens.append((.symbol(String(c)), startOffset))
        i += 1
      } else {
        throw fail("unexpected character '\(c)'", at: startOffset)
      }
    }
    tokens.append((.end, chars.count))
  }

  private var current: Token { tokens[index].token }
  private var offset: Int { tokens[index].offset }

  private mutating func expect(_ symbol: String, _ what: String) throws {
    guard current == .symbol(symbol) else { throw fail("expected \(what)", at: offset) }
    index += 1
  }

  private mutating func name(_ what: String) throws -> String {
    guard case .name(let n) = current else { throw fail("expected \(what)", at: offset) }
    index += 1
    return n
  }

  mutating func parseFormula() throws -> Formula {
    try tokenize()
    guard current == .name("Surv") else {
      throw fail("a survival formula starts with Surv(time, status)", at: offset)
    }
    index += 1
    try expect("(", "'(' after Surv")
    var arguments: [String] = []
    var status: StatusExpression? = nil
    while true {
      let argOffset = offset
      let n = try name("a column name")
      if current == .symbol("==") || current == .symbol("!=") {
        let equal = current == .symbol("==")
        index += 1
        switch current {
        case .number(let v, _):
          status = equal ? .equalsNumber(n, v) : .notEqualsNumber(n, v)
        case .string(let s):
          status = equal ? .equalsText(n, s) : .notEqualsText(n, s)
        default:
          throw fail("expected a number or a quoted value after the comparison", at: offset)
        }
        index += 1
      } else {
        arguments.append(n)
      }
      if status != nil {
        guard current == .symbol(")") else {
          throw fail("the status comparison must be the last argument of Surv()", at: offset)
        }
      }
      if current == .symbol(",") {
        index += 1
        continue
      }
      guard current == .symbol(")") else { throw fail("expected ',' or ')'", at: offset) }
      _ = argOffset
      index += 1
      break
    }
    if status == nil {
      guard let last = arguments.popLast() else {
        throw fail("Surv() needs a time and a status", at: offset)
      }
      status = .column(last)
    }
    guard arguments.count == 1 || arguments.count == 2 else {
      throw fail(
        "Surv() takes (time, status) or (start, stop, status); got \(arguments.count + 1) "
          + "arguments", at: offset)
    }
    let response = SurvResponse(
      start: arguments.count == 2 ? arguments[0] : nil, stop: arguments.last!, status: status!)
    try expect("~", "'~' after Surv(...)")

    var terms: [Term] = []
    var strata: [String] = []
    var cluster: String? = nil
    if case .number(let v, _) = current, v == 1 {
      index += 1
      guard current == .end else { throw fail("nothing may follow '~ 1'", at: offset) }
      return Formula(text: text, response: response, terms: [], strata: [], cluster: nil)
    }
    while true {
      var factors: [[TermFactor]] = []  // product groups joined by '*'
      var group: [TermFactor] = []
      while true {
        let factorOffset = offset
        guard case .name(let n) = current else {
          throw fail("expected a variable name", at: offset)
        }
        index += 1
        if current == .symbol("(") {
          index += 1
          switch n {
          case "log":
            group.append(.log(try name("a column name inside log()")))
            try expect(")", "')'")
          case "strata":
            guard group.isEmpty && factors.isEmpty else {
              throw fail("strata() cannot be part of an interaction", at: factorOffset)
            }
            strata.append(try name("a column name inside strata()"))
            while current == .symbol(",") {
              index += 1
              strata.append(try name("a column name inside strata()"))
            }
            try expect(")", "')'")
            if current == .symbol(":") || current == .symbol("*") {
              throw fail(
                "strata() cannot be part of an interaction; to let a covariate's effect differ "
                  + "by stratum, interact it with the variable itself, e.g. "
                  + "'age + age:sex + strata(sex)'", at: factorOffset)
            }
          case "cluster":
            guard group.isEmpty && factors.isEmpty else {
              throw fail("cluster() cannot be part of an interaction", at: factorOffset)
            }
            guard cluster == nil else { throw fail("only one cluster() term", at: factorOffset) }
            cluster = try name("a column name inside cluster()")
            try expect(")", "')'")
            if current == .symbol(":") || current == .symbol("*") {
              throw fail("cluster() cannot be part of an interaction", at: factorOffset)
            }
          default:
            throw fail(
              "unknown function '\(n)()'; use log(), strata() or cluster()", at: factorOffset)
          }
        } else {
          group.append(.variable(n))
        }
        if current == .symbol(":") {
          index += 1
          continue
        }
        if current == .symbol("*") {
          index += 1
          factors.append(group)
          group = []
          continue
        }
        break
      }
      if !group.isEmpty { factors.append(group) }
      // Expand a*b*c into all interactions of the '*' groups, R's order.
      if factors.count == 1 {
        terms.append(Term(factors: factors[0]))
      } else if factors.count > 1 {
        // 2^k - 1 terms: refuse before expanding what no model could hold.
        guard factors.count <= Formula.maximumCrossedFactors else {
          let count = factors.count >= 62 ? "more than 10^18" : "\((1 << factors.count) - 1)"
          throw fail(
            "\(factors.count) factors crossed with '*' would make \(count) terms (at most "
              + "\(Formula.maximumCrossedFactors) factors, \((1 << Formula.maximumCrossedFactors) - 1) "
              + "terms); write the interactions you need with ':'", at: 0)
        }
        var expanded: [[TermFactor]] = [[]]
        for g in factors {
          expanded = expanded + expanded.map { $0 + g }
        }
        let sorted = expanded.dropFirst().enumerated().sorted {
          ($0.element.count, $0.offset) < ($1.element.count, $1.offset)
        }
        for (_, e) in sorted { terms.append(Term(factors: e)) }
      }
      if current == .symbol("+") {
        index += 1
        continue
      }
      guard current == .end else {
        throw fail("expected '+' or the end of the formula", at: offset)
      }
      break
    }
    // A variable repeated within a term is the variable (x:x = x, as R simplifies it).
    terms = terms.map { term in
      var factors: [TermFactor] = []
      for f in term.factors where !factors.contains(f) { factors.append(f) }
      return Term(factors: factors)
    }
    // Drop repeated terms (a + a:b + a*b), then order by degree (main effects first), as R's
    // terms() does; the order within a degree is the order written.
    var unique: [Term] = []
    for t in terms where !unique.contains(t) { unique.append(t) }
    unique = unique.enumerated().sorted {
      ($0.element.factors.count, $0.offset) < ($1.element.factors.count, $1.offset)
    }.map(\.element)
    return Formula(text: text, response: response, terms: unique, strata: strata, cluster: cluster)
  }
}
