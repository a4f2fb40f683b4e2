import SurvivalKit
import SurvivalSupport

/// Compares two data cuts analysed by two plans (`survkit compare OLD_PLAN NEW_PLAN`):
///
/// - per patient, what changed between the exports (patients added or missing, new events,
///   dates moved or removed, values re-adjudicated or re-measured), matched by patient id over
///   the variables both plans declare;
/// - per reported figure (every number of the analyses both plans share, by id), the old
///   value, the new value and the difference;
/// - for every Kaplan–Meier landmark, the change split into the part due to changed records
///   and the part due to new follow-up. The split reruns the new plan on the new records,
///   each patient's follow-up ending where the old export's ended (the latest date of the old
///   record, at most the old cut-off; a patient added by the new export ends at the old
///   cut-off, and one enrolled after it is left out). That run sees every corrected record
///   but no follow-up the old export did not have, so
///   `changed records = S(rerun) - S(old)` and `new follow-up = S(new) - S(rerun)`, which
///   add up to the change.
public struct DataCutComparison: Sendable {
  /// comparison.json: the two cuts, per-patient changes, figures and landmark parts.
  public let json: JSONValue
  /// comparison.md: the same as a readable document.
  public let markdown: String

  package init(
    oldPlan: StudyPlan, oldPlanBytes: [UInt8], oldData: [UInt8], newPlan: StudyPlan,
    newPlanBytes: [UInt8], newData: [UInt8]
  ) throws {
    let old = try StudyReport(plan: oldPlan, planBytes: oldPlanBytes, dataBytes: oldData)
    let new = try StudyReport(plan: newPlan, planBytes: newPlanBytes, dataBytes: newData)
    var midPlan = newPlan
    midPlan.cutoff = oldPlan.cutoff
    midPlan.cutoffText = oldPlan.cutoffText
    midPlan.afterCutoff = .censor
    midPlan.dropLateOrigins = true
    var limits: [String: Double] = [:]
    let oldCut = oldPlan.cutoff.map(Double.init) ?? .infinity
    for (row, id) in old.study.ids.enumerated() {
      var latest = -Double.infinity
      for v in oldPlan.variables where v.kind == .date {
        if case .date(let d)? = try? old.study.table.column(named: v.name).values, !d[row].isNaN {
          latest = max(latest, d[row])
        }
      }
      limits[id] = min(latest, oldCut)
    }
    midPlan.followUpLimits = limits
    let mid = try StudyReport(plan: midPlan, planBytes: newPlanBytes, dataBytes: newData)

    // Per patient.
    let patientChanges = DataCutComparison.patientChanges(old.study, new.study)
    // Per figure.
    let figures = DataCutComparison.figureChanges(old.results, new.results)
    // Landmarks.
    let landmarks = DataCutComparison.landmarkParts(old.results, mid.results, new.results)

    func n(_ x: Double?) -> JSONValue { .optional(x) }
    json = .object([
      (
        "old",
        .object([
          ("title", .string(oldPlan.title)), ("data_file", .string(oldPlan.dataFile)),
          ("data_sha256", .string(ContentDigest.hex(oldData))),
          ("cutoff", oldPlan.cutoffText.map { .string($0) } ?? .null),
          ("patients", .number(Double(old.study.count))),
        ])
      ),
      (
        "new",
        .object([
          ("title", .string(newPlan.title)), ("data_file", .string(newPlan.dataFile)),
          ("data_sha256", .string(ContentDigest.hex(newData))),
          ("cutoff", newPlan.cutoffText.map { .string($0) } ?? .null),
          ("patients", .number(Double(new.study.count))),
        ])
      ),
      (
        "patients",
        .array(
          patientChanges.map { c in
            .object([
              ("id", .string(c.id)), ("change", .string(c.kind)),
              ("variable", c.variable.map { .string($0) } ?? .null),
              ("old", c.old.map { .string($0) } ?? .null),
              ("new", c.new.map { .string($0) } ?? .null),
            ])
          })
      ),
      (
        "figures",
        .array(
          figures.map { f in
            .object([
              ("figure", .string(f.path)), ("old", n(f.old)), ("new", n(f.new)),
              ("difference", n(f.old.flatMap { o in f.new.map { $0 - o } })),
            ])
          })
      ),
      (
        "landmarks",
        .array(
          landmarks.map { l in
            .object([
              ("analysis", .string(l.analysis)), ("curve", .string(l.curve)),
              ("time", .number(l.time)), ("old", n(l.old)), ("new", n(l.new)),
              ("new_records_old_follow_up", n(l.mid)),
              ("change", n(l.old.flatMap { o in l.new.map { $0 - o } })),
              ("from_changed_records", n(l.old.flatMap { o in l.mid.map { $0 - o } })),
              ("from_new_follow_up", n(l.mid.flatMap { m in l.new.map { $0 - m } })),
            ])
          })
      ),
    ])

    // The document.
    var md = "# Data-cut comparison\n\n"
    md +=
      "Old: \(oldPlan.title) (\(oldPlan.dataFile), cut-off \(oldPlan.cutoffText ?? "—"), \(old.study.count) patients).\n"
    md +=
      "New: \(newPlan.title) (\(newPlan.dataFile), cut-off \(newPlan.cutoffText ?? "—"), \(new.study.count) patients).\n"
    md += "\n## Changes per patient\n\n"
    var counts: [String: Int] = [:]
    for c in patientChanges { counts[c.kind, default: 0] += 1 }
    md +=
      counts.keys.sorted().map { "- \($0): \(counts[$0]!)" }.joined(separator: "\n")
      + (counts.isEmpty ? "No patient changed." : "") + "\n\n"
    if !patientChanges.isEmpty {
      md += "| patient | change | variable | old | new |\n| --- | --- | --- | --- | --- |\n"
      for c in patientChanges {
        md += "| \(c.id) | \(c.kind) | \(c.variable ?? "") | \(c.old ?? "—") | \(c.new ?? "—") |\n"
      }
    }
    md += "\n## Landmark estimates: new follow-up versus changed records\n\n"
    md +=
      "The middle column reruns the new plan on the new records with each patient's follow-up ending where the old export's ended (added patients at the old cut-off): the change splits into what the corrected records move (middle − old) and what the new follow-up adds (new − middle).\n\n"
    md +=
      "| analysis | curve | time | old | new records, old follow-up | new | change | from changed records | from new follow-up |\n"
    md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    func pct(_ x: Double?) -> String {
      x.map { NumberFormatting.fixed($0 * 100, decimals: 1) + " %" } ?? "—"
    }
    func pts(_ x: Double?) -> String {
      guard let x else { return "—" }
      return (x >= 0 ? "+" : "−") + NumberFormatting.fixed(abs(x) * 100, decimals: 1)
    }
    for l in landmarks {
      let change = l.old.flatMap { o in l.new.map { $0 - o } }
      let records = l.old.flatMap { o in l.mid.map { $0 - o } }
      let followUp = l.mid.flatMap { m in l.new.map { $0 - m } }
      md +=
        "| \(l.analysis) | \(l.curve) | \(NumberFormatting.shortest(l.time)) | \(pct(l.old)) | \(pct(l.mid)) | \(pct(l.new)) | \(pts(change)) | \(pts(records)) | \(pts(followUp)) |\n"
    }
    md +=
      "\n## Every reported figure\n\n| figure | old | new | difference |\n| --- | --- | --- | --- |\n"
    func num(_ x: Double?) -> String {
      x.map { NumberFormatting.significant($0, digits: 6) } ?? "—"
    }
    for f in figures {
      let d = f.old.flatMap { o in f.new.map { $0 - o } }
      md += "| \(f.path) | \(num(f.old)) | \(num(f.new)) | \(num(d)) |\n"
    }
    markdown = md
  }

