import ArgumentParser
import Foundation
import AyatBench
import AyatCore
import AyatDialects
import AyatPKI

/// `ayat bench`: figures anyone can rerun. Build with `-c release` for real numbers.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Ayat end to end and per signature (build with -c release for real numbers).",
        subcommands: [BenchSuiteCommand.self, BenchRunCommand.self, Signatures.self, BenchTransportCommand.self]
    )

    struct Signatures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signatures",
            abstract: "Sign and verify a freeze order per second, on one core, for every dialect and key type, beside xmlsec1, joserfc and pyjwt.",
            discussion: """
                Each dialect sign renders the order, validates it against its schema and signs it; each verify checks \
                the signature against the pinned certificate, validates and reads. With python3 and the PyPI \
                package `xmlsec` installed, the same enveloped RSA-SHA256 and ECDSA-SHA256 signatures made by \
                xmlsec1's library are measured in the same run and the ratio printed. With `joserfc` and `pyjwt`, \
                compact JWS (PS256, RS256, ES256) over the same JSON order is measured in both libraries and in Ayat's \
                JWS library, and Ayat's rate is printed as a ratio to the faster of the two. Every rate, Ayat's and \
                the libraries', is the fastest of five equal batches of --count operations, so that time taken by \
                other work on the machine weighs as little as possible.
                """
        )
        @Option(help: "Operations per measurement.") var count = 500
        @Option(help: "Only this dialect (for profiling one path); the baselines then run only if it is xml-enveloped.")
        var dialect: String?
        @Option(help: "Only this key type: rsa-2048 or p-256.") var keys: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-bench-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            print("dialect         key       sign/s   verify/s   bytes")
            var ours = [String: (sign: () throws -> Void, verify: () throws -> Void)]()
            var samples = [(keys: SigningKeyAlgorithm, files: SampleOrder.Files)]()
            for keys in [SigningKeyAlgorithm.rsa2048, .p256] where self.keys.map({ $0 == keys.rawValue }) ?? true {
                let pki = try DevPKI.generate(in: directory.appending(path: keys.rawValue), banks: ["014"], signingKeys: keys)
                let gateway = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
                let bank = try SigningIdentity(certificate: pki.bank("014").signing.certificate, privateKey: pki.bank("014").signing.privateKey)
                for dialect in DialectRegistry.known where self.dialect.map({ $0 == dialect.rawValue }) ?? true {
                    guard let sender = try? DialectRegistry.codec(for: dialect, identity: gateway, pinned: [bank.certificate]),
                          let receiver = try? DialectRegistry.codec(for: dialect, identity: bank, pinned: [gateway.certificate]) else { continue }
                    let line = HTTPRequestLine(method: "POST", path: "/ayat/v1/messages")
                    let instruction = SampleOrder.instruction()
                    guard let sample = try? sender.renderOrder(instruction, request: line) else { continue }
                    let signRate = try Self.rate(count) { _ = try sender.renderOrder(instruction, request: line) }
                    let verifyRate = try Self.rate(count) { _ = try receiver.readOrder(sample.bytes, headers: sample.headers, request: line, at: Date()) }
                    if dialect == .xmlEnveloped {
                        ours[keys.rawValue] = (
                            { _ = try sender.renderOrder(instruction, request: line) },
                            { _ = try receiver.readOrder(sample.bytes, headers: sample.headers, request: line, at: Date()) }
                        )
                        samples.append((keys, try SampleOrder.write(keys: keys, in: directory.appending(path: "samples"))))
                    }
                    print("\(dialect.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(keys.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%7.0f", signRate))   \(String(format: "%8.0f", verifyRate))   \(sample.bytes.count)")
                }
            }
            print("""

                xmlsec1's library (python xmlsec) and Ayat, the same xml-enveloped message and key, measured in \(Self.rounds)
                alternating rounds so that both meet the same moments of the machine; the best round of each:
                """)
            for sample in samples {
                let label = sample.keys.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                guard let ayat = ours[sample.keys.rawValue] else { continue }
                var mine = (sign: 0.0, verify: 0.0)
                var theirs = (sign: 0.0, verify: 0.0)
                var skipped: BaselineSkipped?
                for _ in 0..<Self.rounds where skipped == nil {
                    mine = (max(mine.sign, try Self.rate(count, ayat.sign)), max(mine.verify, try Self.rate(count, ayat.verify)))
                    switch PythonBaselines.xmlsec(keyPEM: sample.files.privateKey.path, certificatePEM: sample.files.certificate.path,
                                                  signedSample: sample.files.signedMessage.path, count: count) {
                    case .success(let rates): theirs = (max(theirs.sign, rates.sign), max(theirs.verify, rates.verify))
                    case .failure(let reason): skipped = reason
                    }
                }
                if let skipped {
                    print("  \(label) skipped: \(skipped)")
                    continue
                }
                print("  \(label) xmlsec sign/s \(String(format: "%6.0f", theirs.sign))  verify/s \(String(format: "%6.0f", theirs.verify))   Ayat sign/s \(String(format: "%6.0f", mine.sign))  verify/s \(String(format: "%6.0f", mine.verify))")
                print("  \(label) Ayat ÷ xmlsec: sign \(String(format: "%.2f", mine.sign / theirs.sign))×, verify \(String(format: "%.2f", mine.verify / theirs.verify))×")
            }
            if let rsa = samples.first(where: { $0.keys == .rsa2048 })?.files, let p256 = samples.first(where: { $0.keys == .p256 })?.files {
                try JOSEComparison(count: count, directory: directory).run(rsa: rsa, p256: p256)
            }
            #if DEBUG
            print("\nNote: a debug build measures the debug build. Run: swift run -c release ayat bench signatures")
            #endif
        }

        /// Rounds of the head-to-head comparison with xmlsec1.
        static let rounds = 3

        static func rate(_ count: Int, _ body: () throws -> Void) throws -> Double {
            try OperationRate.measure(count, body)
        }
    }
}
