import ArgumentParser
import Foundation
import AyatServer
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: the case system's API, the banks' callback endpoint, the dispatcher and the audit log.",
        discussion: "Reads STATE/gateway.yaml, STATE/banks/*.yaml and the keys they name; stores in STATE/ayat.sqlite. Stops gracefully on SIGINT or SIGTERM."
    )

    @OptionGroup var state: StateOption

    @Option(help: ArgumentHelp("Port for the API (default: from gateway.yaml).", valueName: "PORT"))
    var port: Int?

    @Flag(name: .customLong("stop-at-stdin-eof"), help: "Stop gracefully when standard input reaches end of file: a supervisor holding the other end of a pipe takes the gateway down with it, even when the supervisor is killed.")
    var stopAtStdinEOF = false

    func run() async throws {
        let logger = Console.logger("ayat.serve")
        let gateway = try Gateway(state: state.directory, logger: logger)
        // Written unbuffered: a supervisor reading stdout from a pipe learns the bound ports at once.
        let announce: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data("\($0)\n".utf8)) }
        let application = gateway.application(port: port, onRunning: { port in
            announce("ayat gateway: case-system API on \(gateway.configuration.listenHost):\(port) with \(gateway.banks.codes.count) bank(s)")
        })
        let inbound = try gateway.inboundApplication(onRunning: { port in
            announce("ayat gateway: bank callbacks (mutual TLS) on \(gateway.configuration.listenHost):\(port)")
        })
        var services = ([application, inbound] + gateway.workers).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if stopAtStdinEOF {
            services.append(.init(service: StandardInputWatch(), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        try await group.run()
        await gateway.shutdown()
    }
}
