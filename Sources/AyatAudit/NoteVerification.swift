/// What verifying a signed note established.
///
/// Unknown signatures are kept (not dropped) so a caller can show which witnesses or rotated keys
/// also signed, while only `verified` may be trusted.
public struct NoteVerification: Hashable, Sendable {
    /// Signatures by known keys, each verified; never empty. Duplicates are listed once.
    public let verified: [NoteSignature]
    /// Signatures whose (name, key ID) matched no known key; not checked. Exact duplicates listed once.
    public let unverified: [NoteSignature]

    /// Names of the keys that verifiably signed.
    public var verifiedKeyNames: [String] { verified.map(\.keyName) }
}
