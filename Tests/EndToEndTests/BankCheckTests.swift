import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatSandbox
import AyatServer

@Suite struct BankCheckTests {
    @Test func aGoodSetOfProfilesChecksOutAndEveryBankIsReachable() async throws {
        try await withDeployment { deployment in
            let lines = await BankCheck.run(state: deployment.state)
            #expect(lines.count == 4)
            #expect(lines.allSatisfy { $0.ok }, "\(lines.map(\.text))")
            #expect(lines.allSatisfy { $0.text.contains("reachable over mTLS") })
        }
    }

    @Test func brokenProfilesAreNamedByFileFieldAndReason() async throws {
        let state = temporaryState()
        try await withDeployment(state: state) { _ in }
        let pki = state.pki

        // 014: its pinned signing certificate has expired.
        let old = state.url.appending(path: "old-pki")
        let expired = try DevPKI.generate(in: old, banks: ["014"], now: Date().addingTimeInterval(-3 * 365 * 86400))
        try FileManager.default.copyItem(at: expired.bank("014").signing.certificate, to: state.url.appending(path: "expired.pem"))
        try replace(in: state.banksDirectory.appending(path: "014.yaml"), "pki/banks/014/signing.pem", with: "expired.pem")
        // 006: its pinned certificate file is missing.
        try replace(in: state.banksDirectory.appending(path: "006.yaml"), "pki/banks/006/signing.pem", with: "pki/banks/006/missing.pem")
        // 004: a profile without an endpoint.
        try replace(in: state.banksDirectory.appending(path: "004.yaml"), "endpoint:", with: "endpont:")

        let lines = await BankCheck.run(state: state, reachability: false)
        func line(_ file: String) -> BankCheck.Line? { lines.first { $0.file == "banks/\(file)" } }
        #expect(line("014.yaml")?.ok == false)
        #expect(line("014.yaml")?.text.contains("signing.certificates[0]") == true)
        #expect(line("014.yaml")?.text.contains("expired") == true)
        #expect(line("006.yaml")?.text.contains("signing.certificates[0]") == true)
        #expect(line("006.yaml")?.text.contains("not found") == true)
        #expect(line("004.yaml")?.text.contains("endpoint") == true)
        #expect(line("025.yaml")?.ok == true)

        // The gateway's signing key no longer matches its certificate: every line says so.
        try FileManager.default.removeItem(at: pki.gatewaySigning.privateKey)
        try FileManager.default.copyItem(at: old.appending(path: "gateway-signing.key.pem"), to: pki.gatewaySigning.privateKey)
        let mismatched = await BankCheck.run(state: state, reachability: false)
        #expect(mismatched.contains { !$0.ok && $0.text.contains("does not match certificate") })
    }

    func replace(in file: URL, _ old: String, with new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }
}
