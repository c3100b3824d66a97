/// Lexical rules shared by signed notes, checkpoints and proof files.
enum NoteSyntax {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    /// U+2014 EM DASH followed by a space: how every signature line starts.
    static let signaturePrefix: [UInt8] = [0xE2, 0x80, 0x94, 0x20]

    /// Valid UTF-8 with no ASCII control character other than newline (c2sp.org/signed-note).
    static func isValidText<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard !bytes.contains(where: { $0 < 0x20 && $0 != newline }) else { return false }
        return decodesAsUTF8(bytes)
    }

    static func decodesAsUTF8<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Key names: non-empty, no Unicode space, no plus sign, and (being note text) no control characters.
    static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0 == "+" || $0.value < 0x20 }
    }

    /// Splits text that must end in a newline into its lines (without the newlines); nil when the
    /// final newline is missing.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        guard bytes.last == newline else { return nil }
        var lines = bytes.split(separator: newline, omittingEmptySubsequences: false)
        lines.removeLast()
        return lines
    }

    static func string<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension Collection where Element: Equatable {
    /// The index of the last occurrence of `pattern`, if any.
    func lastRange(of pattern: [Element]) -> Range<Index>? {
        guard !pattern.isEmpty, count >= pattern.count else { return nil }
        var result: Range<Index>?
        var start = startIndex
        while let end = index(start, offsetBy: pattern.count, limitedBy: endIndex) {
            if self[start..<end].elementsEqual(pattern) { result = start..<end }
            start = index(after: start)
        }
        return result
    }
}
