import CLibXML2
import Foundation
import X509

/// The ISO 20022 Business Application Header signing layout (`iso20022-bah`), as Ayat signs and
/// verifies it. One envelope element holds exactly two elements, the header and the document:
///
/// ```xml
/// <Message xmlns="urn:ayat:iso20022-bah:1">            <!-- any envelope -->
///   <AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">
///     <Fr>…</Fr><To>…</To><BizMsgIdr>…</BizMsgIdr><MsgDefIdr>…</MsgDefIdr><CreDt>…</CreDt>
///     <Sgntr><ds:Signature>…</ds:Signature></Sgntr>
///   </AppHdr>
///   <Document Id="Document">…</Document>                <!-- any namespace -->
/// </Message>
/// ```
///
/// The one `ds:Signature` is the only child of `AppHdr/Sgntr` and its SignedInfo has exactly
/// three References (SHA-256, exclusive C14N; SignedInfo itself canonicalised with exc-c14n):
///
/// 1. `URI=""`, transforms enveloped-signature + exc-c14n — the "AppHdr reference" of BAH
///    practice. Because the header and the document travel in one XML document here, it covers
///    the **whole document minus the Signature**: the envelope element, all of `AppHdr` (with the
///    now-empty `Sgntr`) and all of `Document`.
/// 2. `URI="#<Id of Document>"`, exc-c14n — the `Document` element, which must be the envelope's
///    second child. Redundant with (1) for integrity, it names the business payload explicitly
///    (and lets a verifier that reads only the Document check it on its own).
/// 3. `URI="#KeyInfo"`, exc-c14n — the Signature's own `ds:KeyInfo`, which carries
///    `X509Data/X509SKI` (base64 subjectKeyIdentifier of the signing certificate). The SKI only
///    selects among pinned certificates; it is never trusted on its own.
///
/// The verifier refuses any other shape before running any cryptography, so the `header` and
/// `document` it returns are exactly the elements those References covered.
public enum BusinessApplicationHeader {
    /// The namespace of `AppHdr` (head.001.001.02).
    public static let headerNamespace = "urn:iso:std:iso:20022:tech:xsd:head.001.001.02"
    /// The Id the signer gives `ds:KeyInfo` (referenced as `#KeyInfo`).
    public static let keyInfoID = XMLSigner.keyInfoID
}

extension XMLSignatureError.Code {
    /// The document is not an envelope holding exactly `AppHdr` and `Document`.
    public static let layoutMismatch = XMLSignatureError.Code("layoutMismatch")
    /// The Signature is not the only content of the envelope's `AppHdr/Sgntr`.
    public static let signatureMisplaced = XMLSignatureError.Code("signatureMisplaced")
    /// A Reference covers something other than what the layout reads (or a required one is
    /// missing or repeated), so a verified digest would say nothing about the content read.
    public static let referenceNotRead = XMLSignatureError.Code("referenceNotRead")
}

/// A BAH message whose signature verified against a pinned certificate. Read only `header` and
/// `document`: they are the very elements the References covered.
public struct VerifiedBusinessMessage: Sendable {
    /// The pinned certificate that verified the signature.
    public let signer: Certificate
    public let algorithm: XMLSignatureAlgorithm
    /// The envelope element (with the ds:Signature removed).
    public let envelope: XMLElement
    /// `AppHdr`, with the ds:Signature removed (its `Sgntr` is left empty).
    public let header: XMLElement
    /// The `Document` element.
    public let document: XMLElement
    public let references: [VerifiedXMLReference]
}

extension XMLSignatureVerifier {
    /// Verifies a message in the ``BusinessApplicationHeader`` layout: everything
    /// ``verify(_:at:validatingAgainst:)`` checks, plus the layout (where the Signature sits and
    /// what each of the three References covers), checked before any cryptography.
    /// - Parameters:
    ///   - time: the instant at which the signer certificate must be valid.
    ///   - schema: validated on the same parsed tree once the signature and every digest have
    ///     verified; a mismatch throws ``XMLSchemaViolation``.
    public func verifyBusinessApplicationHeader(
        _ document: [UInt8], at time: Date = Date(), validatingAgainst schema: XMLSchema? = nil
    ) throws -> VerifiedBusinessMessage {
        let verified = try verify(
            document, at: time, layout: BusinessApplicationHeaderLayout.check, schema: schema)
        // The layout check guaranteed the envelope's element children are exactly these two.
        let parts = verified.root.children
        guard parts.count == 2 else {
            throw XMLSignatureError(.internalFailure, "the verified envelope lost its shape")
        }
        return VerifiedBusinessMessage(
            signer: verified.signer, algorithm: verified.algorithm, envelope: verified.root, header: parts[0],
            document: parts[1], references: verified.references)
    }
}

