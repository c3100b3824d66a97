import Foundation
import AyatCore
import Logging
import ServiceLifecycle

/// Runs simulated banks on their own, each with its mTLS listener and its
/// control API on 127.0.0.1: what `ayat simulate` and tests of a bank added
/// by configuration alone run.
public enum SimulatorHost {
    /// Where one running bank listens.
    public struct Endpoint: Sendable {
        public let bank: SimulatedBank
        /// The bank's mTLS port (orders, and polls for `poll` banks).
        public let port: Int
        /// The control API's plain-HTTP port (loopback only).
        public let controlPort: Int

        public var messagesURL: String { "https://127.0.0.1:\(port)\(SimulatedBank.messagesPath)" }
        public var statusURLTemplate: String { "https://127.0.0.1:\(port)\(SimulatedBank.messagesPath)/{messageId}/result" }
        public var controlURL: String { "http://127.0.0.1:\(controlPort)" }
    }

    /// Starts every bank (ports from each configuration, 0 = chosen by the system),
    /// runs `body` with their endpoints, and stops them all when it returns or throws.
    public static func run<T: Sendable>(
        banks: [SimulatedBank], logger: Logger, _ body: @Sendable ([Endpoint]) async throws -> T
    ) async throws -> T {
        var services = [any Service]()
        var ports = [(ListeningPort, ListeningPort)]()
        for bank in banks {
            let listening = (ListeningPort(), ListeningPort())
            services += try bank.services(port: bank.configuration.port ?? 0, onRunning: { await listening.0.settle(.success($0)) })
            services.append(SimulatorControlAPI(bank: bank).application(
                port: bank.configuration.controlPort ?? 0, logger: logger, onRunning: { await listening.1.settle(.success($0)) }
            ))
            ports.append(listening)
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let allPorts = ports
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                var failure: any Error = StoppedBeforeListening()
                do { try await group.run() } catch { failure = error }
                for (port, control) in allPorts {
                    await port.settle(.failure(failure))
                    await control.settle(.failure(failure))
                }
            }
            let result: Result<T, any Error>
            do {
                var endpoints = [Endpoint]()
                for (bank, (port, control)) in zip(banks, allPorts) {
                    endpoints.append(Endpoint(bank: bank, port: try await port.value, controlPort: try await control.value))
                }
                result = .success(try await body(endpoints))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    struct StoppedBeforeListening: Error, CustomStringConvertible {
        var description: String { "a simulated bank stopped before it was listening" }
    }
}

/// A port a listener reports once it is up (or the error that stopped it first).
actor ListeningPort {
    private var result: Result<Int, any Error>?
    private var waiters: [CheckedContinuation<Int, any Error>] = []

    func settle(_ result: Result<Int, any Error>) {
        guard self.result == nil else { return }
        self.result = result
        for waiter in waiters { waiter.resume(with: result) }
        waiters = []
    }

    var value: Int {
        get async throws {
            if let result { return try result.get() }
            return try await withCheckedThrowingContinuation { waiters.append($0) }
        }
    }
}
