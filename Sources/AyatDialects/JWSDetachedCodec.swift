import Foundation
import AyatCore
import AyatJOSE
import AyatPKI
import X509

/// The `jws-detached` dialect (modelled on UK Open Banking message signing).
///
/// The JSON body travels as is (`application/json`, schema `schemas/json-*.schema.json`);
/// the header `x-jws-signature: <protected>..<signature>` is a detached JWS over the exact
/// body bytes (RFC 7515 Appendix F). PS256 for RSA identities, ES256 for P-256 identities.
///
/// Protected header, in this order:
/// `{"alg":"PS256","kid":"<hex SHA-256 of our SPKI>","iat":<createdAt, NumericDate>,
/// "iss":"<sender: the centre id or the bank code>","tan":"ayat.dev","crit":["iat","iss","tan"]}`
/// and, with the RFC 7797 profile option, `"b64":false` with "b64" appended to `crit`.
///
/// The default is the standard base64url payload: it is what RFC 7515 and every JOSE
/// library do by default, and OB's own later profiles dropped `b64:false`. Older banks that
/// sign the raw body get `unencodedPayload: true`. Each profile accepts only its own form.
///
/// Reading: the JWS is verified against the pinned certificates only (`kid` must be the
/// ``JWSKeyID`` of one of them; `jwk`/`x5c`/`jku`/`x5u` are refused), `crit` must list
/// `iat`, `iss` and `tan` and nothing else unknown, `iat` within the policy's skew, `tan`
/// our trust anchor, `iss` the message's sender; then the body is checked against its
/// schema's rules and its message id against the replay cache (see ``JWSReplayCache``).
public struct JWSDetachedCodec: DialectCodec {
    public static let signatureHeader = "x-jws-signature"
    public static let defaultTrustAnchor = "ayat.dev"
    /// The claims the protected header must carry and list in `crit`.
    public static let criticalClaims = ["iat", "iss", "tan"]

    public var dialect: DialectName { .jwsDetached }

    public let unencodedPayload: Bool
    public let trustAnchor: String
    private let core: JWSDialectCore
    private let verifier: JWSVerifier
    /// Our messages carry their signing time; a receiver with the same policy refuses them after this.
    public var signatureLifetime: TimeInterval? { verifier.policy.maxClockSkew }

    /// The profile's verification policy: PS256 and ES256 only, `crit` limited to the OB
    /// claims (and "b64"), `kid`/`iat`/`iss`/`tan` required, only this profile's payload form.
    public static func policy(unencodedPayload: Bool, maxClockSkew: TimeInterval = 300) -> JWSVerificationPolicy {
        JWSVerificationPolicy(
            allowedAlgorithms: [.ps256, .es256],
            understoodCriticalHeaders: Set(criticalClaims + ["b64"]),
            requiredHeaders: ["kid", "iat", "iss", "tan", "crit"],
            acceptedPayloadEncodings: unencodedPayload ? .unencoded : .base64URL,
            issuedAtHeader: "iat",
            maxClockSkew: maxClockSkew
        )
    }

    /// The registry's form: standard encoded payload, trust anchor "ayat.dev", 5-minute skew.
    public init(identity: SigningIdentity, pinned: [Certificate]) throws {
        try self.init(identity: identity, pinned: pinned, unencodedPayload: false)
    }

    /// - Parameters:
    ///   - unencodedPayload: RFC 7797 `b64: false` (older OB banks) instead of the base64url payload.
    ///   - trustAnchor: the `tan` we write and require.
    ///   - localParty: our own identifier as peers address us (centre id, or bank code); when set,
    ///     a message whose `header.to` names someone else is refused as misaddressed.
    ///   - policy: replaces ``policy(unencodedPayload:maxClockSkew:)``.
    ///   - replays: the replay cache (share one between codecs that read the same peer's messages).
    ///   - refuseIdenticalResends: also refuse byte-identical resends as `.replay` (off by default).
    public init(
        identity: SigningIdentity, pinned: [Certificate], unencodedPayload: Bool, trustAnchor: String = JWSDetachedCodec.defaultTrustAnchor,
        localParty: String? = nil, policy: JWSVerificationPolicy? = nil, replays: JWSReplayCache = JWSReplayCache(),
        refuseIdenticalResends: Bool = false
    ) throws {
        self.unencodedPayload = unencodedPayload
        self.trustAnchor = trustAnchor
        core = try JWSDialectCore(
            identity: identity, pinned: pinned, rsaAlgorithm: .ps256, replays: replays,
            refuseIdenticalResends: refuseIdenticalResends, localParty: localParty)
        verifier = JWSVerifier(pinned: core.pinned, policy: policy ?? Self.policy(unencodedPayload: unencodedPayload))
    }

