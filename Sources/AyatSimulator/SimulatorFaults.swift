import Foundation

/// Bad days a simulated bank can have: set in a scenario file's `faults:`
/// section, through the control API (`PUT /faults`), or by tests.
///
/// Faults that act on requests (`errors`, `drop`, `reset`, `hang`, `reply`) choose
/// their requests in one of three ways: the next `next` requests (counted
/// down, then the fault is over), each request with probability `rate` (from
/// a random generator seeded with `seed`, so a run can be repeated), or,
/// with neither, every request. Requests are the gateway's: orders posted and
/// polls for results.
public struct SimulatorFaults: Sendable, Hashable, Codable {
    /// Answer this many requests with 503 (and `Retry-After: 0`) before behaving.
    public var unavailableForRequests: Int = 0
    /// Send replies (receipts, results) whose signature does not verify.
    public var corruptReceiptSignature: Bool = false
    /// Send callbacks whose signature does not verify.
    public var corruptCallbackSignature: Bool = false

    /// Seed of the generator behind `rate`s and latency jitter (default 1).
    public var seed: UInt64?
    /// How long the bank thinks before answering each request.
    public var latency: Latency?
    /// HTTP error answers (500, 503, 429 with `Retry-After`, …) instead of a reply.
    public var errors: Errors?
    /// Close the connection without answering.
    public var drop: Selection?
    /// Reset the connection (TCP RST) without answering.
    public var reset: Selection?
    /// Hold the request without answering (longer than the gateway waits: a read timeout).
    public var hang: Hang?
    /// Replies that arrive damaged: a broken or empty signature, pretty-printed, malformed.
    public var reply: ReplyFault?
    /// Execution results sent to the gateway (`callback` banks): late, twice, before the receipt, damaged.
    public var callbacks: Callbacks?
    /// Down for a while: every request answered 503 (no `Retry-After`).
    public var down: Down?
    /// Serve a TLS certificate the gateway must refuse. Read when the bank starts (scenario file or `ayat simulate`).
    public var tls: TLSFault?

