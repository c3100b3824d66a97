import AyatXML
import Foundation
import Testing
import X509

/// Runs the reference implementation, xmlsec1, both ways. Skipped with a message when xmlsec1
/// is missing on a developer machine; a failure when CI=true.
enum XMLSec {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        return directories.map { "\($0)/xmlsec1" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let requiredByCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static var shouldRun: Bool { executable != nil || requiredByCI }

    struct Result {
        let status: Int32
        let output: String
    }

    /// xmlsec1 --verify accepts `signed` with the identity's certificate, all `references` of
    /// it, and refuses it after each of `tamperings` (the control that xmlsec1 really checks).
    static func expectVerified(
        _ signed: [UInt8], by identity: TestPKI.Identity, references: Int = 2, options: [String] = [],
        tamperings: [(anchor: String, replacement: String)] = [("15000.00", "95000.00")],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let directory = try TemporaryDirectory()
        try directory.write("cert.pem", identity.certificatePEM.bytes)
        try directory.write("signed.xml", signed)
        let verify = ["--verify", "--pubkey-cert-pem", "cert.pem"] + options
        let accepted = try run(verify + ["signed.xml"], in: directory.url)
        #expect(accepted.status == 0, "\(accepted.output)", sourceLocation: sourceLocation)
        #expect(accepted.output.contains("SignedInfo References (ok/all): \(references)/\(references)"), "\(accepted.output)",
                sourceLocation: sourceLocation)
        for (anchor, replacement) in tamperings {
            try directory.write("tampered.xml", signed.string.replacingOnce(anchor, with: replacement, sourceLocation: sourceLocation).bytes)
            let refused = try run(verify + ["tampered.xml"], in: directory.url)
            #expect(refused.status != 0, "\(anchor) → \(replacement): \(refused.output)", sourceLocation: sourceLocation)
        }
    }

    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        let executable = try #require(executable, "xmlsec1 is not installed but CI=true requires the interop tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}

/// A fresh directory per test, removed afterwards.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ayat-xml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite(
    "Interop with xmlsec1",
    .enabled(if: XMLSec.shouldRun, "xmlsec1 not found: interop tests skipped (CI=true makes this a failure)"))
struct XMLSecInteropTests {
    /// xmlsec1 1.2.37 has no RSA-PSS, so PSS is covered by the published vector instead.
    static let identities = [TestPKI.rsa, TestPKI.p256]

    @Test("xmlsec1 --verify accepts what XMLSigner produced", arguments: identities)
    func xmlsecVerifiesOurSignature(identity: TestPKI.Identity) throws {
        try XMLSec.expectVerified(try TestPKI.signer(identity).signEnveloped(Samples.orderBytes), by: identity)
    }

