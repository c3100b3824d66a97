/// A JSON object whose members keep their insertion order and whose names are unique.
///
/// Order matters for equality: two objects with the same members in another order serialize to
/// other bytes, and for a signed header the bytes are what counts.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public let name: String
        public var value: JSONValue
    }

    public private(set) var members: [Member] = []

    public init() {}

    /// Members in the order given; a repeated name keeps its first position and the last value.
    public init(_ members: [(String, JSONValue)]) {
        for (name, value) in members { self[name] = value }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var names: [String] { members.map(\.name) }

    /// Reading returns the member's value; writing replaces it in place, appends a new member,
    /// or (with `nil`) removes it.
    public subscript(name: String) -> JSONValue? {
        get { members.first { $0.name == name }?.value }
        set {
            let index = members.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Inserts or moves `name` to `position`, keeping the other members' order.
    public mutating func set(_ name: String, _ value: JSONValue, at position: Int) {
        members.removeAll { $0.name == name }
        members.insert(Member(name: name, value: value), at: min(max(position, 0), members.count))
    }

    /// Used by the parser, which has already refused duplicates.
    mutating func appendUnchecked(_ name: String, _ value: JSONValue) {
        members.append(Member(name: name, value: value))
    }
}

extension JSONObject {
    /// Parses a JSON object with the header parser's strict rules (no duplicate names, valid
    /// UTF-8, nothing after the value), within the given bounds.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 32, maxElements: Int = 100_000) throws -> JSONObject {
        let limits = JSONParser.Limits(maxDepth: maxDepth, maxElements: maxElements, subject: "JSON")
        guard case .object(let object) = try JSONParser.parse(bytes, limits: limits) else {
            throw JWSError(.malformed, "JSON: the value is not an object")
        }
        return object
    }

    /// Compact JSON bytes, members in the order they were set.
    public func encoded() -> [UInt8] {
        var output = [UInt8]()
        JSONEncoding.encode(self, into: &output)
        return output
    }
}
