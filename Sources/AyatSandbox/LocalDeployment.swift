import Foundation
import AyatCore
import AyatDelivery
import AyatDialects
import AyatPKI
import AyatServer
import AyatSimulator
import Hummingbird
import Logging
import ServiceLifecycle

/// A gateway and its simulated banks in one process, all on 127.0.0.1 with
/// ports chosen by the system, speaking real mTLS and real signatures: what
/// `ayat demo`, the end-to-end tests and benchmarks run.
public struct LocalDeployment: Sendable {
    public let state: StateDirectory
    public let gateway: Gateway
    public let apiPort: Int
    /// The banks' callback listener (mutual TLS).
    public let inboundPort: Int
    public let simulators: [BankCode: SimulatedBank]

    public var apiBaseURL: String { "http://127.0.0.1:\(apiPort)" }

    /// The simulated banks shipped with Ayat (`simulators/*.yaml`).
    public static func shippedBanks() throws -> [SimulatedBankConfiguration] {
        try SimulatedBankConfiguration.loadAll(from: SimulatedBankConfiguration.shippedDirectory)
    }

    /// Creates the state directory and the dev PKI for `banks`, unless it is already there.
    public static func preparePKI(state: StateDirectory, banks: [SimulatedBankConfiguration]) throws {
        try state.create()
        let codes = banks.map(\.code.rawValue)
        let pki = state.pki
        let missing = !FileManager.default.fileExists(atPath: pki.centreCA.certificate.path)
            || codes.contains { !FileManager.default.fileExists(atPath: pki.bank($0).signing.certificate.path) }
        if missing {
            try DevPKI.generate(in: pki.directory, banks: codes)
        }
    }

    /// Writes `gateway.yaml` and one profile per simulated bank in `banks`,
    /// served on 127.0.0.1 at the matching port of `simulatorPorts`.
    public static func writeConfiguration(
        state: StateDirectory, banks: [SimulatedBankConfiguration], simulatorPorts: [Int], centreID: String = "THACC",
        tuning: Tuning = Tuning()
    ) throws {
        precondition(banks.count == simulatorPorts.count, "one port per simulated bank")
        try FileManager.default.createDirectory(at: state.banksDirectory, withIntermediateDirectories: true)
        var gateway = state.devGatewayConfiguration(centreID: centreID)
        tuning.gateway(&gateway)
        try YAMLFile.write(gateway, to: state.gatewayConfiguration)
        for (configuration, port) in zip(banks, simulatorPorts) {
            var profile = state.devBankProfile(
                code: configuration.code, name: configuration.name, dialect: configuration.dialect,
                endpoint: "https://127.0.0.1:\(port)\(SimulatedBank.messagesPath)"
            )
            let mode = configuration.acknowledgement.mode
            profile.ack = BankProfile.Acknowledgement(
                mode: mode, pollInterval: mode == "poll" ? 0.2 : nil,
                statusEndpoint: mode == "poll" ? "https://127.0.0.1:\(port)\(SimulatedBank.messagesPath)/{messageId}/result" : nil
            )
            tuning.profile(&profile)
            try YAMLFile.write(profile, to: state.banksDirectory.appending(path: "\(configuration.code).yaml"))
        }
    }

