import Foundation
import AyatCore
import AyatPKI
import AyatXML
import X509

/// The `xml-enveloped` dialect (modelled on Pix DICT): one root element,
/// enveloped XMLDSig as its last child (exclusive C14N, SHA-256, RSA-SHA256
/// or ECDSA-SHA256, KeyInfo with X509IssuerSerial), validated against
/// `schemas/xml-enveloped.xsd` before signing and after verifying.
public struct XMLEnvelopedCodec: DialectCodec {
    public static let namespace = "urn:ayat:xml-enveloped:1"
    public static let contentType = "application/xml; charset=utf-8"

    public var dialect: DialectName { .xmlEnveloped }

    private let signer: XMLSigner
    private let verifier: XMLSignatureVerifier
    private let schema: XMLSchema

    /// - Parameters:
    ///   - identity: our own signing key and certificate.
    ///   - pinned: the peer's signing certificates; nothing else is ever trusted.
    public init(identity: SigningIdentity, pinned: [Certificate], policy: XMLVerificationPolicy = .strict) throws {
        signer = try XMLSigner(identity: identity)
        verifier = XMLSignatureVerifier(pinned: pinned, policy: policy)
        schema = try Schemas.compiled("xml-enveloped.xsd")
    }

    public func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage {
        try sign(
            root: XMLMessageBody.rootName(for: instruction.kind), body: "Order", messageID: instruction.messageID,
            createdAt: instruction.createdAt, from: instruction.sender, to: instruction.bank.rawValue
        ) { XMLMessageBody.orderFields(instruction, into: &$0) }
    }

    public func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction {
        let root = try verify(bytes, at: time)
        guard let kind = XMLMessageBody.kind(ofRoot: root.name) else {
            throw DialectError(.malformed, "\(root.name) is not an order")
        }
        return try XMLMessageBody.readOrder(root, kind: kind)
    }

    public func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage {
        switch reply {
        case .receipt(let receipt):
            try sign(
                root: XMLMessageBody.receiptRoot, body: "Receipt", messageID: receipt.messageID, createdAt: receipt.createdAt,
                from: receipt.bank.rawValue, to: receipt.recipient
            ) { XMLMessageBody.receiptFields(receipt, into: &$0) }
        case .result(let result):
            try sign(
                root: XMLMessageBody.resultRoot, body: "Result", messageID: result.messageID, createdAt: result.createdAt,
                from: result.bank.rawValue, to: result.recipient
            ) { XMLMessageBody.resultFields(result, into: &$0) }
        }
    }

    public func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply {
        try XMLMessageBody.readReply(try verify(bytes, at: time))
    }

    // MARK: Signing and verifying

    /// `<root xmlns=…><Header>…</Header><body>fields</body></root>`, validated and signed.
    private func sign(
        root: String, body: String, messageID: MessageID, createdAt: Date, from: String, to: String,
        fields: (inout XMLMarkup) -> Void
    ) throws -> RenderedMessage {
        var xml = XMLMarkup()
        xml.raw("<\(root) xmlns=\"\(Self.namespace)\">")
        XMLMessageBody.header(messageID: messageID, createdAt: createdAt, from: from, to: to, into: &xml)
        xml.open(body)
        fields(&xml)
        xml.close(body)
        xml.close(root)
        let unsigned = xml.bytes
        do {
            // Validated on the signer's own parse of the document, before anything is signed.
            return RenderedMessage(
                bytes: try signer.signEnveloped(unsigned, validatingAgainst: schema), contentType: Self.contentType)
        } catch let violation as XMLSchemaViolation {
            throw DialectError(.schemaViolation, "outbound message does not match xml-enveloped.xsd: \(violation)")
        }
    }

    /// Signature first (against pinned certificates only), then the schema, then the namespace.
    private func verify(_ bytes: [UInt8], at time: Date) throws -> AyatXML.XMLElement {
        let verified: VerifiedXMLDocument
        do {
            // The schema is checked on the verifier's own parse, after the signature verified.
            verified = try verifier.verify(bytes, at: time, validatingAgainst: schema)
        } catch let violation as XMLSchemaViolation {
            throw DialectError(.schemaViolation, "inbound message does not match xml-enveloped.xsd: \(violation)")
        } catch {
            throw DialectError(.signatureInvalid, "\(error)")
        }
        guard verified.root.namespace == Self.namespace else {
            throw DialectError(.malformed, "expected namespace \(Self.namespace), got \(verified.root.namespace ?? "none")")
        }
        return verified.root
    }
}

extension XMLSigner {
    /// The signer for a signing identity, with the algorithm its key implies.
    init(identity: SigningIdentity) throws {
        switch identity.key {
        case .rsa(let rsa): try self.init(key: .rsa(rsa), algorithm: .rsaSHA256, certificate: identity.certificate)
        case .p256(let ec): try self.init(key: .p256(ec), algorithm: .ecdsaP256SHA256, certificate: identity.certificate)
        }
    }
}
