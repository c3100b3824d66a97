import Foundation
import AyatCore
import AyatPKI
import AyatXML
import X509

/// The `iso20022-bah` dialect: an ISO 20022 Business Application Header (`AppHdr`,
/// head.001.001.02) and a `Document`, in one envelope, signed in `AppHdr/Sgntr`:
///
/// ```xml
/// <Message xmlns="urn:ayat:iso20022-bah:1">
///   <AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">
///     <Fr><FIId><FinInstnId><Othr><Id>THACC</Id></Othr></FinInstnId></FIId></Fr>
///     <To><FIId><FinInstnId><Othr><Id>014</Id></Othr></FinInstnId></FIId></To>
///     <BizMsgIdr>message id</BizMsgIdr><MsgDefIdr>ayat.freeze.001</MsgDefIdr>
///     <CreDt>2026-11-29T07:00:00Z</CreDt>
///     <Sgntr><ds:Signature>…</ds:Signature></Sgntr>
///   </AppHdr>
///   <Document Id="Document"><FreezeOrder>…the xml-enveloped Order fields…</FreezeOrder></Document>
/// </Message>
/// ```
///
/// The signature (see ``BusinessApplicationHeader`` for what each Reference covers) is checked
/// against pinned certificates only; then the message is validated against
/// `schemas/iso20022-bah.xsd`; then the header and document the verifier returned — exactly
/// the signed elements — are read. Outbound messages are validated before signing.
public struct ISO20022BAHCodec: DialectCodec {
    public static let namespace = "urn:ayat:iso20022-bah:1"
    public static let headerNamespace = BusinessApplicationHeader.headerNamespace
    public static let contentType = "application/xml; charset=utf-8"
    /// The Id of `Document`, named by the signature's Document Reference.
    public static let documentID = "Document"
    static let schemaName = "iso20022-bah.xsd"

    public var dialect: DialectName { .iso20022BAH }

    private let signer: XMLSigner
    private let verifier: XMLSignatureVerifier
    private let schema: XMLSchema

    /// - Parameters:
    ///   - identity: our own signing key and certificate (it must carry a subjectKeyIdentifier).
    ///   - pinned: the peer's signing certificates; nothing else is ever trusted.
    public init(identity: SigningIdentity, pinned: [Certificate]) throws {
        try self.init(identity: identity, pinned: pinned, policy: .strict)
    }

    public init(identity: SigningIdentity, pinned: [Certificate], policy: XMLVerificationPolicy) throws {
        signer = try XMLSigner(identity: identity)
        verifier = XMLSignatureVerifier(pinned: pinned, policy: policy)
        schema = try Self.compiledSchema.get()
    }

    /// The schema (which imports its head.001.001.02 part from the file next to it), compiled once.
    private static let compiledSchema: Result<XMLSchema, any Error> = Result {
        try XMLSchema(contentsOf: Schemas.directory.appending(path: schemaName))
    }

    // MARK: Message definitions

    /// `MsgDefIdr` and the Document's child element name for each message.
    enum Definition: String, CaseIterable {
        case freeze = "ayat.freeze.001"
        case release = "ayat.release.001"
        case refund = "ayat.refund.001"
        case receipt = "ayat.receipt.001"
        case result = "ayat.result.001"

        init?(kind: OrderKind) {
            switch kind {
            case .freeze: self = .freeze
            case .release: self = .release
            case .refund: self = .refund
            default: return nil
            }
        }

        var orderKind: OrderKind? {
            switch self {
            case .freeze: .freeze
            case .release: .release
            case .refund: .refund
            case .receipt, .result: nil
            }
        }

        /// The Document's only child.
        var documentElement: String {
            switch self {
            case .freeze, .release, .refund: XMLMessageBody.rootName(for: orderKind!)
            case .receipt: XMLMessageBody.receiptRoot
            case .result: XMLMessageBody.resultRoot
            }
        }

        /// The element XMLMessageBody renders and reads for this message's content.
        var bodyElement: String {
            switch self {
            case .freeze, .release, .refund: "Order"
            case .receipt: "Receipt"
            case .result: "Result"
            }
        }
    }

    // MARK: DialectCodec

    public func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage {
        guard let definition = Definition(kind: instruction.kind) else {
            throw DialectError(.malformed, "dialect \(dialect) has no message for order kind \(instruction.kind)")
        }
        return try sign(
            definition: definition, messageID: instruction.messageID, createdAt: instruction.createdAt,
            from: instruction.sender, to: instruction.bank.rawValue) { XMLMessageBody.orderFields(instruction, into: &$0) }
    }

    public func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction {
        let (definition, root) = try verify(bytes, at: time)
        guard let kind = definition.orderKind else {
            throw DialectError(.malformed, "\(definition.rawValue) is not an order")
        }
        return try XMLMessageBody.readOrder(root, kind: kind)
    }