    public init(
        unavailableForRequests: Int = 0, corruptReceiptSignature: Bool = false, corruptCallbackSignature: Bool = false,
        seed: UInt64? = nil, latency: Latency? = nil, errors: Errors? = nil, drop: Selection? = nil, reset: Selection? = nil, hang: Hang? = nil,
        reply: ReplyFault? = nil, callbacks: Callbacks? = nil, down: Down? = nil, tls: TLSFault? = nil
    ) {
        self.unavailableForRequests = unavailableForRequests
        self.corruptReceiptSignature = corruptReceiptSignature
        self.corruptCallbackSignature = corruptCallbackSignature
        self.seed = seed
        self.latency = latency
        self.errors = errors
        self.drop = drop
        self.reset = reset
        self.hang = hang
        self.reply = reply
        self.callbacks = callbacks
        self.down = down
        self.tls = tls
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unavailableForRequests = try c.decodeIfPresent(Int.self, forKey: .unavailableForRequests) ?? 0
        corruptReceiptSignature = try c.decodeIfPresent(Bool.self, forKey: .corruptReceiptSignature) ?? false
        corruptCallbackSignature = try c.decodeIfPresent(Bool.self, forKey: .corruptCallbackSignature) ?? false
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        latency = try c.decodeIfPresent(Latency.self, forKey: .latency)
        errors = try c.decodeIfPresent(Errors.self, forKey: .errors)
        drop = try c.decodeIfPresent(Selection.self, forKey: .drop)
        reset = try c.decodeIfPresent(Selection.self, forKey: .reset)
        hang = try c.decodeIfPresent(Hang.self, forKey: .hang)
        reply = try c.decodeIfPresent(ReplyFault.self, forKey: .reply)
        callbacks = try c.decodeIfPresent(Callbacks.self, forKey: .callbacks)
        down = try c.decodeIfPresent(Down.self, forKey: .down)
        tls = try c.decodeIfPresent(TLSFault.self, forKey: .tls)
        do { try validate() } catch let error as FaultError {
            // Reported as a decoding error, so the file's reader names the field.
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + error.field.split(separator: ".").map { FieldKey(String($0)) }, debugDescription: error.reason))
        }
    }

    private struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Refuses values that cannot mean anything, naming the field.
    public func validate() throws {
        func check(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw FaultError(field: field, reason: reason) }
        }
        try check(unavailableForRequests >= 0, "unavailableForRequests", "must not be negative")
        for (name, selection) in [("errors", errors?.selection), ("drop", drop), ("reset", reset), ("hang", hang?.selection), ("reply", reply?.selection)] {
            guard let selection else { continue }
            try check((selection.next ?? 0) >= 0, "\(name).next", "must not be negative")
            try check((0...1).contains(selection.rate ?? 0), "\(name).rate", "must be between 0 and 1")
        }
        if let latency {
            try check(latency.fixedMs >= 0 && latency.jitterMs >= 0, "latency", "milliseconds must not be negative")
        }
        if let errors {
            try check((400...599).contains(errors.status), "errors.status", "must be an HTTP error status (400-599)")
            try check((errors.retryAfter ?? 0) >= 0, "errors.retryAfter", "must not be negative")
        }
        if let hang { try check(hang.seconds > 0, "hang.seconds", "must be positive") }
        if let down {
            try check(down.seconds != nil || down.requests != nil, "down", "needs seconds or requests")
            try check((down.seconds ?? 0) >= 0 && (down.requests ?? 0) >= 0, "down", "must not be negative")
        }
        if let callbacks { try check((callbacks.delay ?? 0) >= 0, "callbacks.delay", "must not be negative") }
    }

    /// Which requests a fault hits: the next `next` ones, or each with probability `rate`, or (neither) all.
    public struct Selection: Sendable, Hashable, Codable {
        public var next: Int?
        public var rate: Double?
        public init(next: Int? = nil, rate: Double? = nil) {
            self.next = next
            self.rate = rate
        }
        public static let always = Selection()
        public static func next(_ count: Int) -> Selection { Selection(next: count) }
    }

    /// `fixedMs` plus a uniform jitter in `0...jitterMs`, before each answer.
    public struct Latency: Sendable, Hashable, Codable {
        public var fixedMs: Int
        public var jitterMs: Int
        public init(fixedMs: Int = 0, jitterMs: Int = 0) {
            self.fixedMs = fixedMs
            self.jitterMs = jitterMs
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fixedMs = try c.decodeIfPresent(Int.self, forKey: .fixedMs) ?? 0
            jitterMs = try c.decodeIfPresent(Int.self, forKey: .jitterMs) ?? 0
        }
    }

    /// Answer with `status` (and `Retry-After: retryAfter` seconds, if given) instead of a reply.
    public struct Errors: Sendable, Hashable, Codable {
        public var status: Int
        public var retryAfter: Int?
        public var next: Int?
        public var rate: Double?
        public init(status: Int, retryAfter: Int? = nil, next: Int? = nil, rate: Double? = nil) {
            self.status = status
            self.retryAfter = retryAfter
            self.next = next
            self.rate = rate
        }
        var selection: Selection { Selection(next: next, rate: rate) }
    }

    /// Hold the request `seconds` (or until the gateway gives up and closes the connection), then close it unanswered.
    public struct Hang: Sendable, Hashable, Codable {
        public var seconds: Double
        public var next: Int?
        public var rate: Double?
        public init(seconds: Double, next: Int? = nil, rate: Double? = nil) {
            self.seconds = seconds
            self.next = next
            self.rate = rate
        }
        var selection: Selection { Selection(next: next, rate: rate) }
    }

    /// What happens to a signed reply on its way out.
    public enum Damage: String, Sendable, Hashable, Codable, CaseIterable {
        /// One character of the signature changed.
        case brokenSignature = "broken-signature"
        /// XML: the signature element emptied to `<Signature/>`; JWS: an empty signature header.
        case emptySignature = "empty-signature"
        /// Re-serialised with indentation: same content to a reader, different bytes to the signature.
        case prettyPrinted = "pretty-printed"
        /// The body cut in half: neither XML nor JSON.
        case malformed
    }

    public struct ReplyFault: Sendable, Hashable, Codable {
        public var damage: Damage
        public var next: Int?
        public var rate: Double?
        public init(damage: Damage, next: Int? = nil, rate: Double? = nil) {
            self.damage = damage
            self.next = next
            self.rate = rate
        }
        var selection: Selection { Selection(next: next, rate: rate) }
    }

    public struct Callbacks: Sendable, Hashable, Codable {
        /// Seconds added to the execution delay before the result is sent.
        public var delay: Double?
        /// Send each result twice.
        public var duplicate: Bool?
        /// Send the result before answering the order (the receipt arrives after the result).
        public var beforeReceipt: Bool?
        /// Damage every callback this way.
        public var damage: Damage?
        public init(delay: Double? = nil, duplicate: Bool? = nil, beforeReceipt: Bool? = nil, damage: Damage? = nil) {
            self.delay = delay
            self.duplicate = duplicate
            self.beforeReceipt = beforeReceipt
            self.damage = damage
        }
    }

    /// Down for `seconds` from when the faults are set, or for the next `requests` requests.
    public struct Down: Sendable, Hashable, Codable {
        public var seconds: Double?
        public var requests: Int?
        public init(seconds: Double? = nil, requests: Int? = nil) {
            self.seconds = seconds
            self.requests = requests
        }
    }

    /// A server certificate the gateway must refuse.
    public enum TLSFault: String, Sendable, Hashable, Codable, CaseIterable {
        /// Issued by the bank's CA, but expired yesterday.
        case expired
        /// Issued by the bank's CA for another host name (not 127.0.0.1 or localhost).
        case wrongHost = "wrong-host"
        /// Issued by a CA nobody trusts.
        case untrusted
    }
}

/// A fault setting that cannot be used, naming the field.
public struct FaultError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "faults.\(field): \(reason)" }
}
