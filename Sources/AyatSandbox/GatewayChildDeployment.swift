import Foundation
import AyatCore
import AyatServer
import AyatSimulator
import Logging

/// The simulated banks in this process and the gateway in a child process (`ayat serve`), all
/// on 127.0.0.1 with ports chosen by the system: what the benchmark runs so that the gateway's
/// memory and start-up are measured on their own, without the banks or the load generator.
public struct GatewayChildDeployment: Sendable {
    public let state: StateDirectory
    public let gateway: GatewayProcess
    public let simulators: [SimulatorHost.Endpoint]

    public var apiBaseURL: String { gateway.baseURL }

    /// Makes the dev PKI if missing, starts the simulated banks, writes the gateway's
    /// configuration (loopback, both listeners on port 0), launches `executable serve`, points
    /// the banks' callbacks at the port it announced, runs `body`, then stops the gateway
    /// (SIGTERM, SIGKILL if it hangs) and the banks, whether `body` returns or throws.
    public static func run<T: Sendable>(
        state: StateDirectory, banks: [SimulatedBankConfiguration], executable: URL, logger: Logger,
        tuning: LocalDeployment.Tuning = .init(), gatewayEnvironment: [String: String] = [:], gatewayLog: URL? = nil,
        _ body: @Sendable (GatewayChildDeployment) async throws -> T
    ) async throws -> T {
        try LocalDeployment.preparePKI(state: state, banks: banks)
        let simulated = try banks.map { try SimulatedBank(configuration: $0, pki: state.pki, logger: logger) }
        await SimulatedClearing().join(simulated)
        return try await SimulatorHost.run(banks: simulated, logger: logger) { endpoints in
            var childTuning = tuning
            childTuning.gateway = { configuration in
                tuning.gateway(&configuration)
                configuration.listenHost = "127.0.0.1"
                configuration.listenPort = 0
                configuration.inboundPort = 0
            }
            try LocalDeployment.writeConfiguration(state: state, banks: banks, simulatorPorts: endpoints.map(\.port), tuning: childTuning)
            let gateway = try await GatewayProcess.launch(executable: executable, state: state, log: gatewayLog, environment: gatewayEnvironment)
            do {
                for endpoint in endpoints {
                    let code = endpoint.bank.configuration.code
                    await endpoint.bank.setCallbackURL("https://127.0.0.1:\(gateway.inboundPort)\(InboundAPI.resultsPath(for: code))")
                }
                let value = try await body(GatewayChildDeployment(state: state, gateway: gateway, simulators: endpoints))
                await gateway.stop()
                return value
            } catch {
                await gateway.stop()
                throw error
            }
        }
    }
}
