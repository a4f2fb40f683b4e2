import SurvivalSupport

/// The safety tables of an interim report: patients with at least one event, by CTCAE term and
/// by system organ class, any grade and grade >= 3, each patient counted once at the worst
/// grade, as a percentage of the treated population; the same by cycle, over the patients who
/// received that cycle; and the exposure (cycles received, repeat courses).
public struct SafetySummary: Sendable {
  /// One line of a by-term or by-class table.
  public struct Row: Sendable, Equatable {
    /// Term, organ class, or `any adverse event`.
    public let label: String
    /// Patients with at least one event, and with one of grade >= 3.
    public let patients: Int
    /// Patients with at least one event of grade >= 3.
    public let patientsGrade3: Int
    /// Patients by their worst grade, grades 1...5.
    public let worstGrade: [Int]
    /// Events (every occurrence).
    public let events: Int
  }

  /// One cycle.
  public struct CycleRow: Sendable, Equatable {
    /// Cycle number.
    public let cycle: Int
    /// Patients who received the cycle (the denominator).
    public let treated: Int
    /// Events.
    public let events: Int
    /// Patients with at least one event.
    public let patients: Int
    /// Patients with at least one event of grade >= 3.
    public let patientsGrade3: Int
  }

  /// Patients in the treated population.
  public let treated: Int
  /// Events.
  public let events: Int
  /// Patients with any event / any event of grade >= 3, and by worst grade.
  public let overall: Row
  /// Sorted by the number of patients (most first), then by label in code-point order.
  public let byTerm: [Row]
  /// By system organ class, ordered as `byTerm`.
  public let byOrganClass: [Row]
  /// Cycle 1 to the last cycle given.
  public let byCycle: [CycleRow]
  /// (cycles received, patients), ascending.
  public let exposure: [(cycles: Int, patients: Int)]
  /// Patients who started a repeat course: more than `courseLength` cycles received.
  public let repeatCourse: Int
  /// Cycles of the first course.
  public let courseLength: Int

  /// Builds the tables.
  /// - Parameters:
  ///   - data: the checked events and the treated population.
  ///   - courseLength: cycles in the first course (6 in the synthetic trial).
  /// - Complexity: O(E log E) for E events.
  public init(data: AdverseEventData, courseLength: Int = 6) {
    let population = data.population
    treated = population.patients.count
    events = data.events.count
    self.courseLength = courseLength
    func rows(_ key: (AdverseEvent) -> String) -> [Row] {
      var worst: [String: [String: Int]] = [:]
      var counts: [String: Int] = [:]
      for e in data.events {
        worst[key(e), default: [:]][e.patient] = max(
          worst[key(e)]?[e.patient] ?? 0, e.grade)
        counts[key(e), default: 0] += 1
      }
      return worst.map { label, patients in
        var byGrade = [Int](repeating: 0, count: 5)
        for g in patients.values { byGrade[g - 1] += 1 }
        return Row(
          label: label, patients: patients.count,
          patientsGrade3: patients.values.filter { $0 >= 3 }.count, worstGrade: byGrade,
          events: counts[label]!)
      }.sorted { a, b in
        a.patients != b.patients ? a.patients > b.patients : CodePoint.less(a.label, b.label)
      }
    }
    byTerm = rows(\.term)
    byOrganClass = rows(\.organClass)
    overall =
      rows { _ in "any adverse event" }.first
      ?? Row(
        label: "any adverse event", patients: 0, patientsGrade3: 0, worstGrade: [0, 0, 0, 0, 0],
        events: 0)
    let maxCycle = max(population.cycles.max() ?? 0, data.events.map(\.cycle).max() ?? 0)
    var cycleRows: [CycleRow] = []
    if maxCycle >= 1 {
      for c in 1...maxCycle {
        var worst: [String: Int] = [:]
        var n = 0
        for e in data.events where e.cycle == c {
          worst[e.patient] = max(worst[e.patient] ?? 0, e.grade)
          n += 1
        }
        cycleRows.append(
          CycleRow(
            cycle: c, treated: population.cycles.filter { $0 >= c }.count, events: n,
            patients: worst.count, patientsGrade3: worst.values.filter { $0 >= 3 }.count))
      }
    }
    byCycle = cycleRows
    var exposureCounts: [Int: Int] = [:]
    for c in population.cycles { exposureCounts[c, default: 0] += 1 }
    exposure = exposureCounts.keys.sorted().map { ($0, exposureCounts[$0]!) }
    repeatCourse = population.cycles.filter { $0 > courseLength }.count
  }
}
