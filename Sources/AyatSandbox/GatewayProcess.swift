import Foundation
import AyatServer
#if canImport(Glibc)
import Glibc
#endif

/// `ayat serve` running as a child process, on the ports it announced on stdout: what the
/// crash tests kill and restart, and what the benchmark measures on its own.
///
/// The child stops when its stdin reaches end of file (`serve --stop-at-stdin-eof`), and this
/// object holds the only writing end of that pipe: if the parent dies, however it dies, the
/// kernel closes the pipe and the gateway stops with it.
public final class GatewayProcess: @unchecked Sendable {
    public let apiPort: Int
    public let inboundPort: Int
    /// From spawning the process to both ports announced.
    public let startup: Duration
    private let process: Process
    private let lifeline: Pipe

    public var pid: Int32 { process.processIdentifier }
    public var baseURL: String { "http://127.0.0.1:\(apiPort)" }
    public var isRunning: Bool { process.isRunning }
    /// The exit status, once it has exited.
    public var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    private init(process: Process, lifeline: Pipe, apiPort: Int, inboundPort: Int, startup: Duration) {
        self.process = process
        self.lifeline = lifeline
        self.apiPort = apiPort
        self.inboundPort = inboundPort
        self.startup = startup
    }

    /// The built `ayat` executable: `$AYAT_EXECUTABLE`, else the one `swift build`
    /// put beside the test binary (the same build directory, whatever the scratch path).
    public static func executable() -> URL? {
        if let path = ProcessInfo.processInfo.environment["AYAT_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        var directories = [URL]()
        if let main = Bundle.main.executableURL { directories.append(main.deletingLastPathComponent()) }
        // macOS runs tests from a bundle loaded by a helper: the bundle sits in the build directory.
        directories += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map { $0.deletingLastPathComponent() }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        return directories.map { $0.appending(path: "ayat") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// The executable of this very process (`/proc/self/exe`): for `ayat` commands that start another `ayat`.
    public static func currentExecutable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Starts `ayat serve --state DIR --port 0` and returns once it has announced both ports.
    /// Its stderr (the logs) is appended to `log`, or goes to this process's stderr when nil;
    /// `environment` is added to this process's.
    public static func launch(
        executable: URL, state: StateDirectory, log: URL? = nil, environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> GatewayProcess {
        let logHandle: FileHandle?
        if let log {
            if !FileManager.default.fileExists(atPath: log.path) {
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            }
            logHandle = try FileHandle(forWritingTo: log)
            try logHandle?.seekToEnd()
        } else {
            logHandle = nil
        }
        defer { try? logHandle?.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--state", state.url.path, "--port", "0", "--stop-at-stdin-eof"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let output = Pipe()
        let lifeline = Pipe()
        // Only this process may hold the writing end: a later child inheriting it would keep the gateway alive.
        _ = fcntl(lifeline.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        process.standardOutput = output
        process.standardError = logHandle ?? FileHandle.standardError
        process.standardInput = lifeline
        let clock = ContinuousClock()
        let spawned = clock.now
        try process.run()
        let lines = Self.lines(of: output.fileHandleForReading)

        let ports: (api: Int, inbound: Int)?
        do {
            ports = try await announcedPorts(lines, timeout: timeout)
        } catch {
            if process.isRunning { Self.signal(process, SIGKILL) }
            throw error
        }
        let startup = clock.now - spawned
        guard let ports else {
            let running = process.isRunning
            if running { Self.signal(process, SIGKILL) }
            let logText = log.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map { "; its log (\(log?.path ?? "")) ends: \($0.suffix(1500))" } ?? ""
            throw GatewayProcessFailure(description: """
                ayat serve \(running ? "did not announce its ports within \(timeout)" : "exited with status \(process.terminationStatus) before announcing its ports")\(logText)
                """)
        }
        return GatewayProcess(process: process, lifeline: lifeline, apiPort: ports.api, inboundPort: ports.inbound, startup: startup)
    }

    /// Both ports from the announcement lines, or nil if stdout ends or `timeout` passes first.
    private static func announcedPorts(_ lines: AsyncStream<String>, timeout: Duration) async throws -> (api: Int, inbound: Int)? {
        try await value(within: timeout) {
            var api: Int?
            var inbound: Int?
            for await line in lines {
                if let port = Self.port(in: line, after: "case-system API on ") { api = port }
                if let port = Self.port(in: line, after: "bank callbacks (mutual TLS) on ") { inbound = port }
                if let api, let inbound { return (api, inbound) }
            }
            return nil
        }
    }

    /// The gateway's resident memory now, while it runs.
    public func residentMemory() -> Int? {
        ProcessMemory.resident(pid: pid)
    }

    /// The gateway's peak resident memory since it started (VmHWM), while it runs: read it before `stop()`.
    public func peakResidentMemory() -> Int? {
        ProcessMemory.peakResident(pid: pid)
    }

    /// CPU seconds the gateway has used since it started, while it runs.
    public func cpuSeconds() -> Double? {
        ProcessCPU.seconds(pid: pid)
    }

    /// SIGKILL: no graceful shutdown, nothing flushed; what a power cut does.
    public func crash() async throws {
        Self.signal(process, SIGKILL)
        guard await waitForExit(timeout: .seconds(10)) else {
            throw GatewayProcessFailure(description: "ayat serve (pid \(pid)) still runs 10 s after SIGKILL")
        }
    }

    /// SIGKILL without waiting: for cleanup paths that cannot wait.
    public func crashNow() {
        if process.isRunning { Self.signal(process, SIGKILL) }
    }

    /// SIGTERM, and SIGKILL if it has not stopped within `timeout`. Returns whether it stopped gracefully.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10)) async -> Bool {
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
            // A cancelled task still waits for its child, without spinning.
            do { try await Task.sleep(for: .milliseconds(10)) } catch { usleep(10_000) }
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
                let chunk = PipeReading.chunk(handle)
                if chunk.isEmpty { break }
                pending.append(contentsOf: chunk)
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

public struct GatewayProcessFailure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) {
        self.description = description
    }
}
