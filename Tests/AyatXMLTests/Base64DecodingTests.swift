import Foundation
import Testing

@testable import AyatXML

/// XMLDSig base64 is decoded by Ayat's own loop when canonical and by Foundation otherwise;
/// either way the answer must be Foundation's, after XML whitespace is removed.
@Suite("Base64 in XMLDSig values decodes exactly as Foundation does")
struct Base64DecodingTests {
    @Test("every length from 0 to 300 bytes, plain and wrapped in XML whitespace")
    func roundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(XMLDSigEncoding.decodeBase64(encoded) == (length == 0 ? nil : bytes), "length \(length)")
            let wrapped = "\n\t " + encoded.enumerated().map { $0.offset % 64 == 63 ? "\($0.element)\r\n" : "\($0.element)" }.joined() + " \n"
            #expect(XMLDSigEncoding.decodeBase64(wrapped) == (length == 0 ? nil : bytes), "wrapped, length \(length)")
        }
    }

    @Test("malformed and non-canonical text gets Foundation's answer", arguments: [
        "QQ", "QQ=", "QR==", "QUI=x", "QU*=", "Q===", "=QQ=", "QUJD\u{0}", "QUJDRA", "QU=I", "4pyTIMOgIGxhIG1vZGU=",
        "4pyTIMOgIGxhIG1vZGU", "////", "-_-_", " ", "\n\n",
    ])
    func sameAsFoundation(text: String) {
        let compact = String(text.unicodeScalars.filter { !" \n\r\t".unicodeScalars.contains($0) })
        let foundation = compact.isEmpty ? nil : Data(base64Encoded: compact).map { Array($0) }
        #expect(XMLDSigEncoding.decodeBase64(text) == foundation)
    }
}
