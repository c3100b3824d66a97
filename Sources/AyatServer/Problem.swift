import Foundation
import Hummingbird

/// An RFC 9457 problem: what went wrong, for people (`detail`) and for code
/// (`type`, `field`, `errors`), sent as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Sendable, Codable {
    public struct FieldError: Sendable, Codable, Hashable {
        public var field: String
        public var reason: String
    }

    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String
    /// The first offending field, when one field is to blame.
    public var field: String?
    public var errors: [FieldError]?

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public init(type slug: String, title: String, status: Int, detail: String, field: String? = nil, errors: [FieldError]? = nil) {
        self.type = "urn:ayat:problem:\(slug)"
        self.title = title
        self.statusCode = status
        self.detail = detail
        self.field = field
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, field, errors
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

extension Problem {
    static func malformedJSON(_ detail: String) -> Problem {
        Problem(type: "malformed-json", title: "Request body is not valid JSON", status: 400, detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(type: "not-found", title: "Not found", status: 404, detail: detail)
    }
}

/// Turns every error that escapes a handler into problem+json, so no client
/// ever sees a bare status or a stack of framework text.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as any HTTPResponseError {
            let status = error.status
            throw Problem(
                type: status == .notFound ? "not-found" : "http-\(status.code)", title: status.reasonPhrase,
                status: status.code, detail: "\(request.method) \(request.uri.path): \(status.reasonPhrase)"
            )
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            throw Problem(type: "internal", title: "Internal error", status: 500, detail: "the gateway could not complete the request; nothing was stored")
        }
    }
}
