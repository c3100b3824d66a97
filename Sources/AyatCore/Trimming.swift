extension StringProtocol {
    /// The text without leading or trailing white space (Unicode White_Space, newlines
    /// included), found scalar by scalar rather than through NSString.
    public var trimmingWhiteSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        // Nearly every field has nothing to trim: no new string then.
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return String(self) }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension Unicode.Scalar {
    /// Unicode's general category Cc, which is exactly U+0000–001F and U+007F–009F: compared
    /// as ranges, not looked up in the property tables for every scalar of every field.
    public var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }

    /// Whether an order's text may not hold this scalar: a control character, or U+FFFE or
    /// U+FFFF, which XML 1.0 cannot carry (every other scalar a Swift string can hold, it can).
    /// Refused by the API for every bank, not only by an XML bank's renderer.
    public var isUnfitForText: Bool { isControlCharacter || value == 0xFFFE || value == 0xFFFF }
}

extension String {
    /// Whether this has at most `limit` characters as the banks' schemas count them: XML
    /// Schema's and JSON Schema's lengths count Unicode code points, not grapheme clusters, and
    /// Thai puts vowels and tone marks in scalars of their own ("ชาย" is 3 scalars, 2 graphemes).
    public func fits(_ limit: Int) -> Bool { utf8.count <= limit || unicodeScalars.count <= limit }
}
