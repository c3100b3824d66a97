import AyatRSA
import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

@Suite("JWSSigner")
struct SignerTests {
    @Test("refuses none, HMAC, unknown algorithms, and keys that do not fit")
    func refusesBadPairs() throws {
        #expect(throws: JWSError(.noneAlgorithm)) { try JWSSigner(key: .p256(TestKeys.p256), algorithm: .unsecured) }
        #expect(throws: JWSError(.algorithmNotAllowed)) { try JWSSigner(key: .p256(TestKeys.p256), algorithm: .hs256) }
        #expect(throws: JWSError(.algorithmNotAllowed)) { try JWSSigner(key: .p256(TestKeys.p256), algorithm: JWSAlgorithm(name: "EdDSA")) }
        #expect(throws: JWSError(.keyMismatch)) { try JWSSigner(key: .p256(TestKeys.p256), algorithm: .rs256) }
        #expect(throws: JWSError(.keyMismatch)) { try JWSSigner(key: .rsa(TestKeys.rsa), algorithm: .es256) }
        #expect(throws: JWSError(.keyMismatch)) { try JWSSigner(key: .p256(TestKeys.p256), algorithm: .es512) }
    }

    @Test("alg goes first; a header alg that disagrees is refused, one that agrees is kept")
    func algorithmHeader() throws {
        let signer = try JWSSigner(key: .p256(TestKeys.p256), algorithm: .es256)
        let prepared = try signer.preparedHeader(JOSEHeader(["kid": "k", "alg": "ES256"]), unencodedPayload: false)
        #expect(prepared.encoded() == #"{"alg":"ES256","kid":"k"}"#.bytes)
        #expect(throws: JWSError(.headerConflict)) {
            try signer.signCompact(header: JOSEHeader(["alg": "none"]), payload: sampleBody)
        }
    }

    @Test("b64 in the header must agree with the mode; crit must name present, non-registered headers")
    func headerConflicts() throws {
        let signer = try JWSSigner(key: .p256(TestKeys.p256), algorithm: .es256)
        #expect(throws: JWSError(.headerConflict)) { try signer.signCompact(header: JOSEHeader(["b64": false]), payload: sampleBody) }
        #expect(throws: JWSError(.headerConflict)) {
            try signer.signDetached(header: JOSEHeader(["b64": true]), payload: sampleBody, unencodedPayload: true)
        }
        #expect(throws: JWSError(.headerConflict)) {
            try signer.signDetached(header: JOSEHeader(["b64": "no"]), payload: sampleBody, unencodedPayload: true)
        }
        #expect(throws: JWSError(.headerConflict)) {
            try signer.signCompact(header: JOSEHeader(["crit": ["tan"]]), payload: sampleBody)
        }
        #expect(throws: JWSError(.headerConflict)) {
            try signer.signCompact(header: JOSEHeader(["kid": "k", "crit": ["kid"]]), payload: sampleBody)
        }
        // An explicit, consistent b64/crit is kept as written.
        let header = JOSEHeader(["kid": "k", "b64": false, "crit": ["b64"]])
        let prepared = try signer.preparedHeader(header, unencodedPayload: true)
        #expect(prepared.encoded() == #"{"alg":"ES256","kid":"k","b64":false,"crit":["b64"]}"#.bytes)
    }

    @Test("RS256 is deterministic; PS256 and ES256 are randomized")
    func determinism() throws {
        for identity in TestKeys.all {
            let first = try identity.signer().signCompact(header: identity.header(), payload: sampleBody)
            let second = try identity.signer().signCompact(header: identity.header(), payload: sampleBody)
            #expect((first == second) == (identity.algorithm == .rs256))
        }
    }

    @Test("PS256 uses MGF1-SHA-256 with a 32-byte salt (RFC 7518 §3.5), checked by hand from the encoded message")
    func pssSaltLength() throws {
        let token = try TestKeys.ps256.signer().signCompact(header: TestKeys.ps256.header(), payload: sampleBody)
        let signature = try Base64URL.decode(token.segments[2])
        let input = Array((token.segments[0] + "." + token.segments[1]).utf8)
        let saltLength = try PSS.recoverSaltLength(signature: signature, key: TestKeys.rsa, messageHash: Array(SHA256.hash(data: input)))
        #expect(saltLength == 32)
    }
}

