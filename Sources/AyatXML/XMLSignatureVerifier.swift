import Foundation
import SwiftASN1
import X509

/// Verifies enveloped XML signatures against pinned certificates only. A certificate inside
/// KeyInfo never grants trust: it only selects among the pinned ones.
public struct XMLSignatureVerifier: Sendable {
    public let policy: XMLVerificationPolicy
    private let pinned: [PinnedCertificate]

    /// A pinned certificate with everything KeyInfo matching needs, computed once.
    struct PinnedCertificate: Sendable {
        let certificate: Certificate
        let der: [UInt8]
        let key: XMLVerificationKey?
        let serialDecimal: String
        /// The issuer as Ayat's own signer writes it (X509IssuerName), and normalised for others.
        let issuerText: String
        let issuer: [String]
        let subjectKeyIdentifier: [UInt8]?
    }

    public init(pinned: [Certificate], policy: XMLVerificationPolicy = .strict) {
        self.policy = policy
        self.pinned = pinned.map { certificate in
            var serializer = DER.Serializer()
            let der = (try? serializer.serialize(certificate)).map { serializer.serializedBytes } ?? []
            let ski = (try? certificate.extensions.subjectKeyIdentifier).flatMap { $0 }.map { Array($0.keyIdentifier) }
            return PinnedCertificate(
                certificate: certificate, der: der, key: XMLVerificationKey(certificate.publicKey),
                serialDecimal: XMLDSigEncoding.decimal(bigEndian: certificate.serialNumber.bytes),
                issuerText: certificate.issuer.description,
                issuer: DistinguishedNameText.normalized(certificate.issuer.description),
                subjectKeyIdentifier: ski)
        }
    }

    /// Verifies an enveloped signature (the `xml-enveloped` layout, and in general References
    /// by URI="" and by `#id`).
    /// - Parameters:
    ///   - time: the instant at which the signer certificate must be valid.
    ///   - schema: validated on the same parsed tree once the signature and every digest have
    ///     verified (the document is parsed once); a mismatch throws ``XMLSchemaViolation``.
    public func verify(
        _ document: [UInt8], at time: Date = Date(), validatingAgainst schema: XMLSchema? = nil
    ) throws -> VerifiedXMLDocument {
        try verify(document, at: time, layout: nil, schema: schema)
    }

    /// ``verify(_:at:validatingAgainst:)`` with a profile's layout rules checked before any cryptography.
    func verify(
        _ document: [UInt8], at time: Date, layout: ((SignatureLayoutContext) throws -> Void)?,
        schema: XMLSchema?
    ) throws -> VerifiedXMLDocument {
        let outcome = try SignatureValidation.verify(
            document, policy: policy,
            candidates: { structure in try candidates(for: structure) },
            acceptSigner: { index in try checkValidity(of: pinned[index].certificate, at: time) },
            layout: layout, schema: schema)
        return VerifiedXMLDocument(
            signer: pinned[outcome.keyIndex].certificate, root: outcome.root, algorithm: outcome.algorithm,
            references: outcome.references)
    }

    /// KeyInfo narrows the pinned set; if it names only unpinned certificates, refuse.
    private func candidates(for structure: SignatureStructure) throws -> [(index: Int, key: XMLVerificationKey)] {
        let hints = structure.keyHints
        var named: [Int]
        if !hints.certificates.isEmpty {
            named = pinned.indices.filter { index in hints.certificates.contains(pinned[index].der) }
            if named.isEmpty {
                throw XMLSignatureError(
                    .unpinnedCertificate,
                    "KeyInfo carries certificate \(Self.subjects(of: hints.certificates)), which is not pinned")
            }
        } else if !hints.issuerSerials.isEmpty {
            named = pinned.indices.filter { index in
                hints.issuerSerials.contains { hint in
                    // The same text normalises the same: only other spellings need normalising.
                    Self.sameSerial(hint.serial, pinned[index].serialDecimal)
                        && (hint.issuer == pinned[index].issuerText
                            || DistinguishedNameText.matches(hint.issuer, pinned[index].issuer))
                }
            }
            if named.isEmpty {
                let hint = hints.issuerSerials[0]
                throw XMLSignatureError(
                    .unpinnedCertificate,
                    "KeyInfo names certificate serial \(hint.serial) issued by \(hint.issuer), which is not pinned")
            }
        } else if !hints.subjectKeyIdentifiers.isEmpty {
            named = pinned.indices.filter { index in
                pinned[index].subjectKeyIdentifier.map { hints.subjectKeyIdentifiers.contains($0) } ?? false
            }
            if named.isEmpty {
                throw XMLSignatureError(
                    .unpinnedCertificate, "KeyInfo names a subject key identifier that no pinned certificate has")
            }
        } else {
            named = Array(pinned.indices)
        }
        let usable = named.compactMap { index -> (index: Int, key: XMLVerificationKey)? in
            guard let key = pinned[index].key, key.fits(structure.algorithm, policy: policy) else { return nil }
            return (index, key)
        }
        if usable.isEmpty {
            throw XMLSignatureError(
                .unpinnedCertificate,
                "no pinned certificate named by KeyInfo has a key acceptable for \(structure.algorithm.uri)")
        }
        return usable
    }

    private func checkValidity(of certificate: Certificate, at time: Date) throws {
        guard policy.requireCertificateValidAtVerificationTime else { return }
        if time < certificate.notValidBefore {
            throw XMLSignatureError(
                .certificateNotYetValid,
                "signer certificate \(certificate.subject) is valid only from \(certificate.notValidBefore)")
        }
        if time > certificate.notValidAfter {
            throw XMLSignatureError(
                .certificateExpired, "signer certificate \(certificate.subject) expired at \(certificate.notValidAfter)")
        }
    }

    private static func sameSerial(_ text: String, _ decimal: String) -> Bool {
        let digits = text.drop { $0 == "0" }
        return (digits.isEmpty ? "0" : String(digits)) == decimal
    }

    private static func subjects(of certificates: [[UInt8]]) -> String {
        certificates.map { der in
            (try? Certificate(derEncoded: der)).map { "'\($0.subject)'" } ?? "(unparseable)"
        }.joined(separator: ", ")
    }
}

/// Loose comparison of RFC 4514/2253 distinguished-name strings as different tools print them
/// (order, spacing, attribute-name aliases). Only used to pick among pinned certificates.
enum DistinguishedNameText {
    static func normalized(_ text: String) -> [String] {
        var components: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," || character == ";" {
                components.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        components.append(current)
        return components.map { component in
            let trimmed = component.trimmingXMLWhitespace()
            guard let equals = trimmed.firstIndex(of: "=") else { return trimmed.lowercased() }
            var type = String(trimmed[..<equals]).trimmingXMLWhitespace().uppercased()
            let value = String(trimmed[trimmed.index(after: equals)...]).trimmingXMLWhitespace()
            switch type {
            case "S", "2.5.4.8": type = "ST"
            case "EMAILADDRESS", "1.2.840.113549.1.9.1": type = "E"
            case "2.5.4.3": type = "CN"
            case "2.5.4.10": type = "O"
            case "2.5.4.11": type = "OU"
            case "2.5.4.6": type = "C"
            case "2.5.4.7": type = "L"
            default: break
            }
            return "\(type)=\(value)"
        }.filter { !$0.isEmpty }
    }

    static func matches(_ text: String, _ normalizedPinned: [String]) -> Bool {
        let candidate = normalized(text)
        return candidate == normalizedPinned || candidate.reversed() == normalizedPinned
    }
}
