import AyatXML
import Foundation

extension AyatXML.XMLElement {
    /// The text of the element at a slash-separated path of local names, or a clear error.
    func requiredText(_ path: String) throws -> String {
        var node = self
        var rest = path[...]
        while !rest.isEmpty {
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let name = String(rest[..<slash])  // element names are small strings: no allocation
            guard let next = node.children.first(where: { $0.name == name }) else {
                throw DialectError(.malformed, "missing element \(path)")
            }
            node = next
            rest = slash == rest.endIndex ? "" : rest[rest.index(after: slash)...]
        }
        return node.text
    }

    func optionalText(_ path: String) -> String? {
        try? requiredText(path)
    }
}
