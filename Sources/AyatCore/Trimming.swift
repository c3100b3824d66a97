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
}
