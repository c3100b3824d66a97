import Foundation
import AyatDialects
import X509

/// A message file as audit bundles and `ayat render` write it: XML as is, or
/// for JSON dialects an HTTP message (request line, headers, blank line, body).
public enum HTTPMessageFile {
    public struct Parsed: Sendable {
        public var requestLine: String
        public var headers: [String: String]
        public var body: [UInt8]

        /// The dialect its signature header implies.
        public var dialect: DialectName? {
            if headers["x-jws-signature"] != nil { return .jwsDetached }
            if headers["fspiop-signature"] != nil { return .jwsHeader }
            return nil
        }
    }

    public static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let separator: [UInt8] = bytes.firstRange(of: Array("\r\n\r\n".utf8)) != nil ? Array("\r\n".utf8) : [0x0A]
        guard let end = bytes.firstRange(of: separator + separator) else {
            throw DialectError(.malformed, "not an HTTP message: no blank line after the headers")
        }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            .components(separatedBy: separator.count == 2 ? "\r\n" : "\n")
        guard let first = head.first, !first.isEmpty else { throw DialectError(.malformed, "not an HTTP message: no request line") }
        var headers = [String: String]()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw DialectError(.malformed, "header line without a name: \(line)") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // "POST /path HTTP/1.1" → "POST /path"
        let parts = first.split(separator: " ")
        let requestLine = parts.count >= 2 ? "\(parts[0]) \(parts[1])" : first
        return Parsed(requestLine: requestLine, headers: headers, body: Array(bytes[end.upperBound...]))
    }

    /// Verifies an XML message or an HTTP message file against `pinned`.
    public static func verify(_ bytes: [UInt8], pinned: [Certificate], at time: Date) throws {
        let start = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        if start.first == UInt8(ascii: "<") {
            try DialectRegistry.verifySignature(dialect: .xmlEnveloped, bytes: bytes, headers: [:], requestLine: nil, pinned: pinned, at: time)
            return
        }
        let parsed = try parse(bytes)
        guard let dialect = parsed.dialect else {
            throw DialectError(.malformed, "no x-jws-signature or fspiop-signature header: not a signed JSON-dialect message")
        }
        try DialectRegistry.verifySignature(
            dialect: dialect, bytes: parsed.body, headers: parsed.headers, requestLine: parsed.requestLine, pinned: pinned, at: time
        )
    }
}
