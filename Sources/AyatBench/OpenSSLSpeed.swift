import Foundation

/// The machine's raw signing rate: `openssl speed rsa2048 ecdsap256`, on one core and on two.
public struct OpenSSLSpeed: Sendable {
    public struct Rates: Sendable, Hashable {
        public var sign: Double
        public var verify: Double
    }

    public let version: String
    /// By algorithm name as `openssl speed` takes it (`rsa2048`, `ecdsap256`), then by core count.
    public let rates: [String: [Int: Rates]]

    public func rate(_ algorithm: String, cores: Int) -> Rates? { rates[algorithm]?[cores] }

    /// nil, with the reason, when openssl is missing.
    public static func measure(seconds: Int = 3, cores: [Int] = [1, 2]) -> Result<OpenSSLSpeed, BaselineSkipped> {
        let version = ExternalTool.run(["openssl", "version"])
        guard version.succeeded else { return .failure(BaselineSkipped("openssl not found: \(version.lastLine)")) }
        var rates = [String: [Int: Rates]]()
        for count in cores {
            var arguments = ["openssl", "speed", "-seconds", String(seconds)]
            if count > 1 { arguments += ["-multi", String(count)] }
            arguments += ["rsa2048", "ecdsap256"]
            // `openssl speed` times itself with SIGALRM; this process's threads block or ignore
            // signals, which a child inherits, so the alarm is restored first when python3 is at hand.
            let outcome = ExternalTool.run(["python3", "-c", Self.withAlarm] + arguments)
                .orElse { ExternalTool.run(arguments) }
            guard outcome.succeeded else { return .failure(BaselineSkipped("openssl speed failed: \(outcome.lastLine)")) }
            for (algorithm, measured) in parse(outcome.output) {
                rates[algorithm, default: [:]][count] = measured
            }
        }
        guard rates["rsa2048"] != nil, rates["ecdsap256"] != nil else {
            return .failure(BaselineSkipped("openssl speed printed no rsa2048/ecdsap256 figures"))
        }
        return .success(OpenSSLSpeed(version: version.lastLine, rates: rates))
    }

    static let withAlarm = "import os, signal, sys; signal.signal(signal.SIGALRM, signal.SIG_DFL); signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM}); os.execvp(sys.argv[1], sys.argv[1:])"

    /// The summary lines: `rsa 2048 bits … sign/s verify/s` and `256 bits ecdsa (nistp256) … sign/s verify/s`.
    static func parse(_ output: String) -> [String: Rates] {
        var found = [String: Rates]()
        for line in output.split(separator: "\n") {
            let algorithm: String
            if line.contains("rsa") && line.contains("2048 bits") {
                algorithm = "rsa2048"
            } else if line.contains("ecdsa") && line.contains("nistp256") {
                algorithm = "ecdsap256"
            } else {
                continue
            }
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            if numbers.count >= 2 {
                found[algorithm] = Rates(sign: numbers[numbers.count - 2], verify: numbers[numbers.count - 1])
            }
        }
        return found
    }
}

/// Why a baseline was not measured: printed in its place.
public struct BaselineSkipped: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
