/// Column-aligned text for the terminal. Widths count what a terminal shows:
/// Thai vowel and tone marks combine with the letter before them and take no column.
enum TextTable {
    static func lines(_ header: [String], _ rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? displayWidth($0[column]) : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in cell + String(repeating: " ", count: max(width - displayWidth(cell), 0)) }
                .joined(separator: "  ")
        }
        return [line(header), line(widths.map { String(repeating: "─", count: $0) })] + rows.map(line)
    }

    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.filter { scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: false
            default: true
            }
        }.count
    }
}

func printTable(_ header: [String], _ rows: [[String]]) {
    for line in TextTable.lines(header, rows) { print(line) }
}
