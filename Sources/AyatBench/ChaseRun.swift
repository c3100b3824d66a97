import AsyncHTTPClient
import AyatCore
import AyatSandbox
import AyatServer
import Foundation
import Logging
import NIOCore

/// Scenario 5: the shipped money trail (4 hops over 3 banks in 3 dialects, one branch splitting),
/// chased end to end through the API, timed from the first freeze's submission until the case
/// system sees every hop frozen.
public struct ChaseRun: Sendable {
    public var repetitions = 20
    public var timeout: Duration = .seconds(60)
    public init() {}

    public struct Result: Sendable {
        /// Seconds from submitting the first freeze to the last hop frozen, one per repetition.
        public var seconds: [Double]
        public var complete: Bool
        public var median: Double { seconds.sorted()[seconds.count / 2] }
        public var worst: Double { seconds.max() ?? 0 }
    }

    public func run() async throws -> Result {
        let state = StateDirectory(FileManager.default.temporaryDirectory.appending(path: "ayat-bench-chase-\(UUID().uuidString.prefix(8))"))
        defer { try? FileManager.default.removeItem(at: state.url) }
        var logger = Logger(label: "ayat.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        let run = self
        return try await LocalDeployment.run(state: state, banks: try LocalDeployment.shippedBanks(), logger: logger) { deployment in
            var seconds = [Double]()
            var complete = true
            for repetition in 0..<run.repetitions {
                let caseID = "BENCH-CHASE-\(repetition)"
                let reported = Timestamp.formatSeconds(Date().addingTimeInterval(-300))
                _ = try await Self.send(deployment, "PUT", "/v1/cases/\(caseID)", #"{"chasing":true,"reportedAt":"\#(reported)"}"#)
                let submitted = Date()
                let reply = try await Self.send(deployment, "POST", "/v1/orders", """
                    {"type":"freeze","caseId":"\(caseID)","bank":"014","account":{"number":"1402339876","holderName":"สมชาย ใจดี"},
                     "amount":{"value":"100000.00","currency":"THB"},"reportedAt":"\(reported)",
                     "reportedTransfer":{"reference":"TRXBENCH\(repetition)","time":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-900)))"},
                     "legalBasis":"Emergency Decree on Technology Crime B.E. 2566, s. 6","requestedBy":"officer:BENCH"}
                    """)
                guard reply.status == 202 else { complete = false; break }
                let deadline = Date().addingTimeInterval(Double(run.timeout.components.seconds))
                var last: Date?
                while Date() < deadline {
                    let view = try await Self.send(deployment, "GET", "/v1/cases/\(caseID)", nil).json
                    let summary = view["summary"] as? [String: Any] ?? [:]
                    // Seen by the case system (polling every 5 ms): banks stamp their results to the second only.
                    if summary["hopsOpen"] as? Int == 0, summary["hops"] as? Int == 4, summary["hopsFrozen"] as? Int == 4 {
                        last = Date()
                        break
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                guard let last else { complete = false; break }
                seconds.append(last.timeIntervalSince(submitted))
            }
            return Result(seconds: seconds, complete: complete && seconds.count == run.repetitions)
        }
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
    }

    static func send(_ deployment: LocalDeployment, _ method: String, _ path: String, _ body: String?) async throws -> Reply {
        var request = HTTPClientRequest(url: deployment.apiBaseURL + path)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return Reply(status: Int(response.status.code), json: json)
    }
}
