#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ds:Signature written as bytes instead of built as libxml2 nodes: the signer's fast path.
///
/// Every element is written in exclusive canonical form (attributes in order, explicit end
/// tags, canonical escaping, no whitespace between elements), so the SignedInfo bytes signed
/// here are exactly what a verifier gets when it canonicalises the SignedInfo it parses, and
/// the KeyInfo bytes digested here are exactly what it gets for `#KeyInfo`. Inside the
/// signature the two carry no `xmlns:ds` of their own: the Signature element declares it.
enum SignatureMarkup {
    typealias Reference = (uri: String, transforms: [XMLTransform], digest: [UInt8])

    private static let dsDeclaration = " xmlns:ds=\"\(XMLNamespaces.dsig)\""

    /// The empty Signature the signer puts into the tree, as it reads in the canonical form:
    /// the mark where the real one is spliced in.
    static let emptySignature = Array("<ds:Signature\(dsDeclaration)></ds:Signature>".utf8)

    /// A KeyInfo's digest (of its canonical form) and its bytes as written inside ds:Signature.
    struct KeyInfo: Sendable {
        let digest: [UInt8]
        let inSignature: [UInt8]

        /// `<ds:KeyInfo Id="…">` around `content`, which is already canonical markup.
        init(id: String, content: [UInt8]) {
            var canonical = Array("<ds:KeyInfo\(SignatureMarkup.dsDeclaration) Id=\"".utf8)
            SignatureMarkup.appendEscaped(id, to: &canonical, attribute: true)
            canonical += Array("\">".utf8) + content + Array("</ds:KeyInfo>".utf8)
            digest = canonical.withUnsafeBytes { XMLDigestAlgorithm.sha256.digest($0) }
            inSignature = Array(canonical[0..<"<ds:KeyInfo".utf8.count]) + canonical[("<ds:KeyInfo" + SignatureMarkup.dsDeclaration).utf8.count...]
        }
    }

    /// `<ds:name>text</ds:name>` for each pair, in order, text escaped canonically.
    static func elements(_ pairs: [(name: String, text: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, text) in pairs {
            bytes.append(contentsOf: "<ds:\(name)>".utf8)
            appendEscaped(text, to: &bytes, attribute: false)
            bytes.append(contentsOf: "</ds:\(name)>".utf8)
        }
        return bytes
    }

    /// SignedInfo as signed (canonical, declaring `ds`) and as written inside the Signature.
    static func signedInfo(algorithm: XMLSignatureAlgorithm, references: [Reference]) -> (canonical: [UInt8], inSignature: [UInt8]) {
        var body: [UInt8] = []
        body.reserveCapacity(1024)
        body.append(contentsOf: "><ds:CanonicalizationMethod Algorithm=\"".utf8)
        body.append(contentsOf: XMLTransform.exclusiveC14N.uri.utf8)
        body.append(contentsOf: "\"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm=\"".utf8)
        body.append(contentsOf: algorithm.uri.utf8)
        body.append(contentsOf: "\"></ds:SignatureMethod>".utf8)
        for reference in references {
            body.append(contentsOf: "<ds:Reference URI=\"".utf8)
            appendEscaped(reference.uri, to: &body, attribute: true)
            body.append(contentsOf: "\"><ds:Transforms>".utf8)
            for transform in reference.transforms {
                body.append(contentsOf: "<ds:Transform Algorithm=\"".utf8)
                body.append(contentsOf: transform.uri.utf8)
                body.append(contentsOf: "\"></ds:Transform>".utf8)
            }
            body.append(contentsOf: "</ds:Transforms><ds:DigestMethod Algorithm=\"".utf8)
            body.append(contentsOf: XMLDigestAlgorithm.sha256.uri.utf8)
            body.append(contentsOf: "\"></ds:DigestMethod><ds:DigestValue>".utf8)
            body.append(contentsOf: XMLDSigEncoding.encodeBase64(reference.digest).utf8)
            body.append(contentsOf: "</ds:DigestValue></ds:Reference>".utf8)
        }
        body.append(contentsOf: "</ds:SignedInfo>".utf8)
        var canonical = Array("<ds:SignedInfo".utf8)
        var inSignature = canonical
        canonical.reserveCapacity(canonical.count + dsDeclaration.utf8.count + body.count)
        canonical.append(contentsOf: dsDeclaration.utf8)
        canonical.append(contentsOf: body)
        inSignature.append(contentsOf: body)
        return (canonical, inSignature)
    }

    /// The whole ds:Signature: SignedInfo, SignatureValue, KeyInfo.
    static func signature(signedInfo: [UInt8], value: [UInt8], keyInfo: KeyInfo) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(signedInfo.count + keyInfo.inSignature.count + value.count * 2 + 128)
        bytes.append(contentsOf: "<ds:Signature\(dsDeclaration)>".utf8)
        bytes += signedInfo
        bytes.append(contentsOf: "<ds:SignatureValue>".utf8)
        bytes.append(contentsOf: XMLDSigEncoding.encodeBase64(value).utf8)
        bytes.append(contentsOf: "</ds:SignatureValue>".utf8)
        bytes += keyInfo.inSignature
        bytes.append(contentsOf: "</ds:Signature>".utf8)
        return bytes
    }

    /// Text (or an attribute value) escaped as the canonical writer escapes it.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8], attribute: Bool) {
        for byte in text.utf8 {
            if let escape = ExclusiveCanonicalWriter.escape(byte, attribute: attribute) {
                escape.withUTF8Buffer { bytes.append(contentsOf: $0) }
            } else {
                bytes.append(byte)
            }
        }
    }

    /// Where `needle` occurs in `haystack`, if exactly once.
    static func onlyRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin -> Range<Int>? in
                // memchr to each candidate first byte, then memcmp (memmem is not in Glibc's module).
                func find(from offset: Int) -> Int? {
                    guard let base = hay.baseAddress, let needle = pin.baseAddress else { return nil }
                    var offset = offset
                    while offset + pin.count <= hay.count {
                        guard let hit = memchr(base + offset, Int32(pin[0]), hay.count - pin.count + 1 - offset) else { return nil }
                        let at = UnsafeRawPointer(hit) - base
                        if memcmp(base + at, needle, pin.count) == 0 { return at }
                        offset = at + 1
                    }
                    return nil
                }
                guard let first = find(from: 0), find(from: first + pin.count) == nil else { return nil }
                return first..<first + pin.count
            }
        }
    }
}
