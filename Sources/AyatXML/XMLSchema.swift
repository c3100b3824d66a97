import CLibXML2
import Foundation

/// A compiled W3C XML Schema (libxml2). Compile once, then validate from any number of tasks
/// at once: the compiled schema is only read during validation and every call creates its own
/// validation context and document.
public struct XMLSchema: Sendable {
    /// Owns the compiled schema; immutable after init, hence safe to share.
    private final class Compiled: @unchecked Sendable {
        let pointer: xmlSchemaPtr
        init(_ pointer: xmlSchemaPtr) { self.pointer = pointer }
        deinit { xmlSchemaFree(pointer) }
    }

    private let compiled: Compiled

    /// Compiles the schema (trusted input: it ships with the application).
    public init(xsd: [UInt8]) throws {
        _ = libxml2Initialized
        guard !xsd.isEmpty, xsd.count <= Int(Int32.max) else {
            throw XMLSignatureError(.schemaMalformed, "empty schema")
        }
        var problem = ayat_xml_problem()
        let schema: xmlSchemaPtr? = xsd.withUnsafeBytes { raw in
            withUnsafeMutablePointer(to: &problem) { problemPointer in
                guard
                    let parser = xmlSchemaNewMemParserCtxt(
                        raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
                else { return nil }
                defer { xmlSchemaFreeParserCtxt(parser) }
                ayat_schema_parser_capture_errors(parser, problemPointer)
                return xmlSchemaParse(parser)
            }
        }
        guard let schema else {
            throw XMLSignatureError(
                .schemaMalformed, "line \(problem.line): \(LibXML2Document.message(of: problem))")
        }
        compiled = Compiled(schema)
    }

    /// Compiles a schema file (trusted input: it ships with the application). Unlike
    /// ``init(xsd:)``, relative `xs:import`/`xs:include` locations resolve next to the file, so a
    /// schema spanning several namespaces (one file per namespace) can be compiled.
    public init(contentsOf file: URL) throws {
        _ = libxml2Initialized
        var problem = ayat_xml_problem()
        let schema: xmlSchemaPtr? = withUnsafeMutablePointer(to: &problem) { problemPointer in
            guard let parser = xmlSchemaNewParserCtxt(file.path) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            ayat_schema_parser_capture_errors(parser, problemPointer)
            return xmlSchemaParse(parser)
        }
        guard let schema else {
            throw XMLSignatureError(
                .schemaMalformed,
                "\(file.lastPathComponent) line \(problem.line): \(LibXML2Document.message(of: problem))")
        }
        compiled = Compiled(schema)
    }

    /// Validates a document (parsed with the safe parser rules).
    /// - Throws: ``XMLSignatureError`` `.schemaInvalid` whose reason names the first problem
    ///   and its line, e.g. `line 7: element 'Amount': 'abc' is not a valid value of ...`.
    /// - Parameter limits: the parser limits (size) applied before validation.
    public func validate(_ document: [UInt8], limits: XMLVerificationPolicy = .strict) throws {
        let parsed = try LibXML2Document(parsing: document, maxBytes: limits.maxDocumentBytes)
        _ = try DocumentInventory(document: parsed, limits: limits, signatureChecks: false)
        try validate(parsed: parsed)
    }

    /// Validates a tree already parsed with the safe parser rules and checked against the
    /// limits (the signer's and verifier's own), so the bytes are not parsed a second time.
    func validate(parsed: LibXML2Document) throws {
        var problem = ayat_xml_problem()
        let result: Int32 = withUnsafeMutablePointer(to: &problem) { problemPointer in
            guard let context = xmlSchemaNewValidCtxt(compiled.pointer) else { return -1 }
            defer { xmlSchemaFreeValidCtxt(context) }
            ayat_schema_capture_errors(context, problemPointer)
            return xmlSchemaValidateDoc(context, parsed.pointer)
        }
        guard result != 0 else { return }
        guard problem.count > 0 else {
            throw XMLSignatureError(.internalFailure, "schema validation could not run (code \(result))")
        }
        var message = LibXML2Document.message(of: problem)
        if message.hasPrefix("Element ") { message = "element " + message.dropFirst("Element ".count) }
        // "element '{urn:x}Amount'" → "element 'Amount'": the line already locates it.
        if message.hasPrefix("element '{"), let close = message.firstIndex(of: "}") {
            message = "element '" + message[message.index(after: close)...]
        }
        throw XMLSignatureError(.schemaInvalid, "line \(problem.line): \(message)")
    }
}

/// The document does not satisfy the XML Schema given to ``XMLSigner`` or
/// ``XMLSignatureVerifier``, which validate the very tree they parsed. Its own type, so a caller
/// can tell "not what the schema allows" from "not correctly signed" without comparing codes.
public struct XMLSchemaViolation: Error, CustomStringConvertible {
    /// What ``XMLSchema/validate(_:limits:)`` would have thrown for the same document.
    public let error: XMLSignatureError

    public init(_ error: XMLSignatureError) {
        self.error = error
    }

    public var description: String { error.description }
}