/// The structural rules of the BAH layout, on the parsed tree.
enum BusinessApplicationHeaderLayout {
    struct Parts {
        let header: xmlNodePtr
        let document: xmlNodePtr
    }

    /// The envelope's two children, or a refusal naming what is wrong.
    static func parts(of root: xmlNodePtr) throws -> Parts {
        let children = LibXML2Node.elementChildren(root)
        let names = children.map { "'\(LibXML2Node.localName($0))'" }.joined(separator: ", ")
        guard children.count == 2,
            LibXML2Node.isElement(children[0], named: "AppHdr", namespace: BusinessApplicationHeader.headerNamespace),
            LibXML2Node.localName(children[1]) == "Document"
        else {
            throw XMLSignatureError(
                .layoutMismatch,
                "the envelope '\(LibXML2Node.localName(root))' must hold exactly AppHdr (\(BusinessApplicationHeader.headerNamespace)) then Document; it holds \(names.isEmpty ? "no elements" : names)"
            )
        }
        return Parts(header: children[0], document: children[1])
    }

    static func check(_ context: SignatureLayoutContext) throws {
        let parts = try parts(of: context.root)
        let signature = context.signature

        // The Signature is the only content of the envelope's AppHdr/Sgntr.
        guard let sgntr = signature.pointee.parent, LibXML2Node.isElement(sgntr),
            LibXML2Node.isElement(sgntr, named: "Sgntr", namespace: BusinessApplicationHeader.headerNamespace),
            sgntr.pointee.parent == parts.header
        else {
            let parent = signature.pointee.parent.map { LibXML2Node.isElement($0) ? LibXML2Node.localName($0) : "the document" } ?? "nothing"
            throw XMLSignatureError(
                .signatureMisplaced, "the Signature sits in '\(parent)', not in the envelope's AppHdr/Sgntr")
        }
        if LibXML2Node.elementChildren(sgntr).count != 1 || LibXML2Node.hasNonElementContent(sgntr) {
            throw XMLSignatureError(.signatureMisplaced, "AppHdr/Sgntr holds something besides the Signature")
        }
        let sgntrCount = LibXML2Node.elementChildren(parts.header).filter {
            LibXML2Node.isElement($0, named: "Sgntr", namespace: BusinessApplicationHeader.headerNamespace)
        }.count
        if sgntrCount != 1 {
            throw XMLSignatureError(.signatureMisplaced, "AppHdr has \(sgntrCount) Sgntr elements")
        }
        let keyInfo = LibXML2Node.elementChildren(signature).first { LibXML2Node.isDSig($0, "KeyInfo") }

        // Exactly three References: the whole document, the Document, the Signature's KeyInfo.
        var whole = 0
        var document = 0
        var key = 0
        for (reference, target) in zip(context.structure.references, context.targets) {
            guard let target else {
                whole += 1
                continue
            }
            if target == parts.document {
                document += 1
            } else if let keyInfo, target == keyInfo {
                key += 1
            } else {
                throw XMLSignatureError(
                    .referenceNotRead,
                    "Reference URI=\"\(reference.uri)\" covers '\(LibXML2Node.localName(target))' \(where: target, parts, signature), which is neither the envelope's Document nor the Signature's KeyInfo"
                )
            }
        }
        let problems = [
            whole == 1 ? nil : "\(whole) References URI=\"\" (the whole document)",
            document == 1 ? nil : "\(document) References to the envelope's Document",
            key == 1 ? nil : "\(key) References to the Signature's KeyInfo",
        ].compactMap { $0 }
        if !problems.isEmpty {
            throw XMLSignatureError(
                .referenceNotRead,
                "the BAH layout signs exactly the whole document, the Document and the KeyInfo once each; SignedInfo has \(problems.joined(separator: ", "))"
            )
        }
    }
}

extension String.StringInterpolation {
    /// "inside the Signature", "inside AppHdr", "inside Document" or "elsewhere", for refusals.
    fileprivate mutating func appendInterpolation(
        where node: xmlNodePtr, _ parts: BusinessApplicationHeaderLayout.Parts, _ signature: xmlNodePtr
    ) {
        var cursor: xmlNodePtr? = node.pointee.parent
        while let current = cursor, LibXML2Node.isElement(current) {
            if current == signature {
                appendLiteral("inside the Signature")
                return
            }
            if current == parts.header {
                appendLiteral("inside AppHdr")
                return
            }
            if current == parts.document {
                appendLiteral("inside the Document")
                return
            }
            cursor = current.pointee.parent
        }
        appendLiteral("outside AppHdr and Document")
    }
}
