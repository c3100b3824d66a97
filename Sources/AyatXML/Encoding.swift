import Foundation

/// Text encodings XMLDSig uses for binary values.
enum XMLDSigEncoding {
    /// Base64 as it appears in DigestValue, SignatureValue and X509Certificate: XML whitespace
    /// (line breaks from other signers) is allowed, anything else outside the alphabet is not.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard !compact.isEmpty else { return nil }
        // Canonical base64 (what every signer writes) decodes here; anything else is left to
        // Foundation, so what is accepted and refused is exactly what it was.
        if let decoded = decodeCanonicalBase64(compact) { return decoded }
        guard let data = Data(base64Encoded: Data(compact)) else { return nil }
        return Array(data)
    }

    /// Padded base64 whose unused bits are zero, or nil for anything else.
    private static func decodeCanonicalBase64(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var padding = 0
        if text.last == UInt8(ascii: "=") { padding += 1 }
        if text.count >= 2, text[text.count - 2] == UInt8(ascii: "=") {
            guard padding == 1 else { return nil }
            padding += 1
        }
        let symbols = text.count - padding
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for index in 0..<symbols {
            let value: UInt8
            switch text[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = text[index] - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = text[index] - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = text[index] - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            default: return nil
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }
        return output
    }

    static func encodeBase64(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// A big-endian unsigned integer (a certificate serial number) in decimal, as
    /// X509SerialNumber requires.
    static func decimal(bigEndian bytes: some Collection<UInt8>) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        guard !number.isEmpty else { return "0" }
        var digits: [UInt8] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            quotient.reserveCapacity(number.count)
            for byte in number {
                let value = remainder << 8 | Int(byte)
                let digit = value / 10
                remainder = value % 10
                if !(quotient.isEmpty && digit == 0) { quotient.append(UInt8(digit)) }
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
            number = quotient
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// Compares two byte strings in time independent of where they differ.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
