import Foundation

/// Text encodings XMLDSig uses for binary values.
enum XMLDSigEncoding {
    /// Base64 as it appears in DigestValue, SignatureValue and X509Certificate: XML whitespace
    /// (line breaks from other signers) is allowed, anything else outside the alphabet is not.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 in
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
            // Canonical base64 (what every signer writes) decodes here; anything else is left to
            // Foundation, so what is accepted and refused is exactly what it was.
            if !utf8.contains(where: isSpace) {
                guard !utf8.isEmpty else { return nil }
                return decodeCanonicalBase64(utf8) ?? Data(base64Encoded: Data(utf8)).map { Array($0) }
            }
            let compact = utf8.filter { !isSpace($0) }
            guard !compact.isEmpty else { return nil }
            return compact.withUnsafeBufferPointer { decodeCanonicalBase64($0) }
                ?? Data(base64Encoded: Data(compact)).map { Array($0) }
        }
    }

    /// Each byte's 6-bit value in the base64 alphabet, or 0xFF.
    private static let alphabetValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(symbol)] = UInt8(index)
        }
        return table
    }()

    /// Padded base64 whose unused bits are zero, or nil for anything else.
    private static func decodeCanonicalBase64(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0, !text.isEmpty else { return nil }
        let equals = UInt8(ascii: "=")
        let padding = text[text.count - 1] != equals ? 0 : (text[text.count - 2] != equals ? 1 : 2)
        let symbols = text.count - padding
        return alphabetValues.withUnsafeBufferPointer { table -> [UInt8]? in
            var valid = true
            let count = symbols * 6 / 8
            let output = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                var accumulator: UInt32 = 0
                var bits = 0
                var written = 0
                for index in 0..<symbols {
                    let value = table[Int(text[index])]
                    guard value != 0xFF else {
                        valid = false
                        break
                    }
                    accumulator = accumulator << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        written += 1
                        accumulator &= (1 << UInt32(bits)) - 1
                    }
                }
                if accumulator != 0 { valid = false }
                initialized = written
            }
            return valid && output.count == count ? output : nil
        }
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