  struct PatientChange {
    let id: String
    let kind: String
    let variable: String?
    let old: String?
    let new: String?
  }

  /// Patient-level changes over the variables both plans declare, in id order.
  static func patientChanges(_ old: StudyData, _ new: StudyData) -> [PatientChange] {
    let oldRow = Dictionary(old.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let newRow = Dictionary(new.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let eventDates = Set(new.plan.endpoints.flatMap(\.events))
    var changes: [PatientChange] = []
    let ids = Set(old.ids).union(new.ids).sorted {
      (Double($0) ?? .infinity, $0) < (Double($1) ?? .infinity, $1)
    }
    let shared = new.plan.variables.filter { v in
      v.from == nil && old.plan.variable(v.name).map { $0.kind == v.kind } == true
    }
    for id in ids {
      guard let i = oldRow[id] else {
        changes.append(PatientChange(id: id, kind: "added", variable: nil, old: nil, new: nil))
        continue
      }
      guard let j = newRow[id] else {
        changes.append(PatientChange(id: id, kind: "missing", variable: nil, old: nil, new: nil))
        continue
      }
      for v in shared {
        guard let a = try? old.table.column(named: v.name),
          let b = try? new.table.column(named: v.name)
        else { continue }
        let x = a.isMissing(i) ? nil : display(a, i)
        let y = b.isMissing(j) ? nil : display(b, j)
        if x == y { continue }
        let kind: String
        switch (v.kind, x, y) {
        case (.date, nil, .some): kind = eventDates.contains(v.name) ? "new_event" : "date_added"
        case (.date, .some, nil): kind = "date_removed"
        case (.date, _, _): kind = "date_moved"
        case (.number, _, _): kind = "value_remeasured"
        default: kind = "value_changed"
        }
        changes.append(PatientChange(id: id, kind: kind, variable: v.name, old: x, new: y))
      }
    }
    return changes
  }

  static func display(_ c: Column, _ i: Int) -> String {
    if case .date(let v) = c.values { return DateFormatting.dotted(days: v[i]) }
    return c.text(at: i) ?? ""
  }

  struct FigureChange {
    let path: String
    let old: Double?
    let new: Double?
  }

  /// Every number of the analyses present in both results, by a readable path.
  static func figureChanges(_ old: JSONValue, _ new: JSONValue) -> [FigureChange] {
    var a: [(String, Double?)] = []
    var b: [(String, Double?)] = []
    flatten(member(old, "analyses"), "", &a)
    flatten(member(new, "analyses"), "", &b)
    let oldValues = Dictionary(a, uniquingKeysWith: { x, _ in x })
    let newValues = Dictionary(b, uniquingKeysWith: { x, _ in x })
    var result: [FigureChange] = []
    for (path, value) in b where oldValues[path] != nil {
      if oldValues[path]! == value { continue }
      result.append(FigureChange(path: path, old: oldValues[path]!, new: value))
    }
    for (path, value) in a where newValues[path] == nil {
      result.append(FigureChange(path: path, old: value, new: nil))
    }
    return result
  }

  static func member(_ v: JSONValue?, _ key: String) -> JSONValue? {
    guard case .object(let members)? = v else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// Leaves as (path, number); arrays of objects are indexed by their label, term, time,
  /// threshold or group; variance matrices and engine internals are skipped.
  static func flatten(_ v: JSONValue?, _ path: String, _ out: inout [(String, Double?)]) {
    guard let v else { return }
    switch v {
    case .number(let x): out.append((path, x))
    case .null: out.append((path, nil))
    case .object(let members):
      for (key, value) in members
      where !["variance", "naive_variance", "zph", "estimability", "warnings", "notes", "loglik"]
        .contains(key)
      {
        flatten(value, path.isEmpty ? key : "\(path) / \(key)", &out)
      }
    case .array(let items):
      for (k, item) in items.enumerated() {
        var name = "\(k)"
        for key in ["label", "term", "group", "time", "threshold", "probability"] {
          if let m = member(item, key) {
            switch m {
            case .string(let s): name = s
            case .number(let x): name = "\(key) \(NumberFormatting.shortest(x))"
            default: continue
            }
            break
          }
        }
        flatten(item, "\(path)[\(name)]", &out)
      }
    default: return
    }
  }

  struct LandmarkParts {
    let analysis: String
    let curve: String
    let time: Double
    let old: Double?
    let mid: Double?
    let new: Double?
  }

  /// Survival at each landmark of each Kaplan–Meier analysis in the three runs.
  static func landmarkParts(_ old: JSONValue, _ mid: JSONValue, _ new: JSONValue)
    -> [LandmarkParts]
  {
    func values(_ results: JSONValue) -> [String: Double?] {
      var map: [String: Double?] = [:]
      guard case .object(let analyses)? = member(results, "analyses") else { return map }
      for (id, a) in analyses {
        guard case .string("km")? = member(a, "kind"),
          case .array(let curves)? = member(a, "curves")
        else { continue }
        for curve in curves {
          guard case .string(let label)? = member(curve, "label"),
            case .array(let landmarks)? = member(curve, "landmarks")
          else { continue }
          for l in landmarks {
            guard case .number(let t)? = member(l, "time") else { continue }
            var s: Double? = nil
            if case .number(let x)? = member(l, "survival") { s = x }
            if case .number(let r)? = member(l, "n_risk"), r == 0 { s = nil }
            map["\(id)\u{1}\(label)\u{1}\(NumberFormatting.shortest(t))"] = s
          }
        }
      }
      return map
    }
    let a = values(old)
    let m = values(mid)
    let b = values(new)
    var result: [LandmarkParts] = []
    guard case .object(let analyses)? = member(new, "analyses") else { return result }
    for (id, analysis) in analyses {
      guard case .string("km")? = member(analysis, "kind"),
        case .array(let curves)? = member(analysis, "curves")
      else { continue }
      for curve in curves {
        guard case .string(let label)? = member(curve, "label"),
          case .array(let landmarks)? = member(curve, "landmarks")
        else { continue }
        for l in landmarks {
          guard case .number(let t)? = member(l, "time") else { continue }
          let key = "\(id)\u{1}\(label)\u{1}\(NumberFormatting.shortest(t))"
          guard a.keys.contains(key) else { continue }
          result.append(
            LandmarkParts(
              analysis: id, curve: label, time: t, old: a[key] ?? nil, mid: m[key] ?? nil,
              new: b[key] ?? nil))
        }
      }
    }
    return result
  }
}
