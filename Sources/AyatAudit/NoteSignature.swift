/// One signature line of a signed note: `— <key name> base64(key ID || signature)`.
///
/// Kept as parsed parts rather than as the line, so verification can match the (name, key ID)
/// pair against known keys; the line is rebuilt byte for byte by `line`, and because base64 is
/// decoded canonically, the rebuilt line equals the one that was read.
public struct NoteSignature: Hashable, Sendable, CustomStringConvertible {
    public let keyName: String
    /// Big-endian uint32 from the first four signature bytes; identifies key and algorithm.
    public let keyID: UInt32
    /// The algorithm's signature bytes (after the key ID).
    public let signature: [UInt8]

    public init(keyName: String, keyID: UInt32, signature: [UInt8]) throws {
        guard NoteSyntax.isValidKeyName(keyName) else {
            throw AuditError(.invalidKeyName, "key name \"\(keyName)\" is empty or contains a space or a plus sign")
        }
        guard !signature.isEmpty else {
            throw AuditError(.malformedNote, "signature by \(keyName) is empty")
        }
        self.keyName = keyName
        self.keyID = keyID
        self.signature = signature
    }

    /// base64(key ID || signature), as written on the line.
    public var encoded: String {
        Base64.encode(withUnsafeBytes(of: keyID.bigEndian, Array.init) + signature)
    }

    /// The complete line, em dash to newline.
    public var line: String { "\u{2014} \(keyName) \(encoded)\n" }

    /// `name+hexkeyid`, the form used in reports and by Go's note package.
    public var keyLabel: String { "\(keyName)+\(KeyIDFormat.hex(keyID))" }

    public var description: String { "\(keyLabel) \(encoded)" }

    /// Parses a line without its newline.
    init<Line: Collection<UInt8>>(parsingLine line: Line) throws {
        guard line.starts(with: NoteSyntax.signaturePrefix) else {
            throw AuditError(.malformedNote, "signature line does not start with an em dash and a space")
        }
        let rest = line.dropFirst(NoteSyntax.signaturePrefix.count)
        guard let separator = rest.firstIndex(of: NoteSyntax.space) else {
            throw AuditError(.malformedNote, "signature line has no space between key name and signature")
        }
        let name = NoteSyntax.string(rest[..<separator])
        let encoded = NoteSyntax.string(rest[rest.index(after: separator)...])
        guard NoteSyntax.isValidKeyName(name) else {
            throw AuditError(.malformedNote, "signature key name \"\(name)\" is empty or contains a space or a plus sign")
        }
        guard let bytes = Base64.decode(encoded), bytes.count >= 5 else {
            throw AuditError(.malformedNote, "signature by \(name) is not canonical base64 of a key ID and a signature")
        }
        let keyID = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        try self.init(keyName: name, keyID: keyID, signature: Array(bytes.dropFirst(4)))
    }
}

/// Key IDs are written as eight lowercase hex digits in key strings and reports.
enum KeyIDFormat {
    static func hex(_ keyID: UInt32) -> String {
        Hex.encode(withUnsafeBytes(of: keyID.bigEndian, Array.init))
    }

    static func parse<S: StringProtocol>(_ text: S) -> UInt32? {
        guard text.utf8.count == 8, let bytes = Hex.decode(text) else { return nil }
        return bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
