/// Bytes ready for the wire, with the headers that travel with them.
public struct RenderedMessage: Sendable, Hashable {
    public var bytes: [UInt8]
    public var contentType: String
    /// Headers the dialect needs on the request (signature headers for JSON dialects).
    public var headers: [String: String]
    public init(bytes: [UInt8], contentType: String, headers: [String: String] = [:]) {
        self.bytes = bytes
        self.contentType = contentType
        self.headers = headers
    }
}
