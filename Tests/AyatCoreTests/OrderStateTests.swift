import Testing
@testable import AyatCore

@Suite struct OrderStateTests {
    @Test func movesForwardOnly() {
        #expect(OrderState.accepted.canMove(to: .sent))
        #expect(OrderState.sent.canMove(to: .acknowledged))
        #expect(OrderState.accepted.canMove(to: .acknowledged))
        #expect(!OrderState.acknowledged.canMove(to: .sent))
        #expect(!OrderState.sent.canMove(to: .accepted))
    }

    @Test func terminalStatesNeverMove() {
        for terminal in [OrderState.rejected, .failed, .cancelled, .executed] {
            #expect(terminal.isTerminal)
            #expect(!terminal.canMove(to: .acknowledged))
        }
        #expect(!OrderState.acknowledged.isTerminal)
    }
}
