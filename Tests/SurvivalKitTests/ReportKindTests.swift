import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// Every analysis kind, through the public-data plan (notebooks-data/veteran), against the same
/// numbers from the CLI (which its own tests check against R) or, for maxstat and proportions,
/// against the library functions that R fixtures check.
final class ReportKindTests: XCTestCase {
  /// Copies a committed plan, and the files its data, screening and previous keys name, into
  /// a scratch tree with the repository's layout; returns the scratch root and the plan path.
  static func scratch(_ folder: String, planText: String? = nil) throws -> (URL, String) {
    let fm = FileManager.default
    let repo = TestSupport.repositoryRoot
    let root = fm.temporaryDirectory.appendingPathComponent("survkit-kind-\(UUID().uuidString)")
    let planFolder = root.appendingPathComponent("notebooks-data/\(folder)")
    try fm.createDirectory(at: planFolder, withIntermediateDirectories: true)
    let text =
      try planText
      ?? String(
        contentsOf: repo.appendingPathComponent("notebooks-data/\(folder)/plan.toml"),
        encoding: .utf8)
    try text.write(
      to: planFolder.appendingPathComponent("plan.toml"), atomically: true, encoding: .utf8)
    for line in text.split(separator: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("file = \"") || trimmed.hasPrefix("previous = \"") else { continue }
      let relative = trimmed.split(separator: "\"")[1]
      let source = repo.appendingPathComponent("notebooks-data/\(folder)/\(relative)")
        .standardizedFileURL
      let target = planFolder.appendingPathComponent(String(relative)).standardizedFileURL
      try fm.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      if !fm.fileExists(atPath: target.path) { try fm.copyItem(at: source, to: target) }
    }
    return (root, planFolder.appendingPathComponent("plan.toml").path)
  }

  func cli(_ arguments: [String]) throws -> [String: Any] {
    let (status, out, err) = try TestSupport.runSurvkit(arguments + ["--format", "json"])
    XCTAssertEqual(status, 0, err)
    return try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
  }

  func veteranResults() throws -> [String: [String: Any]] {
    let (root, plan) = try ReportKindTests.scratch("veteran")
    defer { try? FileManager.default.removeItem(at: root) }
    let (output, _, _) = try ReportWriter.run(planPath: plan)
    let json =
      try JSONSerialization.jsonObject(with: Data(output.results.serialized().utf8))
      as! [String: Any]
    return json["analyses"] as! [String: [String: Any]]
  }

  func number(_ x: Any?) -> Double? { (x as? NSNumber)?.doubleValue }

  func testKaplanMeierKindEqualsTheCLI() throws {
    let a = try veteranResults()
    // Overall: landmarks, quantiles, RMST; times in days as in the file.
    let overall = (a["os"]!["curves"] as! [[String: Any]])[0]
    let cliAll =
      (try cli([
        "km", "datasets/veteran.csv", "Surv(time, status) ~ 1", "--times", "90,180,365",
        "--rmst", "365", "--quantiles", "0.25,0.5,0.75",
      ])["strata"] as! [[String: Any]])[0]
    let at = cliAll["at"] as! [[String: Any]]
    for (k, landmark) in (overall["landmarks"] as! [[String: Any]]).enumerated() {
      for key in ["survival", "std_err", "lower", "upper", "n_risk"] {
        XCTAssertEqual(number(landmark[key]), number(at[k][key]), "landmark \(k) \(key)")
      }
    }
    let median = overall["median"] as! [String: Any]
    let cliMedian = cliAll["median"] as! [String: Any]
    for key in ["estimate", "lower", "upper"] {
      XCTAssertEqual(number(median[key]), number(cliMedian[key]), "median \(key)")
    }
    let quantiles = overall["quantiles"] as! [[String: Any]]
    let cliQuantiles = cliAll["quantiles"] as! [[String: Any]]
    for (q, c) in zip(quantiles, cliQuantiles) {
      XCTAssertEqual(number(q["probability"]), number(c["p"]))
      XCTAssertEqual(number(q["estimate"]), number(c["estimate"]))
      XCTAssertEqual(number(q["lower"]), number(c["lower"]))
    }
    let rmst = overall["rmst"] as! [String: Any]
    let cliRMST = cliAll["rmst"] as! [String: Any]
    XCTAssertEqual(number(rmst["estimate"]), number(cliRMST["estimate"]))
    XCTAssertEqual(number(rmst["std_err"]), number(cliRMST["std_err"]))
    // By treatment (trt 1 = standard, 2 = test, in that order).
    let byTrt = a["os_by_trt"]!["curves"] as! [[String: Any]]
    let cliByTrt =
      try cli([
        "km", "datasets/veteran.csv", "Surv(time, status) ~ trt", "--times", "180,365",
      ])["strata"] as! [[String: Any]]
    for (curve, c) in zip(byTrt, cliByTrt) {
      XCTAssertEqual(number(curve["n"]), number(c["n"]))
      XCTAssertEqual(number(curve["events"]), number(c["events"]))
      for (l, m) in zip(curve["landmarks"] as! [[String: Any]], c["at"] as! [[String: Any]]) {
        XCTAssertEqual(number(l["survival"]), number(m["survival"]))
        XCTAssertEqual(number(l["std_err"]), number(m["std_err"]))
      }
    }
  }

