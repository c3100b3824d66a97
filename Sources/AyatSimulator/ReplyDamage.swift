import Foundation
import AyatDialects

/// Damages a signed message the way a faulty bank or middlebox would: the
/// result still looks like a reply, but must never be taken for one.
enum ReplyDamage {
    static func apply(_ damage: SimulatorFaults.Damage, to message: RenderedMessage) -> RenderedMessage {
        switch damage {
        case .brokenSignature: brokenSignature(message)
        case .emptySignature: emptySignature(message)
        case .prettyPrinted: prettyPrinted(message)
        case .malformed: malformed(message)
        }
    }

    /// The header that carries a JWS signature, if the dialect uses one.
    private static func signatureHeader(_ message: RenderedMessage) -> String? {
        message.headers.keys.first { $0.lowercased().contains("signature") }
    }

    /// Flips one character of the signature itself (an XML SignatureValue, the
    /// signature part of a JWS in a header, or the `signature` member of a JSON
    /// header): the message still reads and parses, but no longer verifies.
    static func brokenSignature(_ message: RenderedMessage) -> RenderedMessage {
        var corrupted = message
        if let name = signatureHeader(message), let value = message.headers[name] {
            corrupted.headers[name] = flipSignatureCharacter(in: value)
            return corrupted
        }
        let marker = Array("SignatureValue>".utf8)
        guard let start = message.bytes.firstRange(of: marker)?.upperBound, start < message.bytes.count else { return message }
        corrupted.bytes[start] = corrupted.bytes[start] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return corrupted
    }

    /// The first character of the signature in a header value: after `"signature":"` in
    /// JSON, else after the last `.` of a compact JWS. A first character swapped
    /// within the base64url alphabet keeps the text well-formed.
    static func flipSignatureCharacter(in value: String) -> String {
        var characters = Array(value)
        let start: Int
        if let member = value.range(of: #""signature":""#) ?? value.range(of: #""signature": ""#) {
            start = value.distance(from: value.startIndex, to: member.upperBound)
        } else if let dot = characters.lastIndex(of: ".") {
            start = dot + 1
        } else {
            start = 0
        }
        guard start < characters.count else { return value }
        characters[start] = characters[start] == "A" ? "B" : "A"
        return String(characters)
    }

    /// XML: the Signature element kept but emptied (`<ds:Signature …/>`); JWS: the signature header sent empty.
    static func emptySignature(_ message: RenderedMessage) -> RenderedMessage {
        var emptied = message
        if let name = signatureHeader(message) {
            emptied.headers[name] = ""
            return emptied
        }
        let text = String(decoding: message.bytes, as: UTF8.self)
        guard let open = text.range(of: #"<([A-Za-z_][\w.-]*:)?Signature[\s>]"#, options: .regularExpression) else { return message }
        let prefix = text[open].dropFirst().prefix { $0 != ":" && !$0.isWhitespace && $0 != ">" }
        let qualified = text[open].contains(":") ? "\(prefix):Signature" : "Signature"
        guard let tagEnd = text.range(of: ">", range: open.lowerBound..<text.endIndex),
              let close = text.range(of: "</\(qualified)>", range: tagEnd.upperBound..<text.endIndex) else { return message }
        var startTag = String(text[open.lowerBound..<tagEnd.lowerBound])
        if startTag.hasSuffix("/") { return message }
        startTag += "/>"
        emptied.bytes = Array((text[..<open.lowerBound] + startTag + text[close.upperBound...]).utf8)
        return emptied
    }

    /// The same document, indented: a reader sees no difference, the signature does.
    static func prettyPrinted(_ message: RenderedMessage) -> RenderedMessage {
        var pretty = message
        guard let first = message.bytes.first(where: { !Set(" \t\r\n".utf8).contains($0) }) else { return message }
        pretty.bytes = first == UInt8(ascii: "<") ? indentXML(message.bytes) : indentJSON(message.bytes)
        return pretty
    }

    /// Half the body: neither XML nor JSON any more.
    static func malformed(_ message: RenderedMessage) -> RenderedMessage {
        var cut = message
        cut.bytes = Array(message.bytes.prefix(max(message.bytes.count / 2, 1)))
        return cut
    }

    /// A newline and indentation between adjacent tags (`><`), by depth.
    static func indentXML(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        var out = ""
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            out.append(character)
            if character == ">" {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == "<" {
                    let before = text[..<index]
                    let opening = !before.hasSuffix("/") && !tagStart(of: before).hasPrefix("</") && !tagStart(of: before).hasPrefix("<?")
                    let closingNext = text[next...].hasPrefix("</")
                    // `<a></a>` stays as it is, as pretty-printers leave an empty element.
                    if !(opening && closingNext) {
                        if opening { depth += 1 }
                        if closingNext { depth = max(depth - 1, 0) }
                        out += "\n" + String(repeating: "  ", count: max(depth, 0))
                    }
                } else if next < text.endIndex {
                    // Text content follows: the element closes after it.
                    let before = text[..<index]
                    if !before.hasSuffix("/"), !tagStart(of: before).hasPrefix("</"), !tagStart(of: before).hasPrefix("<?") { depth += 1 }
                    if let close = text[next...].firstIndex(of: "<"), text[close...].hasPrefix("</") { depth -= 1 }
                }
            }
            index = text.index(after: index)
        }
        return Array(out.utf8)
    }

    private static func tagStart(of text: Substring) -> Substring {
        guard let open = text.lastIndex(of: "<") else { return text }
        return text[open...]
    }

    /// JSON re-serialised with newlines and two-space indentation; strings untouched.
    static func indentJSON(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        var depth = 0
        var inString = false
        var escaped = false
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out += Array(repeating: UInt8(ascii: " "), count: depth * 2)
        }
        for byte in bytes {
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                depth += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth = max(depth - 1, 0)
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out += Array(": ".utf8)
            default:
                out.append(byte)
            }
        }
        return out
    }
}
