/// Base64url without padding (RFC 7515 §2, RFC 4648 §5), strict both ways.
///
/// Decoding refuses padding, the standard alphabet's `+` and `/`, whitespace, a length that
/// cannot occur, and non-zero unused trailing bits: every byte string has exactly one accepted
/// encoding, so a signature or header cannot be re-spelled and still pass.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0...63 for alphabet characters, 0xFF for everything else.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strictly; throws ``JWSError/Code/malformed`` for anything but canonical unpadded base64url.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        try decode(utf8: Array(text.utf8))
    }

    static func decode(utf8 input: some Collection<UInt8>) throws -> [UInt8] {
        let input = Array(input)
        if input.count % 4 == 1 {
            throw JWSError(.malformed, "base64url text of \(input.count) characters cannot occur")
        }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for (position, character) in input.enumerated() {
            let value = reverse[Int(character)]
            if value == 0xFF {
                throw JWSError(.malformed, "byte 0x\(String(character, radix: 16)) at \(position) is not base64url")
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        if accumulator != 0 {
            throw JWSError(.malformed, "base64url text has non-zero trailing bits (not canonical)")
        }
        return output
    }
}