  func testLogRankKindEqualsTheCLI() throws {
    let a = try veteranResults()
    func compare(_ id: String, _ formula: String, _ extra: [String] = []) throws {
      let mine = a[id]!["result"] as! [String: Any]
      let theirs = try cli(["logrank", "datasets/veteran.csv", formula] + extra)
      for key in ["chisq", "df", "p", "n", "events", "strata"] {
        XCTAssertEqual(number(mine[key]), number(theirs[key]), "\(id) \(key)")
      }
      let g1 = mine["groups"] as! [[String: Any]]
      let g2 = theirs["groups"] as! [[String: Any]]
      XCTAssertEqual(g1.count, g2.count)
      for (x, y) in zip(g1, g2) {
        XCTAssertEqual(number(x["observed"]), number(y["observed"]), id)
        XCTAssertEqual(number(x["expected"]), number(y["expected"]), id)
      }
      if let pairs = mine["pairwise"] as? [String: Any] {
        let p1 = pairs["pairs"] as! [[String: Any]]
        let p2 = (theirs["pairwise"] as! [String: Any])["pairs"] as! [[String: Any]]
        for (x, y) in zip(p1, p2) {
          XCTAssertEqual(number(x["chisq"]), number(y["chisq"]), id)
          XCTAssertEqual(number(x["p_adjusted"]), number(y["p_adjusted"]), id)
        }
      }
    }
    try compare("logrank_trt_by_celltype", "Surv(time, status) ~ trt + strata(celltype)")
    try compare("logrank_celltype", "Surv(time, status) ~ celltype", ["--pairwise"])
  }

  func testCoxKindEqualsTheCLI() throws {
    let a = try veteranResults()
    func compare(
      _ id: String, _ formula: String, _ extra: [String] = [], file: String = "datasets/veteran.csv"
    ) throws {
      let mine = a[id]!["coefficients"] as! [[String: Any]]
      let theirs = try cli(["cox", file, formula] + extra)["coefficients"] as! [[String: Any]]
      XCTAssertEqual(mine.count, theirs.count, id)
      for (x, y) in zip(mine, theirs) {
        for key in ["coef", "se", "p", "lower", "upper"] {
          XCTAssertEqual(number(x[key]), number(y[key]), "\(id) \(x["term"]!) \(key)")
        }
      }
    }
    // The file with treatment and prior therapy written as the plan labels them, so that the
    // CLI fits the same factors.
    let csv = try String(contentsOfFile: TestSupport.dataset("veteran.csv"), encoding: .utf8)
    var lines = csv.split(separator: "\n").map(String.init)
    for i in 1..<lines.count {
      var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      cells[0] = cells[0] == "1" ? "\"standard\"" : "\"test\""
      cells[7] = cells[7] == "10" ? "\"yes\"" : "\"no\""
      lines[i] = cells.joined(separator: ",")
    }
    let path = try TestSupport.temporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try compare(
      "cox_full", "Surv(time, status) ~ trt + celltype + karno + age + prior",
      ["--reference", "celltype=squamous"], file: path)
    try compare(
      "cox_strata", "Surv(time, status) ~ trt * karno + strata(celltype)", ["--ties", "breslow"],
      file: path)
  }

