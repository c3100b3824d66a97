import Foundation
import Testing

@testable import AyatJOSE

@Suite("Base64URL")
struct Base64URLTests {
    @Test("RFC 4648 §10 test vectors, URL alphabet, no padding")
    func knownAnswers() throws {
        let cases = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in cases {
            #expect(Base64URL.encode(plain.utf8) == encoded)
            #expect(try Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(try Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("agrees with Foundation's base64 for every length up to 300 bytes")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(try Base64URL.decode(expected) == bytes)
        }
    }

    @Test("refuses padding, the standard alphabet, whitespace, impossible lengths, non-canonical bits",
          arguments: ["Zg==", "Zm8=", "+/+/", "ab/c", "Zm9 v", "Zm9v\n", "Z", "Zm9vY", "Zh", "Zm9", "Zm9vYmF"])
    func strict(text: String) {
        // "Zh", "Zm9", "Zm9vYmF": unused trailing bits set, re-spelling "f", "fo", "fooba".
        #expect(throws: JWSError(.malformed)) { try Base64URL.decode(text) }
    }
}
