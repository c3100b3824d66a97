/// One thing wrong with one field of a request, named by its JSON path ("account.number").
public struct FieldProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(field): \(reason)" }
}

/// A request that cannot become an order, with every problem found.
public struct OrderValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [FieldProblem]
    public init(problems: [FieldProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
