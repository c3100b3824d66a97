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
        public init(initialDelay: Double = 0.5, maxDelay: Double = 30) {
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
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

    public init(
        code: BankCode, name: String, endpoint: String, dialect: DialectName, signing: Signing, tls: TLS,
        ack: Acknowledgement = Acknowledgement(), retry: Retry = Retry(), timeouts: Timeouts = Timeouts()
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
