import Foundation
import AyatSandbox

/// Runs a tool the baselines come from and returns what it printed, or why it could not run.
enum ExternalTool {
    struct Outcome {
        let succeeded: Bool
        let output: String
        /// The last line printed: usually the reason when a tool fails.
        var lastLine: String { output.split(separator: "\n").last.map(String.init) ?? "no output" }

        /// This outcome if it succeeded, otherwise the fallback's.
        func orElse(_ fallback: () -> Outcome) -> Outcome { succeeded ? self : fallback() }
    }

    static func run(_ arguments: [String]) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return Outcome(succeeded: false, output: "\(arguments[0]) could not start: \(error)")
        }
        let data = PipeReading.all(pipe.fileHandleForReading)
        process.waitUntilExit()
        return Outcome(succeeded: process.terminationStatus == 0, output: String(decoding: data, as: UTF8.self))
    }
}
