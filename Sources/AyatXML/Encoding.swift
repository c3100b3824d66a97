import Foundation

/// Text encodings XMLDSig uses for binary values.
enum XMLDSigEncoding {
    /// Base64 as it appears in DigestValue, SignatureValue and X509Certificate: XML whitespace
    /// (line breaks from other signers) is allowed, anything else outside the alphabet is not.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard !compact.isEmpty, let data = Data(base64Encoded: Data(compact)) else { return nil }
        return Array(data)
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