/// Opens a PSS signature with the public key (EM = s^e mod n), then undoes EMSA-PSS
/// (RFC 8017 §9.1.2) to read the salt length. Test-only arithmetic.
enum PSS {
    static func recoverSaltLength(signature: [UInt8], key: RSASigningKey, messageHash: [UInt8]) throws -> Int {
        let primitives = try key.publicKey.getKeyPrimitives()
        let em = BigUInt(bytes: signature).power(BigUInt(bytes: Array(primitives.publicExponent)), modulus: BigUInt(bytes: Array(primitives.modulus)))
        let emLength = primitives.modulus.count - (primitives.modulus.first == 0 ? 1 : 0)
        let encoded = em.bytes(count: emLength)
        let hashLength = 32
        #expect(encoded.last == 0xBC)
        let maskedDB = Array(encoded[0..<(emLength - hashLength - 1)])
        let h = Array(encoded[(emLength - hashLength - 1)..<(emLength - 1)])
        var mask = [UInt8]()
        var counter: UInt32 = 0
        while mask.count < maskedDB.count {
            let c = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
            mask += Array(SHA256.hash(data: h + c))
            counter += 1
        }
        var db = zip(maskedDB, mask).map { $0 ^ $1 }
        db[0] &= 0x7F  // 8·emLen − emBits = 1 leftmost bit for a 2048-bit modulus
        let separator = try #require(db.firstIndex { $0 != 0 })
        #expect(db[separator] == 0x01)
        let salt = Array(db[(separator + 1)...])
        // H must be SHA-256(0x00×8 ‖ mHash ‖ salt): proves MGF1-SHA-256 and the salt we read.
        #expect(Array(SHA256.hash(data: [UInt8](repeating: 0, count: 8) + messageHash + salt)) == h)
        return salt.count
    }
}

/// Just enough unsigned big-integer arithmetic for s^e mod n in a test (bit-serial reduction:
/// slow, obviously correct).
struct BigUInt {
    /// Little-endian 32-bit limbs.
    var limbs: [UInt32]

    init(limbs: [UInt32]) {
        self.limbs = limbs
        while self.limbs.last == 0 { self.limbs.removeLast() }
    }

    init(bytes: [UInt8]) {
        var limbs = [UInt32]()
        var index = bytes.count
        while index > 0 {
            let start = max(0, index - 4)
            limbs.append(bytes[start..<index].reduce(0) { $0 << 8 | UInt32($1) })
            index = start
        }
        self.init(limbs: limbs)
    }

    func bytes(count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        for (index, limb) in limbs.enumerated() {
            for byte in 0..<4 where count - 1 - (index * 4 + byte) >= 0 {
                output[count - 1 - (index * 4 + byte)] = UInt8(truncatingIfNeeded: limb >> (8 * UInt32(byte)))
            }
        }
        return output
    }

    var bitWidth: Int { limbs.isEmpty ? 0 : (limbs.count - 1) * 32 + (32 - limbs.last!.leadingZeroBitCount) }

    func bit(_ index: Int) -> Bool { limbs[index / 32] >> UInt32(index % 32) & 1 == 1 }

    static func * (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        var result = [UInt32](repeating: 0, count: lhs.limbs.count + rhs.limbs.count + 1)
        for (i, a) in lhs.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, b) in rhs.limbs.enumerated() {
                let t = UInt64(a) * UInt64(b) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            result[i + rhs.limbs.count] = UInt32(carry)
        }
        return BigUInt(limbs: result)
    }

    static func >= (lhs: BigUInt, rhs: BigUInt) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count > rhs.limbs.count }
        for index in stride(from: lhs.limbs.count - 1, through: 0, by: -1) where lhs.limbs[index] != rhs.limbs[index] {
            return lhs.limbs[index] > rhs.limbs[index]
        }
        return true
    }

    static func - (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        var result = lhs.limbs
        var borrow: Int64 = 0
        for index in 0..<result.count {
            let t = Int64(result[index]) - Int64(index < rhs.limbs.count ? rhs.limbs[index] : 0) - borrow
            result[index] = UInt32(truncatingIfNeeded: t)
            borrow = t < 0 ? 1 : 0
        }
        return BigUInt(limbs: result)
    }

    func shiftedLeftOne(orWith bit: Bool) -> BigUInt {
        var result = [UInt32]()
        var carry: UInt32 = bit ? 1 : 0
        for limb in limbs {
            result.append(limb << 1 | carry)
            carry = limb >> 31
        }
        result.append(carry)
        return BigUInt(limbs: result)
    }

    func modulo(_ modulus: BigUInt) -> BigUInt {
        var remainder = BigUInt(limbs: [])
        for index in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeftOne(orWith: bit(index))
            if remainder >= modulus { remainder = remainder - modulus }
        }
        return remainder
    }

    func power(_ exponent: BigUInt, modulus: BigUInt) -> BigUInt {
        var result = BigUInt(limbs: [1])
        for index in stride(from: exponent.bitWidth - 1, through: 0, by: -1) {
            result = (result * result).modulo(modulus)
            if exponent.bit(index) { result = (result * self).modulo(modulus) }
        }
        return result
    }
}