    public func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage {
        try sign(JSONMessageBody.order(instruction), type: .init(kind: instruction.kind), issuer: instruction.sender, at: instruction.createdAt)
    }

    public func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction {
        guard case .order(let instruction) = try verify(bytes, headers: headers, expecting: .order, at: time).message else {
            throw DialectError(.malformed, "not an order")
        }
        return instruction
    }

    public func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage {
        let (type, createdAt): (JSONMessageBody.MessageType, Date) = switch reply {
        case .receipt(let receipt): (.receipt, receipt.createdAt)
        case .result(let result): (.executionResult, result.createdAt)
        }
        return try sign(JSONMessageBody.reply(reply), type: type, issuer: reply.bank.rawValue, at: createdAt)
    }

    public func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply {
        guard case .reply(let reply) = try verify(bytes, headers: headers, expecting: .reply, at: time).message else {
            throw DialectError(.malformed, "not a reply")
        }
        return reply
    }

    // MARK: Signing and verifying

    /// The protected header for a message from `issuer` created at `time` (before the signer adds `b64`).
    func protectedHeader(issuer: String, at time: Date) -> JOSEHeader {
        JOSEHeader([
            "alg": .string(core.signer.algorithm.name),
            "kid": .string(core.keyID),
            "iat": .int(Int64(time.timeIntervalSince1970.rounded(.down))),
            "iss": .string(issuer),
            "tan": .string(trustAnchor),
            "crit": .array(Self.criticalClaims.map(JSONValue.string)),
        ])
    }

    private func sign(_ body: [UInt8], type: JSONMessageBody.MessageType, issuer: String, at time: Date) throws -> RenderedMessage {
        try JWSDialectCore.validateOutbound(body, type: type)
        let token: String
        do {
            token = try core.signer.signDetached(header: protectedHeader(issuer: issuer, at: time), payload: body, unencodedPayload: unencodedPayload)
        } catch {
            throw DialectError(.malformed, "signing failed: \(error)")
        }
        return RenderedMessage(bytes: body, contentType: JSONMessageBody.contentType, headers: [Self.signatureHeader: token])
    }

    /// Signature first (pinned keys only), then the OB claims, then the body's schema rules, then replays.
    private func verify(_ bytes: [UInt8], headers: [String: String], expecting: JWSDialectCore.Expectation, at time: Date) throws -> JSONMessageBody.Read {
        guard let token = headers[Self.signatureHeader] else {
            throw DialectError(.signatureInvalid, "\(Self.signatureHeader) header is missing")
        }
        let verified: VerifiedJWS
        do {
            verified = try verifier.verifyDetached(token.trimmingWhiteSpace, payload: bytes, at: time)
        } catch {
            throw JWSDialectCore.dialectError(error, header: Self.signatureHeader)
        }
        let critical = Set(verified.header["crit"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for claim in Self.criticalClaims where !critical.contains(claim) {
            throw DialectError(.signatureInvalid, "\(Self.signatureHeader): \"crit\" must list \"\(claim)\"")
        }
        guard verified.header["tan"] == .string(trustAnchor) else {
            throw DialectError(.bindingMismatch, "\(Self.signatureHeader): tan \"\(verified.header["tan"]?.stringValue ?? "(absent)")\" is not our trust anchor \"\(trustAnchor)\"")
        }
        guard let issuer = verified.header["iss"]?.stringValue else {
            throw DialectError(.signatureInvalid, "\(Self.signatureHeader): iss is not a string")
        }
        let read = try core.accept(bytes, expecting: expecting, at: time, before: { read in
            guard issuer == read.from else {
                throw DialectError(.bindingMismatch, "\(Self.signatureHeader): iss \"\(issuer)\" is not the message's sender \"\(read.from)\" (header.from)")
            }
        })
        return read
    }
}
