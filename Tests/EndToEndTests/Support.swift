import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing
import AyatCore
import AyatDelivery
import AyatSandbox
import AyatServer
import AyatSimulator
import AyatStore

/// A fresh state directory under the system's temporary directory; the caller removes it.
func temporaryState() -> StateDirectory {
    StateDirectory(FileManager.default.temporaryDirectory.appending(path: "ayat-e2e-\(UUID().uuidString)"))
}

/// Runs `body` with a fresh temporary state directory and removes the directory afterwards,
/// also when `body` throws: for tests that use one state across several deployments or after one.
func withTemporaryState<T>(_ body: (StateDirectory) async throws -> T) async rethrows -> T {
    let state = temporaryState()
    defer { try? FileManager.default.removeItem(at: state.url) }
    return try await body(state)
}

let testLogger: Logger = {
    var logger = Logger(label: "ayat.tests") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .error
    return logger
}()

/// Runs `body` against a gateway and the shipped simulated banks on 127.0.0.1, port 0.
/// Without `state`, on a fresh temporary one that is removed afterwards.
func withDeployment<T: Sendable>(
    state: StateDirectory? = nil, banks: [SimulatedBankConfiguration]? = nil, tuning: LocalDeployment.Tuning = .init(),
    _ body: @Sendable (LocalDeployment) async throws -> T
) async throws -> T {
    guard let state else {
        return try await withTemporaryState { state in try await withDeployment(state: state, banks: banks, tuning: tuning, body) }
    }
    var settings = Dispatcher.Settings()
    settings.idlePoll = .milliseconds(100)
    return try await LocalDeployment.run(
        state: state, banks: try banks ?? LocalDeployment.shippedBanks(), logger: testLogger, dispatcherSettings: settings, tuning: tuning, body
    )
}

/// The case system's side of the API, over plain HTTP on loopback.
struct APIReply: @unchecked Sendable {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
}

func post(_ deployment: LocalDeployment, _ path: String, body: String, headers: [String: String] = ["Content-Type": "application/json"]) async throws -> APIReply {
    var request = HTTPClientRequest(url: deployment.apiBaseURL + path)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    return try await execute(request)
}

func get(_ deployment: LocalDeployment, _ path: String) async throws -> APIReply {
    try await execute(HTTPClientRequest(url: deployment.apiBaseURL + path))
}

func send(_ deployment: LocalDeployment, _ path: String, method: HTTPMethod, body: String) async throws -> APIReply {
    var request = HTTPClientRequest(url: deployment.apiBaseURL + path)
    request.method = method
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    return try await execute(request)
}

private func execute(_ request: HTTPClientRequest) async throws -> APIReply {
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 8 << 20)
    return APIReply(
        status: Int(response.status.code),
        headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }),
        body: Array(body.readableBytesView)
    )
}

/// A valid freeze order for an account of a shipped simulated bank, as JSON.
func freezeOrderJSON(
    bank: String = "014", number: String = "1402339876", holder: String = "สมชาย ใจดี", amount: String = "15000.00",
    caseID: String = "TH-CASE-2026-00001"
) -> String {
    """
    {"type":"freeze","caseId":"\(caseID)","bank":"\(bank)",
     "account":{"number":"\(number)","holderName":"\(holder)"},
     "amount":{"value":"\(amount)","currency":"THB"},
     "reportedTransfer":{"reference":"TRX2026112900001","time":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-900)))"},
     "reportedAt":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-300)))",
     "legalBasis":"Emergency Decree on Technology Crime B.E. 2566, s. 6","requestedBy":"officer:AOC-0042"}
    """
}

struct TimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Waits, without polling, until the order satisfies `condition`: the
/// dispatcher announces every recorded attempt on the deployment's feed.
@discardableResult
func waitFor(
    _ deployment: LocalDeployment, order id: OrderID, timeout: Duration = .seconds(30),
    until condition: @escaping @Sendable (OrderRecord, [TimelineEntry]) -> Bool
) async throws -> OrderRecord {
    let store = deployment.gateway.store
    // The timeline is read first: the order read after it is at least as new,
    // and states only move forward.
    @Sendable func check() async throws -> OrderRecord? {
        let timeline = try await store.timeline(of: id)
        guard let record = try await store.order(id) else { return nil }
        return condition(record, timeline) ? record : nil
    }
    return try await waitOnFeed(deployment, timeout: timeout, check: check) {
        let state = try await store.order(id)?.state.rawValue ?? "missing"
        return "order \(id) did not reach the expected condition within \(timeout); state \(state)"
    }
}

/// Re-runs `check` on every change the deployment records until it returns a value, or fails after `timeout`.
func waitOnFeed<T: Sendable>(
    _ deployment: LocalDeployment, timeout: Duration, check: @escaping @Sendable () async throws -> T?,
    explain: @Sendable () async throws -> String
) async throws -> T {
    let changes = await deployment.gateway.feed.subscribe()
    let found = try await value(within: timeout) {
        if let value = try await check() { return value }
        for await _ in changes {
            if let value = try await check() { return value }
        }
        return nil
    }
    guard let found else { throw TimedOut(description: try await explain()) }
    return found
}

/// External verifiers: present on CI (installed by .ci/run), optional on a developer's machine.
enum ExternalTool {
    /// Looks the tool up on PATH first (where .ci/run's pip installs for python3), then the usual places.
    static func path(_ name: String) -> String? {
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in searchPath + ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static var onCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The tool's path; records a failure on CI if it is missing, and returns nil to skip elsewhere.
    static func require(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        if let path = path(name) { return path }
        if onCI {
            Issue.record("\(name) is required on CI (.ci/run installs it)", sourceLocation: sourceLocation)
        } else {
            print("skipping: \(name) is not installed (apt-get install -y \(name))")
        }
        return nil
    }

    /// Runs a tool on a thread of its own; returns its exit status and combined output. A test
    /// that waited for a child on the cooperative pool (two threads on a two-core machine) would
    /// stall every other test in the process meanwhile: CI saw simulated banks stop accepting and
    /// connections to them time out while three tests each waited for a child at once.
    static func run(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runWaiting(path, arguments) }) }.start()
        }
    }

    private static func runWaiting(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = PipeReading.all(pipe.fileHandleForReading)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