    /// Makes the dev PKI if missing, starts the simulated banks, writes the
    /// gateway's configuration and bank profiles for their ports, starts the
    /// gateway, runs `body`, and shuts everything down in reverse order.
    public static func run<T: Sendable>(
        state: StateDirectory, banks: [SimulatedBankConfiguration], centreID: String = "THACC", logger: Logger,
        dispatcherSettings: Dispatcher.Settings = .init(), tuning: Tuning = Tuning(),
        _ body: @Sendable (LocalDeployment) async throws -> T
    ) async throws -> T {
        try preparePKI(state: state, banks: banks)
        let simulators = try banks.map { try SimulatedBank(configuration: $0, pki: state.pki, logger: logger) }
        await SimulatedClearing().join(simulators)

        let simulatorPorts = simulators.map { _ in PortPromise() }
        var simulatorServices = [any Service]()
        for (simulator, promise) in zip(simulators, simulatorPorts) {
            simulatorServices += try simulator.services(onRunning: { await promise.fulfil($0) })
        }
        let simulatorGroup = ServiceGroup(configuration: .init(services: simulatorServices, gracefulShutdownSignals: [], logger: logger))

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await simulatorGroup.run() } catch {
                    for promise in simulatorPorts { await promise.fail(error) }
                    throw error
                }
                for promise in simulatorPorts { await promise.fail(ServerStoppedBeforeListening()) }
            }
            do {
                var ports = [Int]()
                for promise in simulatorPorts { ports.append(try await promise.value) }
                try writeConfiguration(state: state, banks: banks, simulatorPorts: ports, centreID: centreID, tuning: tuning)
            } catch {
                await simulatorGroup.triggerGracefulShutdown()
                throw error
            }

            let gateway: Gateway
            do {
                gateway = try Gateway(state: state, logger: logger, dispatcherSettings: dispatcherSettings, watchInterval: tuning.watchInterval)
            } catch {
                await simulatorGroup.triggerGracefulShutdown()
                throw error
            }
            let apiPort = PortPromise()
            let inboundPort = PortPromise()
            let gatewayStopped = PortPromise()
            let gatewayGroup: ServiceGroup
            do {
                gatewayGroup = ServiceGroup(configuration: .init(
                    services: [
                        gateway.application(host: "127.0.0.1", port: 0, onRunning: { await apiPort.fulfil($0) }),
                        try gateway.inboundApplication(host: "127.0.0.1", port: 0, onRunning: { await inboundPort.fulfil($0) }),
                    ] + gateway.workers,
                    gracefulShutdownSignals: [], logger: logger
                ))
            } catch {
                await simulatorGroup.triggerGracefulShutdown()
                throw error
            }
            group.addTask {
                do { try await gatewayGroup.run() } catch {
                    await apiPort.fail(error)
                    await inboundPort.fail(error)
                    throw error
                }
                await apiPort.fail(ServerStoppedBeforeListening())
                await inboundPort.fail(ServerStoppedBeforeListening())
                await gatewayStopped.fulfil(0)
            }

            // Reverse order: the gateway stops, then closes its connections to the
            // banks, and only then do the banks stop (a TLS server otherwise
            // waits for its clients' close_notify).
            func stop() async {
                await gatewayGroup.triggerGracefulShutdown()
                _ = try? await gatewayStopped.value
                await gateway.shutdown()
                await simulatorGroup.triggerGracefulShutdown()
            }
            let result: T
            do {
                let inbound = try await inboundPort.value
                for simulator in simulators {
                    await simulator.setCallbackURL("https://127.0.0.1:\(inbound)\(InboundAPI.resultsPath(for: simulator.configuration.code))")
                }
                let deployment = LocalDeployment(
                    state: state, gateway: gateway, apiPort: try await apiPort.value, inboundPort: inbound,
                    simulators: Dictionary(simulators.map { ($0.configuration.code, $0) }, uniquingKeysWith: { first, _ in first })
                )
                result = try await body(deployment)
            } catch {
                await stop()
                try? await group.waitForAll()
                throw error
            }
            await stop()
            try await group.waitForAll()
            return result
        }
    }
}

extension LocalDeployment {
    /// Changes to the generated configuration: what a test or scenario needs
    /// different from the dev defaults (webhooks, chasing, flow limits, hold windows).
    public struct Tuning: Sendable {
        public var gateway: @Sendable (inout GatewayConfiguration) -> Void
        public var profile: @Sendable (inout BankProfile) -> Void
        /// How often deadlines and legal holds are checked.
        public var watchInterval: Duration
        public init(
            gateway: @escaping @Sendable (inout GatewayConfiguration) -> Void = { _ in },
            profile: @escaping @Sendable (inout BankProfile) -> Void = { _ in },
            watchInterval: Duration = .seconds(5)
        ) {
            self.gateway = gateway
            self.profile = profile
            self.watchInterval = watchInterval
        }
    }
}
