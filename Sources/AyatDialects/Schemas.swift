import Foundation
import AyatXML

/// The message schemas shipped in `schemas/`, compiled once per process.
public enum Schemas {
    /// The directory holding the `.xsd` files: this module's resource bundle,
    /// which the build fills from the repository's `schemas/`.
    public static var directory: URL {
        Bundle.module.resourceURL!
    }

    public static func xsd(named name: String) throws -> [UInt8] {
        let url = directory.appending(path: name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DialectError(.malformed, "schema \(name) not found at \(url.path)")
        }
        return [UInt8](data)
    }

    private static let compiledSchemas: [String: Result<XMLSchema, any Error>] = Dictionary(
        uniqueKeysWithValues: ["xml-enveloped.xsd"].map { name in (name, Result { try XMLSchema(xsd: xsd(named: name)) }) }
    )

    /// A shipped XSD, compiled once per process.
    static func compiled(_ name: String) throws -> XMLSchema {
        guard let schema = compiledSchemas[name] else { throw DialectError(.malformed, "no schema \(name) is shipped") }
        return try schema.get()
    }
}
