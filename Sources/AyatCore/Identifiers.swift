import Foundation

/// The gateway's id for one order ("ord_" + 32 hex digits).
public struct OrderID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static func generate() -> OrderID { OrderID(rawValue: "ord_" + RandomHex.timeOrdered(digits: 32)) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A message id as it travels to a bank: 35 characters at most, as ISO 20022 `Max35Text` requires.
public struct MessageID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The longest message id every dialect accepts (ISO 20022 `Max35Text`).
    public static let maxLength = 35

    /// A prefix, then hex up to 35 characters ("AYT" + 32 hex digits), time first then
    /// random: unique without coordination between instances.
    public static func generate(prefix: String = "AYT") -> MessageID {
        MessageID(rawValue: prefix + RandomHex.timeOrdered(digits: max(maxLength - prefix.count, 24)))
    }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The case system's id for a victim's report.
public struct CaseID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// 1 to 64 characters of letters, digits, '-', '_', '.', '/'.
    public init?(_ text: String) {
        guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy(CaseID.allowed) else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"): true
        default: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CaseID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid case id"))
        }
        self = id
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

enum RandomHex {
    /// `digits` hex digits: the time in milliseconds (12 digits), then random ones (at least 12).
    /// Ids made later sort later, so the store's indexes on them grow at one end instead of
    /// touching a random page of a large table on every insert (as UUIDv7 does).
    static func timeOrdered(digits: Int, now: Date = Date()) -> String {
        let milliseconds = UInt64(max(now.timeIntervalSince1970 * 1000, 0)) & 0xFFFF_FFFF_FFFF
        let time = (0..<6).reversed().map { UInt8(truncatingIfNeeded: milliseconds >> (8 * UInt64($0))) }
        let random = max(digits - 12, 12)
        return HexText.encode(time) + make(bytes: (random + 1) / 2).prefix(random)
    }

    static func make(bytes count: Int) -> String {
        // Eight random bytes per draw: each draw from the system generator is a system call.
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return HexText.encode(bytes.prefix(count))
    }
}

/// Lower-case hexadecimal, as identifiers and digests are written.
public enum HexText {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
