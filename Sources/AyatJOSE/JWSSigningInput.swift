/// The bytes a JWS signature covers (RFC 7515 §5.1 step 8, RFC 7797 §3):
/// ASCII(header segment) '.' then ASCII(BASE64URL(payload)), or with `b64: false` the raw payload.
enum JWSSigningInput {
    static func make(headerSegment: some Collection<UInt8>, payload: some Collection<UInt8>, unencoded: Bool) -> [UInt8] {
        var input = [UInt8]()
        input.reserveCapacity(headerSegment.count + 1 + (unencoded ? payload.count : (payload.count * 4 + 2) / 3))
        input.append(contentsOf: headerSegment)
        input.append(UInt8(ascii: "."))
        if unencoded {
            input.append(contentsOf: payload)
        } else {
            input.append(contentsOf: Base64URL.encode(payload).utf8)
        }
        return input
    }

    /// For a received token: the payload segment is used as received, never re-encoded.
    static func make(headerSegment: some Collection<UInt8>, payloadSegment: some Collection<UInt8>) -> [UInt8] {
        var input = [UInt8]()
        input.reserveCapacity(headerSegment.count + 1 + payloadSegment.count)
        input.append(contentsOf: headerSegment)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: payloadSegment)
        return input
    }
}
