/// A JWS protected header: an ordered JSON object, so a signer decides the exact bytes that get
/// signed (members in insertion order, compact, `/` unescaped) and a verifier can read back what
/// was received without a dictionary losing order or duplicates.
public struct JOSEHeader: Sendable, Hashable {
    public var object: JSONObject

    public init() {
        object = JSONObject()
    }

    public init(_ object: JSONObject) {
        self.object = object
    }

    /// Members in the order written, e.g. `JOSEHeader(["kid": "bank-a-2026", "iat": 1767225600])`.
    public init(_ members: KeyValuePairs<String, JSONValue>) {
        object = JSONObject(members.map { ($0.key, $0.value) })
    }

    public subscript(name: String) -> JSONValue? {
        get { object[name] }
        set { object[name] = newValue }
    }

    public var members: [JSONObject.Member] { object.members }
    public var names: [String] { object.names }

    /// Limits for parsing an untrusted header.
    public struct ParseLimits: Sendable, Hashable {
        public var maxBytes: Int
        public var maxDepth: Int
        public var maxValues: Int

        public init(maxBytes: Int = 8192, maxDepth: Int = 8, maxValues: Int = 256) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxValues = maxValues
        }
    }

    /// Parses header JSON strictly: must be an object; duplicate names anywhere are refused.
    public static func parse(_ bytes: some Collection<UInt8>, limits: ParseLimits = ParseLimits()) throws -> JOSEHeader {
        guard bytes.count <= limits.maxBytes else {
            throw JWSError(.limitExceeded, "protected header is \(bytes.count) bytes, limit \(limits.maxBytes)")
        }
        let value = try JSONParser.parse(
            Array(bytes), limits: .init(maxDepth: limits.maxDepth, maxElements: limits.maxValues))
        guard case .object(let object) = value else {
            throw JWSError(.malformed, "protected header is not a JSON object")
        }
        return JOSEHeader(object)
    }

    /// The compact JSON bytes of this header.
    public func encoded() -> [UInt8] { object.encoded() }
}

extension JOSEHeader {
    /// `alg`, when it is a string.
    public var algorithm: JWSAlgorithm? {
        self["alg"]?.stringValue.map(JWSAlgorithm.init(name:))
    }

    /// `kid`, when it is a string.
    public var keyID: String? {
        self["kid"]?.stringValue
    }
}
