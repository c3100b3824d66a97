import ArgumentParser
import Foundation
import AyatServer

struct BanksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "banks",
        abstract: "Bank profiles.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every bank profile and check keys, certificates, dialect and reachability: one line per bank.",
            discussion: "Exit status 0 when every bank checks out, 1 otherwise."
        )
        @OptionGroup var state: StateOption
        @Flag(help: "Skip the TLS connection to each bank.") var offline = false

        func run() async throws {
            let lines = await BankCheck.run(state: state.directory, reachability: !offline)
            let width = lines.map(\.bank.count).max() ?? 0
            for line in lines {
                print("\(line.ok ? "✓" : "✗") \(line.bank.padding(toLength: width, withPad: " ", startingAt: 0))  \(line.text)")
            }
            let failing = lines.filter { !$0.ok }.count
            print(failing == 0 ? "\(lines.count) bank(s) ready" : "\(failing) of \(lines.count) line(s) failed")
            if failing > 0 { throw ExitCode(1) }
        }
    }
}
