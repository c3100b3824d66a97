/// Compact, deterministic JSON output: members in order, no insignificant whitespace, only the
/// escapes JSON requires (`"`, `\`, control characters). `/` and non-ASCII are written as is,
/// so what another library parses is byte for byte what we signed.
enum JSONEncoding {
    static func encode(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .string(let string):
            encode(string: string, into: &output)
        case .int(let integer):
            output.append(contentsOf: String(integer).utf8)
        case .number(let double):
            if !double.isFinite {
                output.append(contentsOf: "null".utf8)  // JSON has no NaN or infinity
            } else if double == double.rounded(), abs(double) < 1e15 {
                output.append(contentsOf: String(Int64(double)).utf8)
            } else {
                output.append(contentsOf: "\(double)".utf8)
            }
        case .bool(let bool):
            output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .null:
            output.append(contentsOf: "null".utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                encode(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            encode(object, into: &output)
        }
    }

    static func encode(_ object: JSONObject, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            encode(string: member.name, into: &output)
            output.append(UInt8(ascii: ":"))
            encode(member.value, into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode(string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape (nearly all of them) are copied at once.
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            output.reserveCapacity(output.count + bytes.count + 1)
            var runStart = 0
            for index in bytes.indices where needsEscape(bytes[index]) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                escape(bytes[index], into: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        if copied == nil {
            for byte in string.utf8 { escape(byte, into: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// One byte as JSON writes it inside a string: the escapes JSON requires, anything else as is.
    private static func escape(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x00..<0x20:
            output.append(contentsOf: Array("\\u00".utf8))
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0xF)])
        default:
            output.append(byte)
        }
    }
}
