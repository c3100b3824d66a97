/// A bank account number. Personal data: `description` is redacted so it can
/// never leak into a log by string interpolation; use `rawValue` on purpose.
public struct AccountNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Bank account numbers here are 6 to 20 ASCII digits (Thai banks use 10).
    public init?(_ text: String) {
        guard (6...20).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        self.rawValue = text
    }

    /// Keeps the last four digits, as bank statements do.
    public var redacted: String { String(repeating: "•", count: rawValue.count - 4) + rawValue.suffix(4) }

    public var description: String { redacted }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let number = AccountNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "account number must be 6 to 20 digits"))
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A holder's name, carried byte for byte (Thai script included). Redacted in `description`.
public struct HolderName: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhiteSpace
        guard !trimmed.isEmpty, trimmed == text, text.fits(140),
              !text.unicodeScalars.contains(where: \.isUnfitForText) else { return nil }
        self.rawValue = text
    }

    public var redacted: String { rawValue.prefix(1) + "…" }
    public var description: String { redacted }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = HolderName(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid holder name"))
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

import Foundation
