/// A port that a server will report once it is listening (or an error if it never does).
public actor PortPromise {
    public init() {}
    private var result: Result<Int, any Error>?
    private var waiters: [CheckedContinuation<Int, any Error>] = []

    public func fulfil(_ port: Int) { settle(.success(port)) }
    public func fail(_ error: any Error) { settle(.failure(error)) }

    private func settle(_ result: Result<Int, any Error>) {
        guard self.result == nil else { return }
        self.result = result
        for waiter in waiters { waiter.resume(with: result) }
        waiters = []
    }

    public var value: Int {
        get async throws {
            if let result { return try result.get() }
            return try await withCheckedThrowingContinuation { waiters.append($0) }
        }
    }
}

struct ServerStoppedBeforeListening: Error, CustomStringConvertible {
    var description: String { "a server stopped before it was listening" }
}