  func testThresholdsMaxstatAndProportionKinds() throws {
    let a = try veteranResults()
    let csv = try String(contentsOfFile: TestSupport.dataset("veteran.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let karno = rows.map { Double($0[4])! }
    // Thresholds: the CLI on the file with the split added as a column.
    let splits = a["karno_thresholds"]!["splits"] as! [[String: Any]]
    for split in splits {
      let t = number(split["threshold"])!
      let text =
        "time,status,high\n"
        + rows.enumerated().map { i, r in "\(r[2]),\(r[3]),\(karno[i] >= t ? "b_high" : "a_low")" }
        .joined(separator: "\n") + "\n"
      let path = try TestSupport.temporaryFile(Array(text.utf8))
      defer { try? FileManager.default.removeItem(atPath: path) }
      let lr = try cli(["logrank", path, "Surv(time, status) ~ high"])
      XCTAssertEqual(number(split["logrank_p"]), number(lr["p"]), "threshold \(t)")
      let cox =
        (try cli(["cox", path, "Surv(time, status) ~ high"])["coefficients"] as! [[String: Any]])[0]
      XCTAssertEqual(number(split["hr"]), number(cox["hr"]), "threshold \(t)")
      XCTAssertEqual(number(split["lower"]), number(cox["lower"]), "threshold \(t)")
      XCTAssertEqual(number(split["cox_p"]), number(cox["p"]), "threshold \(t)")
      XCTAssertEqual(number(split["high"]), Double(karno.filter { $0 >= t }.count))
    }
    // Values computed here are compared to ones that went through JSON text and Foundation's
    // parser, which is not always correctly rounded: 1e-15 relative.
    // maxstat: the library's statistic (checked against R's maxstat elsewhere) on the file.
    let m = try MaximallySelectedLogRank(
      time: rows.map { Double($0[2])! }, status: rows.map { UInt8($0[3])! }, marker: karno,
      minProportion: 0.1)
    let maxstat = a["karno_maxstat"]!
    assertClose(number(maxstat["cutpoint"]), m.cutpoint, tol: 1e-15, "cutpoint")
    assertClose(number(maxstat["statistic"]), m.statistic, tol: 1e-15, "statistic")
    assertClose(number(maxstat["adjusted_p"]), m.adjustedP, tol: 1e-15, "adjusted_p")
    // Proportion: prior therapy (prior = 10) overall and by treatment, Clopper-Pearson limits
    // (checked against R's binom.test elsewhere).
    let prior = a["prior_by_trt"]!
    let yes = rows.filter { $0[7] == "10" }.count
    let p = try Proportion(count: yes, total: rows.count)
    XCTAssertEqual(number(prior["count"]), Double(yes))
    assertClose(number(prior["lower"]), p.lower, tol: 1e-15, "lower")
    assertClose(number(prior["upper"]), p.upper, tol: 1e-15, "upper")
    let groups = prior["groups"] as! [[String: Any]]
    for (g, trt) in zip(groups, ["1", "2"]) {
      let inGroup = rows.filter { $0[0] == trt }
      let q = try Proportion(count: inGroup.filter { $0[7] == "10" }.count, total: inGroup.count)
      assertClose(number(g["estimate"]), q.estimate, tol: 1e-15, "estimate")
      assertClose(number(g["lower"]), q.lower, tol: 1e-15, "lower")
    }
  }

  /// The public-data plan's and the Russian report's committed outputs are reproduced byte
  /// for byte (the two cuts are checked in ReportTests).
  func testCommittedPlansReproduceTheirOutputs() throws {
    for folder in ["veteran", "interim-cut1-ru"] {
      let (root, plan) = try ReportKindTests.scratch(folder)
      defer { try? FileManager.default.removeItem(at: root) }
      let (_, _, files) = try ReportWriter.run(planPath: plan)
      let committedFiles = try FileManager.default.subpathsOfDirectory(
        atPath: TestSupport.repositoryRoot.appendingPathComponent(
          "notebooks-data/\(folder)/report"
        ).path
      ).filter { !$0.hasSuffix("figures") }
      XCTAssertEqual(Set(files), Set(committedFiles), folder)
      for file in files {
        let fresh = try Data(
          contentsOf: URL(fileURLWithPath: plan).deletingLastPathComponent()
            .appendingPathComponent("report/" + file))
        let committed = try Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/\(folder)/report/\(file)"))
        XCTAssertEqual(fresh, committed, "\(folder): \(file) differs from the committed output")
      }
    }
  }

  /// The Russian report: the same numbers as the English one, printed with the decimal comma
  /// and Russian typography; figures' fixed words in Russian.
  func testRussianReport() throws {
    let repo = TestSupport.repositoryRoot
    // Every number of the analyses, by position (labels differ between the languages).
    func numbers(_ folder: String) throws -> [Double] {
      let object = try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: repo.appendingPathComponent("notebooks-data/\(folder)/report/results.json")))
      var out: [Double] = []
      func walk(_ x: Any) {
        if let d = x as? [String: Any] {
          for key in d.keys.sorted() { walk(d[key]!) }
        } else if let a = x as? [Any] {
          a.forEach(walk)
        } else if let n = x as? NSNumber, !(x is Bool) {
          out.append(n.doubleValue)
        }
      }
      walk((object as! [String: Any])["analyses"]!)
      return out
    }
    // The log-rank test orders its groups by their labels' code points, which differ between
    // the languages; the chi-square is then summed in another order and may differ in the last
    // bit. So the sorted lists are compared, to 1e-12 relative.
    let english = try numbers("interim-cut1").sorted()
    let russian = try numbers("interim-cut1-ru").sorted()
    XCTAssertEqual(english.count, russian.count)
    for (e, r) in zip(english, russian) { assertClose(r, e, tol: 1e-12, "value") }
    let md = try String(
      contentsOf: repo.appendingPathComponent("notebooks-data/interim-cut1-ru/report/report.md"),
      encoding: .utf8)
    for fragment in [
      "1-летняя ВБП: 56 ± 8 %", "p = 0,231", "ОР 0,99 (0,98–1,01), p = 0,341",
      "Медиана наблюдения 13,3 мес.", "ЧОО 59 % (13/22; 95 % ДИ 36 %–79 %)",
      "потому что критерии включения исключают таких пациентов",
    ] {
      XCTAssertTrue(md.contains(fragment), fragment)
    }
    XCTAssertFalse(md.contains("0.231"))
    let html = try String(
      contentsOf: repo.appendingPathComponent("notebooks-data/interim-cut1-ru/report/report.html"),
      encoding: .utf8)
    XCTAssertTrue(html.contains("<html lang=\"ru\">"))
    let km = try String(
      contentsOf: repo.appendingPathComponent(
        "notebooks-data/interim-cut1-ru/report/figures/pfs_by_nosology.svg"), encoding: .utf8)
    XCTAssertTrue(km.contains("Число пациентов под риском"))
    let forest = try String(
      contentsOf: repo.appendingPathComponent(
        "notebooks-data/interim-cut1-ru/report/figures/forest_pfs.svg"), encoding: .utf8)
    XCTAssertTrue(forest.contains("ОР (95 % ДИ)"))
    XCTAssertTrue(forest.contains("0,99 (0,98–1,01)"))
  }
}
