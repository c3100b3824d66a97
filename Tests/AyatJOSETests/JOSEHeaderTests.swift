import Foundation
import Testing

@testable import AyatJOSE

@Suite("JOSEHeader and JSON")
struct JOSEHeaderTests {
    @Test("members keep insertion order; setting replaces in place; nil removes")
    func ordering() {
        var header = JOSEHeader(["kid": "k1", "iat": 1_790_000_000])
        header["iss"] = "BANKA"
        header["kid"] = "k2"
        #expect(header.names == ["kid", "iat", "iss"])
        header["iat"] = nil
        #expect(header.encoded() == #"{"kid":"k2","iss":"BANKA"}"#.bytes)
    }

    @Test("encoding is compact, escapes only what JSON requires, leaves '/' and non-ASCII alone")
    func encoding() {
        let header = JOSEHeader([
            "uri": "/transfers/123", "memo": "café \"q\" \\ \n\t\u{01}", "n": 12, "f": 1.5, "t": true, "z": nil,
            "a": [1, "x"], "o": ["k": "v"],
        ])
        let expected = #"{"uri":"/transfers/123","memo":"café \"q\" \\ \n\t\u0001","n":12,"f":1.5,"t":true,"z":null,"a":[1,"x"],"o":{"k":"v"}}"#
        #expect(header.encoded() == expected.bytes)
    }

    @Test("every ASCII byte, at the start, inside and at the end of a string, is written as JSON reads it back")
    func everyASCIIByteInEveryPosition() throws {
        for value in UInt8(0)...0x7F {
            let scalar = String(UnicodeScalar(value))
            for text in [scalar, "ab\(scalar)cd", "\(scalar)ก", "ก\(scalar)", scalar + scalar + "x" + scalar] {
                let bytes = JSONObject([("s", .string(text))]).encoded()
                let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String]
                #expect(parsed?["s"] == text, "U+\(String(value, radix: 16)): \(String(decoding: bytes, as: UTF8.self))")
                #expect(try JSONObject.parse(bytes)["s"]?.stringValue == text)
                if value < 0x20 { #expect(!bytes.contains(value), "U+\(String(value, radix: 16)) is never written raw") }
            }
        }
    }

    @Test("what it encodes parses back to the same header, and Foundation reads it too")
    func roundTrip() throws {
        let header = JOSEHeader([
            "alg": "PS256", "kid": "bank/1", "iat": 1_790_000_000, "frac": -0.25, "emoji": "🏦", "ctl": "\u{1F}\r",
            "crit": ["b64"], "nested": ["deep": [true, false, nil]],
        ])
        let bytes = header.encoded()
        #expect(try JOSEHeader.parse(bytes) == header)
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(foundation["emoji"] as? String == "🏦")
        #expect(foundation["kid"] as? String == "bank/1")
    }

    @Test("parsing handles escapes and surrogate pairs, and keeps integers exact")
    func parsing() throws {
        let header = try JOSEHeader.parse(#" { "a" : "\u00e9\ud83c\udfe6\/" , "i": 9007199254740993, "d": 1e2, "neg": -0 } "#.bytes)
        #expect(header["a"] == "é🏦/")
        #expect(header["i"] == .int(9_007_199_254_740_993))
        #expect(header["d"] == .number(100))
        #expect(header["neg"] == .int(0))
    }

    @Test("parsing refuses what strict JSON refuses", arguments: [
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#,
        "{\"a\":\"\u{01}\"}", #"{"a":tru}"#, #"{"a":1}}"#, #"{a:1}"#, #"{"a":1,}"#, #"{"a":[1,]}"#, #"// c"#, "",
        #"{"a":NaN}"#, #"{"a":1e999}"#,
    ])
    func refusals(json: String) {
        #expect(throws: JWSError(.malformed)) { try JOSEHeader.parse(json.bytes) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JWSError(.malformed)) { try JOSEHeader.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]) }
    }

    @Test("duplicate names are refused, not resolved")
    func duplicates() {
        #expect(throws: JWSError(.duplicateHeaderMember)) { try JOSEHeader.parse(#"{"a":1,"b":2,"a":1}"#.bytes) }
    }

    @Test("limits: bytes, depth, number of values")
    func limits() {
        let limits = JOSEHeader.ParseLimits(maxBytes: 64, maxDepth: 2, maxValues: 5)
        #expect(throws: JWSError(.limitExceeded)) { try JOSEHeader.parse(Array(repeating: 0x20, count: 65), limits: limits) }
        #expect(throws: JWSError(.limitExceeded)) { try JOSEHeader.parse(#"{"a":{"b":{"c":1}}}"#.bytes, limits: limits) }
        #expect(throws: JWSError(.limitExceeded)) { try JOSEHeader.parse(#"{"a":[1,2,3,4,5]}"#.bytes, limits: limits) }
        #expect(throws: Never.self) { try JOSEHeader.parse(#"{"a":{"b":1},"c":2}"#.bytes, limits: limits) }
    }
}
