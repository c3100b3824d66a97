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

    private static let compiledXMLEnveloped = Result { try XMLSchema(xsd: xsd(named: "xml-enveloped.xsd")) }

    static func xmlEnveloped() throws -> XMLSchema { try compiledXMLEnveloped.get() }
}
