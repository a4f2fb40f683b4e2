// Parses one numeric CSV with each reader, converting every cell to Double, and prints MB/s.
import Foundation
import SurvivalKit
import SwiftCSV

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "benchmarks/data/numeric_193MB.csv"
let which = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "all"
let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
let megabytes = size / 1_000_000

func measure(_ name: String, _ body: () throws -> Double) rethrows {
  let start = DispatchTime.now().uptimeNanoseconds
  let checksum = try body()
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  print(String(format: "%-22@ %8.3f s %8.1f MB/s  checksum %.6g", name as NSString, seconds, megabytes / seconds, checksum))
}

if which == "all" || which == "survivalkit" {
  try measure("SurvivalKit CSVReader") {
    let t = try SurvivalKit.CSVReader.read(path: path)
    var sum = 0.0
    for c in t.columns { if case .numeric(let v) = c.values { for x in v { sum += x } } }
    return sum
  }
}
if which == "all" || which == "yaslab" {
  try measure("CSV.swift 2.5.2") {
    try yaslabSum(path: path)
  }
}
if which == "all" || which == "swiftcsv" {
  try measure("SwiftCSV 0.10.0") {
    let csv = try SwiftCSV.CSV<Enumerated>(url: URL(fileURLWithPath: path))
    var sum = 0.0
    for row in csv.rows { for cell in row { sum += Double(cell) ?? 0 } }
    return sum
  }
}
