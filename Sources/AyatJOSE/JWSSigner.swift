/// Signs compact and detached JWS with one private key and one algorithm.
///
/// The signer owns `alg` (and, for RFC 7797, `b64` and its `crit` entry): a header that says
/// otherwise is refused rather than silently rewritten, so the caller's intent and the signed
/// bytes cannot drift apart.
public struct JWSSigner: Sendable {
    public let algorithm: JWSAlgorithm
    private let key: JWSSigningKey

    /// Refuses `none`, HMAC, and a key that does not fit the algorithm.
    public init(key: JWSSigningKey, algorithm: JWSAlgorithm) throws {
        switch algorithm.family {
        case .none:
            throw JWSError(.noneAlgorithm, "an Unsecured JWS is never produced")
        case .hmac, .unknown:
            throw JWSError(.algorithmNotAllowed, "\(algorithm.name) is not a signature algorithm this library signs with")
        default:
            break
        }
        if let mismatch = key.mismatch(algorithm) {
            throw JWSError(.keyMismatch, mismatch)
        }
        self.key = key
        self.algorithm = algorithm
    }

    /// `header.payload.signature`, payload base64url-encoded; `alg` is set first in the header.
    public func signCompact(header: JOSEHeader, payload: [UInt8]) throws -> String {
        let headerSegment = try headerSegment(for: header, unencoded: false)
        let payloadSegment = Base64URL.encode(payload)
        let input = JWSSigningInput.make(headerSegment: headerSegment.utf8, payloadSegment: payloadSegment.utf8)
        let signature = try key.sign(input, algorithm: algorithm)
        return headerSegment + "." + payloadSegment + "." + Base64URL.encode(signature)
    }

    /// `header..signature` for content that travels separately (RFC 7515 Appendix F).
    /// With `unencodedPayload`, the header gets `b64: false` and "b64" in `crit` (RFC 7797), and the
    /// signature covers ASCII(header segment) '.' followed by the payload bytes themselves.
    public func signDetached(header: JOSEHeader, payload: [UInt8], unencodedPayload: Bool) throws -> String {
        let headerSegment = try headerSegment(for: header, unencoded: unencodedPayload)
        let input = JWSSigningInput.make(headerSegment: headerSegment.utf8, payload: payload, unencoded: unencodedPayload)
        let signature = try key.sign(input, algorithm: algorithm)
        return headerSegment + ".." + Base64URL.encode(signature)
    }

    /// The header as it will be signed, with `alg` (and for RFC 7797 `b64`, `crit`) in place.
    public func preparedHeader(_ header: JOSEHeader, unencodedPayload: Bool) throws -> JOSEHeader {
        var object = header.object
        if let alg = object["alg"], alg != .string(algorithm.name) {
            throw JWSError(.headerConflict, "header alg \(alg) disagrees with the signer's \(algorithm.name)")
        }
        object.set("alg", .string(algorithm.name), at: 0)

        switch object["b64"] {
        case nil:
            if unencodedPayload { object["b64"] = false }
        case .bool(let encoded):
            if encoded == unencodedPayload {
                throw JWSError(
                    .headerConflict, "header has b64: \(encoded) but the payload is \(unencodedPayload ? "unencoded" : "base64url")")
            }
        default:
            throw JWSError(.headerConflict, "header \"b64\" is not a boolean")
        }

        if unencodedPayload {
            var critical = try criticalNames(object)
            if !critical.contains("b64") {
                critical.append("b64")
                object["crit"] = .array(critical.map(JSONValue.string))
            }
        }
        for name in try criticalNames(object) {
            if ParsedJWS.registeredHeaderNames.contains(name) {
                throw JWSError(.headerConflict, "\"crit\" may not list \"\(name)\" (RFC 7515 §4.1.11)")
            }
            if object[name] == nil {
                throw JWSError(.headerConflict, "\"crit\" lists \"\(name)\" but the header does not carry it")
            }
        }
        return JOSEHeader(object)
    }

    private func criticalNames(_ object: JSONObject) throws -> [String] {
        guard let value = object["crit"] else { return [] }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw JWSError(.headerConflict, "\"crit\" must be a non-empty array")
        }
        return try elements.map { element in
            guard let name = element.stringValue else {
                throw JWSError(.headerConflict, "\"crit\" holds a non-string")
            }
            return name
        }
    }

    private func headerSegment(for header: JOSEHeader, unencoded: Bool) throws -> String {
        Base64URL.encode(try preparedHeader(header, unencodedPayload: unencoded).encoded())
    }
}
