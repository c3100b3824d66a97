import Foundation
import AyatCore
import Yams

/// Everything Ayat needs to talk to one bank, read from one YAML file.
/// Paths are relative to the state directory.
public struct BankProfile: Sendable, Hashable, Codable {
    public struct Signing: Sendable, Hashable, Codable {
        /// The bank's message-signing certificates we pin. Nothing else verifies its messages.
        public var certificates: [String]
        public init(certificates: [String]) { self.certificates = certificates }
    }
    public struct TLS: Sendable, Hashable, Codable {
        /// CA certificates that may issue the bank's TLS server certificate.
        public var trustRoots: String
        public init(trustRoots: String) { self.trustRoots = trustRoots }
    }
    /// How the dispatcher backs off between attempts (full jitter, capped).
    public struct Retry: Sendable, Hashable, Codable {
        public var initialDelay: Double
        public var maxDelay: Double
        /// Seconds past the order's deadline that attempts go on before the order fails (default 0).
        public var pastDeadline: Double?
        public init(initialDelay: Double = 0.5, maxDelay: Double = 30, pastDeadline: Double? = nil) {
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.pastDeadline = pastDeadline
        }
    }
    /// How hard the gateway may press the bank: in-flight limit, token-bucket rate, circuit breaker.
    public struct Flow: Sendable, Hashable, Codable {
        /// Requests in flight at once (default 16).
        public var concurrency: Int?
        /// Sustained requests per second (default: unlimited) and the burst above it (default: one second's worth).
        public var ratePerSecond: Double?
        public var burst: Int?
        /// Consecutive failed attempts that open the breaker (default 5), and how long it stays open before a probe (default 5 s).
        public var breakerThreshold: Int?
        public var breakerCooldown: Double?
        public init(concurrency: Int? = nil, ratePerSecond: Double? = nil, burst: Int? = nil, breakerThreshold: Int? = nil, breakerCooldown: Double? = nil) {
            self.concurrency = concurrency
            self.ratePerSecond = ratePerSecond
            self.burst = burst
            self.breakerThreshold = breakerThreshold
            self.breakerCooldown = breakerCooldown
        }
    }
    /// How the bank tells us it carried an order out.
    public struct Acknowledgement: Sendable, Hashable, Codable {
        /// `sync` (the reply carries the result), `callback` (a signed result is
        /// POSTed to our inbound endpoint later) or `poll` (we ask `statusEndpoint`).
        public var mode: String
        /// Seconds between polls.
        public var pollInterval: Double?
        /// For `poll`: the result URL, `{messageId}` replaced by the order message's id.
        public var statusEndpoint: String?

        public init(mode: String = "sync", pollInterval: Double? = nil, statusEndpoint: String? = nil) {
            self.mode = mode
            self.pollInterval = pollInterval
            self.statusEndpoint = statusEndpoint
        }

        public static let modes = ["sync", "callback", "poll"]
    }

    public struct Timeouts: Sendable, Hashable, Codable {
        public var connect: Double
        public var request: Double
        public init(connect: Double = 5, request: Double = 15) {
            self.connect = connect
            self.request = request
        }
    }

    public var code: BankCode
    public var name: String
    public var endpoint: String
    public var dialect: DialectName
    public var signing: Signing
    public var tls: TLS
    public var ack: Acknowledgement
    public var retry: Retry
    public var timeouts: Timeouts
    public var flow: Flow

