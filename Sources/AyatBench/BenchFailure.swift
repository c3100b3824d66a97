/// A run that could not go on: the gateway answered what a run cannot use, or went away.
public struct BenchFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) {
        self.description = description
    }
}
