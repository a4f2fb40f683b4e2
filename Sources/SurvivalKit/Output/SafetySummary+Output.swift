import SurvivalSupport

/// Table and JSON renderings of the safety tables (schema in the README).
extension SafetySummary {
  /// The JSON document `survkit safety --format json` prints.
  public func json() -> JSONValue {
    func row(_ r: Row) -> JSONValue {
      .object([
        ("label", .string(r.label)), ("patients", .number(Double(r.patients))),
        ("percent", .number(100 * Double(r.patients) / Double(treated))),
        ("patients_grade3", .number(Double(r.patientsGrade3))),
        ("percent_grade3", .number(100 * Double(r.patientsGrade3) / Double(treated))),
        ("worst_grade", .integers(r.worstGrade)), ("events", .number(Double(r.events))),
      ])
    }
    return .object([
      ("treated", .number(Double(treated))), ("events", .number(Double(events))),
      ("overall", row(overall)), ("by_term", .array(byTerm.map(row))),
      ("by_soc", .array(byOrganClass.map(row))),
      (
        "by_cycle",
        .array(
          byCycle.map { c in
            .object([
              ("cycle", .number(Double(c.cycle))), ("treated", .number(Double(c.treated))),
              ("events", .number(Double(c.events))), ("patients", .number(Double(c.patients))),
              ("patients_grade3", .number(Double(c.patientsGrade3))),
            ])
          })
      ),
      (
        "exposure",
        .array(
          exposure.map {
            .object([
              ("cycles", .number(Double($0.cycles))), ("patients", .number(Double($0.patients))),
            ])
          })
      ),
      ("course_length", .number(Double(courseLength))),
      ("repeat_course", .number(Double(repeatCourse))),
    ])
  }

  /// The tables `survkit safety` prints: by term, by organ class, by cycle, exposure.
  public func table() -> String {
    func pct(_ n: Int, _ d: Int) -> String {
      d == 0 ? "NA" : "\(n) (\(NumberFormatting.fixed(100 * Double(n) / Double(d), decimals: 1)))"
    }
    var out = "Adverse events: \(events) events in the treated population of \(treated) patients\n"
    out += "Patients counted once, at their worst grade; n (% of treated).\n\n"
    func block(_ title: String, _ rows: [Row]) -> String {
      var t = TextTable(header: [title, "any grade", "grade >= 3", "G1", "G2", "G3", "G4", "G5"])
      for r in [overall] + rows {
        t.rows.append(
          [r.label, pct(r.patients, treated), pct(r.patientsGrade3, treated)]
            + r.worstGrade.map(String.init))
      }
      return t.rendered()
    }
    out += block("CTCAE term", byTerm) + "\n" + block("system organ class", byOrganClass) + "\n"
    var cycles = TextTable(header: ["cycle", "treated", "events", "any grade", "grade >= 3"])
    for c in byCycle {
      cycles.rows.append([
        "\(c.cycle)", "\(c.treated)", "\(c.events)", pct(c.patients, c.treated),
        pct(c.patientsGrade3, c.treated),
      ])
    }
    out += "By cycle (% of the patients who received the cycle):\n" + cycles.rendered() + "\n"
    var exposureTable = TextTable(header: ["cycles received", "patients"])
    for e in exposure { exposureTable.rows.append(["\(e.cycles)", pct(e.patients, treated)]) }
    out += "Exposure:\n" + exposureTable.rendered()
    out += "repeat course (more than \(courseLength) cycles): \(pct(repeatCourse, treated))\n"
    return out
  }
}

extension SafetySummary: CustomStringConvertible {
  /// The tables, as `survkit safety` prints them.
  public var description: String { table() }
}