    public init(
        code: BankCode, name: String, endpoint: String, dialect: DialectName, signing: Signing, tls: TLS,
        ack: Acknowledgement = Acknowledgement(), retry: Retry = Retry(), timeouts: Timeouts = Timeouts(), flow: Flow = Flow()
    ) {
        self.code = code
        self.name = name
        self.endpoint = endpoint
        self.dialect = dialect
        self.signing = signing
        self.tls = tls
        self.ack = ack
        self.retry = retry
        self.timeouts = timeouts
        self.flow = flow
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(BankCode.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        dialect = try c.decode(DialectName.self, forKey: .dialect)
        signing = try c.decode(Signing.self, forKey: .signing)
        tls = try c.decode(TLS.self, forKey: .tls)
        ack = try c.decodeIfPresent(Acknowledgement.self, forKey: .ack) ?? Acknowledgement()
        guard Acknowledgement.modes.contains(ack.mode) else {
            throw DecodingError.dataCorruptedError(forKey: .ack, in: c, debugDescription: "ack.mode must be one of \(Acknowledgement.modes.joined(separator: ", "))")
        }
        if ack.mode == "poll", ack.statusEndpoint == nil {
            throw DecodingError.dataCorruptedError(forKey: .ack, in: c, debugDescription: "ack.statusEndpoint is required when ack.mode is poll")
        }
        retry = try c.decodeIfPresent(Retry.self, forKey: .retry) ?? Retry()
        timeouts = try c.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? Timeouts()
        flow = try c.decodeIfPresent(Flow.self, forKey: .flow) ?? Flow()
        if let concurrency = flow.concurrency, concurrency < 1 {
            throw DecodingError.dataCorruptedError(forKey: .flow, in: c, debugDescription: "flow.concurrency must be at least 1")
        }
        if let rate = flow.ratePerSecond, !(rate > 0) {
            throw DecodingError.dataCorruptedError(forKey: .flow, in: c, debugDescription: "flow.ratePerSecond must be positive")
        }
    }
}

/// The gateway's own identity and listening address, from `gateway.yaml`.
public struct GatewayConfiguration: Sendable, Hashable, Codable {
    public struct KeyPair: Sendable, Hashable, Codable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    /// How the banks know the operation centre (the `From` of our messages).
    public var centreID: String
    public var signing: KeyPair
    public var tls: KeyPair
    public var listenHost: String
    /// The case system's API (plain HTTP on a trusted network or behind a TLS proxy).
    public var listenPort: Int
    /// The banks' inbound endpoint for callbacks: mutual TLS, bank client certificates only.
    public var inboundPort: Int
    /// Whether Ayat chases onward transfers by itself when a case does not say (default: no; cases turn it on).
    public var chasing: Bool?
    /// Where the case system takes signed webhooks (Standard Webhooks).
    public var webhooks: [Webhook]?
    /// How long holds last by law, and how early the case system is warned.
    public var legalHold: LegalHold?
    /// How close to its deadline an unacknowledged order counts as at risk, in seconds (default 900).
    public var atRiskMargin: Double?

    public struct Webhook: Sendable, Hashable, Codable {
        public var url: String
        /// File (relative to the state directory) holding the `whsec_…` signing secret.
        public var secretFile: String
        public init(url: String, secretFile: String) {
            self.url = url
            self.secretFile = secretFile
        }
    }

    public struct LegalHold: Sendable, Hashable, Codable {
        /// Hours a hold lasts from the report (default 72).
        public var initialHours: Double?
        /// Hours it lasts from the report once a police complaint is recorded (default 7 days).
        public var withComplaintHours: Double?
        /// Hours before expiry the case system is warned (default 12).
        public var noticeHours: Double?
        public init(initialHours: Double? = nil, withComplaintHours: Double? = nil, noticeHours: Double? = nil) {
            self.initialHours = initialHours
            self.withComplaintHours = withComplaintHours
            self.noticeHours = noticeHours
        }

        /// When a freeze's hold lapses under this policy.
        public func expiry(of order: Order, complaintAt: Date?) -> Date {
            let hours = complaintAt == nil ? (initialHours ?? 72) : (withComplaintHours ?? 7 * 24)
            return order.reportedAt.addingTimeInterval(hours * 3600)
        }
        public var notice: TimeInterval { (noticeHours ?? 12) * 3600 }
        /// The least a hold lasts from the report, complaint or not.
        public var shortest: TimeInterval { min(initialHours ?? 72, withComplaintHours ?? 7 * 24) * 3600 }
    }

    public init(centreID: String, signing: KeyPair, tls: KeyPair, listenHost: String = "127.0.0.1", listenPort: Int = 8080, inboundPort: Int = 8443) {
        self.centreID = centreID
        self.signing = signing
        self.tls = tls
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.inboundPort = inboundPort
    }
}

/// A configuration file that cannot be used: which file, which field, why.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let field: String?
    public let reason: String
    public init(file: String, field: String?, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(file)\(field.map { ": field \($0)" } ?? ""): \(reason)" }
}

/// Reads and writes the YAML configuration files of a state directory.
public enum YAMLFile {
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConfigurationError(file: url.path, field: nil, reason: "cannot read file")
        }
        do {
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError(file: url.path, field: path(context.codingPath + [key]), reason: "is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            throw ConfigurationError(file: url.path, field: path(context.codingPath), reason: context.debugDescription)
        } catch {
            throw ConfigurationError(file: url.path, field: nil, reason: "\(error)")
        }
    }

    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try YAMLEncoder().encode(value).write(to: url, atomically: true, encoding: .utf8)
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
