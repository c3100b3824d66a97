import ArgumentParser
import Foundation
import AyatCore
import AyatDialects
import AyatPKI
import AyatServer
import AyatSimulator
import ServiceLifecycle
import UnixSignals

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run simulated banks on their own, with their control APIs, until SIGINT or SIGTERM.",
        discussion: """
            Each bank listens on 127.0.0.1 over mutual TLS (clients need a certificate from the \
            centre's CA in STATE/pki) and serves a plain-HTTP control API on 127.0.0.1: \
            GET/PUT /faults, GET /stats, GET /ledger. One line per bank gives its endpoint, dialect, \
            acknowledgement mode, control URL and certificate files. The dev PKI is made if the state \
            has none. Fault options apply to every bank started; change them per bank later through \
            its control API. With --write-profiles the gateway (ayat serve --state DIR) reaches the \
            banks by their profiles alone.
            """
    )

    @OptionGroup var state: StateOption

    @Option(name: .customLong("config"), help: ArgumentHelp("A simulated bank's YAML file, or a directory of them; repeatable (default: the shipped banks).", valueName: "FILE"))
    var configs: [String] = []

    @Flag(help: "Write STATE/gateway.yaml (if missing) and a profile per bank in STATE/banks/ pointing at these banks.")
    var writeProfiles = false

    @Option(help: ArgumentHelp("The gateway's inbound endpoint for callbacks (default: https://127.0.0.1:<inboundPort of STATE/gateway.yaml, else 8443>).", valueName: "URL"))
    var gatewayInbound: String?

    @Option(help: ArgumentHelp("Fixed latency before each answer.", valueName: "MS")) var latencyMs: Int?
    @Option(help: ArgumentHelp("Uniform jitter added to the latency.", valueName: "MS")) var jitterMs: Int?
    @Option(help: ArgumentHelp("Fraction of requests answered with --error-status (0…1).", valueName: "RATE")) var errorRate: Double?
    @Option(help: ArgumentHelp("Answer the next N requests with --error-status.", valueName: "N")) var errorNext: Int?
    @Option(help: ArgumentHelp("HTTP status of injected errors (default 503).", valueName: "STATUS")) var errorStatus: Int = 503
    @Option(help: ArgumentHelp("Retry-After seconds sent with injected errors.", valueName: "SECONDS")) var retryAfter: Int?
    @Option(help: ArgumentHelp("Fraction of requests whose connection is closed unanswered.", valueName: "RATE")) var dropRate: Double?
    @Option(help: ArgumentHelp("Fraction of requests whose connection is reset (TCP RST) unanswered.", valueName: "RATE")) var resetRate: Double?
    @Option(help: ArgumentHelp("Hold every request this long unanswered (a read timeout).", valueName: "SECONDS")) var hangSeconds: Double?
    @Option(help: ArgumentHelp("Damage replies: broken-signature, empty-signature, pretty-printed or malformed.", valueName: "KIND")) var damage: String?
    @Option(help: ArgumentHelp("Fraction of replies damaged (default: all).", valueName: "RATE")) var damageRate: Double?
    @Option(help: ArgumentHelp("Be down (503) for this many seconds from start.", valueName: "SECONDS")) var downFor: Double?
    @Option(help: ArgumentHelp("Serve a bad TLS certificate: expired, wrong-host or untrusted.", valueName: "KIND")) var tls: String?
    @Option(help: ArgumentHelp("Seed for random faults.", valueName: "N")) var seed: UInt64?

    func run() async throws {
        let directory = state.directory
        var banks = try loadConfigurations()
        let faults = try commandLineFaults()
        if let faults {
            for index in banks.indices { banks[index].faults = merge(banks[index].faults ?? SimulatorFaults(), with: faults) }
        }
        try directory.create()
        let pki = directory.pki
        if !FileManager.default.fileExists(atPath: pki.centreCA.certificate.path) {
            try DevPKI.generate(in: pki.directory, banks: banks.map(\.code.rawValue))
            print("Development PKI written to \(pki.directory.path)")
        }
        for bank in banks where !FileManager.default.fileExists(atPath: pki.bank(bank.code.rawValue).signing.certificate.path) {
            throw CommandFailure("\(pki.bank(bank.code.rawValue).directory.path): no certificates for bank \(bank.code); run ayat certs init --state \(directory.url.path) with --bank for every bank")
        }
        let logger = Console.logger("ayat.simulate")
        let simulated = try banks.map { try SimulatedBank(configuration: $0, pki: pki, logger: logger) }
        // Banks run together settle with each other: a refund's return leg reaches the victim's bank.
        await SimulatedClearing().join(simulated)
        let inbound = try inboundBase(directory)

        try await SimulatorHost.run(banks: simulated, logger: logger) { endpoints in
            if writeProfiles { try write(endpoints, to: directory) }
            print("Simulated banks · state \(directory.url.path) · Ctrl-C stops")
            for endpoint in endpoints {
                let bank = endpoint.bank
                let code = bank.configuration.code
                await bank.setCallbackURL(inbound + InboundAPI.resultsPath(for: code))
                let files = pki.bank(code.rawValue)
                let certificate = bank.faultyServerCertificate ?? files.tls.certificate
                print([
                    "bank \(code)", "\(bank.configuration.dialect)", "ack \(bank.configuration.acknowledgement.mode)",
                    "tls 127.0.0.1:\(endpoint.port)", "control \(endpoint.controlURL)",
                    "endpoint \(endpoint.messagesURL)",
                    "ca \(directory.relative(files.ca.certificate))", "server cert \(directory.relative(certificate))",
                    "signing cert \(directory.relative(files.signing.certificate))",
                ].joined(separator: "  "))
            }
            fflush(nil)  // every stream: the lines above reach a pipe before we wait
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { break }
            print("Stopping the simulated banks")
        }
    }

    func loadConfigurations() throws -> [SimulatedBankConfiguration] {
        if configs.isEmpty { return try SimulatedBankConfiguration.loadAll(from: SimulatedBankConfiguration.shippedDirectory) }
        var banks = [SimulatedBankConfiguration]()
        for path in configs {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw CommandFailure("\(path): no such file")
            }
            banks += isDirectory.boolValue ? try SimulatedBankConfiguration.loadAll(from: url) : [try SimulatedBankConfiguration.load(from: url)]
        }
        let codes = banks.map(\.code)
        if let twice = codes.first(where: { code in codes.filter { $0 == code }.count > 1 }) {
            throw CommandFailure("bank \(twice) is configured twice")
        }
        return banks
    }

    /// The faults asked for on the command line, or nil if none.
    func commandLineFaults() throws -> SimulatorFaults? {
        var faults = SimulatorFaults(seed: seed)
        var any = seed != nil
        if latencyMs != nil || jitterMs != nil {
            faults.latency = .init(fixedMs: latencyMs ?? 0, jitterMs: jitterMs ?? 0)
            any = true
        }
        if errorRate != nil || errorNext != nil {
            faults.errors = .init(status: errorStatus, retryAfter: retryAfter, next: errorNext, rate: errorRate)
            any = true
        }
        if let dropRate { faults.drop = .init(rate: dropRate); any = true }
        if let resetRate { faults.reset = .init(rate: resetRate); any = true }
        if let hangSeconds { faults.hang = .init(seconds: hangSeconds); any = true }
        if let damage {
            guard let kind = SimulatorFaults.Damage(rawValue: damage) else {
                throw ValidationError("--damage must be one of \(SimulatorFaults.Damage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            faults.reply = .init(damage: kind, rate: damageRate)
            any = true
        }
        if let downFor { faults.down = .init(seconds: downFor); any = true }
        if let tls {
            guard let kind = SimulatorFaults.TLSFault(rawValue: tls) else {
                throw ValidationError("--tls must be one of \(SimulatorFaults.TLSFault.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            faults.tls = kind
            any = true
        }
        do { try faults.validate() } catch { throw ValidationError("\(error)") }
        return any ? faults : nil
    }

    /// The file's faults, with every one given on the command line taking its place.
    func merge(_ base: SimulatorFaults, with flags: SimulatorFaults) -> SimulatorFaults {
        var merged = base
        merged.seed = flags.seed ?? base.seed
        merged.latency = flags.latency ?? base.latency
        merged.errors = flags.errors ?? base.errors
        merged.drop = flags.drop ?? base.drop
        merged.reset = flags.reset ?? base.reset
        merged.hang = flags.hang ?? base.hang
        merged.reply = flags.reply ?? base.reply
        merged.down = flags.down ?? base.down
        merged.tls = flags.tls ?? base.tls
        return merged
    }

    func inboundBase(_ directory: StateDirectory) throws -> String {
        if let gatewayInbound {
            guard let url = URL(string: gatewayInbound), url.scheme == "https", url.host != nil else {
                throw ValidationError("--gateway-inbound must be an https:// URL")
            }
            return gatewayInbound.hasSuffix("/") ? String(gatewayInbound.dropLast()) : gatewayInbound
        }
        let port = (try? directory.loadGatewayConfiguration())?.inboundPort ?? 8443
        return "https://127.0.0.1:\(port)"
    }

    /// Profiles that point the gateway at these banks (and gateway.yaml, if there is none).
    func write(_ endpoints: [SimulatorHost.Endpoint], to directory: StateDirectory) throws {
        if !FileManager.default.fileExists(atPath: directory.gatewayConfiguration.path) {
            try YAMLFile.write(directory.devGatewayConfiguration(), to: directory.gatewayConfiguration)
        }
        for endpoint in endpoints {
            let configuration = endpoint.bank.configuration
            var profile = directory.devBankProfile(code: configuration.code, name: configuration.name, dialect: configuration.dialect, endpoint: endpoint.messagesURL)
            let mode = configuration.acknowledgement.mode
            profile.ack = BankProfile.Acknowledgement(
                mode: mode, pollInterval: mode == "poll" ? 0.5 : nil, statusEndpoint: mode == "poll" ? endpoint.statusURLTemplate : nil
            )
            let file = directory.banksDirectory.appending(path: "\(configuration.code).yaml")
            try YAMLFile.write(profile, to: file)
            print("profile written: \(directory.relative(file))")
        }
    }
}
