extension StringProtocol {
    /// The text without leading or trailing white space (Unicode White_Space, newlines
    /// included), found scalar by scalar rather than through NSString.
    public var trimmingWhiteSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
