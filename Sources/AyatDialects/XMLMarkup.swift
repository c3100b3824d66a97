import AyatCore
import Foundation

/// A small XML document written straight into UTF-8 bytes, for the messages the XML dialects
/// send: no intermediate strings per element, and text escaped as it is copied.
struct XMLMarkup {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 2048) {
        bytes.reserveCapacity(capacity)
        raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    /// Markup written as it is: names and fixed text, never values from an order.
    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }

    mutating func open(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        bytes.append(UInt8(ascii: ">"))
    }

    mutating func close(_ name: String) {
        raw("</")
        raw(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name>text</name>`, the text escaped.
    mutating func element(_ name: String, _ text: String) {
        open(name)
        escaped(text)
        close(name)
    }

    /// `<name>` and the document's xs:dateTime form of `date`.
    mutating func element(_ name: String, dateTime date: Date) {
        open(name)
        XMLDateTime.write(date, into: &bytes)
        close(name)
    }

    /// `<name Ccy="THB">15000.00</name>`
    mutating func amount(_ name: String, _ money: Money) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        raw(" Ccy=\"")
        escaped(money.currency.code)
        raw("\">")
        raw(money.decimalString)
        close(name)
    }

    /// Character data for element content and double-quoted attributes.
    mutating func escaped(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case 0x0D: raw("&#xD;")
            default: bytes.append(byte)
            }
        }
    }
}
