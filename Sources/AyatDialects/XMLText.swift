import AyatXML

/// Building and reading the small XML documents of the XML dialects.
enum XMLText {
    /// Escapes character data for element content and double-quoted attributes.
    static func escape(_ text: String) -> String {
        // Most values (ids, codes, amounts, dates) need no escaping: return them as they are.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x0D })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `<Name>escaped text</Name>`
    static func element(_ name: String, _ text: String) -> String {
        "<\(name)>\(escape(text))</\(name)>"
    }
}

extension AyatXML.XMLElement {
    /// The text of the element at a slash-separated path of local names, or a clear error.
    func requiredText(_ path: String) throws -> String {
        var node = self
        for name in path.split(separator: "/") {
            guard let next = node.child(String(name)) else {
                throw DialectError(.malformed, "missing element \(path)")
            }
            node = next
        }
        return node.text
    }

    func optionalText(_ path: String) -> String? {
        try? requiredText(path)
    }
}