    @Test("XMLSignatureVerifier accepts what xmlsec1 --sign produced", arguments: identities)
    func weVerifyXMLSecSignature(identity: TestPKI.Identity) throws {
        let directory = try TemporaryDirectory()
        try directory.write("cert.pem", identity.certificatePEM.bytes)
        try directory.write("key.pem", identity.privateKeyPEM.bytes)
        try directory.write("template.xml", Self.template(for: identity).bytes)
        let signing = try XMLSec.run(
            ["--sign", "--privkey-pem", "key.pem,cert.pem", "--output", "signed.xml", "template.xml"], in: directory.url)
        try #require(signing.status == 0, "\(signing.output)")
        let signed = try directory.read("signed.xml")

        let verified = try TestPKI.verifier(identity).verify(signed, at: TestPKI.validTime)
        #expect(verified.signer == identity.certificate)
        #expect(verified.algorithm == identity.algorithm)
        #expect(verified.root == (try SafeXMLParser.parse(Samples.orderBytes)))
        #expect(verified.root.child("Case")?.child("Holder")?.text == Samples.holderName)

        // Control: our verifier refuses the xmlsec1 output once tampered with.
        let tampered = signed.string.replacingOnce("15000.00", with: "95000.00")
        #expect(throws: XMLSignatureError(.digestMismatch)) {
            try TestPKI.verifier(identity).verify(tampered.bytes, at: TestPKI.validTime)
        }
    }

    /// The xml-enveloped layout with empty DigestValue/SignatureValue/X509Certificate for
    /// xmlsec1 to fill. xmlsec1 1.2 leaves an empty X509IssuerSerial empty, so it is pre-filled.
    enum KeyInfoShape: CaseIterable, Sendable { case issuerSerialAndCertificate, issuerSerialOnly, none }

    @Test(
        "KeyInfo only selects among pinned certificates: by IssuerSerial, or by trying each",
        arguments: [KeyInfoShape.issuerSerialOnly, .none])
    func keyInfoSelection(shape: KeyInfoShape) throws {
        let identity = TestPKI.p256
        let directory = try TemporaryDirectory()
        try directory.write("cert.pem", identity.certificatePEM.bytes)
        try directory.write("key.pem", identity.privateKeyPEM.bytes)
        try directory.write("template.xml", Self.template(for: identity, keyInfo: shape).bytes)
        let signing = try XMLSec.run(
            ["--sign", "--privkey-pem", "key.pem,cert.pem", "--output", "signed.xml", "template.xml"], in: directory.url)
        try #require(signing.status == 0, "\(signing.output)")
        let signed = try directory.read("signed.xml")

        let pinnedBoth = XMLSignatureVerifier(pinned: [TestPKI.rsa.certificate, identity.certificate])
        #expect(try pinnedBoth.verify(signed, at: TestPKI.validTime).signer == identity.certificate)
        let pinnedOther = XMLSignatureVerifier(pinned: [TestPKI.rsa.certificate, TestPKI.impostor.certificate])
        #expect(throws: XMLSignatureError(.unpinnedCertificate)) { try pinnedOther.verify(signed, at: TestPKI.validTime) }
    }

    static func template(for identity: TestPKI.Identity, keyInfo shape: KeyInfoShape = .issuerSerialAndCertificate)
        -> String
    {
        let dsig = "http://www.w3.org/2000/09/xmldsig#"
        let exc = "http://www.w3.org/2001/10/xml-exc-c14n#"
        let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        let certificate = identity.certificate
        var serialDigits = certificate.serialNumber.bytes.reduce(into: [0]) { digits, byte in
            var carry = Int(byte)
            for index in digits.indices {
                let value = digits[index] * 256 + carry
                digits[index] = value % 10
                carry = value / 10
            }
            while carry > 0 {
                digits.append(carry % 10)
                carry /= 10
            }
        }
        while serialDigits.count > 1 && serialDigits.last == 0 { serialDigits.removeLast() }
        let serial = serialDigits.reversed().map(String.init).joined()
        let issuer = certificate.issuer.description
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let issuerSerial = """
            <ds:X509IssuerSerial><ds:X509IssuerName>\(issuer)</ds:X509IssuerName>\
            <ds:X509SerialNumber>\(serial)</ds:X509SerialNumber></ds:X509IssuerSerial>
            """
        let keyInfo: String
        switch shape {
        case .issuerSerialAndCertificate:
            keyInfo = "<ds:KeyInfo Id=\"KeyInfo\"><ds:X509Data>\(issuerSerial)<ds:X509Certificate/></ds:X509Data></ds:KeyInfo>"
        case .issuerSerialOnly:
            keyInfo = "<ds:KeyInfo Id=\"KeyInfo\"><ds:X509Data>\(issuerSerial)</ds:X509Data></ds:KeyInfo>"
        case .none:
            keyInfo = ""
        }
        let keyInfoReference =
            shape == .none
            ? ""
            : """
            <ds:Reference URI="#KeyInfo"><ds:Transforms><ds:Transform Algorithm="\(exc)"/></ds:Transforms>\
            <ds:DigestMethod Algorithm="\(sha256)"/><ds:DigestValue/></ds:Reference>
            """
        let signature = """
            <ds:Signature xmlns:ds="\(dsig)"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="\(exc)"/>\
            <ds:SignatureMethod Algorithm="\(identity.algorithm.uri)"/>\
            <ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="\(dsig)enveloped-signature"/>\
            <ds:Transform Algorithm="\(exc)"/></ds:Transforms><ds:DigestMethod Algorithm="\(sha256)"/>\
            <ds:DigestValue/></ds:Reference>\
            \(keyInfoReference)</ds:SignedInfo><ds:SignatureValue/>\(keyInfo)</ds:Signature>
            """
        return Samples.order.replacingOnce("</FreezeOrder>", with: signature + "</FreezeOrder>")
    }
}
