import Foundation
import XCTest

@testable import SurvivalKit

/// Predicted survival from Cox fits against R's `survfit(coxfit, newdata)`,
/// `summary(..., times, extend = TRUE)` and `basehaz` (fixtures from
/// `fixtures/R/cox_predict_fixtures.R`, R 4.2.2, survival 3.5-3): Efron and Breslow, strata
/// (a profile with and without its stratum), counting-process data, case weights with the
/// robust variance, log, log-log and plain limits, on six data sets. Tolerance 1e-6 relative
/// (the fit is iterative).
final class CoxPredictionFixtureTests: XCTestCase {
  let tol = 1e-6

  func numbers(_ any: Any?) -> [Double?] {
    (any as! [Any]).map { ($0 as? NSNumber)?.doubleValue }
  }

  func fixtures() throws -> [(String, [String: Any])] {
    let folder = TestSupport.fixtures.appendingPathComponent("cox_predict")
    return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "json" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
      .map {
        (
          $0.deletingPathExtension().lastPathComponent,
          try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        )
      }
  }

  func compare(_ a: [Double?], _ e: [Double?], _ name: String) {
    XCTAssertEqual(a.count, e.count, "\(name) count")
    for (k, (x, y)) in zip(a, e).enumerated() { assertClose(x, y, tol: tol, "\(name)[\(k)]") }
  }

  func testEveryFixture() throws {
    let all = try fixtures()
    XCTAssertGreaterThanOrEqual(all.count, 9)
    var curvesChecked = 0
    for (name, json) in all {
      let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: json["ties"] as! String)!
      options.weights = json["weights"] as? String
      let fit = try CoxModel.fit(
        table: table, formula: Formula(json["formula"] as! String), options: options)
      let times = numbers(json["times"]).map { $0! }
      let confType = ConfidenceTransform(name: json["conf_type"] as! String)!
      for prediction in json["predictions"] as! [[String: Any]] {
        let text = prediction["profile"] as! String
        let ours = try fit.predictSurvival(
          profiles: [CoxProfile(parsing: text)], times: times, confType: confType)
        let expected = prediction["curves"] as! [[String: Any]]
        XCTAssertEqual(ours.curves.count, expected.count, "\(name) \(text) curves")
        if let lp = (prediction["lp"] as? NSNumber)?.doubleValue {
          assertClose(ours.curves[0].linearPredictor, lp, tol: tol, "\(name) \(text) lp")
        }
        for (curve, e) in zip(ours.curves, expected) {
          let w = "\(name) \(text) \(curve.stratum ?? "")"
          if expected.count > 1, let label = e["stratum"] as? String {
            XCTAssertEqual(curve.stratum?.split(separator: "=").last.map(String.init), label, w)
          }
          compare(curve.time, numbers(e["time"]), "\(w) time")
          compare(curve.nRisk, numbers(e["n_risk"]), "\(w) n.risk")
          compare(curve.nEvent, numbers(e["n_event"]), "\(w) n.event")
          compare(curve.survival, numbers(e["survival"]), "\(w) surv")
          compare(curve.standardError, numbers(e["std_err"]), "\(w) std.err")
          compare(curve.cumulativeHazardError, numbers(e["std_chaz"]), "\(w) std.chaz")
          compare(curve.lower, numbers(e["lower"]), "\(w) lower")
          compare(curve.upper, numbers(e["upper"]), "\(w) upper")
          compare(curve.cumulativeHazard, numbers(e["cumhaz"]), "\(w) cumhaz")
          let at = e["at"] as! [String: Any]
          compare(curve.at.map(\.time), numbers(at["time"]), "\(w) at time")
          compare(curve.at.map(\.nRisk), numbers(at["n_risk"]), "\(w) at n.risk")
          compare(curve.at.map(\.survival), numbers(at["survival"]), "\(w) at surv")
          compare(curve.at.map(\.standardError), numbers(at["std_err"]), "\(w) at se")
          compare(curve.at.map(\.lower), numbers(at["lower"]), "\(w) at lower")
          compare(curve.at.map(\.upper), numbers(at["upper"]), "\(w) at upper")
          compare(curve.at.map(\.cumulativeHazard), numbers(at["cumhaz"]), "\(w) at cumhaz")
          curvesChecked += 1
        }
      }
      let base = json["basehaz"] as! [String: Any]
      let centred = try fit.baselineHazard()
      compare(centred.time, numbers(base["time"]), "\(name) basehaz time")
      compare(centred.hazard, numbers(base["hazard"]), "\(name) basehaz")
      compare(
        try fit.baselineHazard(centered: false).hazard, numbers(base["hazard_uncentered"]),
        "\(name) basehaz uncentred")
      if let strata = base["strata"] as? [String] {
        // R writes `pair=1` for a numeric strata variable and the bare level for a text one.
        XCTAssertEqual(
          centred.strata?.map { String($0.split(separator: "=").last!) },
          strata.map { String($0.split(separator: "=").last!) }, "\(name) basehaz strata")
      }
    }
    XCTAssertGreaterThanOrEqual(curvesChecked, 20)
  }

  func testBadProfiles() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("veteran.csv"))
    let fit = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ trt + celltype + karno"))
    for (text, fragments) in [
      ("trt=1,celltype=large,karno=60,gd2=40", ["'gd2' is not a covariate", "'karno'"]),
      ("trt=1,celltype=ewing,karno=60", ["'ewing' is not a level of 'celltype'", "'squamous'"]),
      ("trt=1,celltype=large", ["no value for 'karno'"]),
      ("trt=one,celltype=large,karno=60", ["'trt' is numeric", "'one'"]),
    ] {
      assertThrows(
        try fit.predictSurvival(profiles: [CoxProfile(parsing: text)]), containing: fragments)
    }
    assertThrows(try CoxProfile(parsing: "trt=1,karno"), containing: ["'karno'", "var=value"])
    assertThrows(try CoxProfile(parsing: "trt=1,trt=2"), containing: ["given twice"])
    let stratified = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ trt + strata(celltype)"))
    assertThrows(
      try stratified.predictSurvival(profiles: [CoxProfile(parsing: "trt=1,celltype=ewing")]),
      containing: ["'celltype=ewing' is not a stratum", "'celltype=adeno'"])
  }
}