    public func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage {
        switch reply {
        case .receipt(let receipt):
            return try sign(
                definition: .receipt, messageID: receipt.messageID, createdAt: receipt.createdAt,
                from: receipt.bank.rawValue, to: receipt.recipient) { XMLMessageBody.receiptFields(receipt, into: &$0) }
        case .result(let result):
            return try sign(
                definition: .result, messageID: result.messageID, createdAt: result.createdAt,
                from: result.bank.rawValue, to: result.recipient) { XMLMessageBody.resultFields(result, into: &$0) }
        }
    }

    public func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply {
        let (definition, root) = try verify(bytes, at: time)
        guard definition.orderKind == nil else {
            throw DialectError(.malformed, "\(definition.rawValue) is not a reply")
        }
        return try XMLMessageBody.readReply(root)
    }

    // MARK: Rendering

    /// The envelope around XMLMessageBody's fields for `definition`: the head.001 header, then the
    /// Document whose only child holds the fields.
    private func sign(
        definition: Definition, messageID: MessageID, createdAt: Date, from: String, to: String,
        fields: (inout XMLMarkup) -> Void
    ) throws -> RenderedMessage {
        func party(_ id: String, into xml: inout XMLMarkup) {
            xml.raw("<FIId><FinInstnId><Othr>")
            xml.element("Id", id)
            xml.raw("</Othr></FinInstnId></FIId>")
        }
        var xml = XMLMarkup()
        xml.raw("<Message xmlns=\"\(Self.namespace)\"><AppHdr xmlns=\"\(Self.headerNamespace)\"><Fr>")
        party(from, into: &xml)
        xml.raw("</Fr><To>")
        party(to, into: &xml)
        xml.raw("</To>")
        xml.element("BizMsgIdr", messageID.rawValue)
        xml.element("MsgDefIdr", definition.rawValue)
        xml.element("CreDt", dateTime: createdAt)
        xml.raw("</AppHdr><Document Id=\"\(Self.documentID)\">")
        xml.open(definition.documentElement)
        fields(&xml)
        xml.close(definition.documentElement)
        xml.raw("</Document></Message>")
        let unsigned = xml.bytes
        do {
            // Validated on the signer's own parse of the document, before anything is signed.
            return RenderedMessage(
                bytes: try signer.signBusinessApplicationHeader(unsigned, validatingAgainst: schema),
                contentType: Self.contentType)
        } catch let violation as XMLSchemaViolation {
            throw DialectError(.schemaViolation, "outbound message does not match \(Self.schemaName): \(violation)")
        }
    }

    // MARK: Reading

    /// Signature first (against pinned certificates only, in the BAH layout), then the schema,
    /// then the envelope. Returns the message definition and, for XMLMessageBody's readers, a
    /// root assembled only from the verified AppHdr and Document: `Header` (MsgId, CreDtTm,
    /// From, To) and the body element holding the Document child's fields.
    private func verify(_ bytes: [UInt8], at time: Date) throws -> (Definition, AyatXML.XMLElement) {
        let verified: VerifiedBusinessMessage
        do {
            // The schema is checked on the verifier's own parse, after the signature verified.
            verified = try verifier.verifyBusinessApplicationHeader(bytes, at: time, validatingAgainst: schema)
        } catch let violation as XMLSchemaViolation {
            throw DialectError(.schemaViolation, "inbound message does not match \(Self.schemaName): \(violation)")
        } catch {
            throw DialectError(.signatureInvalid, "\(error)")
        }
        let envelope = verified.envelope
        guard envelope.name == "Message", envelope.namespace == Self.namespace else {
            throw DialectError(
                .malformed, "expected {\(Self.namespace)}Message, got {\(envelope.namespace ?? "")}\(envelope.name)")
        }
        let header = verified.header
        let document = verified.document
        guard header.namespace == Self.headerNamespace, document.name == "Document",
            document.namespace == Self.namespace
        else {
            throw DialectError(.malformed, "AppHdr or Document is in an unexpected namespace")
        }
        let definitionText = try header.requiredText("MsgDefIdr")
        guard let definition = Definition(rawValue: definitionText) else {
            throw DialectError(.malformed, "unknown MsgDefIdr \(definitionText)")
        }
        guard document.children.count == 1, let content = document.children.first,
            content.name == definition.documentElement
        else {
            throw DialectError(
                .malformed,
                "MsgDefIdr \(definition.rawValue) needs Document/\(definition.documentElement), got \(document.children.map(\.name))"
            )
        }
        let e = { (name: String, text: String) in AyatXML.XMLElement(name: name, namespace: Self.namespace, text: text) }
        let synthesizedHeader = AyatXML.XMLElement(
            name: "Header", namespace: Self.namespace,
            children: [
                e("MsgId", try header.requiredText("BizMsgIdr")),
                e("CreDtTm", try header.requiredText("CreDt")),
                e("From", try header.requiredText("Fr/FIId/FinInstnId/Othr/Id")),
                e("To", try header.requiredText("To/FIId/FinInstnId/Othr/Id")),
            ])
        let body = AyatXML.XMLElement(
            name: definition.bodyElement, namespace: Self.namespace, attributes: content.attributes,
            children: content.children, text: content.text)
        let root = AyatXML.XMLElement(
            name: definition.documentElement, namespace: Self.namespace, children: [synthesizedHeader, body])
        return (definition, root)
    }
}
