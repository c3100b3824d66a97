import ArgumentParser
import Foundation
import AyatPKI
import AyatSimulator

struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Make and inspect the development PKI.",
        subcommands: [Init.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a development PKI: the centre's CA, the gateway's TLS and signing identities, and a CA, TLS server and signing identity per simulated bank.",
            discussion: "Private keys are written owner-only (0600). For development and tests only; never commit them."
        )

        @OptionGroup var state: StateOption

        @Option(help: ArgumentHelp("Where to write the PKI (default: STATE/pki).", valueName: "DIR"))
        var out: String?

        @Option(name: .customLong("bank"), help: ArgumentHelp("A bank code to issue for; repeatable (default: the shipped simulated banks).", valueName: "CODE"))
        var banks: [String] = []

        @Option(help: ArgumentHelp("Message-signing key type: rsa-2048 or p-256.", valueName: "TYPE"))
        var signingKey: String = SigningKeyAlgorithm.rsa2048.rawValue

        func run() async throws {
            let algorithm = SigningKeyAlgorithm(rawValue: signingKey)
            guard [.rsa2048, .p256].contains(algorithm) else {
                throw ValidationError("--signing-key must be rsa-2048 or p-256")
            }
            var codes = banks
            if codes.isEmpty {
                codes = try SimulatedBankConfiguration.loadAll(from: SimulatedBankConfiguration.shippedDirectory).map(\.code.rawValue)
            }
            for code in codes where code.count != 3 || !code.allSatisfy(\.isNumber) {
                throw ValidationError("--bank \(code): a bank code is three digits")
            }
            let directory = out.map { URL(fileURLWithPath: $0) } ?? state.directory.pki.directory
            let layout = try DevPKI.generate(in: directory, banks: codes, signingKeys: algorithm)
            print("Development PKI written to \(layout.directory.path)")
            print("  centre CA            \(layout.centreCA.certificate.lastPathComponent)")
            print("  gateway TLS client   \(layout.gatewayTLS.certificate.lastPathComponent)")
            print("  gateway signing      \(layout.gatewaySigning.certificate.lastPathComponent) (\(algorithm))")
            for code in codes {
                print("  bank \(code)             banks/\(code)/{ca,tls,signing}.pem")
            }
        }
    }
}
