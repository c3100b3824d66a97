/// Verifies against pinned raw public keys instead of certificates (KeyInfo is ignored).
/// Meant for published test vectors that carry only KeyValue; production code pins
/// certificates with ``XMLSignatureVerifier`` so validity periods are enforced.
public struct XMLPublicKeyVerifier: Sendable {
    public let policy: XMLVerificationPolicy
    private let pinnedKeys: [XMLVerificationKey]

    public init(pinnedKeys: [XMLVerificationKey], policy: XMLVerificationPolicy = .strict) {
        self.pinnedKeys = pinnedKeys
        self.policy = policy
    }

    public func verify(_ document: [UInt8]) throws -> VerifiedXMLContent {
        let outcome = try SignatureValidation.verify(
            document, policy: policy,
            candidates: { structure in
                pinnedKeys.indices.compactMap { index in
                    pinnedKeys[index].fits(structure.algorithm, policy: policy) ? (index, pinnedKeys[index]) : nil
                }
            },
            acceptSigner: { _ in })
        return VerifiedXMLContent(
            keyIndex: outcome.keyIndex, root: outcome.root, algorithm: outcome.algorithm,
            references: outcome.references)
    }
}
