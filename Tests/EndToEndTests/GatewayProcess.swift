import Foundation
import AyatServer

/// `ayat serve` running as a child process, on the ports it announced on stdout.
final class GatewayProcess: @unchecked Sendable {
    let apiPort: Int
    let inboundPort: Int
    private let process: Process

    var pid: Int32 { process.processIdentifier }
    var baseURL: String { "http://127.0.0.1:\(apiPort)" }

    private init(process: Process, apiPort: Int, inboundPort: Int) {
        self.process = process
        self.apiPort = apiPort
        self.inboundPort = inboundPort
    }

    /// The built `ayat` executable: `$AYAT_EXECUTABLE`, else the one `swift build`
    /// put beside the test binary (the same build directory, whatever the scratch path).
    static func executable() -> URL? {
        if let path = ProcessInfo.processInfo.environment["AYAT_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        var directories = [URL]()
        if let main = Bundle.main.executableURL { directories.append(main.deletingLastPathComponent()) }
        // macOS runs tests from a bundle loaded by a helper: the bundle sits in the build directory.
        directories += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map { $0.deletingLastPathComponent() }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        return directories.map { $0.appending(path: "ayat") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts `ayat serve --state DIR --port 0` and returns once it has announced
    /// both ports. Its stderr (the logs) is appended to `log`.
    static func launch(executable: URL, state: StateDirectory, log: URL, timeout: Duration = .seconds(30)) async throws -> GatewayProcess {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        try logHandle.seekToEnd()

        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--state", state.url.path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let lines = Self.lines(of: output.fileHandleForReading)

        let ports: (api: Int, inbound: Int)?
        do {
            ports = try await announcedPorts(lines, timeout: timeout)
        } catch {
            if process.isRunning { Self.signal(process, SIGKILL) }
            throw error
        }
        guard let ports else {
            let running = process.isRunning
            if running { Self.signal(process, SIGKILL) }
            let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw GatewayProcessFailure(description: """
                ayat serve \(running ? "did not announce its ports within \(timeout)" : "exited with status \(process.terminationStatus) before announcing its ports"); \
                its log (\(log.path)) ends: \(logText.suffix(1500))
                """)
        }
        return GatewayProcess(process: process, apiPort: ports.api, inboundPort: ports.inbound)
    }

    /// Both ports from the announcement lines, or nil if stdout ends or `timeout` passes first.
    private static func announcedPorts(_ lines: AsyncStream<String>, timeout: Duration) async throws -> (api: Int, inbound: Int)? {
        try await withThrowingTaskGroup(of: (api: Int, inbound: Int)?.self) { group in
            group.addTask {
                var api: Int?
                var inbound: Int?
                for await line in lines {
                    if let port = Self.port(in: line, after: "case-system API on ") { api = port }
                    if let port = Self.port(in: line, after: "bank callbacks (mutual TLS) on ") { inbound = port }
                    if let api, let inbound { return (api, inbound) }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// SIGKILL: no graceful shutdown, nothing flushed; what a power cut does.
    func crash() async throws {
        Self.signal(process, SIGKILL)
        guard await waitForExit(timeout: .seconds(10)) else {
            throw GatewayProcessFailure(description: "ayat serve (pid \(pid)) still runs 10 s after SIGKILL")
        }
    }

    /// SIGKILL without waiting: for cleanup paths that cannot wait.
    func crashNow() {
        if process.isRunning { Self.signal(process, SIGKILL) }
    }

    /// SIGTERM, and SIGKILL if it has not stopped within `timeout`. Returns whether it stopped gracefully.
    @discardableResult
    func stop(timeout: Duration = .seconds(10)) async -> Bool {
        guard process.isRunning else { return true }
        Self.signal(process, SIGTERM)
        if await waitForExit(timeout: timeout) { return true }
        Self.signal(process, SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
        return false
    }

    /// Polls until the process has exited (it is ours: its exit is reaped by Foundation).
    private func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private static func signal(_ process: Process, _ signal: Int32) {
        _ = kill(process.processIdentifier, signal)
    }

    /// `127.0.0.1:PORT` right after `marker` in an announcement line.
    static func port(in line: String, after marker: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        let address = line[range.upperBound...].prefix { !$0.isWhitespace }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// The lines of a pipe, read on a thread of their own (reads block) until end of file.
    private static func lines(of handle: FileHandle) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending = Data(pending[pending.index(after: newline)...])
                }
            }
            continuation.finish()
        }
        reader.start()
        return stream
    }
}

struct GatewayProcessFailure: Error, CustomStringConvertible {
    let description: String
}
