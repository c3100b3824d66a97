import ArgumentParser
import Foundation
import AyatCore
import AyatDialects
import AyatPKI

/// `ayat bench`: figures anyone can rerun. Build with `-c release` for real numbers.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure signing and verification rates (build with -c release for real numbers).",
        subcommands: [Signatures.self]
    )

    struct Signatures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signatures",
            abstract: "Sign and verify a freeze order per second, on one core, for every dialect and key type.",
            discussion: """
                Each sign renders the order, validates it against its schema and signs it; each verify checks \
                the signature against the pinned certificate, validates and reads. With python3 and the PyPI \
                package `xmlsec` installed, the same enveloped RSA-SHA256 and ECDSA-SHA256 signatures made by \
                xmlsec1's library are measured in the same run and the ratio printed.
                """
        )
        @Option(help: "Operations per measurement.") var count = 500

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-bench-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            print("dialect         key       sign/s   verify/s   bytes")
            var baseline = [String: (sign: Double, verify: Double)]()
            var samples = [(keys: String, key: String, certificate: String, file: String)]()
            for keys in [SigningKeyAlgorithm.rsa2048, .p256] {
                let pki = try DevPKI.generate(in: directory.appending(path: keys.rawValue), banks: ["014"], signingKeys: keys)
                let gateway = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
                let bank = try SigningIdentity(certificate: pki.bank("014").signing.certificate, privateKey: pki.bank("014").signing.privateKey)
                for dialect in DialectRegistry.known {
                    guard let sender = try? DialectRegistry.codec(for: dialect, identity: gateway, pinned: [bank.certificate]),
                          let receiver = try? DialectRegistry.codec(for: dialect, identity: bank, pinned: [gateway.certificate]) else { continue }
                    let line = HTTPRequestLine(method: "POST", path: "/ayat/v1/messages")
                    let instruction = Self.instruction()
                    guard let sample = try? sender.renderOrder(instruction, request: line) else { continue }
                    let signRate = try Self.rate(count) { _ = try sender.renderOrder(instruction, request: line) }
                    let verifyRate = try Self.rate(count) { _ = try receiver.readOrder(sample.bytes, headers: sample.headers, request: line, at: Date()) }
                    if dialect == .xmlEnveloped {
                        baseline[keys.rawValue] = (signRate, verifyRate)
                        let sampleFile = directory.appending(path: "\(keys.rawValue)-sample.xml")
                        try Data(sample.bytes).write(to: sampleFile)
                        samples.append((keys.rawValue, pki.gatewaySigning.privateKey.path, pki.gatewaySigning.certificate.path, sampleFile.path))
                    }
                    print("\(dialect.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(keys.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%7.0f", signRate))   \(String(format: "%8.0f", verifyRate))   \(sample.bytes.count)")
                }
            }
            print("\nxmlsec1's library (python xmlsec), the same xml-enveloped message, same key:")
            let script = directory.appending(path: "xmlsec_bench.py")
            try XMLSecBaseline.script.write(to: script, atomically: true, encoding: .utf8)
            for sample in samples {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", script.path, sample.key, sample.certificate, sample.file, String(count)]
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                let numbers = output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
                guard process.terminationStatus == 0, numbers.count == 2, let ours = baseline[sample.keys] else {
                    print("  \(sample.keys): not measured (\(output.split(separator: "\n").last ?? "python3 with xmlsec needed: pip install xmlsec"))")
                    continue
                }
                print("  \(sample.keys.padding(toLength: 8, withPad: " ", startingAt: 0)) sign/s \(String(format: "%7.0f", numbers[0]))  verify/s \(String(format: "%7.0f", numbers[1]))   Ayat ÷ xmlsec: sign \(String(format: "%.2f", ours.sign / numbers[0]))×, verify \(String(format: "%.2f", ours.verify / numbers[1]))×")
            }
            print("\nNote: a debug build measures the debug build. Run: swift run -c release ayat bench signatures")
        }

        static func rate(_ count: Int, _ body: () throws -> Void) throws -> Double {
            try body()  // warm-up
            let clock = ContinuousClock()
            let elapsed = try clock.measure { for _ in 0..<count { try body() } }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return Double(count) / seconds
        }

        static func instruction() -> OrderInstruction {
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let order = Order(
                id: .generate(), kind: .freeze, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
                account: Account(number: AccountNumber("1402339876")!, holderName: HolderName("สมชาย ใจดี")!),
                amount: Money(minorUnits: 1_500_000, currency: Currency("THB")!),
                reportedTransfer: ReportedTransfer(reference: "TRX2026112900001", time: now.addingTimeInterval(-900)),
                legalBasis: "Emergency Decree on Technology Crime B.E. 2566, s. 6", requestedBy: "officer:AOC-0042",
                reportedAt: now.addingTimeInterval(-300), deadline: now.addingTimeInterval(3300), acceptedAt: now
            )
            return OrderInstruction(order: order, messageID: .generate(), createdAt: now, sender: "THACC")
        }
    }
}

/// The same enveloped signature (exc-c14n, SHA-256, the key's algorithm) made and checked by xmlsec1's library.
enum XMLSecBaseline {
    static let script = #"""
import re, sys, time
import xmlsec
from lxml import etree

key_file, cert_file, sample_file, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
signed = open(sample_file, "rb").read()
unsigned = re.sub(rb"<ds:Signature.*</ds:Signature>", b"", signed, flags=re.S)
key_text = open(key_file, "rb").read()
rsa = b"RSA" in key_text or len(key_text) > 500
algorithm = xmlsec.constants.TransformRsaSha256 if rsa else xmlsec.constants.TransformEcdsaSha256

def sign_once():
    root = etree.fromstring(unsigned)
    signature = xmlsec.template.create(root, xmlsec.constants.TransformExclC14N, algorithm, ns="ds")
    root.append(signature)
    reference = xmlsec.template.add_reference(signature, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformExclC14N)
    xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature)))
    context = xmlsec.SignatureContext()
    context.key = key
    context.sign(signature)
    return etree.tostring(root)

key = xmlsec.Key.from_file(key_file, xmlsec.constants.KeyDataFormatPem)
key.load_cert_from_file(cert_file, xmlsec.constants.KeyDataFormatPem)
verify_key = xmlsec.Key.from_file(cert_file, xmlsec.constants.KeyDataFormatCertPem)
ours = sign_once()

def verify_once():
    root = etree.fromstring(ours)
    signature = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
    context = xmlsec.SignatureContext()
    context.key = verify_key
    context.verify(signature)

for name, operation in (("sign", sign_once), ("verify", verify_once)):
    operation()
    start = time.perf_counter()
    for _ in range(count):
        operation()
    print(count / (time.perf_counter() - start))
"""#
}
