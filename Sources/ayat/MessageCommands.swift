import ArgumentParser
import Foundation
import AyatCore
import AyatDelivery
import AyatDialects
import AyatPKI
import AyatServer
import AyatStore
import X509

/// `ayat render`: the exact signed message a bank would receive for an order.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the exact signed message that would be sent to a bank for an order.",
        discussion: """
            ORDER.json is the body the case system would POST to /v1/orders. The bank's profile \
            and the gateway's signing key come from the state directory (the one `ayat demo --state DIR` \
            leaves behind works). XML dialects print the document; JSON dialects print an HTTP message \
            (request line, headers, blank line, body), the form `ayat verify` and audit bundles use.
            """
    )

    @OptionGroup var state: StateOption
    @Option(help: ArgumentHelp("The bank code to render for (default: the order's `bank`).", valueName: "CODE")) var bank: String?
    @Argument(help: "The order as JSON.") var order: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: order) else { throw CommandFailure("cannot read \(order)") }
        var request: OrderRequest
        do {
            // The API's own reader: the same field names and messages as a 400 or 422 would give.
            request = try OrderRequestJSON.read(Array(data))
        } catch {
            throw CommandFailure("\(order) is not an order in JSON: \(error)")
        }
        if let bank { request.bank = bank }
        let directory = state.directory
        let gateway = try Gateway(state: directory, logger: Console.logger("ayat.render"))
        defer { Task { await gateway.shutdown() } }
        let validated: Order
        do {
            validated = try request.validated(id: .generate(), acceptedAt: Date(), knownBanks: gateway.banks.codes)
        } catch {
            throw CommandFailure("invalid order: \(error)")
        }
        guard let link = gateway.banks[validated.bank] else { throw CommandFailure("no profile for bank \(validated.bank)") }
        let instruction = OrderInstruction(order: validated, messageID: .generate(), createdAt: Date(), sender: gateway.configuration.centreID)
        let rendered = try link.codec.renderOrder(instruction, request: link.orderRequest)
        let message = StoredMessage(
            messageID: instruction.messageID, orderID: validated.id, direction: .outbound, bank: validated.bank,
            dialect: link.codec.dialect.rawValue, kind: "\(validated.kind)-order", contentType: rendered.contentType,
            recordedAt: instruction.createdAt, bytes: rendered.bytes, headers: rendered.headers, requestLine: link.orderRequest.description
        )
        let output = rendered.contentType.contains("xml") ? rendered.bytes : AuditBundle.httpMessage(message)
        FileHandle.standardOutput.write(Data(output))
    }
}

/// `ayat verify`: checks one signed message file against a certificate.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a signed message file against a certificate: prints `valid` or `invalid: <reason>`.",
        discussion: """
            FILE is an XML message, or an HTTP message file (request line, headers, blank line, body) \
            for the JSON dialects. Exit status: 0 valid, 1 invalid, 2 usage error. Only the given \
            certificate is trusted; a certificate inside the message is never used by itself.
            """
    )

    @Option(help: ArgumentHelp("The signer's certificate (PEM; may hold several).", valueName: "PEM")) var cert: String
    @Option(help: ArgumentHelp("Check validity at this time (RFC 3339) instead of now.", valueName: "TIME")) var at: String?
    @Argument(help: "The message file.") var file: String

    func run() throws {
        let time: Date
        if let at {
            guard let parsed = Timestamp.parse(at) else { throw CommandFailure("--at must be an RFC 3339 timestamp") }
            time = parsed
        } else {
            time = Date()
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            Console.error("cannot read \(file)")
            throw ExitCode(2)
        }
        let certificates: [Certificate]
        do {
            certificates = try PEMFile.readCertificates(URL(fileURLWithPath: cert))
        } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        do {
            try HTTPMessageFile.verify([UInt8](data), pinned: certificates, at: time)
            print("valid")
        } catch {
            print("invalid: \(error)")
            throw ExitCode(1)
        }
    }
}
