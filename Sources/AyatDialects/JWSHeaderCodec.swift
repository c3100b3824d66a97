import Foundation
import AyatCore
import AyatJOSE
import AyatPKI
import X509

/// The `jws-header` dialect (modelled on Mojaloop's FSPIOP API signature).
///
/// The JSON body travels as is (`application/json`, schema `schemas/json-*.schema.json`).
/// The header `fspiop-signature` carries, as Mojaloop does, a JSON object
/// `{"signature":"<base64url signature>","protectedHeader":"<base64url protected header>"}`:
/// together with the body they form the JWS `protectedHeader.BASE64URL(body).signature`
/// (a standard RS256/ES256 JWS; `protectedHeader..signature` is the detached compact form).
/// `fspiop-source` and `fspiop-destination` travel as plain headers too, for routing.
///
/// Protected header, in this order:
/// `{"alg":"RS256","kid":"<hex SHA-256 of our SPKI>","FSPIOP-URI":"/path","FSPIOP-HTTP-Method":"POST",
/// "FSPIOP-Source":"<sender>","FSPIOP-Destination":"<receiver>","FSPIOP-Date":"<IMF-fixdate of createdAt>"}`.
/// Mojaloop selects the key by `FSPIOP-Source`; Ayat adds `kid` (the ``JWSKeyID`` of the
/// signer's certificate) so a peer can rotate keys. With exactly one pinned certificate a
/// token without `kid` is checked against that key (as a Mojaloop signer would send it);
/// a `kid` that is present must always name a pinned key. Like Mojaloop, the FSPIOP
/// members are not listed in `crit`: this dialect requires and checks them itself.
///
/// Reading: signature first (pinned keys only), then each bound value against reality —
/// method and URI against the real request line, source against the message's sender
/// (`header.from`), destination against its addressee (`header.to`, and our own id when
/// `localParty` is set), the date within the policy's skew — then the body's schema rules
/// and the replay cache (see ``JWSReplayCache``).
public struct JWSHeaderCodec: DialectCodec {
    public static let signatureHeader = "fspiop-signature"
    public static let sourceHeader = "fspiop-source"
    public static let destinationHeader = "fspiop-destination"
    /// The members of the protected header that bind the request and the parties.
    public static let boundHeaders = ["FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "FSPIOP-Destination", "FSPIOP-Date"]

    public var dialect: DialectName { .jwsHeader }

    private let core: JWSDialectCore
    private let verifier: JWSVerifier
    /// Our messages carry their signing time; a receiver with the same policy refuses them after this.
    public var signatureLifetime: TimeInterval? { verifier.policy.maxClockSkew }

    /// The profile's verification policy: RS256 and ES256 only, nothing understood in `crit`,
    /// base64url payload only, every FSPIOP binding required.
    public static func policy(maxClockSkew: TimeInterval = 300) -> JWSVerificationPolicy {
        JWSVerificationPolicy(
            allowedAlgorithms: [.rs256, .es256],
            understoodCriticalHeaders: [],
            requiredHeaders: Set(boundHeaders),
            acceptedPayloadEncodings: .base64URL,
            maxClockSkew: maxClockSkew
        )
    }

    public init(identity: SigningIdentity, pinned: [Certificate]) throws {
        try self.init(identity: identity, pinned: pinned, localParty: nil)
    }

    /// - Parameters:
    ///   - localParty: our own identifier as peers address us (centre id, or bank code); when set,
    ///     `FSPIOP-Destination` and `header.to` must name it.
    ///   - policy: replaces ``policy(maxClockSkew:)``; its `maxClockSkew` also bounds `FSPIOP-Date`.
    ///   - replays: the replay cache (share one between codecs that read the same peer's messages).
    ///   - refuseIdenticalResends: also refuse byte-identical resends as `.replay` (off by default).
    public init(
        identity: SigningIdentity, pinned: [Certificate], localParty: String?, policy: JWSVerificationPolicy? = nil,
        replays: JWSReplayCache = JWSReplayCache(), refuseIdenticalResends: Bool = false
    ) throws {
        core = try JWSDialectCore(
            identity: identity, pinned: pinned, rsaAlgorithm: .rs256, replays: replays,
            refuseIdenticalResends: refuseIdenticalResends, localParty: localParty)
        let policy = policy ?? Self.policy()
        if pinned.count == 1, let only = core.pinned.first {
            verifier = JWSVerifier(key: only.value, keyID: only.key, policy: policy)
        } else {
            verifier = JWSVerifier(pinned: core.pinned, policy: policy)
        }
    }

    public func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage {
        try sign(
            JSONMessageBody.order(instruction), type: .init(kind: instruction.kind), request: request,
            source: instruction.sender, destination: instruction.bank.rawValue, at: instruction.createdAt)
    }

    public func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction {
        guard case .order(let instruction) = try verify(bytes, headers: headers, request: request, expecting: .order, at: time).message else {
            throw DialectError(.malformed, "not an order")
        }
        return instruction
    }

    public func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage {
        switch reply {
        case .receipt(let receipt):
            return try sign(
                JSONMessageBody.reply(reply), type: .receipt, request: request,
                source: receipt.bank.rawValue, destination: receipt.recipient, at: receipt.createdAt)
        case .result(let result):
            return try sign(
                JSONMessageBody.reply(reply), type: .executionResult, request: request,
                source: result.bank.rawValue, destination: result.recipient, at: result.createdAt)
        }
    }

    public func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply {
        guard case .reply(let reply) = try verify(bytes, headers: headers, request: request, expecting: .reply, at: time).message else {
            throw DialectError(.malformed, "not a reply")
        }
        return reply
    }

    // MARK: Signing

    func protectedHeader(request: HTTPRequestLine, source: String, destination: String, at time: Date) -> JOSEHeader {
        JOSEHeader([
            "alg": .string(core.signer.algorithm.name),
            "kid": .string(core.keyID),
            "FSPIOP-URI": .string(request.path),
            "FSPIOP-HTTP-Method": .string(request.method),
            "FSPIOP-Source": .string(source),
            "FSPIOP-Destination": .string(destination),
            "FSPIOP-Date": .string(FSPIOPDate.format(time)),
        ])
    }

    private func sign(
        _ body: [UInt8], type: JSONMessageBody.MessageType, request: HTTPRequestLine, source: String, destination: String, at time: Date
    ) throws -> RenderedMessage {
        try JWSDialectCore.validateOutbound(body, type: type)
        let token: String
        do {
            token = try core.signer.signDetached(
                header: protectedHeader(request: request, source: source, destination: destination, at: time), payload: body,
                unencodedPayload: false)
        } catch {
            throw DialectError(.malformed, "signing failed: \(error)")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let value = JOSEHeader(["signature": .string(String(parts[2])), "protectedHeader": .string(String(parts[0]))]).encoded()
        return RenderedMessage(
            bytes: body, contentType: JSONMessageBody.contentType,
            headers: [
                Self.signatureHeader: String(decoding: value, as: UTF8.self),
                Self.sourceHeader: source,
                Self.destinationHeader: destination,
            ])
    }

    // MARK: Verifying

    /// `protectedHeader..signature` from the header's JSON object; anything else is refused.
    static func detachedToken(_ value: String) throws -> String {
        let object: JOSEHeader
        do {
            object = try JOSEHeader.parse(Array(value.utf8), limits: .init(maxBytes: 16_384, maxDepth: 2, maxValues: 8))
        } catch {
            throw DialectError(.signatureInvalid, "\(signatureHeader): not a JSON object with \"signature\" and \"protectedHeader\": \(error)")
        }
        guard object.names.count == 2, let signature = object["signature"]?.stringValue,
              let protected = object["protectedHeader"]?.stringValue else {
            throw DialectError(.signatureInvalid, "\(signatureHeader): must hold exactly the strings \"signature\" and \"protectedHeader\"")
        }
        return "\(protected)..\(signature)"
    }

    private func verify(
        _ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, expecting: JWSDialectCore.Expectation, at time: Date
    ) throws -> JSONMessageBody.Read {
        guard let value = headers[Self.signatureHeader] else {
            throw DialectError(.signatureInvalid, "\(Self.signatureHeader) header is missing")
        }
        let verified: VerifiedJWS
        do {
            verified = try verifier.verifyDetached(try Self.detachedToken(value), payload: bytes, at: time)
        } catch {
            throw JWSDialectCore.dialectError(error, header: Self.signatureHeader)
        }
        var bound: [String: String] = [:]
        for name in Self.boundHeaders {
            guard let text = verified.header[name]?.stringValue else {
                throw DialectError(.signatureInvalid, "\(Self.signatureHeader): protected header \"\(name)\" is not a string")
            }
            bound[name] = text
        }
        func mismatch(_ name: String, signed: String, actual: String, what: String) -> DialectError {
            DialectError(.bindingMismatch, "\(name): signed for \"\(signed)\", but \(what) is \"\(actual)\"")
        }
        let method = bound["FSPIOP-HTTP-Method"]!, uri = bound["FSPIOP-URI"]!
        guard method == request.method else {
            throw mismatch("FSPIOP-HTTP-Method", signed: method, actual: request.method, what: "the request's method")
        }
        guard uri == request.path else {
            throw mismatch("FSPIOP-URI", signed: uri, actual: request.path, what: "the request's path")
        }
        guard let date = FSPIOPDate.parse(bound["FSPIOP-Date"]!) else {
            throw DialectError(.signatureInvalid, "FSPIOP-Date: \"\(bound["FSPIOP-Date"]!)\" is not an HTTP-date (IMF-fixdate)")
        }
        let skew = time.timeIntervalSince(date)
        guard abs(skew) <= verifier.policy.maxClockSkew else {
            throw DialectError(
                .clockSkew,
                "FSPIOP-Date is \(Int(abs(skew))) s \(skew > 0 ? "in the past" : "in the future"), more than the allowed \(Int(verifier.policy.maxClockSkew)) s")
        }
        let source = bound["FSPIOP-Source"]!, destination = bound["FSPIOP-Destination"]!
        if let plain = headers[Self.sourceHeader], plain != source {
            throw mismatch("FSPIOP-Source", signed: source, actual: plain, what: "the \(Self.sourceHeader) header")
        }
        if let plain = headers[Self.destinationHeader], plain != destination {
            throw mismatch("FSPIOP-Destination", signed: destination, actual: plain, what: "the \(Self.destinationHeader) header")
        }
        return try core.accept(bytes, expecting: expecting, at: time, before: { read in
            guard source == read.from else {
                throw mismatch("FSPIOP-Source", signed: source, actual: read.from, what: "the message's sender (header.from)")
            }
            guard destination == read.to else {
                throw DialectError(.misaddressed, "FSPIOP-Destination: signed for \"\(destination)\", but the message is addressed to \"\(read.to)\" (header.to)")
            }
            if let localParty = core.localParty, destination != localParty {
                throw DialectError(.misaddressed, "FSPIOP-Destination: signed for \"\(destination)\", we are \"\(localParty)\"")
            }
        })
    }
}

/// HTTP-date in the IMF-fixdate form (RFC 9110 §5.6.7): "Sun, 29 Nov 2026 07:00:00 GMT".
enum FSPIOPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar
    }

    static func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekdays[c.weekday! - 1]), \(two(c.day)) \(months[c.month! - 1]) \(c.year!) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }

    /// Only the IMF-fixdate form, and only when its weekday is right.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
              let weekday = weekdays.firstIndex(of: String(parts[0].dropLast())),
              parts[1].count == 2, let day = Int(parts[1]),
              let month = months.firstIndex(of: String(parts[2])),
              parts[3].count == 4, let year = Int(parts[3]) else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]) else { return nil }
        let components = DateComponents(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), format(date) == text, weekday >= 0 else { return nil }
        return date
    }
}
